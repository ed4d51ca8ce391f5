"""The reads that pages and the dossier need, with their joins built in.

Every function takes a case (already passed through access.require) or a user,
so nothing here can reach another case's rows. Query counts are pinned in tests.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Count, Max, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth

from audit.models import AuditEvent

from . import access
from .models import AgencyReference, Case, Evidence, Incident, IncidentParty, Membership, Party

# search_vector is the stored, GIN-indexed column of migrations/0003_incident_search_vector.py.
SEARCH_MATCH = '"incidents_incident"."search_vector" @@ websearch_to_tsquery(\'english\'::regconfig, %s)'


def dashboard_cases(user) -> QuerySet[Case]:
    """The user's cases with their role, counts, latest incident, open agency cases and what others
    did since the user last looked at the case: one query."""
    latest = Incident.objects.filter(case=OuterRef("pk")).order_by("-occurred_at", "-id")
    role = Membership.objects.filter(case=OuterRef("pk"), user=user, revoked_at__isnull=True).values("role")[:1]
    last_visit = (  # used inside since_visit below, so the case is two levels out
        AuditEvent.objects.filter(case_id=OuterRef(OuterRef("pk")), actor_id=user.pk, action="view")
        .order_by("-sequence")
        .values("sequence")[:1]
    )
    since_visit = (
        AuditEvent.objects.filter(case_id=OuterRef("pk"), sequence__gt=Coalesce(Subquery(last_visit), 0))
        .exclude(actor_id=user.pk)
        .exclude(action="view")
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    open_references = (
        AgencyReference.objects.filter(case=OuterRef("pk"), status=AgencyReference.Status.OPEN)
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        access.cases_for(user)
        .annotate(
            incident_count=Count("incidents", distinct=True),
            latest_incident_at=Max("incidents__occurred_at"),
            latest_incident_title=Subquery(latest.values("title")[:1]),
            latest_incident_kind=Subquery(latest.values("kind")[:1]),
            my_role=Subquery(role),
            new_since_visit=Coalesce(Subquery(since_visit), 0),
            open_reference_count=Coalesce(Subquery(open_references), 0),
        )
        .order_by("status", "-latest_incident_at", "-created_at")
    )


DETAIL_PREFETCHES = (
    Prefetch("party_links", queryset=IncidentParty.objects.select_related("party").order_by("party__name")),
    "tags",
    Prefetch("references", queryset=AgencyReference.objects.select_related("agency")),
)


def incidents_with_details(case: Case) -> QuerySet[Incident]:
    """Incidents of a case with parties, tags and references prefetched (a fixed number of queries)."""
    return Incident.objects.filter(case=case).prefetch_related(*DETAIL_PREFETCHES).order_by("occurred_at", "id")


@dataclass(slots=True)
class EntryParty:
    id: int
    name: str
    role: str


@dataclass(slots=True)
class EntryReference:
    number: str
    agency: str
    kind: str = ""


@dataclass(slots=True)
class IncidentLinks:
    """What an incident is linked to, as plain values: people, reference numbers, tags, exhibit marks."""

    parties: list[EntryParty] = field(default_factory=list)
    references: list[EntryReference] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    exhibits: list[str] = field(default_factory=list)


def incident_links(case: Case, ids: list[int], *, exhibits: bool = False) -> dict[int, IncidentLinks]:
    """The links of the given incidents of this case, keyed by incident id: three queries (four with the
    exhibit marks), each of plain values, whatever the number of incidents."""
    links: dict[int, IncidentLinks] = {pk: IncidentLinks() for pk in ids}
    if not ids:
        return links
    roles = dict(IncidentParty.Role.choices)
    reference_kinds = dict(AgencyReference.Kind.choices)
    parties = (
        IncidentParty.objects.filter(incident_id__in=ids, party__case=case)
        .order_by("party__name", "id")
        .values_list("incident_id", "party_id", "party__name", "role")
    )
    for incident_id, party_id, name, role in parties:
        links[incident_id].parties.append(EntryParty(id=party_id, name=name, role=roles.get(role, role).lower()))
    tags = (
        Incident.tags.through.objects.filter(incident_id__in=ids, tag__case=case)
        .order_by("tag__name")
        .values_list("incident_id", "tag__name")
    )
    for incident_id, name in tags:
        links[incident_id].tags.append(name)
    references = (
        AgencyReference.incidents.through.objects.filter(incident_id__in=ids, agencyreference__case=case)
        .order_by("agencyreference__kind", "agencyreference__number", "agencyreference_id")
        .values_list("incident_id", "agencyreference__number", "agencyreference__agency__name", "agencyreference__kind")
    )
    for incident_id, number, agency, kind in references:
        links[incident_id].references.append(
            EntryReference(number=number, agency=agency or "", kind=reference_kinds.get(kind, kind))
        )
    if exhibits:
        marks = (
            Evidence.incidents.through.objects.filter(incident_id__in=ids, evidence__case=case)
            .order_by("evidence__number")
            .values_list("incident_id", "evidence__mark")
        )
        for incident_id, mark in marks:
            links[incident_id].exhibits.append(mark)
    return links


@dataclass(slots=True)
class TimelineEntry:
    """One incident as a list page prints it: plain values, ready for the template."""

    id: int
    month: str
    when: str
    title: str
    kind: str
    summary: str
    tags: list[str] = field(default_factory=list)
    parties: list[EntryParty] = field(default_factory=list)
    references: list[EntryReference] = field(default_factory=list)


ENTRY_SUMMARY_WORDS = 40


def when_text(occurred_at: dt.datetime, precision: str, zone) -> str:
    """When an incident happened, in the case's zone, said as precisely as it is known."""
    local = occurred_at.astimezone(zone)
    if precision == Incident.Precision.MONTH:
        return local.strftime("%B %Y")
    if precision == Incident.Precision.DAY:
        return local.strftime("%a %-d %b %Y")
    if precision == Incident.Precision.APPROXIMATE:
        return "About " + local.strftime("%-d %b %Y")
    return local.strftime("%a %-d %b %Y, %H:%M ") + local.tzname()


