"""The worker's two tasks. The compile task runs a dossier from its claim to its finish: claim the row
(a redelivered or duplicated task finds it taken and does nothing), compile with progress written under
the claim token, then finish the row, or fail it with a reason."""

import dataclasses
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from vault import store

from . import queries, services
from .compile import CompileError, dossier_compile

logger = logging.getLogger(__name__)


@shared_task(name=services.COMPILE_TASK)
def compile_dossier(dossier_id: int) -> str:
    """Claim the dossier, build it, finish it: "done", "failed" or "not claimed"."""
    token = services.dossier_claim(dossier_id=dossier_id)
    if token is None:
        return "not claimed"

    def progress(percent: int, stage: str) -> bool:
        return services.dossier_progress(dossier_id=dossier_id, token=token, percent=percent, stage=stage)

    try:
        dossier = queries.dossier_to_compile(dossier_id)
        made = dossier_compile(dossier, progress)
        if not services.dossier_finish(dossier_id=dossier_id, token=token, **dataclasses.asdict(made)):
            # The claim was lost while it compiled (the row was restarted): these files are nobody's.
            store.discard(dossier.case_id, made.file_name)
            store.discard(dossier.case_id, made.pack_name)
    except CompileError as error:
        services.dossier_fail(dossier_id=dossier_id, token=token, error=str(error))
        return "failed"
    except SoftTimeLimitExceeded:
        services.dossier_fail(dossier_id=dossier_id, token=token, error="Making this dossier took too long.")
        return "failed"
    except Exception:
        logger.exception("Dossier %s failed", dossier_id)
        services.dossier_fail(
            dossier_id=dossier_id, token=token, error="Something went wrong while making this dossier. Try again."
        )
        raise
    return "done"


@shared_task(name="dossiers.sweep")
def sweep() -> dict:
    return services.dossier_sweep()
