"""Trusted timestamps (RFC 3161) of the hashes of a case's exhibits: ask for one later, get it, retry it.

An upload never waits for a time-stamping authority: `timestamp_later` records a pending row and hands the
request to the worker when the transaction commits. `timestamp_run` (the task "incidents.timestamp") asks the
authorities in TSA_URLS in order; a token is stored with an audit event, an authority that does not answer
leaves the row pending with the reason, and `timestamp_sweep` (beat, "incidents.timestamp_sweep") tries again.
With no TSA_URLS nothing is recorded: the exhibit page says this installation has no authority configured.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from referral_tracker.celery import app as celery_app
from referral_tracker.celery import publish
from vault import timestamps as tsp
from vault.models import Timestamp

from ..models import Evidence

logger = logging.getLogger(__name__)

TIMESTAMP_TASK = "incidents.timestamp"  # incidents.tasks.timestamp
SWEEP_TASK = "incidents.timestamp_sweep"
# The sweep retries rows pending for longer than this (a fresh row's own task is still on its way)...
RETRY_AFTER = dt.timedelta(minutes=1)
# ...at most this many per sweep, and stops at the first that the authorities still do not answer: each try
# against a dead authority costs its timeout, and the sweep must end well inside the task's time limit.
SWEEP_BATCH = 50


def _task():
    """The task by its name, as dossiers/services.py sends the compile: registered here, or a signature."""
    task = celery_app.tasks.get(TIMESTAMP_TASK)
    return celery_app.signature(TIMESTAMP_TASK) if task is None else task


def timestamp_enqueue(timestamp_id: int) -> bool:
    """Hand the row to the worker; if the broker is down it stays pending and the sweep tries it."""
    return publish(_task(), args=[timestamp_id], what=f"timestamp {timestamp_id} (the sweep will retry)")


def timestamp_later(*, case_id: int, sha256: str) -> Timestamp | None:
    """Ask for a trusted timestamp of `sha256` in the case, once the current transaction commits.

    None when this installation has no time-stamping authority (TSA_URLS is empty). The same hash in the same
    case is timestamped once: asking again returns the row there is (and sends it again if still pending)."""
    if not settings.TSA_URLS:
        return None
    sha256 = sha256.lower()
    try:
        with transaction.atomic():
            row, _ = Timestamp.objects.get_or_create(case_id=case_id, sha256=sha256)
    except IntegrityError:  # made at the same moment by another request
        row = Timestamp.objects.get(case_id=case_id, sha256=sha256)
    if row.status == Timestamp.Status.PENDING:
        transaction.on_commit(lambda: timestamp_enqueue(row.pk))
    return row


def _exhibit(row: Timestamp) -> Evidence | None:
    return (
        Evidence.objects.filter(case_id=row.case_id, sha256=row.sha256).only("id", "mark", "case_id").order_by("pk")
    ).first()


def timestamp_run(*, timestamp_id: int, now: dt.datetime | None = None) -> bool:
    """Get the row's token from the first authority that gives one. True once the row is done (now or before);
    False if no authority answered (the row stays pending with the reason, for the sweep)."""
    row = Timestamp.objects.filter(pk=timestamp_id).first()
    if row is None or row.status == Timestamp.Status.DONE:
        return row is not None
    urls = list(settings.TSA_URLS)
    now = now or timezone.now()
    try:
        token = tsp.request_token(row.sha256, urls, timeout=settings.TSA_TIMEOUT_SECONDS)
    except tsp.TimestampUnavailable as error:
        Timestamp.objects.filter(pk=row.pk, status=Timestamp.Status.PENDING).update(
            attempts=F("attempts") + 1, last_error=error.reason[:1000], last_attempt_at=now
        )
        logger.warning("No trusted timestamp for case %s hash %s yet: %s", row.case_id, row.sha256, error.reason)
        return False
    with transaction.atomic():
        locked = Timestamp.objects.select_for_update().get(pk=row.pk)
        if locked.status == Timestamp.Status.DONE:  # a redelivered task finished first: keep its token
            return True
        locked.token, locked.tsa_url, locked.tsa_name = token.der, token.tsa_url, token.tsa_name[:300]
        locked.timestamped_at, locked.status = token.gen_time, Timestamp.Status.DONE
        locked.attempts, locked.last_error, locked.last_attempt_at = locked.attempts + 1, "", now
        locked.save()
        exhibit = _exhibit(locked)
        details = {"sha256": locked.sha256, "tsa": locked.tsa_name or locked.tsa_url, "at": token.gen_time.isoformat()}
        if exhibit is not None:
            details["mark"] = exhibit.mark
        audit.event_record(case_id=locked.case_id, action=Action.EVIDENCE_TIMESTAMP, target=exhibit, details=details)
    return True


def timestamp_sweep(*, now: dt.datetime | None = None, batch: int = SWEEP_BATCH) -> dict[str, int]:
    """Try again the rows still pending after a minute, oldest try first: at most `batch`, and none after the
    first the authorities still do not answer (they are down: the next sweep tries again)."""
    counts = {"done": 0, "pending": 0}
    if not settings.TSA_URLS:
        return counts
    now = now or timezone.now()
    before = now - RETRY_AFTER
    waiting = (
        Timestamp.objects.filter(status=Timestamp.Status.PENDING, created_at__lt=before)
        .filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=before))
        .order_by(F("last_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:batch]
    )
    for timestamp_id in list(waiting):
        if timestamp_run(timestamp_id=timestamp_id, now=now):
            counts["done"] += 1
        else:
            counts["pending"] += 1
            break
    return counts
