"""Dossiers through real processes: a real worker over a real Redis, killed, restarted, or not yet there.

Each test starts its own redis-server on a free port and its own Celery workers
(`celery -A referral_tracker worker`), pointed at the pytest database. The test
process itself sends to that Redis. Nothing here touches the shared Redis.

- A worker is killed (SIGKILL, the whole process group) in the middle of a compile;
  a new worker with beat starts, the sweep sees the dossier's heartbeat go stale and
  restarts it, and it completes exactly once: one PDF, one "dossier.done".
- The original message stays unacknowledged in Redis; redelivering it (as Redis would
  after the visibility timeout) changes nothing.
- With the broker down when the dossier is asked for, it shows as queued and
  completes once the broker and the sweep are back.
"""

import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection
from django.utils import timezone
from kombu import Connection

from audit.models import AuditEvent
from dossiers import services as dossier_services
from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from incidents.models import Evidence, Incident, IncidentParty, Party
from incidents.services import evidence as evidence_services
from incidents.services import parties as party_services
from referral_tracker.celery import DEFAULT_QUEUE
from tests.factories import png_bytes, point_celery_at, upload
from vault import store

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))
WAIT = 90  # the bound on every wait, in seconds
STOP_TIMEOUT = 20
STALE_SECONDS, REQUEUE_SECONDS, SWEEP_SECONDS = 3, 2, 1
OPTIONS = {"audience": "police", "photos": "inline", "redact": False}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 150) -> str:
    text = path.read_text(errors="replace") if path.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the worker (a warm shutdown that stops its pool child), then SIGKILL to whatever is left."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            kill_group(process)
            process.wait(timeout=STOP_TIMEOUT)
    # Pool children left behind by a killed parent are in the same group.
    kill_group(process)


# Redis: our own server, on a port of our own ------------------------------------------------------


@dataclass
class RedisServer:
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=5)

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + WAIT
        while True:
            assert self.process.poll() is None, f"redis-server exited\n{tail(self.log)}"
            with contextlib.suppress(redis.ConnectionError):
                if self.client().ping():
                    return
            assert time.monotonic() < deadline, f"redis-server did not answer within {WAIT} s\n{tail(self.log)}"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def broker(settings, tmp_path, monkeypatch):
    """A redis-server of this test's own, not started yet; this process's Celery app sends to it."""
    from referral_tracker.celery import app

    server = RedisServer(port=free_port(), log=tmp_path / "redis.log")
    previous = app.conf.broker_url  # configures the app first, if nothing has yet
    settings.CELERY_BROKER_URL = server.url
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    point_celery_at(server.url)
    with app.connection_for_write() as conn:
        assert (conn.hostname, conn.port) == ("127.0.0.1", server.port), "this process would not send to our Redis"
    try:
        yield server
    finally:
        point_celery_at(previous)
        server.stop()


# Workers ------------------------------------------------------------------------------------------


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"], safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Workers:
    tmp_path: Path
    env: dict[str, str]
    started: list[tuple[str, subprocess.Popen, Path]] = field(default_factory=list)
    killed: set[str] = field(default_factory=set)

    def start(self, name: str, *, beat: bool, queues: str = DEFAULT_QUEUE) -> tuple[subprocess.Popen, Path]:
        log = self.tmp_path / f"worker-{name}.log"
        command = [CELERY, "-A", "referral_tracker", "worker", "--concurrency", "1", "--loglevel", "INFO"]
        command += ["--hostname", f"{name}@%h", "--without-mingle", "--without-gossip"]
        command += ["--queues", queues]  # by default as compose's worker: dossiers, not captures
        if beat:
            command += ["--beat", "--schedule", str(self.tmp_path / f"beat-{name}")]
        with log.open("wb") as out:
            # A session of its own: its group is the worker and its pool child, killed together.
            process = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((name, process, log))
        wait_for(lambda: " ready." in log.read_text(errors="replace"), f"worker {name} to be ready", self)
        return process, log

    def logs(self) -> str:
        return "\n".join(f"----- worker {name} -----\n{tail(log)}" for name, _, log in self.started)


