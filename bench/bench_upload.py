"""A 200 MB exhibit must upload at a good fraction of disk-hash speed, in little memory.

Sends a file of random bytes just under EVIDENCE_MAX_BYTES (it starts with
"%PDF-1.4", so it sniffs as a PDF) through the real upload form, served by a real
gunicorn (one sync worker, as the Dockerfile runs it) on the benchmark database:
log in through the login form, fetch the upload form for its CSRF token, then POST
the file as multipart/form-data streamed from disk (the client holds 1 MiB at a
time). The timed part is the POST, from the first byte sent until the 302 to the
evidence list. The file goes to 3 cases in turn (in one case, the same bytes again
would be linked as a duplicate), and each exhibit's SHA-256 is checked against the
one computed while the file was written.

Figures:

- upload_mb_per_s: the file's size over the median POST's seconds. Baseline: the
  same file hashed by `sha256sum` (run once before each upload, median taken, the
  file in the page cache as the upload's source is). Its ratio is the throughput
  ratio. Note that coreutils' sha256sum may or may not use the CPU's SHA
  instructions (Debian 12's does not; Python's hashlib, via OpenSSL, does), so
  the ratio depends on the machine's sha256sum as much as on the upload.
- upload_throughput_ratio: the same ratio, sha256sum seconds / upload seconds, as a
  figure of its own (baseline 1.0: sha256sum's own speed). Goal: >= 0.5.
- upload_rss_growth_mb: how far the gunicorn *worker's* resident memory rose above
  where it stood just before an upload (the largest of the 3): VmHWM after the
  response minus VmRSS before the request, both from /proc/<worker>/status (the
  worker is the master's child, from /proc/<master>/task/<master>/children). The
  peak is reset before each upload (writing 5 to /proc/<worker>/clear_refs), so
  VmHWM is that upload's own peak. Baseline: the worker's VmRSS before that
  upload. Goal: < 64 MiB.

The worker's VAR_DIR, its temporary upload files and the evidence store all live in
one temporary directory on the same filesystem, removed at the end. gunicorn runs
with --timeout 600: its default of 30 s would kill a slow upload's worker, and the
figure should say how slow the upload is instead.
"""

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import magic
import requests
from django.conf import settings
from django.db import connection

from bench.timing import figure

BASE_DIR = Path(__file__).resolve().parent.parent
SIZE = 200 * 1024 * 1024 - 1024  # just under the default EVIDENCE_MAX_BYTES (200 MiB)
HEADER = b"%PDF-1.4\n"
BLOCK = 1024 * 1024
UPLOADS = 3
GOAL_RATIO, GOAL_RSS_MB = 0.5, 64
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def make_file(path: Path) -> str:
    """Write SIZE bytes (HEADER, then random bytes); returns their SHA-256."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        written = 0
        while written < SIZE:
            block = HEADER + os.urandom(BLOCK - len(HEADER)) if written == 0 else os.urandom(min(BLOCK, SIZE - written))
            out.write(block)
            digest.update(block)
            written += len(block)
        out.flush()
        # On disk before anything is timed: its write-back must not compete with the uploads' fsync.
        os.fsync(out.fileno())
    return digest.hexdigest()


def sha256sum_seconds(path: Path, expected: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    assert result.stdout.split()[0] == expected, "sha256sum disagrees with hashlib"
    return seconds


def database_url() -> str:
    db = connection.settings_dict
    assert db["ENGINE"] == "django.db.backends.postgresql", "bench_upload needs PostgreSQL (DATABASE_URL)"
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proc_status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


def worker_pid(master: int) -> int:
    """The gunicorn worker: the master's only child."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            assert len(children) == 1, f"expected one gunicorn worker, found {children}"
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def start_server(tmp: Path, port: int, log) -> subprocess.Popen:
    var_dir = tmp / "var"
    upload_tmp = tmp / "upload-tmp"
    var_dir.mkdir()
    upload_tmp.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": str(var_dir),
        "EVIDENCE_ROOT": str(var_dir / "evidence"),
        "FILE_UPLOAD_TEMP_DIR": str(upload_tmp),
        # The harness has collected the static files (with their manifest) here already.
        "STATIC_ROOT": str(settings.STATIC_ROOT),
        "WEB_CONCURRENCY": "1",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "referral_tracker.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--timeout",
        "600",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited at start-up"
        try:
            if requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def csrf_token(session: requests.Session, url: str) -> str:
    response = session.get(url, timeout=30)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    match = TOKEN.search(response.text)
    assert match, f"no CSRF token in {url}"
    return match.group(1)


