"""Reads of incidents: the timeline (filters and full-text search), one incident with its details, the
links of many incidents as plain values (timeline rows and the dossier), and their revisions.

Every function takes a case that has passed through access.require, so nothing here can reach another
case's rows. Query counts are pinned in tests/incidents/test_query_counts.py.
"""

import datetime as dt
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db import connection
from django.db.models import BooleanField, F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from ..models import INCIDENT_FIELDS, AgencyReference, Case, Evidence, Incident, IncidentParty, IncidentRevision
from ..rules import PARTY_ROLE_LABELS, search_stems

# search_vector is the stored, GIN-indexed column of migrations/0003_incident_search_vector.py.
SEARCH_MATCH = '"incidents_incident"."search_vector" @@ websearch_to_tsquery(\'english\'::regconfig, %s)'


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
    roles = PARTY_ROLE_LABELS
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
    exhibits: list[str] = field(default_factory=list)  # exhibit marks, with exhibits=True
    withdrawn_reason: str = ""  # set only for a withdrawn incident (shown with "show withdrawn")
    is_withdrawn: bool = False


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
    case: Case, incidents: QuerySet[Incident], *, summary_words: int = ENTRY_SUMMARY_WORDS, exhibits: bool = False
) -> list[TimelineEntry]:
    """A page of incidents (a sliced queryset of this case's incidents) as TimelineEntry rows.

    Four queries, whatever the page holds (five with the exhibit marks): the incidents, then their parties,
    tags and references (incident_links), each read as plain values. A list page of model instances with
    prefetched managers spent most of its time building objects that the template read once.
    """
    zone = case.zone
    kinds = dict(Incident.Kind.choices)
    entries: dict[int, TimelineEntry] = {}
    rows = incidents.values_list(
        "id", "occurred_at", "occurred_precision", "title", "kind", "narrative", "withdrawn_at", "withdrawn_reason"
    )
    for pk, occurred_at, precision, title, kind, narrative, withdrawn_at, withdrawn_reason in rows:
        local = occurred_at.astimezone(zone)
        entries[pk] = TimelineEntry(
            id=pk,
            month=local.strftime("%B %Y"),
            when=when_text(occurred_at, precision, zone),
            title=Incident.display_title_for(title, kind),
            kind=kinds.get(kind, kind),
            summary=_summary(narrative, summary_words),
            is_withdrawn=withdrawn_at is not None,
            withdrawn_reason=withdrawn_reason if withdrawn_at is not None else "",
        )
    for pk, links in incident_links(case, list(entries), exhibits=exhibits).items():
        entry = entries[pk]
        entry.parties, entry.references, entry.tags = links.parties, links.references, links.tags
        entry.exhibits = links.exhibits
    return list(entries.values())


@dataclass
class TimelineFilters:
    kind: str = ""
    party: int | None = None
    tag: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    include_withdrawn: bool = False  # withdrawn incidents leave the list unless asked for

    @property
    def active(self) -> bool:
        return any([self.kind, self.party, self.tag, self.date_from, self.date_to, self.q, self.include_withdrawn])


def timeline(case: Case, filters: TimelineFilters) -> QuerySet[Incident]:
    """The case's incidents that match the filters, in date order, with their details prefetched."""
    return filtered_incidents(case, filters).prefetch_related(*DETAIL_PREFETCHES)


def filtered_incidents(case: Case, filters: TimelineFilters) -> QuerySet[Incident]:
    """The case's incidents that match the filters, in date order; nothing prefetched
    (a page of them becomes rows through timeline_entries)."""
    incidents = Incident.objects.filter(case=case).order_by("occurred_at", "id")
    if not filters.include_withdrawn:
        incidents = incidents.filter(withdrawn_at__isnull=True)
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


# What the timeline says about its search. Both ways find word forms: PostgreSQL's 'english' configuration,
# and elsewhere the stems that services.search stores and stemmed_search looks for.
SEARCH_NOTE = "Searching word forms in English: 'investigated' also finds 'investigation'."


def search(incidents: QuerySet[Incident], text: str) -> QuerySet[Incident]:
    """Full-text search on PostgreSQL (GIN-indexed, English stemming); elsewhere stemmed_search."""
    if connection.vendor == "postgresql":
        # The text travels as a query parameter, never inside the SQL string.
        return incidents.filter(RawSQL(SEARCH_MATCH, (text,), output_field=BooleanField()))  # noqa: S611
    return stemmed_search(incidents, text)


def stemmed_search(incidents: QuerySet[Incident], text: str) -> QuerySet[Incident]:
    """The search where the database does not stem (SQLite): the text as typed, or every one of its words'
    English stems, found in the search text (which carries the stems of its own words, services.search)."""
    match = Q(search_text__icontains=text)
    stems = search_stems(text)
    if stems:
        match |= reduce(operator.and_, (Q(search_text__icontains=stem) for stem in stems))
    return incidents.filter(match)


def incidents_in_period(case: Case, start: dt.datetime | None, end: dt.datetime | None) -> QuerySet[Incident]:
    """The case's incidents from `start` up to (not including) `end`, in date order, withdrawn ones left out
    (withdrawn_in_period lists those); nothing prefetched."""
    incidents = Incident.objects.filter(case=case, withdrawn_at__isnull=True)
    if start is not None:
        incidents = incidents.filter(occurred_at__gte=start)
    if end is not None:
        incidents = incidents.filter(occurred_at__lt=end)
    return incidents.order_by("occurred_at", "id")


def incident_rows(case: Case, start: dt.datetime | None, end: dt.datetime | None) -> list[dict]:
    """The incidents of incidents_in_period as plain values, "id" and INCIDENT_FIELDS: one query.
    (As model instances a 1,000-incident case took half a second to read.)"""
    return list(incidents_in_period(case, start, end).values("id", *INCIDENT_FIELDS))


def withdrawn_in_period(case: Case, start: dt.datetime | None, end: dt.datetime | None) -> list[dict]:
    """The case's withdrawn incidents from `start` up to `end`, in date order, as plain values: "id",
    the fields a list of them shows, and who withdrew each ("withdrawn_by"): one query."""
    incidents = Incident.objects.filter(case=case, withdrawn_at__isnull=False)
    if start is not None:
        incidents = incidents.filter(occurred_at__gte=start)
    if end is not None:
        incidents = incidents.filter(occurred_at__lt=end)
    return list(
        incidents.order_by("occurred_at", "id").values(
            "id",
            "kind",
            "title",
            "occurred_at",
            "occurred_precision",
            "withdrawn_at",
            "withdrawn_reason",
            withdrawn_by_name=F("withdrawn_by__full_name"),
        )
    )


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


def incident_revisions(incident: Incident) -> QuerySet[IncidentRevision]:
    """Every saved version of one incident, with who saved it, in the order given."""
    return IncidentRevision.objects.filter(incident=incident).select_related("edited_by")


def incidents_of(case: Case) -> QuerySet[Incident]:
    """The case's incidents, nothing prefetched, to find one in (commenting on it)."""
    return Incident.objects.filter(case=case)
