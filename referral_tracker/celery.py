"""The Celery application. Every Celery setting lives here, set once."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_tracker.settings")

# Soft limit raises SoftTimeLimitExceeded inside the task so it can record a
# failure; the hard limit kills the child. Redis redelivers an unacknowledged
# task after visibility_timeout, which must exceed the hard limit or a task
# still running would be handed to a second worker.
TASK_SOFT_TIME_LIMIT = 10 * 60
TASK_TIME_LIMIT = 12 * 60
VISIBILITY_TIMEOUT = 60 * 60

app = Celery("referral_tracker")


def configure(app: Celery) -> None:
    from django.conf import settings

    broker_url = settings.CELERY_BROKER_URL
    transport_options: dict = {"visibility_timeout": VISIBILITY_TIMEOUT}
    filesystem = broker_url.startswith("filesystem:")
    if filesystem:
        queue_dir = settings.BROKER_DIR / "queue"
        processed_dir = settings.BROKER_DIR / "processed"
        for folder in (queue_dir, processed_dir):
            folder.mkdir(parents=True, exist_ok=True)
        transport_options.update(
            {
                "data_folder_in": str(queue_dir),
                "data_folder_out": str(queue_dir),
                "processed_folder": str(processed_dir),
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
        },
    )


app.on_configure.connect(lambda sender, **kwargs: configure(sender), weak=False)
app.autodiscover_tasks()
