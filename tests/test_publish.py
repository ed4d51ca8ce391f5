"""Sending a task never holds a page for long, and says when it could not be sent."""

import threading

import pytest

from referral_tracker.celery import publish


class FakeTask:
    def __init__(self, *, block: threading.Event | None = None, error: Exception | None = None):
        self.block, self.error, self.sent = block, error, []

    def apply_async(self, args=(), kwargs=None, retry=True):
        if self.block is not None:
            self.block.wait(10)
        if self.error is not None:
            raise self.error
        self.sent.append((list(args), kwargs, retry))


def test_a_task_the_broker_takes_is_sent_once_without_retries():
    task = FakeTask()
    assert publish(task, args=[7], what="dossier 7") is True
    assert task.sent == [([7], None, False)]


def test_a_broker_that_refuses_is_logged_and_reported(caplog):
    task = FakeTask(error=ConnectionRefusedError("no broker"))
    assert publish(task, args=[7], what="dossier 7") is False
    assert "Could not hand dossier 7 to the broker" in caplog.text


def test_a_broker_that_does_not_answer_is_given_up_on_after_the_wait(caplog):
    # Redis stopped: its client retries with back-off for seconds. The caller stops waiting; the send
    # goes on in the background and its outcome is logged when it comes.
    release = threading.Event()
    task = FakeTask(block=release, error=ConnectionRefusedError("no broker"))
    try:
        assert publish(task, args=[7], what="dossier 7", wait=0.05) is False
        assert "Could not hand dossier 7 to the broker within" in caplog.text
    finally:
        release.set()


@pytest.mark.usefixtures("eager_tasks")
def test_in_process_tasks_run_in_the_callers_thread():
    seen = []

    class Task(FakeTask):
        def apply_async(self, args=(), kwargs=None, retry=True):
            seen.append(threading.current_thread())

    assert publish(Task(), what="a task") is True
    assert seen == [threading.current_thread()]
