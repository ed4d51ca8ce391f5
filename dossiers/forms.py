from django import forms
from django.core.exceptions import ValidationError

from incidents.forms.base import PastDateField

from .models import Dossier
from .rules import COVER_CHOICES, SECTION_CHOICES, dossier_options, statement_options


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
    # Police dossiers only (rules.POLICE_ONLY): ticked for any other audience, the form says why it cannot be.
    include_statement = forms.BooleanField(
        label="Include my draft witness statement (police dossiers only)",
        required=False,
        help_text="Its numbered paragraphs, as the statement page shows them, without your address or phone number.",
        widget=forms.CheckboxInput(attrs={"data-police-only": ""}),
    )
    include_checklist = forms.BooleanField(
        label="Include the offence checklist (police dossiers only)",
        required=False,
        help_text="For each person you suspect. A dossier for social services never includes it.",
        widget=forms.CheckboxInput(attrs={"data-police-only": ""}),
    )

    def clean(self):
        cleaned = super().clean()
        fields = ("audience", "date_from", "date_to", "photos", "redact", *COVER_CHOICES, *SECTION_CHOICES)
        try:
            self._options = dossier_options(**{name: cleaned.get(name) for name in fields})
        except ValidationError as error:
            self.add_error(None, error)  # beside the field it names (date_to)
        return cleaned

    def options(self) -> dict:
        """The dossier's options (rules.dossier_options), once the form is valid."""
        return self._options


class StatementDocumentForm(forms.Form):
    """Make a statement draft into its PDF and Word document (the statement page's button posts here)."""

    include_contact = forms.BooleanField(
        label="Print my address and phone number on a separate page for the police (not for disclosure)",
        required=False,
    )
    dated = forms.DateField(
        label="Date to print beside the signatures (optional)",
        required=False,
        help_text="Leave it empty to write the date by hand when you sign.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def options(self) -> dict:
        """The statement row's options (rules.statement_options), once the form is valid."""
        return statement_options(include_contact=self.cleaned_data["include_contact"], dated=self.cleaned_data["dated"])


class VerifyForm(forms.Form):
    code = forms.CharField(label="Verification code", max_length=20, help_text="Printed on the dossier's cover.")

    def clean_code(self) -> str:
        raw = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw
