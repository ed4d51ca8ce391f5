"""The reads behind "What is due": a case's open deadlines (the Deadline rows its letters started) and the clocks
that need no letter, worked out from the incidents (the harassment 6 months from the latest incident of each
suspected person, the defamation year from each online post). The dates come from the rules module
(casework/deadlines.py); nothing here restates a rule.

Which cases a person sees is the gate's answer (incidents.access.cases_for); every row read here is filtered by
the cases it gave. The reads for many cases take a fixed number of queries, however many cases there are.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.urls import reverse

from incidents import access
from incidents.models import Case, Incident, IncidentParty

from .. import deadlines
from ..models import Deadline

LETTER = "letter"
DERIVED = "derived"

# A clock worked out from the incidents that ran out longer ago than this is no longer shown: it is history,
# not something due. A letter's open deadline stays until the answer is logged (the organisation is late).
DERIVED_SHOWN_DAYS_AFTER = 30

HARASSMENT = "harassment_summary"
DEFAMATION = "defamation"


@dataclass(frozen=True)
class DueItem:
    """One date something is due, as "What is due", the reminder email and the calendar feed show it."""

    case: Case
    title: str
    due_on: dt.date
    words: str  # deadlines.describe_overdue: "Due in 5 days (...)", "3 days overdue"
    overdue: bool
    kind: str  # LETTER or DERIVED
    link: str  # the path of the page to act on it (the site's own; no host)
    uid: str  # stable across reads: "deadline-12", "harassment-3-7", "defamation-3-41"
    about: str = ""  # shown on the site only (a person's name, an incident's title); never in the feed

    @property
    def case_title(self) -> str:
        return self.case.title

    @property
    def case_initials(self) -> str:
        return self.case.exhibit_prefix


def _item(case: Case, *, title: str, due_on: dt.date, today: dt.date, kind: str, uid: str, about: str = ""):
    return DueItem(
        case=case,
        title=title,
        due_on=due_on,
        words=deadlines.describe_overdue(due_on, today),
        overdue=due_on < today,
        kind=kind,
        link=reverse("incidents:case_summary", args=[case.pk]) + "#due",
        uid=uid,
        about=about,
    )


def open_deadlines(case: Case) -> QuerySet[Deadline]:
    """The case's Deadline rows not yet closed, soonest first."""
    return Deadline.objects.filter(case=case, closed_at__isnull=True).order_by("due_on", "pk")


def _deadline_items(cases: dict[int, Case], today: dt.date) -> list[DueItem]:
    rows = Deadline.objects.filter(case_id__in=list(cases), closed_at__isnull=True).order_by("due_on", "pk")
    return [
        _item(
            cases[row.case_id], title=row.title, due_on=row.due_on, today=today, kind=LETTER, uid=f"deadline-{row.pk}"
        )
        for row in rows
    ]


def _rule_due(key: str, start: dt.date, nation: str) -> dt.date | None:
    """The rule's date, or None where the rule does not apply (another nation, no nation given)."""
    try:
        return deadlines.due(key, start, nation).due_date
    except (deadlines.RuleNotForNation, deadlines.UnknownNation):
        return None


def _derived_items(cases: dict[int, Case], today: dt.date) -> list[DueItem]:
    """The harassment and defamation dates of these cases (two queries)."""
    items = []
    oldest = today - dt.timedelta(days=DERIVED_SHOWN_DAYS_AFTER)
    harassment = deadlines.rule(HARASSMENT)
    defamation = deadlines.rule(DEFAMATION)
    # The latest standing incident linked to each suspected person: the start of the 6 months, as in the offence
    # checklist (casework/queries/offences.py reads the same incidents; offences.summary_deadline is the same date).
    latest = (
        IncidentParty.objects.filter(
            incident__case_id__in=list(cases),
            incident__withdrawn_at__isnull=True,
            role=IncidentParty.Role.SUSPECTED,
        )
        .values("incident__case_id", "party_id", "party__name")
        .annotate(latest=Max("incident__occurred_at"))
        .order_by("incident__case_id", "party_id")
    )
    for row in latest:
        case = cases[row["incident__case_id"]]
        due_on = _rule_due(HARASSMENT, row["latest"].astimezone(case.zone).date(), case.nation)
        if due_on is not None and due_on >= oldest:
            items.append(
                _item(
                    case,
                    title=harassment.title,
                    due_on=due_on,
                    today=today,
                    kind=DERIVED,
                    uid=f"harassment-{case.pk}-{row['party_id']}",
                    about=row["party__name"],
                )
            )
    posts = (
        Incident.objects.filter(case_id__in=list(cases), withdrawn_at__isnull=True, kind=Incident.Kind.ONLINE_POST)
        .order_by("occurred_at", "pk")
        .values_list("pk", "case_id", "occurred_at", "title", "kind")
    )
    for pk, case_id, occurred_at, title, kind in posts:
        case = cases[case_id]
        due_on = _rule_due(DEFAMATION, occurred_at.astimezone(case.zone).date(), case.nation)
        if due_on is not None and due_on >= oldest:
            items.append(
                _item(
                    case,
                    title=defamation.title,
                    due_on=due_on,
                    today=today,
                    kind=DERIVED,
                    uid=f"defamation-{case.pk}-{pk}",
                    about=Incident.display_title_for(title, kind),
                )
            )
    return items


def _sorted(items: Iterable[DueItem]) -> list[DueItem]:
    return sorted(items, key=lambda item: (item.due_on, item.case.pk, item.uid))


def derived_deadlines(case: Case, today: dt.date) -> list[DueItem]:
    """The clocks of the case that need no letter, soonest first."""
    return _sorted(_derived_items({case.pk: case}, today))


def due_for_cases(cases: Iterable[Case], today: dt.date, *, derived: bool = True) -> list[DueItem]:
    """Every open and derived deadline of these cases (already given by the gate), soonest first (overdue ones
    therefore first). Three queries, however many cases."""
    by_id = {case.pk: case for case in cases}
    if not by_id:
        return []
    items = _deadline_items(by_id, today)
    if derived:
        items += _derived_items(by_id, today)
    return _sorted(items)


def due_for_case(case: Case, today: dt.date) -> list[DueItem]:
    return due_for_cases([case], today)


def due_for_user(user, today: dt.date, *, derived: bool = True) -> list[DueItem]:
    """Everything due on every case the user is an active member of (the gate's cases_for)."""
    cases = access.cases_for(user).distinct().order_by("pk")
    return due_for_cases(list(cases), today, derived=derived)


def user_today(user, now: dt.datetime) -> dt.date:
    """The date where the person is (their profile's time zone)."""
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Europe/London")
    return now.astimezone(zone).date()
