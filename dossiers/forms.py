from django import forms

from incidents.models import validate_past_date

from .models import Dossier


class DossierForm(forms.Form):
    audience = forms.ChoiceField(label="Who is it for?", choices=Dossier.Audience.choices, initial="police")
    date_from = forms.DateField(
        label="From (optional)",
        required=False,
        validators=[validate_past_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label="To (optional)",
        required=False,
        validators=[validate_past_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
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

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def options(self) -> dict:
        data = self.cleaned_data
        return {
            "audience": data["audience"],
            "date_from": data["date_from"].isoformat() if data["date_from"] else None,
            "date_to": data["date_to"].isoformat() if data["date_to"] else None,
            "photos": data["photos"],
            "redact": data["redact"],
        }


class VerifyForm(forms.Form):
    code = forms.CharField(label="Verification code", max_length=20, help_text="Printed on the dossier's cover.")

    def clean_code(self) -> str:
        raw = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw
