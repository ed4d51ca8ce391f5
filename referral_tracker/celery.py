"""The Celery application. Every Celery setting lives here, set once."""

import logging
import os
import threading

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_tracker.settings")

# Soft limit raises SoftTimeLimitExceeded inside the task so it can record a
# failure; the hard limit kills the child. Redis redelivers an unacknowledged
# task after visibility_timeout, which must exceed the hard limit or a task
# still running would be handed to a second worker.
TASK_SOFT_TIME_LIMIT = 10 * 60
TASK_TIME_LIMIT = 12 * 60
VISIBILITY_TIMEOUT = 60 * 60

# How long a page waits for the broker to take a task before it answers anyway.
PUBLISH_WAIT_SECONDS = 1.0

# The queues. A capture drives a browser and can take a minute, so the capture run goes to a queue of its own: in
# production a worker of its own consumes it (docker-compose.yml's capture-worker), and a slow page never delays a
# dossier or an email. Everything else goes to Celery's default queue, the capture sweep and the daily re-checks
# included: they only write rows and send runs, and must not wait behind a slow page. A worker names the queues it
# consumes (-Q); `make run` and the drills start one worker that consumes both (WORKER_QUEUES).
DEFAULT_QUEUE = "celery"
CAPTURE_QUEUE = "capture"
TASK_ROUTES = {"capture.run": {"queue": CAPTURE_QUEUE}}
WORKER_QUEUES = f"{DEFAULT_QUEUE},{CAPTURE_QUEUE}"

logger = logging.getLogger(__name__)

# The queues are given here, not in configure(): task_routes set by conf.update() inside on_configure makes an
# app.amqp made before the configuration was read re-read it, and that recurses.
app = Celery("referral_tracker", task_default_queue=DEFAULT_QUEUE, task_routes=TASK_ROUTES)


def configure(app: Celery) -> None:
    from django.conf import settings

    broker_url = settings.CELERY_BROKER_URL
    transport_options: dict = {"visibility_timeout": VISIBILITY_TIMEOUT}
    filesystem = broker_url.startswith("filesystem:")
    if filesystem:
        queue_dir = settings.BROKER_DIR / "queue"
        processed_dir = settings.BROKER_DIR / "processed"
        # Where kombu keeps its exchange table: under var/ with the queue, not ./control in the working folder.
        control_dir = settings.BROKER_DIR / "control"
        for folder in (queue_dir, processed_dir, control_dir):
            folder.mkdir(parents=True, exist_ok=True)
        transport_options.update(
            {
                "data_folder_in": str(queue_dir),
                "data_folder_out": str(queue_dir),
                "processed_folder": str(processed_dir),
                "control_folder": str(control_dir),
                "store_processed": False,
            }
        )
    app.conf.update(
        broker_url=broker_url,
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=TASK_SOFT_TIME_LIMIT,
        task_time_limit=TASK_TIME_LIMIT,
        timezone=settings.TIME_ZONE,
        enable_utc=True,
        # The filesystem transport has no fanout exchange for remote control.
        worker_enable_remote_control=not filesystem,
        worker_hijack_root_logger=False,
        beat_schedule={
            "dossier-sweep": {"task": "dossiers.sweep", "schedule": float(settings.DOSSIER_SWEEP_SECONDS)},
            "accounts-sweep": {"task": "accounts.sweep", "schedule": float(settings.ACCOUNTS_SWEEP_SECONDS)},
            "activity-digest": {"task": "incidents.digest", "schedule": float(settings.DIGEST_SWEEP_SECONDS)},
            "timestamp-sweep": {
                "task": "incidents.timestamp_sweep",
                "schedule": float(settings.TIMESTAMP_SWEEP_SECONDS),
            },
            "capture-sweep": {"task": "capture.sweep", "schedule": float(settings.DOSSIER_SWEEP_SECONDS)},
            # Hourly; each first capture gets at most one re-check a day (capture_recheck_due).
            "capture-recheck": {"task": "capture.recheck_due", "schedule": 3600.0},
            # Hourly; each person gets one deadline reminder a day, in the morning of their own time zone.
            "deadline-digest": {"task": "casework.deadline_digest", "schedule": 3600.0},
        },
    )


app.on_configure.connect(lambda sender, **kwargs: configure(sender), weak=False)
app.autodiscover_tasks()


def publish(task, *, what: str, args=(), kwargs=None, wait: float = PUBLISH_WAIT_SECONDS) -> bool:
    """Send a task to the broker; True once the broker has it.

    With Redis stopped, its client tries again with back-off for about six seconds before it gives
    up, and a web worker held that long stalls every page it should serve. So the send runs in a
    thread and the caller waits for it at most `wait` seconds. False means "not sent (yet)": the send
    may still finish in the background, and whatever waits for it must not depend on it (a queued
    dossier is picked up by the sweep). A send that fails is logged here with `what`.
    """
    outcome: dict = {}

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:
            logger.warning("Could not hand %s to the broker.", what, exc_info=True)
            outcome["sent"] = False
        else:
            outcome["sent"] = True

    if app.conf.task_always_eager:  # run in-process (tests, scripts): no broker to wait for
        send()
        return outcome["sent"]
    thread = threading.Thread(target=send, name="publish", daemon=True)
    thread.start()
    thread.join(wait)
    if "sent" not in outcome:
        logger.warning("Could not hand %s to the broker within %.0f s; still trying in the background.", what, wait)
    return outcome.get("sent", False)
