"""Sending a task never holds a page for long, and says when it could not be sent."""

import threading

import kombu.exceptions
import pytest

from referral_tracker.celery import app, publish

GIVE_UP_SECONDS = 30  # the bound on the wait for the background send to fail (about 6 s here)


class FakeTask:
    # A spy, not a broker: what publish() passes to apply_async (retry=False) is seen only here; the real
    # journey through Redis to a worker is tests/test_processes.py and tests/dossiers/test_dossier_processes.py.
    def __init__(self):
        self.sent = []

    def apply_async(self, args=(), kwargs=None, retry=True):
        self.sent.append((list(args), kwargs, retry))


def test_a_task_the_broker_takes_is_sent_once_without_retries():
    task = FakeTask()
    assert publish(task, args=[7], what="dossier 7") is True
    assert task.sent == [([7], None, False)]


def test_a_stopped_broker_is_given_up_on_after_the_wait_and_its_refusal_logged(broker_stopped, caplog):
    # Redis stopped: its client retries with back-off for seconds. The caller stops waiting; the send
    # goes on in the background and its outcome is logged when it comes.
    task = app.signature("dossiers.compile")
    assert publish(task, args=[7], what="a publish test's task", wait=0.05) is False
    assert "Could not hand a publish test's task to the broker within 0 s" in caplog.text
    sends = [thread for thread in threading.enumerate() if thread.name == "publish"]
    for thread in sends:
        thread.join(GIVE_UP_SECONDS)
    assert not any(thread.is_alive() for thread in sends), f"the send did not give up within {GIVE_UP_SECONDS} s"
    refused = [r for r in caplog.records if r.getMessage() == "Could not hand a publish test's task to the broker."]
    assert len(refused) == 1
    assert isinstance(refused[0].exc_info[1], kombu.exceptions.OperationalError)
    assert "Connection refused" in str(refused[0].exc_info[1])


@pytest.mark.usefixtures("eager_tasks")
def test_in_process_tasks_run_in_the_callers_thread():
    seen = []

    class Task(FakeTask):
        def apply_async(self, args=(), kwargs=None, retry=True):
            seen.append(threading.current_thread())

    assert publish(Task(), what="a task") is True
    assert seen == [threading.current_thread()]
