"""`make run` on a port of its own: the invitation email's link and the dossier cover's verification address
name that port (SITE_URL is not set; the web server and the worker both derive it from PORT)."""

import re
import subprocess
import sys
import time

import pytest
import requests

from tests.test_processes import (
    BASE_DIR,
    MAIL_TIMEOUT,
    START_TIMEOUT,
    embedded_env,
    free_port,
    kill_all,
    manage,
    start,
)

pytestmark = pytest.mark.processes

EMAIL = "owner@example.org"
PASSWORD = "a-long-password-1"
DOSSIER_TIMEOUT = 180

MAKE_CASE = f"""
from django.contrib.auth import get_user_model
from incidents.services import cases
owner = get_user_model().objects.create_user(email='{EMAIL}', password='{PASSWORD}', full_name='Alex Jones')
print(cases.case_create(user=owner, title='Reports about our family').pk)
"""
ASK_FOR_DOSSIER = """
from django.contrib.auth import get_user_model
from dossiers import services
from incidents.models import Case
owner = get_user_model().objects.get(email='{email}')
options = {{"audience": "police", "photos": "inline", "redact": False}}
print(services.dossier_request(user=owner, case=Case.objects.get(pk={case_id}), options=options).pk)
"""


def shell(env, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()[-1]


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def post(session: requests.Session, url: str, data: dict) -> requests.Response:
    data = {"csrfmiddlewaretoken": csrf(session, url), **data}
    return session.post(url, data=data, headers={"Referer": url}, timeout=30)


def test_make_run_on_another_port_puts_that_port_in_emails_and_on_dossiers(tmp_path):
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    mail_dir = tmp_path / "mail"
    env = embedded_env(tmp_path / "var", mail_dir)
    env.pop("SITE_URL", None)
    env["PORT"] = str(port)  # as `PORT=... make run` gives it to scripts/devserver.py
    manage(env, "migrate", "--no-input")
    manage(env, "prepare_keys")
    case_id = int(shell(env, MAKE_CASE))
    log = tmp_path / "devserver.log"
    process = start([sys.executable, "scripts/devserver.py"], env, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "celery@" not in log.read_text() or " ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"the worker was not ready within {START_TIMEOUT} s\n{log.read_text()}"
            time.sleep(0.5)

        browser = requests.Session()
        logged_in = post(browser, f"{site}/accounts/login/", {"username": EMAIL, "password": PASSWORD})
        assert logged_in.url == f"{site}/", logged_in.text
        post(browser, f"{site}/accounts/confirm/", {"secret": PASSWORD})
        sent = post(browser, f"{site}/cases/{case_id}/sharing/", {"email": "advocate@example.org", "role": "advocate"})
        assert "Invitation sent to advocate@example.org" in sent.text, sent.text

        # The worker sends it; the file is there (perhaps still being written) once it has.
        deadline = time.monotonic() + MAIL_TIMEOUT
        email = ""
        while "invitations/" not in email and time.monotonic() < deadline:
            email = "".join(path.read_text() for path in mail_dir.glob("*.log")) if mail_dir.is_dir() else ""
            time.sleep(0.2)
        assert "invitations/" in email, log.read_text()
        assert re.search(rf"http://127\.0\.0\.1:{port}/cases/invitations/[\w-]+/", email), email
        assert "127.0.0.1:8000" not in email

        dossier_id = int(shell(env, ASK_FOR_DOSSIER.format(email=EMAIL, case_id=case_id)))
        status_url = f"{site}/cases/{case_id}/dossiers/{dossier_id}/status/"
        deadline = time.monotonic() + DOSSIER_TIMEOUT
        status = {}
        while status.get("status") not in ("done", "failed") and time.monotonic() < deadline:
            status = browser.get(status_url, timeout=10).json()
            time.sleep(0.5)
        assert status.get("status") == "done", f"{status}\n{log.read_text()}"
        pdf = browser.get(f"{site}/cases/{case_id}/dossiers/{dossier_id}/pdf/", timeout=30)
        assert pdf.headers["Content-Type"] == "application/pdf"
        path = tmp_path / "dossier.pdf"
        path.write_bytes(pdf.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        flat = re.sub(r"\s+", "", text)
        assert f"http://127.0.0.1:{port}/verify/" in flat, text
        assert "127.0.0.1:8000" not in flat
    finally:
        if process.poll() is None:
            kill_all(process, log)
        print(log.read_text())
