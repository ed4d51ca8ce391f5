"""A web capture through real processes: a real Celery worker (the capture queue and the default one, with beat)
over a redis-server of the test's own, Debian's chromium, and a page served on loopback.

The worker's pool child is SIGKILLed in the middle of a capture, as Celery's hard time limit or the kernel's
out-of-memory killer would: the browser and the Playwright driver it started must go with it (no chromium left
behind), and the capture must complete exactly once after the sweep restarts it: one exhibit, one
"capture.done". When the worker is stopped normally, its browser is closed with it.
"""

import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest

from audit.models import AuditEvent
from capture import services
from capture.models import Capture, CaptureFile
from incidents.models import Evidence
from referral_tracker.celery import WORKER_QUEUES
from tests.capture.conftest import FixtureServer
from tests.dossiers.test_dossier_processes import broker, wait_for, workers  # noqa: F401 - fixtures

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

PAGE = b"<!doctype html><title>The thread</title><p>Posted about our family.</p><img src='/a.png'>"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> set[int]:
    seen, todo = set(), children(pid)
    while todo:
        child = todo.pop()
        if child not in seen:
            seen.add(child)
            todo += children(child)
    return seen


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def browsing_child(worker: int) -> tuple[int, set[int]]:
    """The worker's pool child that has a browser (the other child is the embedded beat), and all it started."""
    found = [(child, descendants(child)) for child in children(worker)]
    with_browser = [(child, tree) for child, tree in found if any("chromium" in command_line(p) for p in tree)]
    assert len(with_browser) == 1, [(child, [command_line(p)[:80] for p in tree]) for child, tree in found]
    return with_browser[0]


def test_a_worker_killed_mid_capture_leaves_no_chromium_and_the_capture_completes_once(case, owner, broker, workers):  # noqa: F811
    slow = threading.Event()
    slow.set()
    asked = []

    def page(handler):
        asked.append(time.monotonic())
        if slow.is_set():
            time.sleep(30)  # long enough to be killed in the middle of it
        return 200, {"Content-Type": "text/html"}, PAGE

    broker.start()
    server = FixtureServer({"/": page})
    # Chromium's socket lives in TMPDIR, and a Unix socket's path must be short: not pytest's long tmp_path.
    scratch = Path(tempfile.mkdtemp(prefix="cw-", dir="/tmp"))
    try:
        workers.env["CAPTURE_ALLOW_PRIVATE_NETWORKS"] = "1"
        workers.env["TMPDIR"] = str(scratch)
        process, _log = workers.start("capture", beat=True, queues=WORKER_QUEUES)
        capture = services.capture_request(user=owner, case=case, url=server.url("/"))
        wait_for(
            lambda: asked or Capture.objects.filter(pk=capture.pk, status__in=["done", "failed"]).exists(),
            "the worker's browser to ask for the page",
            workers,
        )
        capture.refresh_from_db()
        assert asked, (capture.status, capture.outcome, capture.message, capture.error)
        capture.refresh_from_db()
        assert capture.status == Capture.Status.RUNNING and capture.attempts == 1
        pool_child, tree = browsing_child(process.pid)

        os.kill(pool_child, signal.SIGKILL)
        workers.killed.add("pool child")
        wait_for(lambda: not any(alive(pid) for pid in tree | {pool_child}), "the browser to die with its worker")

        slow.clear()  # the page answers at once from now on
        wait_for(
            lambda: Capture.objects.filter(pk=capture.pk, status=Capture.Status.DONE).exists(),
            "the sweep to restart the capture and the worker to finish it",
            workers,
        )
        capture.refresh_from_db()
        assert (capture.outcome, capture.http_status, capture.attempts) == ("captured", 200, 2), capture.message
        assert Evidence.objects.filter(case=case).count() == 1 and capture.evidence is not None
        assert AuditEvent.objects.filter(action="capture.done", target_id=capture.pk).count() == 1
        assert {"screenshot", "pdf", "text", "wacz"} <= set(
            CaptureFile.objects.filter(capture=capture).values_list("role", flat=True)
        )
        # A normal stop closes the new pool child's browser too.
        _second_child, second_tree = browsing_child(process.pid)
        process.terminate()  # a warm shutdown: worker_process_shutdown closes the browser
        process.wait(timeout=30)
        wait_for(lambda: not any(alive(pid) for pid in second_tree), "the browser to close with the worker")
    finally:
        server.close()
        shutil.rmtree(scratch, ignore_errors=True)
