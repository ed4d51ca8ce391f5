"""The private calendar feed: a secret address per person that a calendar app subscribes to, listing the
deadlines of their cases as all-day events.

The token is random (secrets.token_urlsafe(32)); only its SHA-256 is stored, so the address is shown once, when it
is made. Making a new one revokes the old. A revoked or unknown token finds nothing (the view answers 404).

What an event says is deliberately little, because a calendar app syncs it to other servers and shows it on a
locked phone: the deadline's title and the case's initials (its exhibit prefix), nothing else: no names of people,
no reference numbers, no case title, no address of a page beyond the site's root.
"""

import datetime as dt
import hashlib
import secrets
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from incidents import access

from ..models import CalendarFeed
from ..queries import deadlines as deadline_queries

PRODID = "-//Referral Tracker//Deadlines//EN"
CALENDAR_NAME = "Referral Tracker deadlines"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def calendar_feed_create(*, user) -> str:
    """A new secret address for the user's deadlines (the old one, if any, stops working). Returns the token:
    the only time it exists outside the person's calendar app."""
    now = timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=token_hash(token), created_at=now)
    audit.event_record(actor=user, action=Action.ACCOUNT_CALENDAR_FEED_CREATE, target=user, details={"feed": feed.pk})
    return token


@transaction.atomic
def calendar_feed_revoke(*, user) -> bool:
    """Stop the user's calendar address working. False if there was none."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
    if feed is None:
        return False
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit.event_record(actor=user, action=Action.ACCOUNT_CALENDAR_FEED_REVOKE, target=user, details={"feed": feed.pk})
    return True


def feed_user(token: str):
    """The active user whose live feed this token opens, or None (unknown, revoked, or the account closed)."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return feed.user if feed else None


def feed_items(user, today: dt.date) -> list[deadline_queries.DueItem]:
    """What the feed lists: the deadlines of the user's cases (the gate's cases_for), letters' and derived. A case
    whose owner requires two-step verification is left out: a calendar address is a bearer secret."""
    cases = access.cases_for(user).filter(require_two_factor=False).distinct().order_by("pk")
    return deadline_queries.due_for_cases(list(cases), today)


def _uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "referral-tracker"


def calendar_ics(user, *, now: dt.datetime) -> bytes:
    """The user's deadlines as an iCalendar document: one all-day VEVENT per deadline."""
    today = deadline_queries.user_today(user, now)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", CALENDAR_NAME)
    domain = _uid_domain()
    stamp = now.astimezone(dt.UTC)
    for item in feed_items(user, today):
        event = icalendar.Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + dt.timedelta(days=1))
        event.add("summary", f"{item.title} ({item.case_initials})")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
