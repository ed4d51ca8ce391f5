"""Forms for incidents: logging, changing and withdrawing one, and the timeline's filters."""

import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone

from ..models import AgencyReference, Case, Incident, Party
from ..rules import PARTY_ROLE_LABELS, date_range_problem, narrative_problem, occurred_at_problem
from .base import CaseScopedForm

ROLE_FIELD_PREFIX = "role_"  # one role select per party of the case: role_<party id>
USUAL_ROLE = ("", "The usual for this kind of incident")


def _local_now(zone: zoneinfo.ZoneInfo) -> str:
    return timezone.localtime(timezone.now(), zone).strftime("%Y-%m-%dT%H:%M")


class IncidentForm(CaseScopedForm):
    kind = forms.ChoiceField(label="What kind of thing happened?", choices=Incident.Kind.choices)
    occurred_at = forms.DateTimeField(
        label="When?",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
        help_text="If you are not sure, give your best guess and say how sure you are below.",
    )
    occurred_precision = forms.ChoiceField(
        label="How sure are you of the time?", choices=Incident.Precision.choices, initial="exact"
    )
    narrative = forms.CharField(
        label="What happened?",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what happened, even in a few words."},
    )
    title = forms.CharField(label="Short title (optional)", max_length=200, required=False)
    impact = forms.CharField(
        label="How did it affect your family? (optional)",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    platform = forms.CharField(label="Where? Website, app or place (optional)", max_length=100, required=False)
    url = forms.URLField(
        label="Link (optional)",
        max_length=2000,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, for example https://example.com/post/1."},
    )
    new_suspect = forms.CharField(
        label="Who do you think did it? (optional)",
        max_length=200,
        required=False,
        help_text="A name or online username. It is added to your list of people.",
    )
    parties = forms.ModelMultipleChoiceField(
        label="People and organisations involved",
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    references = forms.ModelMultipleChoiceField(
        label="Reference numbers this belongs to",
        queryset=AgencyReference.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label="Tags (optional)", max_length=400, required=False, help_text="Words to group by, separated by commas."
    )
    outcome = forms.CharField(
        label="What came of it? (optional)", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        parties = list(Party.objects.filter(case=case).order_by("kind", "name"))
        self.fields["parties"].queryset = Party.objects.filter(case=case).order_by("kind", "name")
        self.fields["references"].queryset = AgencyReference.objects.filter(case=case).order_by("kind", "number")
        # Each party's part in this incident, beside its tick box; left on "the usual", the part follows
        # from the kind of incident and of party (rules.party_role_default).
        self.role_field_names = []
        for party in parties:
            name = f"{ROLE_FIELD_PREFIX}{party.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{party.name}: their part",
                choices=[USUAL_ROLE, *PARTY_ROLE_LABELS.items()],
                required=False,
            )
            self.role_field_names.append(name)
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = _local_now(case.zone)

    @property
    def party_rows(self) -> list[dict]:
        """Each party of the case as the form shows it: its tick box, its kind and the select of its part."""
        roles = {int(name.removeprefix(ROLE_FIELD_PREFIX)): self[name] for name in self.role_field_names}
        rows = []
        for box in self["parties"]:
            party = box.data["value"].instance
            rows.append({"box": box, "kind": party.get_kind_display(), "role": roles.get(party.pk)})
        return rows

    def clean_occurred_at(self) -> dt.datetime:
        value = self.cleaned_data["occurred_at"]
        # The browser sends wall-clock time; read it in the case's zone, not the server's.
        value = timezone.make_aware(value.replace(tzinfo=None), self.case.zone)
        problem = occurred_at_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_narrative(self) -> str:
        text = self.cleaned_data["narrative"].strip()
        problem = narrative_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return text

    def clean(self) -> dict:
        data = super().clean()
        roles = {int(name.removeprefix(ROLE_FIELD_PREFIX)): data.pop(name, "") for name in self.role_field_names}
        chosen = {party.pk for party in data.get("parties") or ()}
        data["party_roles"] = {pk: role for pk, role in roles.items() if pk in chosen and role}
        return data

    def clean_tags(self) -> list[str]:
        names = [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]
        if any(len(n) > 40 for n in names):
            raise forms.ValidationError("Keep each tag under 40 characters.")
        return names

    @classmethod
    def initial_for(cls, incident: Incident) -> dict:
        return {
            "kind": incident.kind,
            "occurred_at": timezone.localtime(incident.occurred_at, incident.case.zone).strftime("%Y-%m-%dT%H:%M"),
            "occurred_precision": incident.occurred_precision,
            "narrative": incident.narrative,
            "title": incident.title,
            "impact": incident.impact,
            "platform": incident.platform,
            "url": incident.url,
            "outcome": incident.outcome,
            "parties": [link.party_id for link in incident.party_links.all()],
            "references": [ref.pk for ref in incident.references.all()],
            "tags": ", ".join(tag.name for tag in incident.tags.all()),
            **{f"{ROLE_FIELD_PREFIX}{link.party_id}": link.role for link in incident.party_links.all()},
        }

    @classmethod
    def history_labels(cls) -> dict[str, str]:
        """The form's questions, without "(optional)", to label each field of a version in the history."""
        return {name: str(field.label).removesuffix(" (optional)") for name, field in cls.base_fields.items()}


class IncidentEditForm(IncidentForm):
    """The incident form when a record is changed: it also asks, optionally, why."""

    reason = forms.CharField(
        label="Why are you changing this? (optional)",
        max_length=300,
        required=False,
        help_text="A few words, for example: I found the letter with the exact date. It is kept with the history.",
    )


class TimelineFilterForm(CaseScopedForm):
    q = forms.CharField(label="Search", max_length=200, required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *Incident.Kind.choices])
    party = forms.ModelChoiceField(
        label="Person or organisation", queryset=Party.objects.none(), required=False, empty_label="Anyone"
    )
    tag = forms.ChoiceField(label="Tag", required=False)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    include_withdrawn = forms.BooleanField(label="Show withdrawn incidents too", required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(case=case).order_by("name")
        self.fields["tag"].choices = [("", "Any tag")] + [(t.name, t.name) for t in case.tags.all()]

    def clean(self):
        cleaned = super().clean()
        problem = date_range_problem(cleaned.get("date_from"), cleaned.get("date_to"))
        if problem:
            self.add_error("date_from", problem)
        return cleaned


class IncidentWithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: I logged this twice. It is never deleted: it stays in the history, "
        "marked as withdrawn, with your reason.",
        error_messages={"required": "Say why, in a few words."},
    )
