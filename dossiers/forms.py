from django import forms
from django.core.exceptions import ValidationError

from incidents.forms.base import PastDateField

from .models import Dossier
from .rules import COVER_CHOICES, dossier_options


class DossierForm(forms.Form):
    audience = forms.ChoiceField(label="Who is it for?", choices=Dossier.Audience.choices, initial="police")
    date_from = PastDateField("From (optional)")
    date_to = PastDateField("To (optional)")
    photos = forms.ChoiceField(
        label="Photos and screenshots",
        choices=[("inline", "Print them in the dossier"), ("listed", "List them only")],
        initial="inline",
        widget=forms.RadioSelect,
    )
    redact = forms.BooleanField(
        label="Show the children's names as initials",
        required=False,
        initial=True,
        help_text="Uses the names and initials in the case settings.",
    )
    # What the cover shows (rules.COVER_DEFAULTS: all three, for every audience).
    cover_subject = forms.BooleanField(
        label="Show who the record is about on the cover",
        required=False,
        initial=True,
        help_text="The name in the case settings.",
    )
    cover_contact = forms.BooleanField(label="Show how to contact them on the cover", required=False, initial=True)
    cover_references = forms.BooleanField(
        label="Show the police crime reference and social services case number on the cover",
        required=False,
        initial=True,
    )

    def clean(self):
        cleaned = super().clean()
        fields = ("audience", "date_from", "date_to", "photos", "redact", *COVER_CHOICES)
        try:
            self._options = dossier_options(**{name: cleaned.get(name) for name in fields})
        except ValidationError as error:
            self.add_error(None, error)  # beside the field it names (date_to)
        return cleaned

    def options(self) -> dict:
        """The dossier's options (rules.dossier_options), once the form is valid."""
        return self._options


class VerifyForm(forms.Form):
    code = forms.CharField(label="Verification code", max_length=20, help_text="Printed on the dossier's cover.")

    def clean_code(self) -> str:
        raw = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw
