"""Schemathesis (from PyPI) against /api/schema/, as a real user with real data, over a real server.

One user owns case A and is an editor of case B. Both cases hold parties, references,
incidents (with parties, references, tags and a second revision), an exhibit with a file,
a link with no file, a withdrawn exhibit, a queued dossier and a finished one; everything is committed.
A real web server (gunicorn, as in production) serves the pytest database, and the schemathesis
CLI runs every phase against its schema with a write-scoped token. Path ids are drawn from
the ids that exist (most of the time), so the run reaches real rows in both cases, not
only 404s.

The checks are all of schemathesis's (--checks all), on positive and negative data: no 5xx, every response
as the schema says, data the schema forbids refused and data it allows accepted (a 422 counts as accepted
for schema-valid data that breaks a rule no schema can state, as the schema documents; see
schemathesis_config), unsupported methods 405, authentication not ignored, and so on.
The run's summary is printed to the terminal even when the test passes, and kept in
schemathesis-summary.txt in the test's tmp_path.
"""

import contextlib
import datetime as dt
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.db import connection
from django.utils import timezone

from accounts import services as account_services
from capture.models import Capture, CaptureFile
from dossiers.models import Dossier
from incidents.services import evidence as evidence_services
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.factories import UserFactory, log_incident, make_case, png_bytes, upload
from vault import store

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# Every check schemathesis has, on positive and negative data (--mode all is the default), in every phase:
# coverage, fuzzing and stateful (links between operations).
CHECKS = "all"
SEED = 20240601
MAX_EXAMPLES = 15  # per operation in fuzzing and stateful; coverage adds its ~3,000 boundary cases regardless
# One request at a time: with --seed, the same run every time (concurrent writes are not what this tests).
WORKERS = 1
RUN_TIMEOUT = 720  # seconds: the hard bound on the run, about 3 minutes on a quiet machine, 7.5 on a busy one
START_TIMEOUT = 60
STOP_TIMEOUT = 20
# Schemathesis's default for positive data, and 422 (see schemathesis_config).
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
RESOURCES = ("memberships", "parties", "references", "incidents", "evidence", "captures")
# Every warning schemathesis 4.32 knows, low_valid_rate (off by default) included, written out.
WARNINGS = [
    "missing_auth",
    "missing_test_data",
    "base_url_mismatch",
    "validation_mismatch",
    "missing_deserializer",
    "unused_openapi_auth",
    "unsupported_regex",
    "method_not_allowed",
    "constants_extraction",
    "unmatched_filter",
    "unresolvable_reference",
    "low_valid_rate",
    "rate_limited",
    "dictionary_mismatch",
    "timeout_units",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The pytest database (test_...), as the server process must reach it."""
    db = connection.settings_dict
    auth = quote(db["USER"], safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def tail(path: Path, lines: int = 200) -> str:
    text = path.read_text(errors="replace") if path.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)


# The data: two cases, one user ---------------------------------------------------------------------


@dataclass
class World:
    token: str
    ids: dict[str, list[int]]


def fill_case(case, user, *, colour) -> dict[str, list[int]]:
    suspect = party_services.party_create(user=user, case=case, kind="suspect", name="troll99", handles="@troll99")
    police = party_services.party_create(user=user, case=case, kind="police", name="County Police")
    first = log_incident(case, user, kind="online_post", title="A post", parties=[suspect], tags=["forum", "school"])
    reference = reference_services.reference_create(
        user=user,
        case=case,
        kind="police",
        number="CR/123/24",
        agency=police,
        opened_on=dt.date(2024, 3, 1),
        incidents=[first],
    )
    second = log_incident(
        case, user, kind="police_contact", title="A visit", parties=[suspect, police], references=[reference]
    )
    incident_services.incident_edit(user=user, incident=second, narrative="Two officers called, then left.")
    photo = evidence_services.evidence_attach(
        user=user,
        case=case,
        kind="photo",
        description="A screenshot of the post",
        uploaded_file=upload("post.png", png_bytes(colour=colour), "image/png"),
        incidents=[first],
    ).evidence
    link = evidence_services.evidence_attach(
        user=user, case=case, kind="web_page", description="The post itself", source_url="https://example.org/post/1"
    ).evidence
    withdrawn = evidence_services.evidence_attach(
        user=user,
        case=case,
        kind="photo",
        description="Added by mistake",
        uploaded_file=upload("wrong.png", png_bytes(colour=(20, 20, 20)), "image/png"),
    ).evidence
    evidence_services.evidence_withdraw(user=user, evidence=withdrawn, reason="The wrong picture.")
    # Queued and never compiled (nobody consumes): its PDF and pack are "not ready".
    queued = Dossier.objects.create(case=case, requested_by=user, options={"audience": "police"})
    # Finished, with a stored PDF and pack (stand-ins: what is served is what was stored).
    pdf, pack = b"%PDF-1.7\n% a stand-in\n%%EOF\n", b"PK\x05\x06" + bytes(18)
    done = Dossier.objects.create(
        case=case,
        requested_by=user,
        options={"audience": "police", "photos": "inline", "redact": True, "date_from": None, "date_to": None},
        status=Dossier.Status.DONE,
        progress=100,
        stage="Done",
        finished_at=timezone.now(),
        file_name=store.store_derived(case, pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pages=1,
        pack_name=store.store_derived(case, pack),
        pack_sha256=hashlib.sha256(pack).hexdigest(),
        pack_size=len(pack),
    )
    capture = Capture.objects.create(
        case=case, requested_by=user, url="https://example.org/post/1", status="done", outcome="captured"
    )
    text = store.store_stream(case, [b"the post's words"])
    CaptureFile.objects.create(
        capture=capture, role="text", name="page.txt", content_type="text/plain", size=text.size,
        sha256=text.sha256, storage_name=text.storage_name,
    )  # fmt: skip
    return {
        "captures": [capture.pk],
        "parties": [suspect.pk, police.pk],
        "references": [reference.pk],
        "incidents": [first.pk, second.pk],
        "evidence": [photo.pk, link.pk, withdrawn.pk],
        "dossiers": [queued.pk, done.pk],
        "finished_dossiers": [done.pk],
        "memberships": list(case.memberships.values_list("pk", flat=True)),
    }


@pytest.fixture
def world() -> World:
    user = UserFactory(full_name="Sam Fuzz", initials="SF")
    other = UserFactory(full_name="Olly Owner", initials="OO")
    case_a = make_case(user, title="Case A")
    case_b = make_case(other, title="Case B", editor=user, viewer=UserFactory())
    ids: dict[str, list[int]] = {"cases": [case_a.pk, case_b.pk]}
    for case, colour in ((case_a, (200, 30, 30)), (case_b, (30, 200, 30))):
        for key, values in fill_case(case, user, colour=colour).items():
            if key not in PAIRED or case is case_a:
                ids.setdefault(key, []).extend(values)
    ids["own_case"] = [case_a.pk]
    ids["roles"] = ["text"]
    _, token = account_services.access_token_create(user=user, name="schemathesis", scope="write", days=7)
    return World(token=token, ids=ids)


# The processes: a private Redis (POST /dossiers/ enqueues; nobody consumes) and the web server -----


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    log = tmp_path / "redis.log"
    process = start(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        dict(os.environ),
        log,
    )
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


@pytest.fixture
def server(world, redis_url, settings, tmp_path):
    """gunicorn, as in production, on the pytest database; its access log and errors go to web.log."""
    port = free_port()
    log = tmp_path / "web.log"
    env = {key: value for key, value in os.environ.items() if key not in {"EVIDENCE_MASTER_KEY", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="referral_tracker.settings",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=redis_url,
        SECRET_KEY="test-only-secret-key-not-for-production",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_MANIFEST="0",
        VAR_DIR=str(tmp_path / "var"),
        EVIDENCE_ROOT=str(settings.EVIDENCE_ROOT),
        EVIDENCE_KEY_FILE=str(settings.EVIDENCE_KEY_FILE),
        DOSSIER_ROOT=str(tmp_path / "dossiers"),
        # Thousands of requests in a minute or two: throttling is not what this run tests.
        API_THROTTLE_USER="100000/minute",
        API_THROTTLE_ANON="100000/minute",
        PYTHONUNBUFFERED="1",
    )
    command = [GUNICORN, "referral_tracker.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--timeout", "60", "--graceful-timeout", "5", "--access-logfile", "-"]
    process = start(command, env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, f"the web server exited early\n{tail(log)}"
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{url}/api/schema/", timeout=10).status_code == 200:
                    break
            assert time.monotonic() < deadline, f"the server did not serve its schema within {START_TIMEOUT} s"
            time.sleep(0.3)
        yield url, log
    finally:
        stop(process)


# The run ---------------------------------------------------------------------------------------------


# Which rows' ids fill the {id} of which paths (the patterns do not overlap).
ID_PATHS = {
    "cases": r"^/api/v1/cases/\{id\}/$",
    **{name: rf"^/api/v1/cases/\{{case_id\}}/{name}/\{{id\}}/" for name in RESOURCES},
    "dossiers": r"^/api/v1/cases/\{case_id\}/dossiers/\{id\}/$",
    "finished_dossiers": r"^/api/v1/cases/\{case_id\}/dossiers/\{id\}/(pdf|pack)/$",
}


# Rows whose routes take both ids: their ids are case A's, sent with case A's id 4 times in 5, so that most
# requests reach a real row (with a case id drawn independently, most would be 404s and the run would say so).
PAIRED = ("captures",)


def schemathesis_config(ids: dict[str, list[int]]) -> str:
    """Path ids from the rows that exist, 4 times in 5; schemathesis makes up the rest."""
    lines = []
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(sorted(set(values)))}", ""]
    lines += ["[parameters]", '"path.case_id" = { dictionary = "cases", probability = 0.8 }', ""]
    # Schema-valid data may still break a rule no schema can state (a date in the future, an end before
    # its start): the API answers those 422, as the schema documents. Everything else schema-valid must be
    # accepted (2xx), or be a 404 (no such row) or 409 (a conflict with the case as it stands).
    lines += ["[checks.positive_data_acceptance]", f"expected-statuses = {json.dumps(POSITIVE_STATUSES)}", ""]
    # Every warning schemathesis has is shown and fails the run (exit code 1): an operation whose generated
    # data is mostly refused, a missing authentication, test data that never reached a real row, ... each
    # means the run exercised less than it says.
    lines += ["[warnings]", f"display = {json.dumps(WARNINGS)}", "fail-on = true", ""]
    for name, regex in ID_PATHS.items():
        parameters = f'"path.id" = {{ dictionary = "{name}", probability = 0.8 }}'
        if name in PAIRED:
            parameters += ', "path.case_id" = { dictionary = "own_case", probability = 0.8 }'
        if name == "captures":
            parameters += ', "path.role" = { dictionary = "roles", probability = 0.8 }'
        lines += ["[[operations]]", f"include-path-regex = {json.dumps(regex)}", f"parameters = {{ {parameters} }}", ""]
    return "\n".join(lines)


def test_schemathesis_with_every_check_finds_nothing(world, server, tmp_path, capsys):
    url, log = server
    config = tmp_path / "schemathesis.toml"
    config.write_text(schemathesis_config(world.ids))
    command = [SCHEMATHESIS, "--config-file", str(config), "run", f"{url}/api/schema/"]
    command += ["--header", f"Authorization: Bearer {world.token}", "--checks", CHECKS]
    command += ["--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", str(WORKERS)]
    # too_slow: the incident's many text patterns make Hypothesis's generation slow, not the server.
    command += ["--suppress-health-check", "too_slow"]
    command += ["--request-timeout", "30", "--generation-database", "none", "--no-color", "--output-sanitize", "true"]
    output = tmp_path / "schemathesis-summary.txt"
    started = time.monotonic()
    with output.open("wb") as out:
        run = subprocess.Popen(command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        code = run.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop(run)
        code = None
    elapsed = time.monotonic() - started
    summary = output.read_text(errors="replace").strip()
    # The run's report in the CI log, passed or not (pytest would only show it on a failure).
    with capsys.disabled():
        sys.stdout.write(f"\n----- schemathesis: {elapsed:.0f} s, exit code {code} -----\n{summary}\n-----\n")
        sys.stdout.flush()
    assert code is not None, f"schemathesis did not finish within {RUN_TIMEOUT} s\n{summary}\n{tail(log)}"
    assert code == 0, f"schemathesis found problems (exit code {code})\n{summary}\n{tail(log)}"
