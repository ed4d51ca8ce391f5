"""The form for asking the server to capture a web page. Whether the address may be fetched is the guard's
rule (capture/guard.py), applied by the service: the form only collects what was typed."""

from django import forms

from incidents.models import Incident

from .services import RECHECK_DAYS

RECHECK_CHOICES = [("", "No, just once"), *((str(d), f"Yes, every day for {d} days") for d in RECHECK_DAYS)]


class CaptureForm(forms.Form):
    url = forms.CharField(
        label="Address of the page",
        help_text="Copy it from the address bar, starting with https://. Public pages only: the server cannot "
        "see pages you need to log in to.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url", "spellcheck": "false"}),
        max_length=4000,
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="What this page is, or why it matters.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    incident = forms.ModelChoiceField(
        label="Incident it belongs to (optional)",
        queryset=Incident.objects.none(),
        required=False,
        empty_label="None",
    )
    recheck_days = forms.TypedChoiceField(
        label="Check it again every day?",
        help_text="Each check is kept: the history shows if the page changed or was taken down.",
        choices=RECHECK_CHOICES,
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = Incident.objects.filter(case=case).order_by("-occurred_at")
