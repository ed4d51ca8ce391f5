"""The daily deadline reminder: what it names (7 days before, the day before, on the day, and overdue once, the
day after), one a person a day however often it runs, none when switched off, and the switch on Your details."""

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casework.models import Deadline, ReminderDigest
from casework.services import reminders
from casework.tasks import deadline_digest
from tests.factories import make_case

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 3)


def deadline(case, title, due_on, *, closed=False):
    return Deadline.objects.create(
        case=case,
        rule_key="sar",
        title=title,
        starts_on=due_on - dt.timedelta(days=30),
        due_on=due_on,
        closed_at=timezone.now() if closed else None,
    )


@pytest.fixture
def deadlines(case):
    deadline(case, "In a week", DAY + dt.timedelta(days=7))
    deadline(case, "Tomorrow's one", DAY + dt.timedelta(days=1))
    deadline(case, "Today's one", DAY)
    deadline(case, "Was due yesterday", DAY - dt.timedelta(days=1))
    deadline(case, "Was due two days ago", DAY - dt.timedelta(days=2))  # said yesterday already
    deadline(case, "In six days", DAY + dt.timedelta(days=6))  # not a reminder day
    deadline(case, "Answered", DAY, closed=True)
    mail.outbox.clear()


def run(django_capture_on_commit_callbacks, day=DAY) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.deadline_digest_run(now=timezone.now(), day=day)


def mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_digest_names_7_days_1_day_today_and_yesterdays_overdue(
    owner, case, deadlines, eager_tasks, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)
    [email] = mail_to(owner)
    assert email.subject == "Deadlines coming up on your cases"
    body = email.body
    for said in ("In a week", "Tomorrow's one", "Today's one", "Was due yesterday"):
        assert said in body
    for unsaid in ("Was due two days ago", "In six days", "Answered"):
        assert unsaid not in body
    assert "1 day overdue" in body and "Due today" in body and "Due tomorrow" in body
    assert body.index("Overdue") < body.index("Due today") < body.index("Due tomorrow") < body.index("Due in 7 days")
    assert case.title in body
    assert "information, not legal advice" in body
    assert "Email me before a deadline" in body
    html = email.alternatives[0][0]
    assert "Today&#x27;s one" in html or "Today's one" in html
    event = AuditEvent.objects.get(action=Action.ACCOUNT_DEADLINE_DIGEST_SENT, actor_id=owner.pk)
    assert event.details == {"day": "2026-12-03", "deadlines": 4}


def test_run_twice_the_same_day_sends_once_and_the_next_day_again(
    owner, editor, case, deadlines, eager_tasks, django_capture_on_commit_callbacks
):
    first = run(django_capture_on_commit_callbacks)
    assert first == 4  # owner, editor, advocate, viewer: every member
    assert run(django_capture_on_commit_callbacks) == 0
    assert len(mail_to(owner)) == 1 and len(mail_to(editor)) == 1
    # The next day the deadline due then (yesterday's "tomorrow") is named again.
    assert run(django_capture_on_commit_callbacks, DAY + dt.timedelta(days=1)) == 4
    assert len(mail_to(owner)) == 2
    assert "Today's one" in mail_to(owner)[1].body  # now yesterday's, overdue once
    assert ReminderDigest.objects.filter(user=owner).count() == 2


def test_the_claim_refuses_a_second_send_for_the_same_day(
    owner, case, deadlines, eager_tasks, django_capture_on_commit_callbacks
):
    from casework.queries import deadlines as queries

    items = reminders.reminder_items(queries.due_for_user(owner, DAY), DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.deadline_digest_send(user=owner, today=DAY, items=items) is True
        assert reminders.deadline_digest_send(user=owner, today=DAY, items=items) is False
    assert len(mail_to(owner)) == 1


def test_nothing_to_say_sends_nothing(owner, case, eager_tasks, django_capture_on_commit_callbacks):
    deadline(case, "Far away", DAY + dt.timedelta(days=30))
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()


def test_switched_off_none(owner, editor, case, deadlines, eager_tasks, django_capture_on_commit_callbacks):
    type(owner).objects.filter(pk=owner.pk).update(deadline_reminders_enabled=False)
    run(django_capture_on_commit_callbacks)
    assert mail_to(owner) == []
    assert len(mail_to(editor)) == 1


def test_a_revoked_member_hears_nothing_of_that_case(
    owner, editor, case, deadlines, eager_tasks, django_capture_on_commit_callbacks
):
    case.memberships.filter(user=editor).update(revoked_at=timezone.now())
    run(django_capture_on_commit_callbacks)
    assert mail_to(editor) == []
    assert len(mail_to(owner)) == 1


def test_another_persons_deadlines_never_in_my_email(
    owner, outsider, case, deadlines, eager_tasks, django_capture_on_commit_callbacks
):
    theirs = make_case(outsider, title="Someone else's case")
    deadline(theirs, "Their own deadline", DAY)
    run(django_capture_on_commit_callbacks)
    assert "Their own deadline" not in mail_to(owner)[0].body
    [their_email] = mail_to(outsider)
    assert "Their own deadline" in their_email.body and "In a week" not in their_email.body


def test_the_hourly_run_waits_for_the_persons_morning_in_their_time_zone(
    owner, case, eager_tasks, django_capture_on_commit_callbacks
):
    deadline(case, "Today's one", DAY)
    type(owner).objects.filter(pk=owner.pk).update(time_zone="Pacific/Auckland")
    for model in type(owner).objects.exclude(pk=owner.pk):
        model.deadline_reminders_enabled = False
        model.save(update_fields=["deadline_reminders_enabled"])
    mail.outbox.clear()
    # 18:30 UTC on 2 December is 07:30 on 3 December in Auckland: their 3 December, and morning.
    now = dt.datetime(2026, 12, 2, 18, 30, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.deadline_digest_run(now=now) == 1
    assert ReminderDigest.objects.get(user=owner).day == DAY
    # 17:30 UTC is 06:30 there: too early, nothing.
    ReminderDigest.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.deadline_digest_run(now=now - dt.timedelta(hours=1)) == 0
    assert zoneinfo.ZoneInfo("Pacific/Auckland")


def test_the_task_takes_a_frozen_day(owner, case, deadlines, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_digest.delay(day=DAY.isoformat()).get() == 4
        assert deadline_digest.delay(day=DAY.isoformat()).get() == 0
    assert len(mail_to(owner)) == 1


def test_the_beat_runs_it_hourly():
    from referral_tracker.celery import app

    entry = app.conf.beat_schedule["deadline-digest"]
    assert entry == {"task": "casework.deadline_digest", "schedule": 3600.0}


def test_switched_off_and_on_from_your_details(client, owner):
    client.force_login(owner)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Email me before a deadline" in page
    answer = client.post(
        reverse("accounts:profile"),
        {"full_name": owner.full_name, "initials": "AJ", "time_zone": "Europe/London", "digest_enabled": "on"},
    )
    assert answer.status_code in (200, 302)
    owner.refresh_from_db()
    assert owner.deadline_reminders_enabled is False and owner.digest_enabled is True
    client.post(
        reverse("accounts:profile"),
        {
            "full_name": owner.full_name,
            "initials": "AJ",
            "time_zone": "Europe/London",
            "deadline_reminders_enabled": "on",
        },
    )
    owner.refresh_from_db()
    assert owner.deadline_reminders_enabled is True
