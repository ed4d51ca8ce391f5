"""The capture worker's tasks. The run takes a capture from its claim to its finish: claim the row (a
redelivered or duplicated task finds it taken and does nothing), let the guarded browser archive the page into
a private folder, put each file it made into the evidence store, then finish the row (or fail it with a reason:
only when the run itself broke, never because the page was gone). The sweep and the daily re-checks only write
rows and send runs; they travel on the default queue."""

import logging
import shutil
import tempfile
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_shutdown
from django.conf import settings
from django.core.files import File

from vault import store

from . import browser, services
from .models import Capture

logger = logging.getLogger(__name__)

TOO_LONG = "Capturing this page took too long and was stopped."
BROKE = "Something went wrong while capturing this page. Try again."
NO_BROWSER = "The server's browser could not be started, so the page was not captured. Try again later."


def _keep(case, result) -> tuple[list[services.KeptFile], object]:
    """Every file into the store (encrypted, hashed as it is copied); the screenshot a second time, as the
    exhibit's own upload (sniffed, checked, with its preview)."""
    kept, screenshot = [], None
    try:
        for made in result.files:
            with open(made.path, "rb") as handle:
                stored = store.store_stream(case, iter(lambda h=handle: h.read(store.CHUNK), b""))
            kept.append(services.KeptFile(made.role, made.name, made.content_type, stored))
            if made.role == "screenshot":
                with open(made.path, "rb") as handle:
                    screenshot = store.store_upload(case, File(handle, name=made.name))
    except BaseException:
        _discard(case.pk, kept, screenshot)
        raise
    return kept, screenshot


def _discard(case_id: int, kept, screenshot) -> None:
    for item in kept:
        store.discard(case_id, item.stored.storage_name)
    if screenshot is not None:
        store.discard(case_id, screenshot.storage_name)
        if screenshot.preview_name:
            store.discard(case_id, screenshot.preview_name)


@shared_task(name=services.RUN_TASK)
def run_capture(capture_id: int) -> str:
    """Claim the capture, archive the page, finish the row: "done", "failed" or "not claimed"."""
    token = services.capture_claim(capture_id=capture_id)
    if token is None:
        return "not claimed"

    def progress(percent: int, stage: str) -> bool:
        return services.capture_progress(capture_id=capture_id, token=token, percent=percent, stage=stage)

    work = Path(tempfile.mkdtemp(prefix=f"capture-{capture_id}-"))
    try:
        capture = Capture.objects.select_related("case").get(pk=capture_id)
        result = browser.capture_page(
            capture.url, work_dir=work, allow_private=settings.CAPTURE_ALLOW_PRIVATE_NETWORKS, progress=progress
        )
        progress(95, "Storing the files")
        kept, screenshot = _keep(capture.case, result)
        answer = services.Answer(
            outcome=result.outcome,
            message=result.message,
            final_url=result.final_url,
            http_status=result.http_status,
            title=result.title,
            user_agent=result.user_agent,
            captured_at=result.captured_at,
            text=result.text,
            manifest_sha256=result.wacz_manifest_sha256,
        )
        try:
            finished = services.capture_finish(
                capture_id=capture_id, token=token, answer=answer, files=kept, screenshot=screenshot
            )
        except BaseException:
            _discard(capture.case_id, kept, screenshot)
            raise
        if finished is None:  # the claim was lost while it ran (the row was restarted): these files are nobody's
            _discard(capture.case_id, kept, screenshot)
            return "not claimed"
    except SoftTimeLimitExceeded:
        services.capture_fail(capture_id=capture_id, token=token, error=TOO_LONG)
        return "failed"
    except browser.BrowserUnavailable:
        logger.exception("Capture %s: no browser", capture_id)
        services.capture_fail(capture_id=capture_id, token=token, error=NO_BROWSER)
        return "failed"
    except Exception:
        logger.exception("Capture %s failed", capture_id)
        services.capture_fail(capture_id=capture_id, token=token, error=BROKE)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return "done"


@shared_task(name="capture.sweep")
def sweep() -> dict:
    return services.capture_sweep()


@shared_task(name="capture.recheck_due")
def recheck_due() -> int:
    return services.capture_recheck_due()


@worker_process_shutdown.connect
def _close_browser(**_kwargs) -> None:
    browser.shutdown()
