"""The casework tasks: the daily deadline reminder (beat runs it hourly; referral_tracker/celery.py). Each person
gets at most one a day: the service claims a (person, day) row before it queues the email."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .services import reminders

DEADLINE_DIGEST_TASK = "casework.deadline_digest"


@shared_task(name=DEADLINE_DIGEST_TASK)
def deadline_digest(day: str | None = None) -> int:
    """Send the day's deadline reminders; `day` ("2026-12-03") fixes the day for everyone. How many were sent."""
    return reminders.deadline_digest_run(now=timezone.now(), day=dt.date.fromisoformat(day) if day else None)
