"""The embedded default, end to end: a real web server and a real worker.

No DATABASE_URL and no CELERY_BROKER_URL: the site uses SQLite and Celery's
filesystem broker in a temporary VAR_DIR, exactly as `make run` does. A
password reset posted to the web server is sent by the worker, which proves
that a task sent from the web process is executed by the worker process.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from referral_tracker.celery import WORKER_QUEUES

pytestmark = pytest.mark.processes

BASE_DIR = Path(__file__).resolve().parent.parent
EMAIL = "reset-me@example.org"
START_TIMEOUT = 60
MAIL_TIMEOUT = 60
STOP_TIMEOUT = 30


@dataclass
class Site:
    url: str
    var_dir: Path
    mail_dir: Path
    web: subprocess.Popen
    worker: subprocess.Popen
    logs: dict[str, Path]

    def read_logs(self) -> str:
        parts = []
        for name, path in self.logs.items():
            text = path.read_text(errors="replace") if path.exists() else "(no log)"
            parts.append(f"----- {name} -----\n{text}")
        return "\n".join(parts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_env(var_dir: Path, mail_dir: Path) -> dict[str, str]:
    """This process's environment without anything that points away from VAR_DIR."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "CELERY_BROKER_URL", "EVIDENCE_ROOT", "DOSSIER_ROOT", "STATIC_ROOT", "SECRET_KEY"}
    }
    # django-environ needs four slashes for an absolute path: filemail:////tmp/x/mail.
    env.update(
        DJANGO_SETTINGS_MODULE="referral_tracker.settings",
        VAR_DIR=str(var_dir),
        DEBUG="1",
        EMAIL_URL=f"filemail:///{mail_dir}",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=120
    )


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        # A session of its own, so stopping it also stops the worker's pool children.
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


def wait_until_healthy(site: Site) -> dict:
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        for name, process in (("web", site.web), ("worker", site.worker)):
            assert process.poll() is None, f"the {name} process exited early\n{site.read_logs()}"
        try:
            response = requests.get(f"{site.url}/healthz", timeout=5)
            if response.status_code == 200:
                return response.json()
            last = f"{response.status_code} {response.text}"
        except requests.ConnectionError as error:
            last = str(error)
        time.sleep(0.5)
    pytest.fail(f"/healthz did not answer 200 within {START_TIMEOUT} s (last: {last})\n{site.read_logs()}")