class MultipartBody:
    """multipart/form-data streamed from disk in BLOCK pieces; len() makes requests send a Content-Length."""

    def __init__(self, fields: dict[str, str], file_field: str, path: Path, content_type: str):
        self.boundary = secrets.token_hex(16)
        head = b"".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        )
        head += (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{file_field}"; filename="{path.name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        self.head, self.tail, self.path = head, f"\r\n--{self.boundary}--\r\n".encode(), path
        self.length = len(head) + path.stat().st_size + len(self.tail)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return self.length

    def __iter__(self):
        yield self.head
        with open(self.path, "rb") as handle:
            while block := handle.read(BLOCK):
                yield block
        yield self.tail


def log_in(base: str, owner) -> requests.Session:
    session = requests.Session()
    login = f"{base}/accounts/login/"
    response = session.post(
        login,
        data={
            "username": owner.email,
            "password": "correct-horse-battery-staple",
            "csrfmiddlewaretoken": csrf_token(session, login),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, f"login answered {response.status_code}"
    return session


def upload(session: requests.Session, base: str, case, path: Path, worker: int) -> tuple[float, int, int]:
    """POST the file to the case's upload form; returns (seconds, worker VmRSS before, VmHWM after, in KiB)."""
    form = f"{base}/cases/{case.pk}/evidence/new/"
    body = MultipartBody(
        {
            "csrfmiddlewaretoken": csrf_token(session, form),
            "kind": "document",
            "description": "Benchmark: a 200 MB PDF of random bytes.",
        },
        "files",
        path,
        "application/pdf",
    )
    # Reset VmHWM to the current RSS; without clear_refs, VmHWM is the peak since the worker started.
    with contextlib.suppress(OSError):
        Path(f"/proc/{worker}/clear_refs").write_text("5")
    rss_before = proc_status_kib(worker, "VmRSS")
    start = time.perf_counter()
    response = session.post(
        form, data=body, headers={"Content-Type": body.content_type}, allow_redirects=False, timeout=600
    )
    seconds = time.perf_counter() - start
    hwm_after = proc_status_kib(worker, "VmHWM")
    assert response.status_code == 302, f"upload answered {response.status_code}: {response.text[:2000]}"
    assert response.headers["Location"].endswith(f"/cases/{case.pk}/evidence/"), response.headers["Location"]
    return seconds, rss_before, hwm_after


def run() -> list[dict]:
    from incidents.models import Evidence
    from tests.factories import UserFactory, make_case

    # The harness runs run() in autocommit: the gunicorn worker sees these rows at once.
    owner = UserFactory(full_name="Bench Parent")
    # One case per upload: the same bytes twice in one case would be linked as a duplicate.
    cases = [make_case(owner, title=f"Upload {n}") for n in range(UPLOADS)]
    tmp = Path(tempfile.mkdtemp(prefix="referral-tracker-bench-upload-"))
    server = None
    try:
        path = tmp / "letter.pdf"
        expected = make_file(path)
        with open(path, "rb") as handle:
            sniffed = magic.from_buffer(handle.read(8192), mime=True)
        assert sniffed == "application/pdf", f"the file sniffs as {sniffed}"

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        uploads, hashes = [], []
        with open(tmp / "gunicorn.log", "wb") as log:
            server = start_server(tmp, port, log)
            try:
                wait_until_up(base, server)
                worker = worker_pid(server.pid)
                session = log_in(base, owner)
                for case in cases:
                    hashes.append(sha256sum_seconds(path, expected))
                    uploads.append(upload(session, base, case, path, worker))
            except BaseException:
                sys.stderr.write((tmp / "gunicorn.log").read_text(errors="replace")[-5000:])
                raise

        for case in cases:
            evidence = Evidence.objects.get(case=case)
            assert evidence.sha256 == expected, f"exhibit SHA-256 {evidence.sha256}, sent {expected}"
            assert evidence.size == SIZE, f"exhibit of {evidence.size} bytes, sent {SIZE}"
            assert evidence.content_type == "application/pdf", evidence.content_type
            stored = tmp / "var" / "evidence" / str(case.pk) / evidence.storage_name
            assert stored.is_file(), f"{stored} is missing"
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)

    mb = SIZE / 1e6
    seconds = statistics.median(upload_seconds for upload_seconds, _, _ in uploads)
    baseline_seconds = statistics.median(hashes)
    ratio = baseline_seconds / seconds
    # The worst of the uploads, against the worker's RSS before that upload.
    rss_before, hwm_after = max(((before, after) for _, before, after in uploads), key=lambda pair: pair[1] - pair[0])
    growth_mb = (hwm_after - rss_before) / 1024
    print(
        f"  uploads {' '.join(f'{s:.2f}' for s, _, _ in uploads)} s, "
        f"sha256sum {' '.join(f'{s:.2f}' for s in hashes)} s\n"
        f"  median upload {seconds:.2f} s ({mb / seconds:.0f} MB/s), sha256sum {baseline_seconds:.2f} s "
        f"({mb / baseline_seconds:.0f} MB/s): ratio {ratio:.2f} (goal >= {GOAL_RATIO})\n"
        f"  worker RSS {rss_before / 1024:.1f} MiB before, peak {hwm_after / 1024:.1f} MiB: "
        f"+{growth_mb:.1f} MiB (goal < {GOAL_RSS_MB})",
        flush=True,
    )
    return [
        figure("upload_mb_per_s", value=mb / seconds, unit="MB/s", baseline=mb / baseline_seconds),
        figure("upload_throughput_ratio", value=ratio, unit="ratio", baseline=1.0),
        figure("upload_rss_growth_mb", value=growth_mb, unit="MiB", baseline=rss_before / 1024),
    ]
