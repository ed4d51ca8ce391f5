"""Every write to a dossier row: ask for one, hand it to the worker, the run's claim, progress, finish and
failure, the record of a download, and the sweep. The worker changes a row only while it holds the claim
token. Nothing here imports the tasks: the compile is sent by its name."""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from casework.queries import letters as letter_queries
from casework.queries.statements import statement_for_case
from incidents.rules import CONFLICT
from referral_tracker.celery import TASK_TIME_LIMIT, publish
from referral_tracker.celery import app as celery_app

from .models import Dossier
from .rules import STATEMENT_DOCUMENTS, police_only_problems

logger = logging.getLogger(__name__)

COMPILE_TASK = "dossiers.compile"  # dossiers.tasks.compile_dossier

NO_STATEMENT = "There is no draft of this statement yet. Start it on the statement page first."
NO_LETTER = "This letter is no longer in the case."
NO_STATEMENT_TO_INCLUDE = (
    "There is no draft witness statement in this case yet, so it cannot go in the dossier. Start it on the "
    "statement page, or leave this box unticked."
)
# The statement's kind (casework.models.Statement.Kind) of each statement row.
STATEMENT_KINDS = {document: kind for kind, document in STATEMENT_DOCUMENTS.items()}


def _compile_task():
    """The compile task, by its name: the task itself where this process has registered it (the worker, a
    run in-process), else a signature that the broker routes by that name (a web process never imports
    the compiler). publish() calls apply_async(args=..., kwargs=..., retry=False) on either."""
    task = celery_app.tasks.get(COMPILE_TASK)
    return celery_app.signature(COMPILE_TASK) if task is None else task


def dossier_enqueue(dossier_id: int) -> bool:
    """Hand the dossier to the worker. If the broker is down the row stays queued and the sweep retries."""
    sent = publish(_compile_task(), args=[dossier_id], what=f"dossier {dossier_id} (the sweep will retry)")
    if not sent:
        return False
    Dossier.objects.filter(pk=dossier_id, status=Dossier.Status.QUEUED).update(heartbeat_at=timezone.now())
    return True


@transaction.atomic
def dossier_request(*, user, case, options: dict, document: str = Dossier.Document.DOSSIER) -> Dossier:
    """Ask the worker for a document of the case: the dossier, or a statement draft (`document` one of
    Dossier.Document) rendered to its signed PDF and DOCX.

    Refused (a ValidationError saying why) are: a dossier not for the police that asks for the draft witness
    statement or the offence checklist (rules.POLICE_ONLY: whoever calls, a social-services dossier never
    carries the checklist); a dossier asking for the statement, or a statement row, when the case has no such
    draft."""
    if document == Dossier.Document.DOSSIER:
        problems = police_only_problems(options)
        if problems:
            raise ValidationError(problems)
        if options.get("include_statement") and statement_for_case(case=case, kind="witness") is None:
            raise ValidationError({"include_statement": ValidationError(NO_STATEMENT_TO_INCLUDE, code=CONFLICT)})
    elif document == Dossier.Document.LETTER:
        if letter_queries.letter_detail(case, options.get("letter")) is None:
            raise ValidationError(NO_LETTER, code=CONFLICT)
    elif statement_for_case(case=case, kind=STATEMENT_KINDS[Dossier.Document(document)]) is None:
        raise ValidationError(NO_STATEMENT, code=CONFLICT)
    dossier = Dossier.objects.create(
        case=case, requested_by=user, options=options, document=document, heartbeat_at=timezone.now()
    )
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action=Action.DOSSIER_REQUEST,
        target=dossier,
        details={"options": options, "document": document, "verification_code": dossier.verification_code},
    )
    transaction.on_commit(lambda: dossier_enqueue(dossier.pk))
    return dossier


def dossier_claim(*, dossier_id: int) -> str | None:
    """Take a queued dossier for this run. None if another run has it or it is finished (a redelivery)."""
    token = secrets.token_hex(16)
    now = timezone.now()
    claimed = Dossier.objects.filter(pk=dossier_id, status=Dossier.Status.QUEUED).update(
        status=Dossier.Status.RUNNING,
        claim_token=token,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        progress=1,
        stage="Starting",
        error="",
    )
    return token if claimed == 1 else None


