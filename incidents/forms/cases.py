"""Forms for a case itself: its name, exhibit letters, time zone and who it is about, and its children."""

from django import forms

from accounts.forms import TIME_ZONE_CHOICES

from ..models import Case
from ..rules import exhibit_prefix_problem


class CaseForm(forms.Form):
    title = forms.CharField(
        label="Name this case",
        max_length=120,
        help_text="Only you and the people you share it with see this. For example: Reports about our family.",
    )
    exhibit_prefix = forms.CharField(
        label="Exhibit letters",
        max_length=6,
        required=False,
        help_text="Usually your initials. Your exhibits will be marked like AJ/1, AJ/2.",
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=TIME_ZONE_CHOICES, initial="Europe/London")
    nation = forms.ChoiceField(
        label="Where do you live?",
        choices=Case.Nation.choices,
        initial=Case.Nation.ENGLAND,
        help_text="The law and the agencies differ across the UK. The offence checklist uses this.",
    )
    subject_name = forms.CharField(
        label="Who is this record about? (optional)",
        max_length=150,
        required=False,
        help_text="Usually your name, or your family's. A dossier's cover can show it.",
    )
    subject_contact = forms.CharField(
        label="How to contact them (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A phone number, email or address for the police or social services. A dossier's cover can show it.",
    )

    def clean_exhibit_prefix(self) -> str:
        value = self.cleaned_data["exhibit_prefix"]
        problem = exhibit_prefix_problem(value) if value else None
        if problem:
            raise forms.ValidationError(problem)
        return value


class ChildForm(forms.Form):
    name = forms.CharField(label="Child's name", max_length=120)
    initials = forms.RegexField(
        label="Initials",
        regex=r"^[A-Za-z]{1,6}$",
        required=False,
        help_text="Used in place of the name when you hide names in a dossier.",
        error_messages={"invalid": "Use letters only, for example EJ."},
    )