def _summary(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + " …" if len(parts) > words else " ".join(parts)


def timeline_entries(
    case: Case, incidents: QuerySet[Incident], *, summary_words: int = ENTRY_SUMMARY_WORDS
) -> list[TimelineEntry]:
    """A page of incidents (a sliced queryset of this case's incidents) as TimelineEntry rows.

    Four queries, whatever the page holds: the incidents, then their parties, tags and
    references (incident_links), each read as plain values. A list page of model instances with prefetched
    managers spent most of its time building objects that the template read once.
    """
    zone = case.zone
    kinds = dict(Incident.Kind.choices)
    entries: dict[int, TimelineEntry] = {}
    rows = incidents.values_list("id", "occurred_at", "occurred_precision", "title", "kind", "narrative")
    for pk, occurred_at, precision, title, kind, narrative in rows:
        local = occurred_at.astimezone(zone)
        entries[pk] = TimelineEntry(
            id=pk,
            month=local.strftime("%B %Y"),
            when=when_text(occurred_at, precision, zone),
            title=title or kinds.get(kind, kind),
            kind=kinds.get(kind, kind),
            summary=_summary(narrative, summary_words),
        )
    for pk, links in incident_links(case, list(entries)).items():
        entry = entries[pk]
        entry.parties, entry.references, entry.tags = links.parties, links.references, links.tags
    return list(entries.values())


@dataclass
class TimelineFilters:
    kind: str = ""
    party: int | None = None
    tag: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return any([self.kind, self.party, self.tag, self.date_from, self.date_to, self.q])


def timeline(case: Case, filters: TimelineFilters) -> QuerySet[Incident]:
    """The case's incidents that match the filters, in date order, with their details prefetched."""
    return filtered_incidents(case, filters).prefetch_related(*DETAIL_PREFETCHES)


def filtered_incidents(case: Case, filters: TimelineFilters) -> QuerySet[Incident]:
    """The case's incidents that match the filters, in date order; nothing prefetched
    (a page of them becomes rows through timeline_entries)."""
    incidents = Incident.objects.filter(case=case).order_by("occurred_at", "id")
    if filters.kind:
        incidents = incidents.filter(kind=filters.kind)
    if filters.party:
        incidents = incidents.filter(party_links__party_id=filters.party)
    if filters.tag:
        incidents = incidents.filter(tags__name=filters.tag)
    zone = case.zone
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=zone)
        incidents = incidents.filter(occurred_at__gte=start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        incidents = incidents.filter(occurred_at__lt=end)
    if filters.q:
        incidents = search(incidents, filters.q)
    return incidents


def search(incidents: QuerySet[Incident], text: str) -> QuerySet[Incident]:
    """Full-text search on PostgreSQL (GIN-indexed); a plain case-insensitive match elsewhere."""
    if connection.vendor == "postgresql":
        # The text travels as a query parameter, never inside the SQL string.
        return incidents.filter(RawSQL(SEARCH_MATCH, (text,), output_field=BooleanField()))  # noqa: S611
    return incidents.filter(search_text__icontains=text)


def case_parties(case: Case) -> QuerySet[Party]:
    return Party.objects.filter(case=case).annotate(incident_count=Count("incident_links")).order_by("kind", "name")


def incidents_in_period(case: Case, start: dt.datetime | None, end: dt.datetime | None) -> QuerySet[Incident]:
    """The case's incidents from `start` up to (not including) `end`, in date order; nothing prefetched."""
    incidents = Incident.objects.filter(case=case)
    if start is not None:
        incidents = incidents.filter(occurred_at__gte=start)
    if end is not None:
        incidents = incidents.filter(occurred_at__lt=end)
    return incidents.order_by("occurred_at", "id")


def exhibit_incident_ids(case: Case) -> dict[int, list[int]]:
    """For each exhibit of the case, the ids of the incidents it is linked to: one query."""
    cited: dict[int, list[int]] = defaultdict(list)
    rows = Evidence.incidents.through.objects.filter(evidence__case=case, incident__case=case).values_list(
        "evidence_id", "incident_id"
    )
    for evidence_id, incident_id in rows:
        cited[evidence_id].append(incident_id)
    return cited


def party_incidents(case: Case, party: Party) -> QuerySet[Incident]:
    """The party's incidents in date order, nothing prefetched (timeline_entries makes them rows)."""
    return Incident.objects.filter(case=case, party_links__party=party).order_by("occurred_at", "id")


def case_references(case: Case) -> QuerySet[AgencyReference]:
    return (
        AgencyReference.objects.filter(case=case)
        .select_related("agency")
        .prefetch_related(Prefetch("incidents", queryset=Incident.objects.only("id", "title", "kind", "occurred_at")))
        .order_by("status", "kind", "number")
    )


@dataclass
class MonthBar:
    month: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Summary:
    total: int
    counts_by_kind: list[tuple[str, str, int]]
    first_at: dt.datetime | None
    latest_at: dt.datetime | None
    suspects: list[Party]
    open_references: list[AgencyReference]
    months: list[MonthBar]
    kinds_in_chart: list[tuple[str, str]]


def _month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def case_summary(case: Case) -> Summary:
    """Everything the summary page and the dossier's summary show: a fixed number of queries."""
    incidents = Incident.objects.filter(case=case)
    span = incidents.aggregate(first=Min("occurred_at"), latest=Max("occurred_at"), total=Count("id"))
    by_kind = Counter(dict(incidents.order_by().values_list("kind").annotate(n=Count("id"))))
    labels = dict(Incident.Kind.choices)
    counts_by_kind = [(kind, labels[kind], by_kind[kind]) for kind in labels if by_kind.get(kind)]
    per_month = (
        incidents.annotate(month=TruncMonth("occurred_at", tzinfo=case.zone))
        .order_by()
        .values_list("month", "kind")
        .annotate(n=Count("id"))
    )
    bars: dict[dt.date, MonthBar] = defaultdict(lambda: MonthBar(month=dt.date.min))
    for month, kind, n in per_month:
        key = month.date() if isinstance(month, dt.datetime) else month
        bars[key].month = key
        bars[key].counts[kind] = n
    months = []
    if bars:
        for month in _month_range(min(bars), max(bars)):
            months.append(bars.get(month) or MonthBar(month=month))
    suspects = list(case_parties(case).filter(kind=Party.Kind.SUSPECT).order_by("-incident_count", "name"))
    open_references = list(
        AgencyReference.objects.filter(case=case, status=AgencyReference.Status.OPEN)
        .select_related("agency")
        .order_by("kind", "number")
    )
    return Summary(
        total=span["total"],
        counts_by_kind=counts_by_kind,
        first_at=span["first"],
        latest_at=span["latest"],
        suspects=suspects,
        open_references=open_references,
        months=months,
        kinds_in_chart=[(kind, label) for kind, label, _ in counts_by_kind],
    )


def activity(case: Case) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(case_id=case.pk).order_by("-sequence")


def members(case: Case) -> QuerySet[Membership]:
    return Membership.objects.filter(case=case, revoked_at__isnull=True).select_related("user").order_by("created_at")


class CappedCount:
    """A queryset whose count stops at `cap` + 1, for the paginator of a text search.

    Counting every match of a common word means visiting thousands of rows; the page
    only needs to say "more than 500". Slicing goes straight to the queryset.
    """

    def __init__(self, queryset: QuerySet, cap: int):
        self.queryset, self.cap = queryset, cap

    def count(self) -> int:
        return self.queryset.values("pk")[: self.cap + 1].count()

    def __getitem__(self, item):
        return self.queryset[item]

    def __len__(self) -> int:
        return self.count()