def dossier_progress(*, dossier_id: int, token: str, percent: int, stage: str) -> bool:
    return bool(
        Dossier.objects.filter(pk=dossier_id, status=Dossier.Status.RUNNING, claim_token=token).update(
            progress=max(1, min(99, percent)), stage=stage, heartbeat_at=timezone.now()
        )
    )


def dossier_finish(*, dossier_id: int, token: str, **fields) -> bool:
    """Mark the run done, once: a second finish (or one from a run that lost its claim) changes nothing."""
    with transaction.atomic():
        done = Dossier.objects.filter(pk=dossier_id, status=Dossier.Status.RUNNING, claim_token=token).update(
            status=Dossier.Status.DONE, progress=100, stage="Ready", finished_at=timezone.now(), **fields
        )
        if done:
            dossier = Dossier.objects.get(pk=dossier_id)
            audit.event_record(
                case_id=dossier.case_id,
                action=Action.DOSSIER_DONE,
                target=dossier,
                details={"sha256": dossier.sha256, "pages": dossier.pages, "pack_sha256": dossier.pack_sha256},
            )
    return bool(done)


def dossier_fail(*, dossier_id: int, token: str | None, error: str) -> bool:
    with transaction.atomic():
        rows = Dossier.objects.filter(pk=dossier_id, status__in=[Dossier.Status.RUNNING, Dossier.Status.QUEUED])
        if token is not None:
            rows = rows.filter(claim_token=token)
        failed = rows.update(status=Dossier.Status.FAILED, stage="Failed", error=error, finished_at=timezone.now())
        if failed:
            dossier = Dossier.objects.get(pk=dossier_id)
            audit.event_record(
                case_id=dossier.case_id, action=Action.DOSSIER_FAILED, target=dossier, details={"error": error}
            )
    return bool(failed)


def dossier_download_record(*, user, dossier: Dossier, what: str) -> None:
    audit.event_record(
        actor=user,
        case_id=dossier.case_id,
        action=f"dossier.download_{what}",
        target=dossier,
        details={"verification_code": dossier.verification_code},
    )


def dossier_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Put stuck dossiers back on their way; fail those that ran past the time limit.

    - queued for longer than DOSSIER_REQUEUE_SECONDS (the broker was down when asked): enqueued again;
    - running with no progress for DOSSIER_STALE_SECONDS (its worker died): back to queued, enqueued again,
      up to DOSSIER_MAX_ATTEMPTS runs;
    - running for longer than the task's hard time limit: failed with a message.
    The conditional claim makes a re-enqueued dossier safe if the first message arrives after all.
    """
    now = now or timezone.now()
    requeue_before = now - dt.timedelta(seconds=settings.DOSSIER_REQUEUE_SECONDS)
    stale_before = now - dt.timedelta(seconds=settings.DOSSIER_STALE_SECONDS)
    limit_before = now - dt.timedelta(seconds=TASK_TIME_LIMIT)
    counts = {"requeued": 0, "restarted": 0, "failed": 0}

    for dossier_id in Dossier.objects.filter(status=Dossier.Status.RUNNING, started_at__lt=limit_before).values_list(
        "pk", flat=True
    ):
        minutes = TASK_TIME_LIMIT // 60
        counts["failed"] += dossier_fail(
            dossier_id=dossier_id,
            token=None,
            error=f"Making this dossier took longer than {minutes} minutes and was stopped. Try a shorter date range.",
        )
    stale = Dossier.objects.filter(status=Dossier.Status.RUNNING, heartbeat_at__lt=stale_before)
    for dossier_id, attempts in stale.values_list("pk", "attempts"):
        if attempts >= settings.DOSSIER_MAX_ATTEMPTS:
            counts["failed"] += dossier_fail(
                dossier_id=dossier_id,
                token=None,
                error="The worker stopped while making this dossier, several times. Please try again later.",
            )
        elif Dossier.objects.filter(pk=dossier_id, status=Dossier.Status.RUNNING, heartbeat_at__lt=stale_before).update(
            status=Dossier.Status.QUEUED, claim_token="", stage="Waiting to start again", heartbeat_at=None
        ):
            counts["restarted"] += 1
            dossier_enqueue(dossier_id)
    waiting = Dossier.objects.filter(status=Dossier.Status.QUEUED).filter(
        Q(heartbeat_at__lt=requeue_before) | Q(heartbeat_at__isnull=True)
    )
    for dossier_id in waiting.values_list("pk", flat=True):
        counts["requeued"] += dossier_enqueue(dossier_id)
    return counts
