"""Reads of a case's audit trail: the activity log, and when each incident was logged and changed.

The activity log is read in words: each row says what was done and to what ("added exhibit SW/3:
screenshot of the thread"), the target's words read now, for a whole page at once, in one scoped query
per kind of target on the page (incidents, exhibits, notes, references, people, dossiers), never one per
row. A person's looks at one page on one day are folded into one row, in SQL, so that a page of the log
is a page of rows and a day's looks are never split across two pages.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Count, F, Max, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncDate

from audit.actions import Action, describe, describe_views, group_actions
from audit.models import AuditEvent, case_chain

from ..models import AgencyReference, Case, Evidence, EvidenceNote, Incident, Membership, Party


def activity(case: Case) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(case_id=case.pk).order_by("-sequence")


def actor_names(case: Case) -> dict[int, str]:
    """Everyone who has been a member, revoked members included, by name: one query, however many events."""
    return {m.user_id: m.user.full_name for m in Membership.objects.filter(case=case).select_related("user")}


def incident_record_events(case: Case, incident_ids: list[int]) -> QuerySet[AuditEvent]:
    """The events that logged or changed these incidents of the case, in the order they were written."""
    return AuditEvent.objects.filter(
        chain=case_chain(case.pk), action__in=[Action.INCIDENT_LOG, Action.INCIDENT_EDIT], target_id__in=incident_ids
    ).order_by("sequence")


# The activity log in words ---------------------------------------------------------------------------

# Who a dossier was made for, as its request recorded it (dossiers.models.Dossier.Audience; the case file
# may not import the dossiers app, and tests/incidents/test_activity.py checks every audience is here).
DOSSIER_AUDIENCES = {
    "police": "for the police",
    "social_services": "for social services",
    "own_record": "for your own record",
}
EXHIBIT_WORDS = 60  # characters of an exhibit's description shown beside its mark


@dataclass(frozen=True)
class ActivityFilters:
    actor: int | None = None  # a user id: what this person did
    group: str = ""  # a key of audit.actions.GROUPS

    @property
    def active(self) -> bool:
        return self.actor is not None or bool(self.group)


@dataclass
class People:
    """Everyone who has been a member of the case (revoked members too), read once per page."""

    by_user: dict[int, str] = field(default_factory=dict)
    by_membership: dict[int, str] = field(default_factory=dict)
    choices: list[tuple[int, str]] = field(default_factory=list)  # (user id, name) for the filter

    def who(self, event: AuditEvent) -> str:
        """The member's name, else the email recorded at the time, else "system"."""
        return self.by_user.get(event.actor_id) or event.actor_label or "system"


@dataclass(frozen=True)
class Row:
    at: dt.datetime  # when (the latest look, for folded looks)
    who: str
    what: str  # the words
    target: str  # what it was done to, in words ("" if nothing in particular)
    action: str  # the raw code, for an auditor
    times: int = 1


def people(case: Case) -> People:
    """One query: every membership of the case with its user."""
    found = People()
    active: dict[int, bool] = {}
    for m in Membership.objects.filter(case=case).select_related("user").order_by("user__full_name", "pk"):
        name = m.user.full_name or m.user.email
        found.by_membership[m.pk] = name
        found.by_user[m.user_id] = name
        active[m.user_id] = active.get(m.user_id, False) or m.revoked_at is None
    found.choices = [
        (user_id, name if active[user_id] else f"{name} (no longer on the case)")
        for user_id, name in found.by_user.items()
    ]
    return found


def events(case: Case, filters: ActivityFilters = ActivityFilters()) -> QuerySet[AuditEvent]:
    """The case's events that the filters let through, newest first, one by one (the CSV export)."""
    found = AuditEvent.objects.filter(case_id=case.pk)
    if filters.actor is not None:
        found = found.filter(actor_id=filters.actor)
    if filters.group:
        found = found.filter(action__in=group_actions(filters.group))
    return found.order_by("-sequence")


