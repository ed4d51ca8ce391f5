"""The form for an agency reference number."""

from django import forms

from ..models import AgencyReference, Case, Incident, Party
from ..rules import reference_dates_problem
from .base import CaseScopedForm, PastDateField


class ReferenceForm(CaseScopedForm):
    kind = forms.ChoiceField(label="What kind of reference?", choices=AgencyReference.Kind.choices)
    number = forms.CharField(label="Reference number", max_length=100)
    agency = forms.ModelChoiceField(
        label="Agency (optional)",
        queryset=Party.objects.none(),
        required=False,
        help_text="Add the agency under People and organisations first if it is not listed.",
    )
    officer = forms.CharField(label="Officer or social worker (optional)", max_length=200, required=False)
    opened_on = PastDateField("Opened on (optional)")
    closed_on = PastDateField("Closed on (optional)")
    status = forms.ChoiceField(label="Status", choices=AgencyReference.Status.choices)
    outcome = forms.CharField(
        label="Outcome (optional)", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    incidents = forms.ModelMultipleChoiceField(
        label="Incidents it covers",
        queryset=Incident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["agency"].queryset = Party.objects.filter(case=case).order_by("kind", "name")
        self.fields["incidents"].queryset = Incident.objects.filter(case=case).order_by("occurred_at")

    def clean(self):
        cleaned = super().clean()
        problem = reference_dates_problem(cleaned.get("opened_on"), cleaned.get("closed_on"))
        if problem:
            self.add_error("closed_on", problem)
        return cleaned
