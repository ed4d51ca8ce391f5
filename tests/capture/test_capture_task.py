"""The capture run as the worker runs it (capture.tasks.run_capture), in this process, against a page on
loopback, with a real time-stamping authority on loopback (tests/tsa.py): the exhibit and every file stored
through the vault with hashes that match what comes back out, the WACZ passing `wacz validate`, the archive's
manifest and the screenshot exhibit timestamped, `openssl ts -verify` passing on each token and failing after
one byte is changed. A redelivered run does nothing; a browser that cannot start fails the run, not the page."""

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from capture import browser, services, tasks
from capture.models import Capture, CaptureFile
from incidents import tasks as incident_tasks
from incidents.models import Evidence
from tests.capture.conftest import FixtureServer
from tests.factories import png_bytes
from vault import store
from vault.models import Timestamp

pytestmark = [pytest.mark.processes, pytest.mark.django_db]

assert incident_tasks.timestamp.name  # registered, so that an eager send runs it here
WACZ = str(Path(sys.executable).with_name("wacz"))


@pytest.fixture
def site():
    page = b"<!doctype html><title>Post</title><p>Words about the family.</p>" + b"".join(
        f"<img src='/{n}.png'>".encode() for n in range(3)
    )
    routes = {"/": (200, {"Content-Type": "text/html"}, page)}
    routes |= {f"/{n}.png": (200, {"Content-Type": "image/png"}, png_bytes(colour=(n * 80, 9, 9))) for n in range(3)}
    server = FixtureServer(routes)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = True


def requested(case, owner, url, django_capture_on_commit_callbacks, monkeypatch) -> Capture:
    monkeypatch.setattr(services, "publish", lambda task, **kwargs: True)
    with django_capture_on_commit_callbacks(execute=True):
        return services.capture_request(user=owner, case=case, url=url)


def verify(token: Path, data: Path, tsa) -> subprocess.CompletedProcess:
    command = ["openssl", "ts", "-verify", "-in", token, "-token_in", "-data", data]
    command += ["-CAfile", tsa.ca_file, "-untrusted", tsa.untrusted]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_a_run_stores_every_file_the_wacz_validates_and_the_tokens_verify(
    case, owner, site, tsa, eager_tasks, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    capture = requested(case, owner, site.url("/"), django_capture_on_commit_callbacks, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run_capture(capture.pk) == "done"
    capture.refresh_from_db()
    assert (capture.status, capture.outcome, capture.http_status) == ("done", "captured", 200), capture.message
    exhibit = capture.evidence
    assert exhibit.kind == Evidence.Kind.WEB_PAGE and exhibit.content_type == "image/png"
    files = {f.role: f for f in CaptureFile.objects.filter(capture=capture)}
    assert {"screenshot", "pdf", "text", "wacz", "facts"} <= set(files)
    for kept in files.values():  # what comes out of the vault is what was hashed going in
        assert hashlib.sha256(store.read_all(case, kept.storage_name)).hexdigest() == kept.sha256
    assert b"Words about the family." in store.read_all(case, files["text"].storage_name)
    assert store.read_all(case, files["pdf"].storage_name).startswith(b"%PDF-")

    wacz = tmp_path / "page.wacz"
    wacz.write_bytes(store.read_all(case, files["wacz"].storage_name))
    checked = subprocess.run([WACZ, "validate", "-f", wacz], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    manifest = tmp_path / "datapackage.json"
    with zipfile.ZipFile(wacz) as archive:
        manifest.write_bytes(archive.read("datapackage.json"))
        warcs = [name for name in archive.namelist() if name.startswith("archive/")]
        assert warcs
        warc = b"".join(archive.read(name) for name in warcs)
    assert hashlib.sha256(manifest.read_bytes()).hexdigest() == capture.manifest_sha256
    assert len(warc) > 0

    # Both hashes have a token from the authority, and openssl agrees with each, and not with a changed byte.
    stamps = {row.sha256: row for row in Timestamp.objects.filter(case_id=case.pk, status=Timestamp.Status.DONE)}
    assert {exhibit.sha256, capture.manifest_sha256} <= set(stamps)
    screenshot = tmp_path / "exhibit.png"
    screenshot.write_bytes(store.read_all(case, exhibit.storage_name))
    for sha, data in ((capture.manifest_sha256, manifest), (exhibit.sha256, screenshot)):
        token = tmp_path / f"{sha[:8]}.tst"
        token.write_bytes(bytes(stamps[sha].token))
        good = verify(token, data, tsa)
        assert good.returncode == 0 and "Verification: OK" in good.stdout, good.stdout + good.stderr
        changed = bytearray(data.read_bytes())
        changed[len(changed) // 2] ^= 0x01
        altered = tmp_path / f"altered-{data.name}"
        altered.write_bytes(bytes(changed))
        assert verify(token, altered, tsa).returncode != 0

    # The same run again (a redelivered message) finds the row taken and changes nothing.
    assert tasks.run_capture(capture.pk) == "not claimed"
    assert Evidence.objects.count() == 1 and CaptureFile.objects.filter(capture=capture).count() == len(files)


def test_a_browser_that_cannot_start_fails_the_run_with_a_reason(
    case, owner, site, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    capture = requested(case, owner, site.url("/"), django_capture_on_commit_callbacks, monkeypatch)

    def broken(*args, **kwargs):
        raise browser.BrowserUnavailable("chromium could not be started: test")

    monkeypatch.setattr(browser, "capture_page", broken)
    assert tasks.run_capture(capture.pk) == "failed"
    capture.refresh_from_db()
    assert (capture.status, capture.error) == ("failed", tasks.NO_BROWSER)
    assert capture.outcome == "" and not Evidence.objects.exists()


def test_the_archive_listing_page_reads_the_real_wacz(
    client, case, owner, site, django_capture_on_commit_callbacks, monkeypatch
):
    capture = requested(case, owner, site.url("/"), django_capture_on_commit_callbacks, monkeypatch)
    assert tasks.run_capture(capture.pk) == "done"
    client.force_login(owner)
    page = client.get(f"/cases/{case.pk}/captures/{capture.pk}/archive/").content.decode()
    for n in range(3):
        assert site.url(f"/{n}.png") in page
    assert "datapackage.json" in page and "response" in page
