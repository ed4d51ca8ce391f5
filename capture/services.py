"""Every write to a capture row: ask for one (or a re-check of one), hand it to the worker, the run's claim,
progress and failure, and the sweep. As with the dossier, the worker changes a row only while it holds the
claim token, so a redelivered task does nothing twice. Nothing here imports the tasks: the run is sent by
its name, to the capture queue, so a slow page never waits in front of a dossier."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from incidents import access
from incidents.models import Evidence
from incidents.rules import RULE
from incidents.services import evidence as evidence_services
from incidents.services import timestamps as timestamp_services
from referral_tracker.celery import TASK_TIME_LIMIT, publish
from referral_tracker.celery import app as celery_app
from vault import store

from . import guard
from .models import Capture, CaptureFile

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
def capture_recheck(*, user, first: Capture, scheduled: bool = False, now: dt.datetime | None = None) -> Capture:
    """Ask for the page of a first capture again: a row of its own, kept in the exhibit's history.
    `scheduled`: one of the daily re-checks asked for with the first capture (by its requester)."""
    first = first.first or first
    now = now or timezone.now()
    capture = Capture.objects.create(
        case_id=first.case_id,
        incident_id=first.incident_id,
        first=first,
        url=first.url,
        requested_by=user,
        requested_at=now,
        heartbeat_at=now,
    )
    audit.event_record(
        actor=user,
        case_id=first.case_id,
        action=Action.CAPTURE_RECHECK,
        target=capture,
        details={"url": first.url, "first": first.pk, "scheduled": scheduled},
    )
    transaction.on_commit(lambda: capture_enqueue(capture.pk))
    return capture


def capture_recheck_due(*, now: dt.datetime | None = None) -> int:
    """The daily re-checks: each first capture whose re-check days have not ended gets one re-check a day (in
    its case's time zone), however often this runs. Returns how many were asked for."""
    now = now or timezone.now()
    asked = 0
    due = Capture.objects.filter(first__isnull=True, recheck_until__isnull=False).select_related("case")
    for first in due.filter(recheck_until__gte=(now - dt.timedelta(days=1)).date()).iterator():
        today = timezone.localdate(now, first.case.zone)
        if today > first.recheck_until or today <= timezone.localdate(first.requested_at, first.case.zone):
            continue
        with transaction.atomic():
            Capture.objects.select_for_update().filter(pk=first.pk).first()  # one re-check a day, even run twice
            start = dt.datetime.combine(today, dt.time.min, tzinfo=first.case.zone)
            if first.rechecks.filter(requested_at__gte=start).exists():
                continue
            capture_recheck(user=first.requested_by, first=first, scheduled=True, now=now)
            asked += 1
    return asked


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


@dataclass
class Answer:
    """What the address answered, as the worker found it (the fields of a finished row)."""

    outcome: str
    message: str
    final_url: str = ""
    http_status: int | None = None
    title: str = ""
    user_agent: str = ""
    captured_at: dt.datetime | None = None
    text: str = ""
    manifest_sha256: str = ""


@dataclass
class KeptFile:
    """One file of the capture, already in the store (vault.store.store_stream)."""

    role: str
    name: str
    content_type: str
    stored: object  # vault.store.Stored


def _exhibit_description(capture: Capture, answer: Answer) -> str:
    what = f"Web page “{answer.title.strip()}”" if answer.title.strip() else "Web page"
    lines = [f"{what} at {capture.url}, captured by this site's server."]
    if answer.final_url and answer.final_url != capture.url:
        lines.append(f"It was sent on to {answer.final_url}.")
    if capture.note:
        lines.append(capture.note)
    return "\n".join(lines)[:5000]


def capture_finish(
    *, capture_id: int, token: str, answer: Answer, files: Sequence[KeptFile], screenshot=None
) -> Capture | None:
    """Record what the address answered and the files the capture made; the first capture that reached the
    page becomes an exhibit (the screenshot, `screenshot` being its own stored copy from
    vault.store.store_upload). None if the claim was lost (the caller removes the files: they are nobody's)."""
    with transaction.atomic():
        capture = (
            Capture.objects.select_for_update(of=("self",))
            .select_related("case", "incident", "first", "requested_by")
            .filter(pk=capture_id, status=Capture.Status.RUNNING, claim_token=token)
            .first()
        )
        if capture is None:
            return None
        now = timezone.now()
        capture.status, capture.progress, capture.stage, capture.finished_at = Capture.Status.DONE, 100, "Done", now
        capture.outcome, capture.message = answer.outcome, answer.message[:2000]
        capture.final_url = answer.final_url[:2000]
        capture.http_status = answer.http_status
        capture.title, capture.user_agent = answer.title[:500], answer.user_agent[:500]
        capture.captured_at = answer.captured_at or now
        captured = answer.outcome == Capture.Outcome.CAPTURED
        capture.text_sha256 = hashlib.sha256(answer.text.encode()).hexdigest() if captured else ""
        capture.manifest_sha256 = answer.manifest_sha256
        capture.save()
        CaptureFile.objects.bulk_create(
            CaptureFile(
                capture=capture,
                role=kept.role,
                name=kept.name,
                content_type=kept.content_type,
                size=kept.stored.size,
                sha256=kept.stored.sha256,
                storage_name=kept.stored.storage_name,
            )
            for kept in files
        )
        first = capture.first or capture
        exhibit = None
        if captured and screenshot is not None and first.evidence_id is None:
            exhibit = evidence_services.evidence_from_stored(
                user=capture.requested_by,
                case=capture.case,
                kind=Evidence.Kind.WEB_PAGE,
                description=_exhibit_description(capture, answer),
                stored=screenshot,
                original_name="page.png",
                source_url=capture.url,
                obtained_at=timezone.localdate(capture.captured_at, capture.case.zone),
                obtained_from="Captured by this site's server",
                incidents=[capture.incident] if capture.incident else [],
            ).evidence
            Capture.objects.filter(pk=first.pk).update(evidence=exhibit)
            if first.pk == capture.pk:
                capture.evidence = exhibit
        elif screenshot is not None:
            store.discard(capture.case_id, screenshot.storage_name)
            if screenshot.preview_name:
                store.discard(capture.case_id, screenshot.preview_name)
        audit.event_record(
            actor=capture.requested_by,
            case_id=capture.case_id,
            action=Action.CAPTURE_DONE,
            target=capture,
            details={
                "url": capture.url,
                "outcome": capture.outcome,
                "http_status": capture.http_status,
                "final_url": capture.final_url,
                "first": capture.first_id,
                "exhibit": exhibit.mark if exhibit else None,
                "files": {kept.role: kept.stored.sha256 for kept in files},
                "manifest_sha256": capture.manifest_sha256,
            },
        )
        if capture.manifest_sha256:  # the archive's trusted timestamp, asked for once this commits
            timestamp_services.timestamp_later(case_id=capture.case_id, sha256=capture.manifest_sha256)
    return capture


def capture_access_record(*, user, capture: Capture, role: str, listing: bool = False) -> None:
    """Every look at a capture's files goes in the audit trail, as every look at an exhibit does."""
    audit.event_record(
        actor=user,
        case_id=capture.case_id,
        action=Action.CAPTURE_ARCHIVE_VIEW if listing else Action.CAPTURE_DOWNLOAD,
        target=capture,
        details={"role": role, "url": capture.url, "exhibit": capture.evidence.mark if capture.evidence else None},
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
