"""Browser forms. They parse and explain; the services decide and write."""

import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone

from accounts.forms import TIME_ZONE_CHOICES

from .models import AgencyReference, Case, Evidence, Incident, Party, occurred_at_problem, validate_past_date


class CaseForm(forms.Form):
    title = forms.CharField(
        label="Name this case",
        max_length=120,
        help_text="Only you and the people you share it with see this. For example: Reports about our family.",
    )
    exhibit_prefix = forms.RegexField(
        label="Exhibit letters",
        regex=r"^[A-Za-z]{1,6}$",
        max_length=6,
        required=False,
        help_text="Usually your initials. Your exhibits will be marked like AJ/1, AJ/2.",
        error_messages={"invalid": "Use 1 to 6 letters, for example AJ."},
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=TIME_ZONE_CHOICES, initial="Europe/London")


class ChildForm(forms.Form):
    name = forms.CharField(label="Child's name", max_length=120)
    initials = forms.RegexField(
        label="Initials",
        regex=r"^[A-Za-z]{1,6}$",
        required=False,
        help_text="Used in place of the name when you hide names in a dossier.",
        error_messages={"invalid": "Use letters only, for example EJ."},
    )


class CaseScopedForm(forms.Form):
    """A form whose choices come from one case only: a party or reference of another case is not a valid choice."""

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)


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
        self.fields["parties"].queryset = Party.objects.filter(case=case).order_by("kind", "name")
        self.fields["references"].queryset = AgencyReference.objects.filter(case=case).order_by("kind", "number")
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = _local_now(case.zone)

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
        if not text:
            raise forms.ValidationError("Say what happened, even in a few words.")
        return text

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
        }


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label="Who are they?", choices=Party.Kind.choices)
    name = forms.CharField(label="Name", max_length=200, help_text="A person's name, a username, or an organisation.")
    handles = forms.CharField(
        label="Online usernames (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    aliases = forms.CharField(
        label="Other names they use (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    contact = forms.CharField(
        label="Contact details (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label="Notes (optional)", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


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
    opened_on = forms.DateField(
        label="Opened on (optional)",
        required=False,
        validators=[validate_past_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    closed_on = forms.DateField(
        label="Closed on (optional)",
        required=False,
        validators=[validate_past_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
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
        opened, closed = cleaned.get("opened_on"), cleaned.get("closed_on")
        if opened and closed and closed < opened:
            self.add_error("closed_on", "It cannot close before it opened.")
        return cleaned


class TimelineFilterForm(CaseScopedForm):
    q = forms.CharField(label="Search", max_length=200, required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *Incident.Kind.choices])
    party = forms.ModelChoiceField(
        label="Person or organisation", queryset=Party.objects.none(), required=False, empty_label="Anyone"
    )
    tag = forms.ChoiceField(label="Tag", required=False)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(case=case).order_by("name")
        self.fields["tag"].choices = [("", "Any tag")] + [(t.name, t.name) for t in case.tags.all()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EvidenceForm(CaseScopedForm):
    files = MultipleFileField(
        label="Files",
        required=False,
        help_text="Photos, screenshots, letters, emails (.eml), audio or video. You can choose several.",
    )
    kind = forms.ChoiceField(label="What is it?", choices=Evidence.Kind.choices)
    description = forms.CharField(
        label="Describe it",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: Screenshot of the post on the forum, taken on my phone.",
        error_messages={"required": "Say in a few words what this is."},
    )
    source_url = forms.URLField(
        label="Link to where it was (optional)",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="If the post has been deleted, the link is still worth keeping.",
        error_messages={"invalid": "Enter a full web address, for example https://example.com/post/1."},
    )
    obtained_at = forms.DateField(
        label="When did you get it? (optional)",
        required=False,
        validators=[validate_past_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    obtained_from = forms.CharField(
        label="Who gave it to you? (optional)",
        max_length=300,
        required=False,
        help_text="For example: I took it myself, or: Sent to me by a friend.",
    )
    incidents = forms.ModelMultipleChoiceField(
        label="Which incidents does it support?",
        queryset=Incident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["incidents"].queryset = Incident.objects.filter(case=case).order_by("-occurred_at")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("files") and not cleaned.get("source_url") and "files" not in self.errors:
            self.add_error("files", "Choose a file, or give the link where it was.")
        return cleaned


class EvidenceEditForm(EvidenceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["files"]
        del self.fields["kind"]

    def clean(self):
        return forms.Form.clean(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="It stays in the record, marked as withdrawn, with your reason.",
    )
