# ruff: noqa: S603, T201
"""The production shape on this machine, with nothing shared: PostgreSQL, Redis, gunicorn, Celery.

Both PostgreSQL and Redis are private instances in a temporary folder, on free ports: the
shared ones on 5432 and 6379 serve everyone's tests and must never be restarted, and a
private pair keeps the figures free of other people's queries. `make load` uses them too,
so that `make load` and `make faults` measure exactly the same stack.

Processes run as docker-compose.yml runs them (gunicorn with --timeout=60, a Celery worker,
a separate beat), each in a session of its own so that stopping or killing one reaches its
children. A supervisor thread restarts any of them that dies, as compose's
`restart: unless-stopped` does, and counts the restarts.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import redis
import requests

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
WAIT = 90  # seconds: the bound on every start
STOP_TIMEOUT = 20
SECRET_KEY = "load-test-only-secret-key-not-for-production-0123456789"  # noqa: S105 - this stack only
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_for(condition, what: str, timeout: float = WAIT, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            result = condition()
            if result:
                return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(interval)


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the process and its children (a worker's pool), as the OOM killer or a power cut would."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        if self.alive:
            self.signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.popen.wait(timeout=STOP_TIMEOUT)
        self.signal_group(signal.SIGKILL)  # whatever its children left behind


class Postgres:
    """A PostgreSQL 15 cluster of our own. As root, it runs as the `postgres` user, which initdb requires."""

    def __init__(self, root: Path):
        self.dir = root / "postgres"
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/referral_tracker"

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        done = subprocess.run(command, capture_output=True, text=True, timeout=WAIT, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}\n{tail(self.log)}")

    def create(self) -> None:
        self.dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        with contextlib.closing(psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres")) as conn:
            conn.autocommit = True
            conn.cursor().execute("CREATE DATABASE referral_tracker")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir}"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """fast: disconnect everyone and shut down cleanly; immediate: no shutdown checkpoint, like a crash."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


class Redis:
    """A redis-server of our own, append-only as docker-compose.yml runs it, so queued tasks survive a restart."""

    def __init__(self, root: Path):
        self.dir = root / "redis"
        self.port = free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        command += ["--appendonly", "yes", "--save", ""]
        self.process = Process("redis", command, dict(os.environ), self.dir / "redis.log")
        self.process.start()
        client = redis.Redis.from_url(self.url, socket_timeout=2)
        wait_for(client.ping, "redis-server to answer")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


