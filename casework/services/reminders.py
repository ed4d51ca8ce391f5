"""The daily deadline reminder: one email a person a day (their own time zone's day), listing what is due in 7
days, tomorrow and today, and what became overdue yesterday (said once, the day after). Only for people who left
"email me before a deadline" ticked (accounts.User.deadline_reminders_enabled).

The dedupe is a row: a ReminderDigest (user, day) is inserted before the email is queued, in the same
transaction, under a unique constraint. A second run that day (beat firing twice, a redelivered task, two
workers) meets the constraint and sends nothing; the email is handed to the worker only once the row has
committed.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.services import email_render_and_queue
from audit import services as audit
from audit.actions import Action
from incidents.models import Membership

from .. import deadlines
from ..models import ReminderDigest
from ..queries import deadlines as deadline_queries

DIGEST_TEMPLATE = "casework/email/deadline_digest"
# Days before the due date on which a reminder names it (issue 18: 7 days before, 1 day before and on the day).
REMIND_DAYS_BEFORE = (7, 1, 0)
# An overdue deadline is said once, on the day after it was due.
OVERDUE_DAYS_AFTER = 1
# Hourly beat runs the task; nobody is written to before this hour of their own morning.
SEND_FROM_HOUR = 7


def reminder_items(items: list[deadline_queries.DueItem], today: dt.date) -> list[deadline_queries.DueItem]:
    """The deadlines of `items` a reminder sent on `today` names."""
    chosen = []
    for item in items:
        days = (item.due_on - today).days
        if days in REMIND_DAYS_BEFORE or -days == OVERDUE_DAYS_AFTER:
            chosen.append(item)
    return chosen


def reminder_recipients():
    """Active people with reminders on and an active membership of a case."""
    members = Membership.objects.filter(revoked_at__isnull=True).values("user_id")
    return (
        get_user_model().objects.filter(is_active=True, deadline_reminders_enabled=True, pk__in=members).order_by("pk")
    )


def local_now(user, now: dt.datetime) -> dt.datetime:
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Europe/London")
    return now.astimezone(zone)


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def deadline_digest_send(*, user, today: dt.date, items: list[deadline_queries.DueItem]) -> bool:
    """Claim (user, today) and queue one email naming `items`. False, and nothing sent, if there is nothing to
    say, reminders are off, or the day was claimed already."""
    if not items:
        return False
    fresh = type(user).objects.filter(pk=user.pk, is_active=True, deadline_reminders_enabled=True).exists()
    if not fresh:
        return False
    try:
        with transaction.atomic():
            ReminderDigest.objects.create(user=user, day=today, deadlines=len(items))
    except IntegrityError:
        return False
    groups = [
        ("Overdue", [i for i in items if i.overdue]),
        ("Due today", [i for i in items if i.due_on == today]),
        ("Due tomorrow", [i for i in items if (i.due_on - today).days == 1]),
        ("Due in 7 days", [i for i in items if (i.due_on - today).days == 7]),
    ]
    email_render_and_queue(
        to=[user.email],
        template=DIGEST_TEMPLATE,
        context={
            "name": user.full_name,
            "today": deadlines.day_words(today),
            "groups": [
                {
                    "heading": heading,
                    "items": [
                        {
                            "title": item.title,
                            "about": item.about,
                            "case_title": item.case_title,
                            "due": deadlines.day_words(item.due_on),
                            "words": item.words,
                            "link": _site(item.link),
                        }
                        for item in group
                    ],
                }
                for heading, group in groups
                if group
            ],
            "disclaimer": deadlines.DISCLAIMER,
            "profile_link": _site(reverse("accounts:profile")),
        },
    )
    audit.event_record(
        actor=user,
        action=Action.ACCOUNT_DEADLINE_DIGEST_SENT,
        target=user,
        details={"day": today.isoformat(), "deadlines": len(items)},
    )
    return True


def deadline_digest_run(*, now: dt.datetime, day: dt.date | None = None) -> int:
    """One pass of the reminders (the task calls it hourly): every person whose day it is gets one email. With
    `day`, that day for everyone, whatever the hour (a test's frozen clock, a re-run by hand). How many sent."""
    sent = 0
    for user in reminder_recipients():
        if day is None:
            here = local_now(user, now)
            if here.hour < SEND_FROM_HOUR:
                continue
            today = here.date()
        else:
            today = day
        if ReminderDigest.objects.filter(user=user, day=today).exists():
            continue
        items = reminder_items(deadline_queries.due_for_user(user, today), today)
        if deadline_digest_send(user=user, today=today, items=items):
            sent += 1
    return sent