def folded(case: Case, filters: ActivityFilters = ActivityFilters()) -> QuerySet:
    """The log's rows, newest first, for a paginator: every event is a row, except that one person's
    looks at one page (of one incident, one person...) on one day, in the case's zone, are one row.

    Each row is {"latest": the sequence of its newest event, "times": how many events it folds}."""
    solo = SqlCase(When(action=Action.VIEW, then=Value(0)), default=F("sequence"), output_field=BigIntegerField())
    return (
        events(case, filters)
        .annotate(
            solo=solo,
            day=TruncDate("occurred_at", tzinfo=case.zone),
            page=KeyTextTransform("page", "details"),
        )
        .values("solo", "actor_id", "day", "page", "target_type", "target_id")
        .annotate(latest=Max("sequence"), times=Count("pk"))
        .order_by("-latest")
    )


def folded_rows(case: Case, page: Iterable[dict], names: People) -> list[Row]:
    """A page of folded() rows in words: its newest events in one query, and their targets."""
    page = list(page)
    times = {row["latest"]: row["times"] for row in page}
    newest = AuditEvent.objects.filter(case_id=case.pk, sequence__in=list(times)).order_by("-sequence")
    return event_rows(case, list(newest), names, times=times)


def event_rows(case: Case, page: list[AuditEvent], names: People, times: dict[int, int] | None = None) -> list[Row]:
    targets = _Targets(case, page, names)
    rows = []
    for event in page:
        count = (times or {}).get(event.sequence, 1)
        target = targets.text(event)
        if event.action == Action.VIEW and times is not None:
            what = describe_views((event.details or {}).get("page"), count, target)
        else:
            what = describe(event.action, event.details, target)
        rows.append(Row(event.occurred_at, names.who(event), what, target or "", event.action, count))
    return rows


def export_rows(case: Case, filters: ActivityFilters, names: People, chunk: int = 500) -> Iterator[Row]:
    """Every event the filters let through, newest first, in words: read `chunk` events at a time."""
    below = None
    while True:
        found = events(case, filters)
        if below is not None:
            found = found.filter(sequence__lt=below)
        page = list(found[:chunk])
        if not page:
            return
        yield from event_rows(case, page, names)
        below = page[-1].sequence


def _short(text: str, limit: int = EXHIBIT_WORDS) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _date(occurred_at: dt.datetime, precision: str, zone) -> str:
    local = occurred_at.astimezone(zone)
    if precision == Incident.Precision.MONTH:
        return local.strftime("%B %Y")
    if precision == Incident.Precision.APPROXIMATE:
        return local.strftime("about %-d %b %Y")
    return local.strftime("%-d %b %Y")


def _detail(event: AuditEvent, key: str):
    details = event.details if isinstance(event.details, dict) else {}
    value = details.get(key)
    return value if isinstance(value, str | int) and not isinstance(value, bool) and value != "" else None


INCIDENT, EVIDENCE, NOTE, REFERENCE, PARTY = (
    "incidents.incident",
    "incidents.evidence",
    "incidents.evidencenote",
    "incidents.agencyreference",
    "incidents.party",
)
MEMBERSHIP, CHILD, COMMENT, DOSSIER = "incidents.membership", "incidents.child", "incidents.comment", "dossiers.dossier"