@pytest.fixture
def workers(broker, settings, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"EVIDENCE_MASTER_KEY", "DOSSIER_ROOT", "STATIC_ROOT"} and not key.startswith("DOSSIER_")
    }
    (tmp_path / "worker-tmp").mkdir()
    env.update(
        DJANGO_SETTINGS_MODULE="referral_tracker.settings",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=broker.url,
        SECRET_KEY="test-only-secret-key-not-for-production",
        DEBUG="0",
        VAR_DIR=str(tmp_path / "var"),
        EVIDENCE_ROOT=str(settings.EVIDENCE_ROOT),
        EVIDENCE_KEY_FILE=str(settings.EVIDENCE_KEY_FILE),
        SIGNING_KEY_FILE=str(settings.SIGNING_KEY_FILE),
        SIGNING_CERT_FILE=str(settings.SIGNING_CERT_FILE),
        DOSSIER_STALE_SECONDS=str(STALE_SECONDS),
        DOSSIER_REQUEUE_SECONDS=str(REQUEUE_SECONDS),
        DOSSIER_SWEEP_SECONDS=str(SWEEP_SECONDS),
        TMPDIR=str(tmp_path / "worker-tmp"),  # a killed compile's scratch files stay in tmp_path
        PYTHONUNBUFFERED="1",
    )
    # The sweep in this process (called below) uses the same limits as the workers'.
    settings.DOSSIER_STALE_SECONDS = STALE_SECONDS
    settings.DOSSIER_REQUEUE_SECONDS = REQUEUE_SECONDS
    running = Workers(tmp_path, env)
    try:
        yield running
    finally:
        for _, process, _ in running.started:
            stop(process)
        # Shown by pytest when a test fails (and always with -s).
        print(running.logs())


def wait_for(condition: Callable[[], object], what: str, workers: Workers | None = None, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if workers is not None:
            for name, process, log in workers.started:
                if process.poll() is not None and name not in workers.killed:
                    pytest.fail(f"worker {name} exited with {process.returncode} while waiting for {what}\n{tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}\n{workers.logs() if workers else ''}")
        time.sleep(0.1)


# The case -----------------------------------------------------------------------------------------

WORDS = (  # noqa: SIM905 - a word list reads better as prose
    "referral anonymous social worker visit nursery school employer brand sponsor forum thread post message "
    "screenshot police welfare check neglect baby daughter son health visitor letter email phone call account "
    "handle fake profile review comment journalist agent contract doorstep photograph address"
).split()


def build_case(owner, case, *, incidents: int, photos: int) -> None:
    """A long campaign, bulk-inserted (as bench/bench_timeline.py does), and some photos."""
    rng = random.Random(7)
    suspects = [
        party_services.party_create(user=owner, case=case, kind=Party.Kind.SUSPECT, name=f"troll_{n}") for n in range(5)
    ]
    kinds = Incident.Kind.values
    start = timezone.now() - dt.timedelta(days=3 * 365)
    step = dt.timedelta(days=3 * 365) / max(1, incidents)
    rows = []
    for n in range(incidents):
        title = " ".join(rng.choices(WORDS, k=5))
        narrative = "\n\n".join(" ".join(rng.choices(WORDS, k=60)) for _ in range(3))
        rows.append(
            Incident(
                case=case,
                kind=kinds[n % len(kinds)],
                occurred_at=start + n * step,
                title=title,
                narrative=narrative,
                impact=" ".join(rng.choices(WORDS, k=20)),
                logged_by=owner,
                search_text=f"{title}\n{narrative}",
            )
        )
    rows = Incident.objects.bulk_create(rows, batch_size=1000)
    IncidentParty.objects.bulk_create(
        [IncidentParty(incident=i, party=suspects[n % 5], role="suspected") for n, i in enumerate(rows)],
        batch_size=5000,
    )
    for n in range(photos):
        noise = bytes(rng.getrandbits(8) for _ in range(3))
        evidence_services.evidence_attach(
            user=owner,
            case=case,
            kind="photo",
            description=f"Screenshot {n + 1}",
            uploaded_file=upload(f"shot-{n}.png", png_bytes(900, 700, colour=tuple(noise))),
            incidents=rows[n * 7 : n * 7 + 3],
        )


def stored_files(case) -> set[str]:
    folder = Path(store.root()) / str(case.pk)
    return {path.name for path in folder.iterdir()} if folder.is_dir() else set()


def evidence_files(case) -> set[str]:
    names = set()
    for storage_name, preview_name in Evidence.objects.filter(case=case).values_list("storage_name", "preview_name"):
        names |= {storage_name, preview_name} - {""}
    return names


def assert_done_exactly_once(case, dossier: Dossier, *, attempts: int) -> None:
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.DONE, (dossier.status, dossier.stage, dossier.error)
    assert dossier.attempts == attempts
    assert dossier.progress == 100
    done = AuditEvent.objects.filter(case_id=case.pk, action="dossier.done", target_id=dossier.pk)
    assert done.count() == 1
    assert done.get().details["sha256"] == dossier.sha256
    # One PDF and one pack for this dossier, beside the evidence files; nothing half-written.
    files = stored_files(case)
    assert not [name for name in files if name.endswith(".part")], files
    assert files == evidence_files(case) | {dossier.file_name, dossier.pack_name}
    pdf = store.read_all(case, dossier.file_name)
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == dossier.sha256
    assert len(pdf) == dossier.size
    pack = store.read_all(case, dossier.pack_name)
    assert hashlib.sha256(pack).hexdigest() == dossier.pack_sha256


def unacked_compile_messages(server: RedisServer) -> dict[str, str]:
    """Task id -> delivery tag of every dossiers.compile message Redis holds as delivered, not acknowledged."""
    found = {}
    for tag, raw in server.client().hgetall("unacked").items():
        payload, _exchange, _routing_key = json.loads(raw)
        if payload["headers"].get("task") == "dossiers.compile":
            found[payload["headers"]["id"]] = tag.decode()
    return found


# The tests ----------------------------------------------------------------------------------------


def test_a_worker_killed_mid_compile_is_replaced_and_the_dossier_completes_exactly_once(
    broker, workers, owner, case, tmp_path
):
    build_case(owner, case, incidents=600, photos=6)
    broker.start()
    first, first_log = workers.start("first", beat=False)

    dossier = dossier_services.dossier_request(user=owner, case=case, options=OPTIONS)
    # Committed, so the message is already on its way (transaction=True runs on_commit at once).

    def mid_compile():
        dossier.refresh_from_db()
        return dossier.status == Dossier.Status.RUNNING and dossier.progress >= 35

    wait_for(mid_compile, "the first worker to be laying out the pages", workers)
    assert dossier.progress < 75, f"the compile got past the layout before it could be killed: {dossier.stage}"
    workers.killed.add("first")
    kill_group(first)  # SIGKILL: the worker and its pool child, mid-compile
    first.wait(timeout=STOP_TIMEOUT)
    assert dossier.stage.startswith("Laying out"), dossier.stage
    original = re.search(r"Task dossiers\.compile\[([\w-]+)\] received", first_log.read_text())
    assert original, tail(first_log)
    assert "succeeded" not in first_log.read_text()
    # Redis still holds the first message as delivered and never acknowledged.
    assert original.group(1) in unacked_compile_messages(broker)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.attempts) == (Dossier.Status.RUNNING, 1)

    _, second_log = workers.start("second", beat=True)

    def finished():
        dossier.refresh_from_db()
        return dossier.is_finished

    wait_for(finished, "the second worker to finish the dossier", workers)
    assert_done_exactly_once(case, dossier, attempts=2)
    log = second_log.read_text()
    assert "Task dossiers.sweep" in log
    assert re.search(r"Task dossiers\.compile\[[\w-]+\] succeeded in [\d.]+s: 'done'", log), tail(second_log)

    # Redelivery of the first message, as Redis would do once the visibility timeout has passed.
    with Connection(broker.url, transport_options={"visibility_timeout": 0}) as conn:
        conn.default_channel.qos.restore_visible(interval=1)
    not_claimed = re.compile(rf"Task dossiers\.compile\[{original.group(1)}\] succeeded in [\d.]+s: 'not claimed'")
    wait_for(lambda: not_claimed.search(second_log.read_text()), "the redelivered message to be handled", workers)
    assert original.group(1) not in unacked_compile_messages(broker)
    # And the task body run once more here, in-process: still nothing happens twice.
    assert compile_dossier(dossier.pk) == "not claimed"
    # The sweep finds nothing to do for a finished dossier.
    assert dossier_services.dossier_sweep() == {"requeued": 0, "restarted": 0, "failed": 0}
    assert_done_exactly_once(case, dossier, attempts=2)


