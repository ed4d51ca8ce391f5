"""Reads of cases: the dashboard's list of a user's cases, and a case's summary (the page and the dossier)."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth

from audit.actions import Action
from audit.models import AuditEvent

from .. import access
from ..models import AgencyReference, Case, Child, Incident, Membership, Party
from .parties import case_parties


def dashboard_cases(user) -> QuerySet[Case]:
    """The user's cases with their role, counts, latest incident, open agency cases and what others
    did since the user last looked at the case: one query. Withdrawn incidents are not counted."""
    latest = Incident.objects.filter(case=OuterRef("pk"), withdrawn_at__isnull=True).order_by("-occurred_at", "-id")
    standing = Q(incidents__withdrawn_at__isnull=True)
    role = Membership.objects.filter(case=OuterRef("pk"), user=user, revoked_at__isnull=True).values("role")[:1]
    last_visit = (  # used inside since_visit below, so the case is two levels out
        AuditEvent.objects.filter(case_id=OuterRef(OuterRef("pk")), actor_id=user.pk, action=Action.VIEW)
        .order_by("-sequence")
        .values("sequence")[:1]
    )
    since_visit = (
        AuditEvent.objects.filter(case_id=OuterRef("pk"), sequence__gt=Coalesce(Subquery(last_visit), 0))
        .exclude(actor_id=user.pk)
        .exclude(action=Action.VIEW)
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
            incident_count=Count("incidents", filter=standing, distinct=True),
            latest_incident_at=Max("incidents__occurred_at", filter=standing),
            latest_incident_title=Subquery(latest.values("title")[:1]),
            latest_incident_kind=Subquery(latest.values("kind")[:1]),
            my_role=Subquery(role),
            new_since_visit=Coalesce(Subquery(since_visit), 0),
            open_reference_count=Coalesce(Subquery(open_references), 0),
        )
        .order_by("status", "-latest_incident_at", "-created_at")
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
    """Everything the summary page and the dossier's summary show: a fixed number of queries. Withdrawn
    incidents are left out of every count and of the chart."""
    incidents = Incident.objects.filter(case=case, withdrawn_at__isnull=True)
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


def case_children(case: Case) -> QuerySet[Child]:
    """The children of the case, by name (the dossier prints their initials in place of their names)."""
    return Child.objects.filter(case=case).order_by("name")