class _Targets:
    """The words for what each event of a page was done to, read now: one query per kind of target present."""

    def __init__(self, case: Case, page: list[AuditEvent], names: People):
        self.case, self.names = case, names
        wanted: dict[str, set[int]] = {}
        for event in page:
            if event.target_id is not None:
                wanted.setdefault(event.target_type, set()).add(event.target_id)
            if event.target_type == COMMENT and isinstance(_detail(event, "incident"), int):
                wanted.setdefault(INCIDENT, set()).add(_detail(event, "incident"))
        self.notes = {}
        if wanted.get(NOTE):
            for note in EvidenceNote.objects.filter(evidence__case=case, pk__in=wanted[NOTE]).only("evidence_id"):
                self.notes[note.pk] = note.evidence_id
                wanted.setdefault(EVIDENCE, set()).add(note.evidence_id)
        self.incidents = self._read(
            wanted,
            INCIDENT,
            Incident.objects.only("title", "kind", "occurred_at", "occurred_precision", "withdrawn_at"),
            self._incident,
        )
        self.evidence = self._read(
            wanted, EVIDENCE, Evidence.objects.only("mark", "description", "withdrawn_at"), self._exhibit
        )
        self.references = self._read(
            wanted, REFERENCE, AgencyReference.objects.only("number"), lambda r: f"reference {r.number}"
        )
        self.parties = self._read(wanted, PARTY, Party.objects.only("name"), lambda p: p.name)
        self.dossiers: dict[int, str] = {}
        if wanted.get(DOSSIER):
            requests = AuditEvent.objects.filter(
                case_id=case.pk, action=Action.DOSSIER_REQUEST, target_type=DOSSIER, target_id__in=wanted[DOSSIER]
            ).only("target_id", "details")
            for request in requests:
                self.dossiers[request.target_id] = self._dossier(request)

    def _read(self, wanted, kind, queryset, words) -> dict[int, str]:
        ids = wanted.get(kind)
        if not ids:
            return {}
        return {obj.pk: words(obj) for obj in queryset.filter(case=self.case, pk__in=ids)}

    def _incident(self, incident: Incident) -> str:
        when = _date(incident.occurred_at, incident.occurred_precision, self.case.zone)
        if incident.is_withdrawn:
            when += ", withdrawn"
        return f'the incident "{Incident.display_title_for(incident.title, incident.kind)}" ({when})'

    @staticmethod
    def _exhibit(evidence: Evidence) -> str:
        words = f"exhibit {evidence.mark}"
        if evidence.description.strip():
            words += f": {_short(evidence.description)}"
        return words + (" (withdrawn)" if evidence.is_withdrawn else "")

    @staticmethod
    def _dossier(event: AuditEvent) -> str:
        options = event.details.get("options") if isinstance(event.details, dict) else None
        audience = options.get("audience") if isinstance(options, dict) else None
        code = _detail(event, "verification_code")
        words = "the dossier"
        if isinstance(audience, str) and audience in DOSSIER_AUDIENCES:
            words += f" {DOSSIER_AUDIENCES[audience]}"
        return f"{words} ({code})" if code else words

    def text(self, event: AuditEvent) -> str | None:
        """What the event was done to, in words; from its details where the thing itself is gone; else None."""
        kind, pk = event.target_type, event.target_id
        if kind == INCIDENT:
            return self.incidents.get(pk)
        if kind == COMMENT:
            incident = _detail(event, "incident")
            return "the case" if incident is None else self.incidents.get(incident, "an incident")
        if kind in (EVIDENCE, NOTE):
            found = self.evidence.get(self.notes.get(pk) if kind == NOTE else pk)
            mark = _detail(event, "mark")
            return found or (f"exhibit {mark}" if mark else None)
        if kind == REFERENCE:
            number = _detail(event, "number")
            return self.references.get(pk) or (f"reference {number}" if number else None)
        if kind == PARTY:
            return self.parties.get(pk)
        if kind == MEMBERSHIP:
            user = _detail(event, "to_user") or _detail(event, "user_id")
            return self.names.by_membership.get(pk) or self.names.by_user.get(user)
        if kind == CHILD:
            return _detail(event, "initials")
        if kind == DOSSIER:
            if pk in self.dossiers:
                return self.dossiers[pk]
            if event.action == Action.DOSSIER_REQUEST:
                return self._dossier(event)
            code = _detail(event, "verification_code")
            return f"the dossier ({code})" if code else None
        return None