def test_a_dossier_asked_for_while_the_broker_is_down_completes_once_it_is_back(
    broker, workers, owner, case, client, caplog
):
    build_case(owner, case, incidents=20, photos=1)
    # The broker is not running: the request still succeeds, the row waits. (How long the request
    # takes meanwhile is a figure of bench/bench_broker_down.py, not a test.)
    dossier = dossier_services.dossier_request(user=owner, case=case, options=OPTIONS)
    assert f"Could not hand dossier {dossier.pk}" in caplog.text
    dossier.refresh_from_db()
    assert (dossier.status, dossier.attempts) == (Dossier.Status.QUEUED, 0)

    client.force_login(owner)
    page = client.get(f"/cases/{case.pk}/dossiers/")
    assert page.status_code == 200
    assert re.search(rf"Dossier {dossier.verification_code}.*?Waiting to start", page.text, re.DOTALL), page.text

    broker.start()
    workers.start("only", beat=True)

    def finished():
        dossier.refresh_from_db()
        return dossier.is_finished

    wait_for(finished, "the dossier to be made once the broker is back", workers)
    assert_done_exactly_once(case, dossier, attempts=1)
    page = client.get(f"/cases/{case.pk}/dossiers/")
    assert "Ready." in page.text


@pytest.fixture(autouse=True)
def _needs_redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
