"""The case file's tasks: the owners' email about what others did on their cases (beat runs it every
DIGEST_SWEEP_SECONDS; referral_tracker/celery.py), and the trusted timestamp of an exhibit's hash with its
sweep (beat, every TIMESTAMP_SWEEP_SECONDS)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .queries import notifications as notification_queries
from .services import notifications as notification_services
from .services import timestamps as timestamp_services

# The first email covers at most this much (the hour before), and none reaches further back than a day
# (for example after the digest was switched back on).
FIRST_DIGEST_SPAN = dt.timedelta(hours=1)
LONGEST_DIGEST_SPAN = dt.timedelta(days=1)


def digest_since(sent_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if sent_at is None:
        return now - FIRST_DIGEST_SPAN
    return max(sent_at, now - LONGEST_DIGEST_SPAN)


@shared_task(name="incidents.digest")
def send_digests() -> int:
    """One email to each owner whom others' actions concern; how many were sent."""
    now = timezone.now()
    sent = 0
    for user in notification_queries.digest_recipients(sent_before=now - notification_services.digest_min_gap()):
        happenings = notification_queries.digest_happenings(
            user=user, since=digest_since(user.digest_sent_at, now), until=now
        )
        if notification_services.digest_send(
            user=user, read_sent_at=user.digest_sent_at, now=now, happenings=happenings
        ):
            sent += 1
    return sent


@shared_task(name=timestamp_services.TIMESTAMP_TASK, soft_time_limit=120, time_limit=150)
def timestamp(timestamp_id: int) -> bool:
    """Get the row's trusted timestamp; an authority that does not answer leaves it to the sweep."""
    return timestamp_services.timestamp_run(timestamp_id=timestamp_id)


@shared_task(name=timestamp_services.SWEEP_TASK)
def timestamp_sweep() -> dict:
    return timestamp_services.timestamp_sweep()
