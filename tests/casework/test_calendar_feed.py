"""The private calendar feed: made on its page (shown once, only its hash kept), read back with the icalendar
parser, saying no more than the deadline's title and the case's initials, revocable (then a plain 404)."""

import datetime as dt
import hashlib
import re

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casework.models import CalendarFeed, Deadline
from casework.services import calendar as calendar_services
from incidents.services import parties as party_services
from tests.factories import confirm_recent_login, log_incident, make_case

pytestmark = pytest.mark.django_db


def deadline(case, title, due_on, *, closed=False):
    return Deadline.objects.create(
        case=case,
        rule_key="sar",
        title=title,
        starts_on=due_on - dt.timedelta(days=30),
        due_on=due_on,
        closed_at=timezone.now() if closed else None,
    )


def feed_path(token: str) -> str:
    return reverse("casework:calendar_feed", args=[token])


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


@pytest.fixture
def case_with_deadlines(owner):
    case = make_case(owner, title="Reports about the Jones family")
    first = deadline(case, "The council must answer your subject access request", dt.date(2026, 12, 10))
    second = deadline(case, "Children's services must answer your stage 1 complaint", dt.date(2027, 1, 8))
    deadline(case, "Already answered", dt.date(2026, 12, 12), closed=True)
    return case, first, second


def test_the_page_makes_a_link_shown_once_and_keeps_only_its_hash(client, owner, case_with_deadlines):
    client.force_login(owner)
    assert "You have no calendar link." in client.get(reverse("casework:calendar")).content.decode()
    confirm_recent_login(client)
    answer = client.post(reverse("casework:calendar"))
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    html = answer.content.decode()
    link = re.search(r'value="(http[^"]+\.ics)"', html).group(1)
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43
    feed = CalendarFeed.objects.get(user=owner)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.values_list().get())
    # Shown once: the page read again says one exists, without the link.
    again = client.get(reverse("casework:calendar")).content.decode()
    assert "You have a calendar link" in again and token not in again
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_CALENDAR_FEED_CREATE, actor_id=owner.pk).count() == 1


def test_making_a_link_asks_for_the_password_first(client, owner):
    client.force_login(owner)
    answer = client.post(reverse("casework:calendar"))
    assert answer.status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_feed_parses_with_one_all_day_event_per_open_deadline(client, owner, case_with_deadlines):
    _, first, second = case_with_deadlines
    token = calendar_services.calendar_feed_create(user=owner)
    cal = parse(client.get(feed_path(token)))
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        "The council must answer your subject access request (AJ)",
        "Children's services must answer your stage 1 complaint (AJ)",
    ]
    assert [e.decoded("DTSTART") for e in events] == [dt.date(2026, 12, 10), dt.date(2027, 1, 8)]
    assert [e.decoded("DTEND") for e in events] == [dt.date(2026, 12, 11), dt.date(2027, 1, 9)]
    assert all(not isinstance(e.decoded("DTSTART"), dt.datetime) for e in events)
    assert all(isinstance(e.decoded("DTSTAMP"), dt.datetime) for e in events)
    uids = [str(e["UID"]) for e in events]
    assert uids[0].startswith(f"deadline-{first.pk}@") and uids[1].startswith(f"deadline-{second.pk}@")
    # Stable: the same UIDs on the next read (a calendar app updates the events, it does not duplicate them).
    assert [str(e["UID"]) for e in parse(client.get(feed_path(token))).walk("VEVENT")] == uids
    assert str(cal["PRODID"]) == calendar_services.PRODID


def test_the_feed_shows_no_case_title_names_references_or_page_addresses(client, owner, case_with_deadlines):
    case, _, _ = case_with_deadlines
    troll = party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")
    log_incident(
        case,
        owner,
        kind="online_post",
        title="Post on Mumsnet",
        parties=[troll],
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    token = calendar_services.calendar_feed_create(user=owner)
    response = client.get(feed_path(token))
    text = response.content.decode()
    events = parse(response).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Proceedings for harassment must start (AJ)" in summaries
    assert "Start a claim for defamation (AJ)" in summaries
    for secret in ("Jones family", case.title, "troll99", "Mumsnet", owner.full_name, owner.email, "/cases/"):
        assert secret not in text
    assert "URL" not in [name for e in events for name in e]


def test_a_revoked_token_is_a_plain_404(client, owner, case_with_deadlines):
    token = calendar_services.calendar_feed_create(user=owner)
    assert client.get(feed_path(token)).status_code == 200
    client.force_login(owner)
    client.post(reverse("casework:calendar_revoke"))
    client.logout()
    answer = client.get(feed_path(token))
    assert answer.status_code == 404
    assert b"BEGIN:VCALENDAR" not in answer.content
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_CALENDAR_FEED_REVOKE, actor_id=owner.pk).count() == 1


def test_an_unknown_token_is_the_same_404(client, owner):
    calendar_services.calendar_feed_create(user=owner)
    assert client.get(feed_path("not-a-real-token")).status_code == 404
    assert client.get(feed_path("x" * 500)).status_code == 404


def test_a_new_link_turns_off_the_old_one(client, owner, case_with_deadlines):
    old = calendar_services.calendar_feed_create(user=owner)
    new = calendar_services.calendar_feed_create(user=owner)
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200


def test_a_closed_account_feed_is_404(client, owner, case_with_deadlines):
    token = calendar_services.calendar_feed_create(user=owner)
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    assert client.get(feed_path(token)).status_code == 404


def test_another_persons_deadlines_never_in_my_feed(client, owner, outsider, case_with_deadlines):
    theirs = make_case(outsider, title="Someone else's case")
    deadline(theirs, "Their own deadline", dt.date(2026, 12, 15))
    mine = parse(client.get(feed_path(calendar_services.calendar_feed_create(user=owner))))
    theirs_cal = parse(client.get(feed_path(calendar_services.calendar_feed_create(user=outsider))))
    assert "Their own deadline" not in [str(e["SUMMARY"]).split(" (")[0] for e in mine.walk("VEVENT")]
    assert [str(e["SUMMARY"]).split(" (")[0] for e in theirs_cal.walk("VEVENT")] == ["Their own deadline"]


def test_a_case_that_requires_two_step_verification_stays_out_of_the_feed(client, owner, case_with_deadlines):
    case, _, _ = case_with_deadlines
    type(case).objects.filter(pk=case.pk).update(require_two_factor=True)
    cal = parse(client.get(feed_path(calendar_services.calendar_feed_create(user=owner))))
    assert cal.walk("VEVENT") == []