@pytest.fixture
def site(tmp_path):
    var_dir = tmp_path / "var"
    mail_dir = tmp_path / "mail"
    env = embedded_env(var_dir, mail_dir)
    manage(env, "migrate", "--no-input")
    manage(
        env,
        "shell",
        "-c",
        f"from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user(email='{EMAIL}', password='a-long-password-1', full_name='Sam Reset')",
    )

    port = free_port()
    logs = {"web": tmp_path / "web.log", "worker": tmp_path / "worker.log"}
    web = start([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env, logs["web"])
    # The worker as `make run` (scripts/devserver.py) starts it, with beat inside it.
    worker_args = ["-A", "referral_tracker", "worker", "--loglevel", "INFO", "--concurrency", "1"]
    worker_args += ["--queues", WORKER_QUEUES]  # both, as make run's one worker
    worker_args += ["--beat", "--schedule", str(var_dir / "celerybeat-schedule")]
    worker = start([sys.executable, "-m", "celery", *worker_args], env, logs["worker"])
    site = Site(f"http://127.0.0.1:{port}", var_dir, mail_dir, web, worker, logs)
    try:
        yield site
    finally:
        stop(web)
        stop(worker)
        # Shown by pytest only when the test fails.
        print(site.read_logs())


def test_password_reset_email_is_sent_by_the_worker(site):
    health = wait_until_healthy(site)
    assert health == {"status": "ok", "database": True, "broker": True}
    # The embedded default: SQLite and the filesystem broker, both in VAR_DIR.
    assert (site.var_dir / "db.sqlite3").is_file()
    assert (site.var_dir / "broker" / "queue").is_dir()

    browser = requests.Session()
    form_url = f"{site.url}/accounts/password/reset/"
    form = browser.get(form_url, timeout=10)
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token, form.text
    assert "csrftoken" in browser.cookies
    sent = browser.post(
        form_url,
        data={"csrfmiddlewaretoken": token.group(1), "email": EMAIL},
        headers={"Referer": form_url},
        timeout=10,
    )
    assert sent.status_code == 200
    assert sent.url == f"{site.url}/accounts/password/reset/sent/"

    deadline = time.monotonic() + MAIL_TIMEOUT
    messages: list[Path] = []
    while not messages and time.monotonic() < deadline:
        messages = sorted(site.mail_dir.glob("*.log")) if site.mail_dir.is_dir() else []
        time.sleep(0.2)
    assert messages, f"no email was written within {MAIL_TIMEOUT} s\n{site.read_logs()}"
    assert len(messages) == 1
    email = messages[0].read_text()
    assert f"To: {EMAIL}" in email
    link = re.search(rf"{re.escape(site.url)}/accounts/password/reset/[\w-]+/[\w-]+/", email)
    assert link, email
    # Sent by the worker, not by the web process running the task itself.
    assert re.search(r"Task accounts\.tasks\.send_email\[[\w-]+\] succeeded", site.logs["worker"].read_text())

    # The link is genuine: the web server accepts its token and offers a new password.
    confirm = browser.get(link.group(0), timeout=10)
    assert confirm.status_code == 200
    assert confirm.url.endswith("/set-password/"), confirm.url


# `make run`: scripts/devserver.py starts both and stops both. ---------------------------------------


def start_devserver(tmp_path: Path, port: int) -> tuple[subprocess.Popen, Path]:
    env = embedded_env(tmp_path / "var", tmp_path / "mail")
    env["PORT"] = str(port)
    manage(env, "migrate", "--no-input")
    log = tmp_path / "devserver.log"
    # A session of its own, whose group stands for the terminal's foreground group: Ctrl-C goes to all of it.
    return start([sys.executable, "scripts/devserver.py"], env, log), log


def children_of(log: Path) -> dict[str, int]:
    return {name: int(pid) for name, pid in re.findall(r"devserver \| started (\w+) \(pid (\d+)\)", log.read_text())}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def kill_all(process: subprocess.Popen, log: Path) -> None:
    """After a failed test: nothing left running."""
    for pid in [process.pid, *children_of(log).values()]:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)


def test_devserver_stops_web_and_worker_together_on_ctrl_c(tmp_path):
    port = free_port()
    process, log = start_devserver(tmp_path, port)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "celery@" not in log.read_text() or " ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"the worker was not ready within {START_TIMEOUT} s\n{log.read_text()}"
            time.sleep(0.5)
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        children = children_of(log)
        assert set(children) == {"web", "worker"}
        # runserver logs a request after answering it: wait for the line before Ctrl-C, or it may not be written.
        deadline = time.monotonic() + 10
        while not re.search(r"^web \| .*GET /healthz", log.read_text(), re.MULTILINE) and time.monotonic() < deadline:
            time.sleep(0.2)

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the script's group only; each child has its own
        assert process.wait(timeout=STOP_TIMEOUT + 5) == 0, log.read_text()
        text = log.read_text()
        assert "worker | worker: Warm shutdown (MainProcess)" in text
        assert "devserver | worker exited with code 0" in text
        assert re.search(r"devserver \| web (exited with code 0|stopped by SIGTERM)", text), text
        assert not any(alive(pid) for pid in children.values())
        assert re.search(r"^web \| .*GET /healthz", text, re.MULTILINE), text  # the output, line by line, named
        # One worker consumes both queues: the default one and the captures' (referral_tracker/celery.py).
        for queue in WORKER_QUEUES.split(","):
            assert re.search(rf"^worker \| +\.> {queue} +exchange={queue}\(direct\)", text, re.MULTILINE), text
    finally:
        if process.poll() is None:
            kill_all(process, log)
        print(log.read_text())


def test_devserver_stops_the_worker_and_fails_when_the_web_server_dies(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process, log = start_devserver(tmp_path, port)
        try:
            assert process.wait(timeout=START_TIMEOUT + STOP_TIMEOUT) != 0
            text = log.read_text()
            assert "That port is already in use" in text
            assert "devserver | web exited with code 1 on its own; stopping the rest" in text
            assert not any(alive(pid) for pid in children_of(log).values())
        finally:
            if process.poll() is None:
                kill_all(process, log)
            print(log.read_text())