@dataclass
class Stack:
    root: Path
    postgres: Postgres
    redis: Redis
    web_port: int
    env: dict[str, str]
    processes: dict[str, Process] = field(default_factory=dict)
    worker_concurrency: int = 1
    restarts: dict[str, int] = field(default_factory=dict)
    helpers: list[Process] = field(default_factory=list)  # not supervised: locust
    _stopping: threading.Event = field(default_factory=threading.Event)
    _supervisor: threading.Thread | None = None

    @classmethod
    def create(cls, *, worker_concurrency: int = 1, **settings: str) -> "Stack":
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"No {PG_BIN / 'initdb'}: install postgresql-15 (apt-get), or set PG_BIN")
        if shutil.which("redis-server") is None:
            raise RuntimeError("No redis-server on PATH: install redis-server (apt-get)")
        root = Path(tempfile.mkdtemp(prefix="referral-tracker-load-"))
        root.chmod(0o755)  # PostgreSQL's own user must reach its folder inside
        (root / "logs").mkdir()
        (root / "tmp").mkdir()
        postgres, redis_server, web_port = Postgres(root), Redis(root), free_port()
        # Only what the site needs from this process's environment: nothing that points elsewhere.
        env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TZ") if key in os.environ}
        env.update(
            DJANGO_SETTINGS_MODULE="referral_tracker.settings",
            DEBUG="0",
            SECRET_KEY=SECRET_KEY,
            VAR_DIR=str(root / "var"),
            DATABASE_URL=postgres.url,
            CELERY_BROKER_URL=redis_server.url,
            SITE_URL=f"http://127.0.0.1:{web_port}",
            EMAIL_URL=f"filemail:///{root / 'mail'}",
            TMPDIR=str(root / "tmp"),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            **settings,
        )
        return cls(root, postgres, redis_server, web_port, env, worker_concurrency=worker_concurrency)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def log(self, name: str) -> Path:
        return self.root / "logs" / f"{name}.log"

    # Services and the database --------------------------------------------------------------------

    def start_services(self) -> None:
        self.postgres.create()
        say(f"PostgreSQL 15 (private cluster) on 127.0.0.1:{self.postgres.port}")
        self.redis.start()
        say(f"Redis (private, append-only) on 127.0.0.1:{self.redis.port}")

    def setup_django(self) -> None:
        """This process uses the stack's settings too: it migrates, seeds and, afterwards, counts."""
        os.environ.clear()  # nothing from the caller's shell (a DATABASE_URL, a CACHE_URL) may leak in
        os.environ.update(self.env)
        os.environ["LOG_LEVEL"] = "WARNING"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("prepare_keys", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        say("Database migrated; evidence key, signing pair and static files in place")

    # The application --------------------------------------------------------------------------

    def _app_processes(self) -> dict[str, Process]:
        web = [str(BIN / "gunicorn"), "referral_tracker.wsgi:application", f"--bind=127.0.0.1:{self.web_port}"]
        web += ["--workers=2", "--timeout=60", f"--access-logfile={self.log('web-access')}"]
        worker = [str(BIN / "celery"), "--app=referral_tracker", "worker", "--loglevel=INFO"]
        # One worker for both queues (referral_tracker/celery.py): the drills' captures, if any, and everything else.
        worker += [f"--concurrency={self.worker_concurrency}", "--hostname=worker@%h", "--queues=celery,capture"]
        beat = [str(BIN / "celery"), "--app=referral_tracker", "beat", "--loglevel=INFO"]
        beat += [f"--schedule={self.root / 'var' / 'celerybeat-schedule'}"]
        return {
            name: Process(name, command, self.env, self.log(name))
            for name, command in (("web", web), ("worker", worker), ("beat", beat))
        }

    def start_app(self) -> None:
        self.processes = self._app_processes()
        for process in self.processes.values():
            process.start()
        self.wait_healthy()
        self.wait_worker_ready()
        say(f"gunicorn (2 workers) on {self.url}, a Celery worker (concurrency {self.worker_concurrency}) and beat")
        self._supervisor = threading.Thread(target=self._supervise, name="supervisor", daemon=True)
        self._supervisor.start()

    def wait_healthy(self, timeout: float = WAIT) -> None:
        try:
            wait_for(lambda: requests.get(f"{self.url}/healthz", timeout=5).status_code == 200, "/healthz", timeout)
        except TimeoutError:
            raise RuntimeError(f"/healthz did not answer 200\n{tail(self.log('web'))}") from None

    def worker_ready_count(self) -> int:
        return self.log("worker").read_text(errors="replace").count(" ready.")

    def wait_worker_ready(self, count: int = 1) -> None:
        try:
            wait_for(lambda: self.worker_ready_count() >= count, "the Celery worker to be ready")
        except TimeoutError:
            raise RuntimeError(f"the worker did not start\n{tail(self.log('worker'))}") from None

    def _supervise(self) -> None:
        """Restart whatever died, once a second at most, as docker-compose's restart policy does."""
        while not self._stopping.wait(0.5):
            for name, process in self.processes.items():
                if not process.alive and not self._stopping.is_set():
                    code = process.popen.returncode if process.popen else None
                    say(f"supervisor: {name} exited ({code}); starting it again")
                    process.signal_group(signal.SIGKILL)  # any orphaned pool children
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    time.sleep(1)
                    process.start()

    def stop(self, *, keep: bool = False) -> None:
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        for process in [*self.helpers, *self.processes.values()]:
            process.stop()
        self.redis.stop()
        if self.postgres.running():
            with contextlib.suppress(Exception):
                self.postgres.stop("fast")
        if keep:
            say(f"Logs kept in {self.root / 'logs'}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)


# The load generator ---------------------------------------------------------------------------


@dataclass
class LocustRun:
    """locust, headless, in a process of its own (gevent patches everything it imports)."""

    stack: Stack
    plan: dict
    users: int
    spawn_rate: float
    run_seconds: int
    measure_seconds: int = 0
    stop_file: Path | None = None
    process: Process | None = None

    def __post_init__(self):
        folder = self.stack.root / "locust"
        folder.mkdir(exist_ok=True)
        self.plan_path, self.results, self.acks = folder / "plan.json", folder / "results.json", folder / "acks.jsonl"

    def start(self) -> None:
        self.plan_path.write_text(json.dumps(self.plan))
        command = [str(BIN / "locust"), "-f", str(BASE_DIR / "loadtest" / "locustfile.py"), "--headless"]
        command += ["--users", str(self.users), "--spawn-rate", str(self.spawn_rate)]
        command += ["--run-time", f"{self.run_seconds}s", "--stop-timeout", "10", "--host", self.stack.url]
        command += ["--only-summary", "--loglevel", "WARNING"]
        env = {key: value for key, value in self.stack.env.items() if key not in {"DATABASE_URL", "SECRET_KEY"}}
        env.update(LOAD_PLAN=str(self.plan_path), LOAD_RESULTS=str(self.results), LOAD_ACKS=str(self.acks))
        if self.stop_file is not None:
            env["LOAD_STOP_FILE"] = str(self.stop_file)
        if self.measure_seconds:
            env["LOAD_MEASURE_SECONDS"] = str(self.measure_seconds)
        self.process = Process("locust", command, env, self.stack.log("locust"))
        self.process.start()
        self.stack.helpers.append(self.process)

    def wait(self, timeout: float) -> dict:
        try:
            self.process.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.stop()
            raise RuntimeError(f"locust did not finish within {timeout:.0f} s\n{tail(self.process.log)}") from None
        if not self.results.exists():
            raise RuntimeError(f"locust wrote no results\n{tail(self.process.log)}")
        return json.loads(self.results.read_text())


class CpuMeter:
    """Where the CPU went: core-seconds used by each part of the stack, and by the rest of the machine.

    Samples every second in a thread; between() reads the difference over any stretch of the run."""

    def __init__(self, stack: Stack, **extra: Process):
        self.stack, self.extra = stack, extra
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-meter", daemon=True)

    def _roots(self) -> dict[str, int]:
        roots = {name: p.popen.pid for name, p in {**self.stack.processes, **self.extra}.items() if p.alive}
        with contextlib.suppress(OSError, ValueError):
            roots["postgres"] = int((self.stack.postgres.data / "postmaster.pid").read_text().split()[0])
        if self.stack.redis.process is not None and self.stack.redis.process.alive:
            roots["redis"] = self.stack.redis.process.popen.pid
        return roots

    def snapshot(self) -> dict[str, float]:
        import psutil

        used: dict[str, float] = {}
        for name, pid in self._roots().items():
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(pid)
                for process in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        # children_*: processes that ended (a database connection closed after CONN_MAX_AGE).
                        times = process.cpu_times()
                        spent = times.user + times.system + times.children_user + times.children_system
                        used[name] = used.get(name, 0.0) + spent
        machine = psutil.cpu_times()
        used["machine"] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        return used

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), self.snapshot()))
            self._stop.wait(1)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def between(self, begin: float, end: float) -> dict[str, float]:
        """Core-seconds each part used from begin to end (epoch seconds), and what the rest of the machine used."""
        if len(self.samples) < 2:
            return {}
        first = min(self.samples, key=lambda sample: abs(sample[0] - begin))[1]
        last = min(self.samples, key=lambda sample: abs(sample[0] - end))[1]
        used = {name: max(0.0, last.get(name, 0.0) - first.get(name, 0.0)) for name in last}
        ours = sum(value for name, value in used.items() if name != "machine")
        used["other"] = max(0.0, used.pop("machine") - ours)
        return used
