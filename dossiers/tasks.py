import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import services
from .compile import CompileError, compile_dossier_file

logger = logging.getLogger(__name__)


@shared_task(name="dossiers.compile")
def compile_dossier(dossier_id: int) -> str:
    """Claim the dossier (a redelivered or duplicated task finds it taken and does nothing), then build it."""
    token = services.dossier_claim(dossier_id=dossier_id)
    if token is None:
        return "not claimed"
    try:
        compile_dossier_file(dossier_id=dossier_id, token=token)
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
    return services.dossiers_sweep()
