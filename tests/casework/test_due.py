"""What is due: the reads (letters' open deadlines, the harassment and defamation dates worked out from the
incidents) and the panel on My cases and on the case summary."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework import deadlines
from casework.models import Deadline
from casework.queries import deadlines as queries
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


def london_today() -> dt.date:
    return timezone.now().astimezone(LONDON).date()


def deadline(case, *, title="The council must answer your subject access request", due_on, closed=False):
    return Deadline.objects.create(
        case=case,
        rule_key="sar",
        title=title,
        starts_on=due_on - dt.timedelta(days=30),
        due_on=due_on,
        closed_at=timezone.now() if closed else None,
    )


def test_open_deadlines_leave_out_closed_ones_and_come_soonest_first(case):
    later = deadline(case, due_on=dt.date(2026, 12, 20))
    sooner = deadline(case, due_on=dt.date(2026, 12, 10))
    deadline(case, due_on=dt.date(2026, 12, 1), closed=True)
    assert list(queries.open_deadlines(case)) == [sooner, later]


def test_a_letter_deadline_three_days_late_says_so_in_words(case):
    deadline(case, due_on=dt.date(2026, 12, 1))
    [item] = queries.due_for_case(case, dt.date(2026, 12, 4))
    assert item.words == "3 days overdue"
    assert item.overdue and item.kind == queries.LETTER
    assert item.link == reverse("incidents:case_summary", args=[case.pk]) + "#due"


def test_harassment_runs_6_months_from_each_suspects_latest_standing_incident(case, owner):
    troll = party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")
    other = party_services.party_create(user=owner, case=case, kind="suspect", name="other_one")
    log_incident(case, owner, kind="direct_message", occurred_at=at(2026, 6, 9), parties=[troll])
    log_incident(case, owner, kind="direct_message", occurred_at=at(2026, 9, 30), parties=[troll])
    late = log_incident(case, owner, kind="direct_message", occurred_at=at(2026, 11, 2), parties=[troll])
    incident_services.incident_withdraw(user=owner, incident=late, reason="Logged twice.")
    log_incident(case, owner, kind="direct_message", occurred_at=at(2026, 8, 15), parties=[other])
    items = queries.derived_deadlines(case, dt.date(2026, 12, 3))
    assert [(i.title, i.due_on, i.about) for i in items] == [
        ("Proceedings for harassment must start", dt.date(2027, 2, 15), "other_one"),
        ("Proceedings for harassment must start", dt.date(2027, 3, 30), "troll99"),  # the withdrawn one not counted
    ]
    # The same date as the rules module gives (nothing restated here).
    assert items[1].due_on == deadlines.due("harassment_summary", dt.date(2026, 9, 30), "england").due_date
    assert items[1].words == "Due in 117 days (Tuesday 30 March 2027)"
    assert items[1].kind == queries.DERIVED


def test_defamation_runs_a_year_from_each_online_post(case, owner):
    log_incident(case, owner, kind="online_post", title="Forum post", occurred_at=at(2026, 3, 5))
    log_incident(case, owner, kind="direct_message", occurred_at=at(2026, 3, 6))  # not a publication
    [item] = queries.derived_deadlines(case, dt.date(2026, 12, 3))
    assert (item.title, item.due_on, item.about) == ("Start a claim for defamation", dt.date(2027, 3, 5), "Forum post")


def test_no_derived_dates_where_the_rules_do_not_apply(owner):
    case = make_case(owner, title="Scottish case")
    case.nation = "scotland"
    case.save(update_fields=["nation"])
    troll = party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")
    log_incident(case, owner, kind="online_post", occurred_at=at(2026, 9, 1), parties=[troll])
    assert queries.derived_deadlines(case, dt.date(2026, 12, 3)) == []


def test_a_derived_date_long_past_is_history_not_due(case, owner):
    log_incident(case, owner, kind="online_post", occurred_at=at(2024, 3, 5))
    assert queries.derived_deadlines(case, dt.date(2026, 12, 3)) == []


def test_another_persons_deadlines_never_in_mine(case, owner, outsider):
    theirs = make_case(outsider, title="Someone else's case")
    deadline(theirs, title="Their deadline", due_on=dt.date(2026, 12, 10))
    deadline(case, title="My deadline", due_on=dt.date(2026, 12, 11))
    assert [i.title for i in queries.due_for_user(owner, dt.date(2026, 12, 3))] == ["My deadline"]
    assert [i.title for i in queries.due_for_user(outsider, dt.date(2026, 12, 3))] == ["Their deadline"]


def test_many_cases_take_the_same_few_queries(owner):
    cases = [make_case(owner, title=f"Case {n}") for n in range(6)]
    for c in cases:
        deadline(c, due_on=dt.date(2026, 12, 10))
        log_incident(c, owner, kind="online_post", occurred_at=at(2026, 6, 1))
    with CaptureQueriesContext(connection) as queries_run:
        items = queries.due_for_cases(cases, dt.date(2026, 12, 3))
    assert len(items) == 12
    assert len(queries_run.captured_queries) == 3


def test_my_cases_shows_overdue_first_in_words_and_the_disclaimer_once(client, owner, case):
    today = london_today()
    deadline(case, title="The council must answer your subject access request", due_on=today - dt.timedelta(days=3))
    deadline(case, title="Children's services must answer your stage 1 complaint", due_on=today + dt.timedelta(days=5))
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    assert "What is due" in html
    overdue = html.index("3 days overdue")
    assert overdue < html.index("Due in 5 days")
    assert html.index("The council must answer") < html.index("Children&#x27;s services must answer")
    assert html.count(deadlines.DISCLAIMER.split(":")[0]) == 1


def test_the_panel_stops_at_eight_and_says_how_many_more(client, owner, case):
    today = london_today()
    for n in range(11):
        deadline(case, title=f"Deadline number {n}", due_on=today + dt.timedelta(days=n + 1))
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    assert "Deadline number 7<" in html
    assert "Deadline number 8<" not in html
    assert "and 3 more." in html


def test_the_case_summary_shows_only_that_cases_deadlines(client, owner):
    today = london_today()
    mine = make_case(owner, title="First case")
    other = make_case(owner, title="Second case")
    deadline(mine, title="Deadline of the first case", due_on=today + dt.timedelta(days=2))
    deadline(other, title="Deadline of the second case", due_on=today + dt.timedelta(days=2))
    troll = party_services.party_create(user=owner, case=mine, kind="suspect", name="troll99")
    log_incident(mine, owner, kind="direct_message", occurred_at=timezone.now() - dt.timedelta(days=2), parties=[troll])
    client.force_login(owner)
    html = client.get(reverse("incidents:case_summary", args=[mine.pk])).content.decode()
    assert "Deadline of the first case" in html
    assert "Deadline of the second case" not in html
    assert "Proceedings for harassment must start" in html and "troll99" in html


def test_nothing_due_says_so(client, owner, case):
    client.force_login(owner)
    html = client.get(reverse("incidents:case_summary", args=[case.pk])).content.decode()
    assert "Nothing is due." in html


def test_a_case_without_a_nation_still_shows_its_letters_but_no_derived_dates(owner):
    case = make_case(owner, title="No nation")
    type(case).objects.filter(pk=case.pk).update(nation="")
    case.refresh_from_db()
    log_incident(case, owner, kind="online_post", occurred_at=at(2026, 9, 1))
    deadline(case, title="A letter's deadline", due_on=dt.date(2026, 12, 10))
    assert [i.title for i in queries.due_for_case(case, dt.date(2026, 12, 3))] == ["A letter's deadline"]
