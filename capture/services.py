"""Every write to a capture row: ask for one (or a re-check of one), hand it to the worker, the run's claim,
progress and failure, and the sweep. As with the dossier, the worker changes a row only while it holds the
claim token, so a redelivered task does nothing twice. Nothing here imports the tasks: the run is sent by
its name, to the capture queue, so a slow page never waits in front of a dossier."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from incidents import access
from incidents.rules import RULE
from referral_tracker.celery import TASK_TIME_LIMIT, publish
from referral_tracker.celery import app as celery_app

from . import guard
from .models import Capture

RUN_TASK = "capture.run"  # capture.tasks.run_capture (the coordinator's next step)
RECHECK_DAYS = (7, 30)
NOT_A_RECHECK_DAYS = f"Daily re-checks run for {' or '.join(str(d) for d in RECHECK_DAYS)} days."


def _run_task():
    task = celery_app.tasks.get(RUN_TASK)
    return celery_app.signature(RUN_TASK) if task is None else task


def capture_enqueue(capture_id: int) -> bool:
    """Hand the capture to the worker. If the broker is down the row stays queued and the sweep retries."""
    if not publish(_run_task(), args=[capture_id], what=f"capture {capture_id} (the sweep will retry)"):
        return False
    Capture.objects.filter(pk=capture_id, status=Capture.Status.QUEUED).update(heartbeat_at=timezone.now())
    return True


@transaction.atomic
def capture_request(*, user, case, url: str, note: str = "", incident=None, recheck_days: int | None = None) -> Capture:
    """Ask the worker to archive `url` for the case (and the incident, if given).

    Refused with the reason (a ValidationError on "url") is an address the guard would never fetch: not
    http(s), with a user name or password, too long, with spaces. Whether its host is public is decided by
    the worker when it resolves it, so that the answer is the one it connects to."""
    problem = guard.url_problem(url)
    if problem:
        raise ValidationError({"url": ValidationError(problem, code=RULE)})
    if recheck_days is not None and recheck_days not in RECHECK_DAYS:
        raise ValidationError({"recheck_days": ValidationError(NOT_A_RECHECK_DAYS, code=RULE)})
    if incident is not None:
        access.require_same_case(case, [incident], "incident")
    now = timezone.now()
    until = (timezone.localdate(now, case.zone) + dt.timedelta(days=recheck_days)) if recheck_days else None
    capture = Capture.objects.create(
        case=case,
        incident=incident,
        url=url,
        note=note.strip(),
        requested_by=user,
        heartbeat_at=now,
        recheck_until=until,
    )
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action=Action.CAPTURE_REQUEST,
        target=capture,
        details={"url": url, "incident": incident.pk if incident else None, "recheck_days": recheck_days},
    )
    transaction.on_commit(lambda: capture_enqueue(capture.pk))
    return capture


@transaction.atomic
def capture_recheck(*, user, first: Capture) -> Capture:
    """Ask for the page of a first capture again: a row of its own, kept in the exhibit's history."""
    first = first.first or first
    capture = Capture.objects.create(
        case_id=first.case_id,
        incident_id=first.incident_id,
        first=first,
        url=first.url,
        requested_by=user,
        heartbeat_at=timezone.now(),
    )
    audit.event_record(
        actor=user,
        case_id=first.case_id,
        action=Action.CAPTURE_RECHECK,
        target=capture,
        details={"url": first.url, "first": first.pk},
    )
    transaction.on_commit(lambda: capture_enqueue(capture.pk))
    return capture


def capture_claim(*, capture_id: int) -> str | None:
    """Take a queued capture for this run. None if another run has it or it is finished (a redelivery)."""
    token = secrets.token_hex(16)
    now = timezone.now()
    claimed = Capture.objects.filter(pk=capture_id, status=Capture.Status.QUEUED).update(
        status=Capture.Status.RUNNING,
        claim_token=token,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        progress=1,
        stage="Starting",
        error="",
    )
    return token if claimed == 1 else None


def capture_progress(*, capture_id: int, token: str, percent: int, stage: str) -> bool:
    return bool(
        Capture.objects.filter(pk=capture_id, status=Capture.Status.RUNNING, claim_token=token).update(
            progress=max(1, min(99, percent)), stage=stage, heartbeat_at=timezone.now()
        )
    )


def capture_fail(*, capture_id: int, token: str | None, error: str) -> bool:
    """The run itself broke (not the page: a page that is gone or down is a finished capture)."""
    with transaction.atomic():
        rows = Capture.objects.filter(pk=capture_id, status__in=[Capture.Status.RUNNING, Capture.Status.QUEUED])
        if token is not None:
            rows = rows.filter(claim_token=token)
        failed = rows.update(status=Capture.Status.FAILED, stage="Failed", error=error, finished_at=timezone.now())
        if failed:
            capture = Capture.objects.get(pk=capture_id)
            audit.event_record(
                case_id=capture.case_id, action=Action.CAPTURE_FAILED, target=capture, details={"error": error}
            )
    return bool(failed)


def capture_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Put stuck captures back on their way, as the dossier sweep does: queued too long (the broker was
    down) -> enqueued again; running with no progress (its worker died) -> queued again, up to the same
    number of attempts; running past the task's hard limit -> failed with a message."""
    now = now or timezone.now()
    requeue_before = now - dt.timedelta(seconds=settings.DOSSIER_REQUEUE_SECONDS)
    stale_before = now - dt.timedelta(seconds=settings.DOSSIER_STALE_SECONDS)
    limit_before = now - dt.timedelta(seconds=TASK_TIME_LIMIT)
    counts = {"requeued": 0, "restarted": 0, "failed": 0}
    running = Capture.objects.filter(status=Capture.Status.RUNNING)
    for capture_id in running.filter(started_at__lt=limit_before).values_list("pk", flat=True):
        counts["failed"] += capture_fail(
            capture_id=capture_id, token=None, error="Capturing this page took too long and was stopped."
        )
    for capture_id, attempts in running.filter(heartbeat_at__lt=stale_before).values_list("pk", "attempts"):
        if attempts >= settings.DOSSIER_MAX_ATTEMPTS:
            counts["failed"] += capture_fail(
                capture_id=capture_id,
                token=None,
                error="The worker stopped while capturing this page, several times. Please try again later.",
            )
        elif running.filter(pk=capture_id, heartbeat_at__lt=stale_before).update(
            status=Capture.Status.QUEUED, claim_token="", stage="Waiting to start again", heartbeat_at=None
        ):
            counts["restarted"] += 1
            capture_enqueue(capture_id)
    waiting = Capture.objects.filter(status=Capture.Status.QUEUED).filter(
        Q(heartbeat_at__lt=requeue_before) | Q(heartbeat_at__isnull=True)
    )
    for capture_id in waiting.values_list("pk", flat=True):
        counts["requeued"] += capture_enqueue(capture_id)
    return counts
