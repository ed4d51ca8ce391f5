"""Captures travel on a queue of their own, so a slow page never delays a dossier.

referral_tracker/celery.py routes the capture run ("capture.run") to the "capture" queue and everything else to
Celery's default one. Which worker consumes which queue is in scripts/devserver.py (one worker, both queues),
docker-compose.yml (tests/test_compose.py) and the drills (loadtest/stack.py).
"""

import time
import uuid
from pathlib import Path

import pytest

from referral_tracker.celery import CAPTURE_QUEUE, DEFAULT_QUEUE, TASK_ROUTES, WORKER_QUEUES, app

BASE_DIR = Path(__file__).resolve().parent.parent
WAIT = 20  # seconds to find a sent message in its queue


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("capture.run", CAPTURE_QUEUE),
        ("capture.sweep", DEFAULT_QUEUE),  # rows and sends only: never behind a slow page
        ("capture.recheck_due", DEFAULT_QUEUE),
        ("dossiers.compile", DEFAULT_QUEUE),
        ("dossiers.sweep", DEFAULT_QUEUE),
        ("accounts.sweep", DEFAULT_QUEUE),
        ("incidents.digest", DEFAULT_QUEUE),
        ("accounts.tasks.send_email", DEFAULT_QUEUE),
        ("capture.runs", DEFAULT_QUEUE),  # a name that only begins alike is not the run
    ],
)
def test_each_task_is_routed_to_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_the_default_queue_is_celerys_own_and_one_worker_can_take_both():
    assert app.conf.task_default_queue == DEFAULT_QUEUE == "celery"
    assert app.conf.task_routes == TASK_ROUTES
    assert WORKER_QUEUES.split(",") == [DEFAULT_QUEUE, CAPTURE_QUEUE]


def test_every_worker_the_project_starts_names_its_queues():
    # make run's worker and the drills' worker take both queues: nothing they are sent waits for ever.
    from scripts import devserver

    worker = devserver.commands("8000", BASE_DIR / "var")["worker"]
    assert worker[worker.index("--queues") + 1] == WORKER_QUEUES
    stack = (BASE_DIR / "loadtest" / "stack.py").read_text()
    assert f'"--queues={WORKER_QUEUES}"' in stack


def test_a_capture_task_waits_in_the_capture_queue_and_a_dossier_in_the_default_one():
    # Through the broker the tests use (Redis, or the filesystem broker of the embedded default): each
    # message is found in its own queue, and taken back out so that nothing is left behind.
    sent = {}
    for name in ("capture.run", "dossiers.compile"):
        task_id = f"queue-test-{uuid.uuid4()}"
        app.send_task(name, args=[0], task_id=task_id)
        sent[task_id] = name
    found: dict[str, str] = {}
    with app.connection_for_read() as connection:
        for queue in (CAPTURE_QUEUE, DEFAULT_QUEUE):
            simple = connection.SimpleQueue(queue)
            others = []
            try:
                deadline = time.monotonic() + WAIT
                while time.monotonic() < deadline and not any(found.get(task_id) == queue for task_id in sent):
                    try:
                        message = simple.get(timeout=0.5)
                    except simple.Empty:
                        continue
                    task_id = message.headers.get("id")
                    if task_id in sent:
                        found[task_id] = queue
                        message.ack()
                    else:
                        others.append(message)  # not this test's: put back once we are done
            finally:
                for message in others:
                    message.requeue()
                simple.close()
    assert {sent[task_id]: queue for task_id, queue in found.items()} == {
        "capture.run": CAPTURE_QUEUE,
        "dossiers.compile": DEFAULT_QUEUE,
    }
