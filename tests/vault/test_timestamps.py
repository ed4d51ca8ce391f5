"""Trusted timestamps (RFC 3161) of exhibits and dossiers, against a real authority on loopback (`openssl ts
-reply` behind tests/tsa.py), with `openssl ts -verify` as the independent checker and `pdfsig` reading the
dossier's signature timestamp."""

import datetime as dt
import hashlib
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from dossiers.models import Dossier
from dossiers.signing import make_self_signed
from dossiers.tasks import compile_dossier
from incidents import tasks as incident_tasks
from incidents.models import Evidence
from incidents.services import evidence as evidence_services
from incidents.services import timestamps as timestamp_services
from tests.factories import png_bytes, upload
from tests.tsa import dead_url
from vault import store
from vault import timestamps as tsp
from vault.models import Timestamp

pytestmark = pytest.mark.usefixtures("eager_tasks")
assert incident_tasks.timestamp.name == timestamp_services.TIMESTAMP_TASK  # registered: eager runs it here

LETTER = b"Dear Ms Jones,\nWe have received a referral about your family.\n"
TSA_NAME = "Loopback Test TSA, Referral Tracker Tests"
OPTIONS = {"audience": "police", "date_from": None, "date_to": None, "photos": "inline", "redact": False}


def attach(case, owner, data: bytes = LETTER, name: str = "letter.txt", capture=None):
    """Attach `data` as an exhibit, running what is asked for on commit (the timestamp's task, in-process)."""
    with capture(execute=True):
        attached = evidence_services.evidence_attach(
            user=owner, case=case, kind="letter", description="The council's letter", uploaded_file=upload(name, data)
        )
    return attached.evidence


def openssl_verify(data: bytes, token: bytes, tsa, folder: Path) -> subprocess.CompletedProcess:
    (folder / "exhibit.bin").write_bytes(data)
    (folder / "token.tst").write_bytes(token)
    return subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-data",
            str(folder / "exhibit.bin"),
            "-in",
            str(folder / "token.tst"),
            "-token_in",
            "-CAfile",
            str(tsa.ca_file),
            "-untrusted",
            str(tsa.untrusted),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def later(minutes: int = 2) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


# An exhibit's token ----------------------------------------------------------------------------------------


def test_a_new_exhibit_gets_a_token_that_openssl_verifies_and_one_changed_byte_fails(
    case, owner, tsa, tmp_path, django_capture_on_commit_callbacks
):
    evidence = attach(case, owner, capture=django_capture_on_commit_callbacks)
    row = Timestamp.objects.get()
    assert (row.case_id, row.sha256, row.status, row.attempts) == (case.pk, evidence.sha256, "done", 1)
    assert (row.tsa_url, row.tsa_name, tsa.requests) == (tsa.url, TSA_NAME, 1)
    assert abs(row.timestamped_at - timezone.now()) < dt.timedelta(minutes=1)
    assert tsp.token_imprint(bytes(row.token)) == evidence.sha256

    original = store.read_all(case, evidence.storage_name)
    assert original == LETTER
    checked = openssl_verify(original, bytes(row.token), tsa, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "Verification: OK" in checked.stdout

    changed = bytearray(original)
    changed[5] ^= 0x01
    refused = openssl_verify(bytes(changed), bytes(row.token), tsa, tmp_path)
    assert refused.returncode != 0
    assert "Verification: OK" not in refused.stdout
    assert "message imprint mismatch" in refused.stdout + refused.stderr

    event = AuditEvent.objects.get(action="evidence.timestamp")
    assert (event.case_id, event.actor_id, event.target_id) == (case.pk, None, evidence.pk)
    assert event.details["mark"] == "AJ/1" and event.details["tsa"] == TSA_NAME
    assert event.details["sha256"] == evidence.sha256


def test_the_exhibit_page_says_who_timestamped_it_and_when_in_the_cases_zone(
    client, case, owner, tsa, django_capture_on_commit_callbacks
):
    evidence = attach(case, owner, capture=django_capture_on_commit_callbacks)
    row = Timestamp.objects.get()
    client.force_login(owner)
    page = client.get(reverse("incidents:evidence_detail", args=[case.pk, evidence.pk])).content.decode()
    local = timezone.localtime(row.timestamped_at, case.zone)
    assert f"Timestamped by {TSA_NAME} at {local.strftime('%a %-d %b %Y, %H:%M ')}{local.tzname()}" in page
    assert "Waiting for a trusted timestamp" not in page and "Not timestamped" not in page


def test_the_token_downloads_as_mark_tsr_which_openssl_verifies_as_a_reply_and_is_audited(
    client, case, owner, outsider, tsa, tmp_path, django_capture_on_commit_callbacks
):
    tsa.failing = 500
    evidence = attach(case, owner, capture=django_capture_on_commit_callbacks)
    url = reverse("incidents:evidence_download", args=[case.pk, evidence.pk]) + "?token=1"
    client.force_login(owner)
    assert client.get(url).status_code == 404  # no token yet
    page = client.get(reverse("incidents:evidence_detail", args=[case.pk, evidence.pk])).content.decode()
    assert "?token=1" not in page
    tsa.failing = None
    timestamp_services.timestamp_sweep(now=later())
    page = client.get(reverse("incidents:evidence_detail", args=[case.pk, evidence.pk])).content.decode()
    assert "?token=1" in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/timestamp-reply"
    assert response["Content-Disposition"] == "attachment; filename=\"AJ-1.tsr\"; filename*=UTF-8''AJ-1.tsr"
    assert response["X-Content-Type-Options"] == "nosniff"
    (tmp_path / "AJ-1.tsr").write_bytes(b"".join(response.streaming_content))
    (tmp_path / "exhibit.bin").write_bytes(LETTER)
    trust = ["-CAfile", str(tsa.ca_file), "-untrusted", str(tsa.untrusted)]
    checked = subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(tmp_path / "exhibit.bin"), "-in", str(tmp_path / "AJ-1.tsr"), *trust],
        capture_output=True,
        text=True,
    )
    assert "Verification: OK" in checked.stdout, checked.stderr
    event = AuditEvent.objects.filter(action="evidence.download_timestamp").get()
    assert (event.actor_id, event.target_id, event.details) == (owner.pk, evidence.pk, {"mark": "AJ/1"})

    client.force_login(outsider)
    assert client.get(url).status_code in (403, 404)


def test_with_no_authority_configured_nothing_is_asked_and_the_page_says_so_once(
    client, case, owner, tsa, settings, django_capture_on_commit_callbacks
):
    settings.TSA_URLS = []
    evidence = attach(case, owner, capture=django_capture_on_commit_callbacks)
    assert not Timestamp.objects.exists()
    assert tsa.requests == 0
    assert timestamp_services.timestamp_later(case_id=case.pk, sha256=evidence.sha256) is None
    client.force_login(owner)
    page = client.get(reverse("incidents:evidence_detail", args=[case.pk, evidence.pk])).content.decode()
    assert page.count("Not timestamped: this installation has no time-stamping authority configured.") == 1
    assert "Timestamped by" not in page


def test_a_link_only_exhibit_and_a_duplicate_upload_ask_for_nothing_more(
    case, owner, tsa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence_services.evidence_attach(
            user=owner, case=case, kind="link", description="The post", source_url="https://example.org/post/1"
        )
    assert not Timestamp.objects.exists() and tsa.requests == 0
    attach(case, owner, capture=django_capture_on_commit_callbacks)
    again = attach(case, owner, name="same-letter.txt", capture=django_capture_on_commit_callbacks)
    assert again.mark == "AJ/2"  # the existing exhibit (AJ/1 is the link)
    assert Timestamp.objects.count() == 1 and tsa.requests == 1


def test_a_redelivered_task_asks_nobody_and_records_nothing_twice(case, owner, tsa, django_capture_on_commit_callbacks):
    attach(case, owner, capture=django_capture_on_commit_callbacks)
    row = Timestamp.objects.get()
    assert timestamp_services.timestamp_run(timestamp_id=row.pk) is True
    assert tsa.requests == 1
    assert AuditEvent.objects.filter(action="evidence.timestamp").count() == 1


# An authority that does not answer -----------------------------------------------------------------------


def test_an_authority_answering_500_never_blocks_the_upload_and_the_sweep_finishes_it(
    client, case, owner, tsa, django_capture_on_commit_callbacks
):
    tsa.failing = 500
    evidence = attach(case, owner, capture=django_capture_on_commit_callbacks)
    assert evidence.mark == "AJ/1"
    row = Timestamp.objects.get()
    assert (row.status, row.attempts, row.token) == ("pending", 1, None)
    assert f"{tsa.url}: answered HTTP 500" in row.last_error
    assert not AuditEvent.objects.filter(action="evidence.timestamp").exists()
    client.force_login(owner)
    page = client.get(reverse("incidents:evidence_detail", args=[case.pk, evidence.pk])).content.decode()
    assert (
        "Waiting for a trusted timestamp (the time-stamping authority did not answer; it is retried automatically)"
        in page
    )

    tsa.failing = None
    assert timestamp_services.timestamp_sweep() == {"done": 0, "pending": 0}  # not a minute old yet
    assert timestamp_services.timestamp_sweep(now=later()) == {"done": 1, "pending": 0}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error, row.tsa_url) == ("done", 2, "", tsa.url)
    assert tsp.verify_token(bytes(row.token), evidence.sha256) is None


def test_an_authority_not_listening_leaves_it_pending_until_it_is_back(
    case, owner, tsa, tmp_path, django_capture_on_commit_callbacks
):
    tsa.stop()
    evidence = attach(case, owner, capture=django_capture_on_commit_callbacks)
    row = Timestamp.objects.get()
    assert row.status == "pending" and "no answer" in row.last_error
    tsa.start()  # the same port again
    assert timestamp_services.timestamp_sweep(now=later()) == {"done": 1, "pending": 0}
    row.refresh_from_db()
    assert row.status == "done"
    checked = openssl_verify(store.read_all(case, evidence.storage_name), bytes(row.token), tsa, tmp_path)
    assert "Verification: OK" in checked.stdout, checked.stderr


def test_the_authorities_are_tried_in_order_and_the_first_dead_one_is_passed_over(
    case, owner, tsa, settings, django_capture_on_commit_callbacks
):
    dead = dead_url()
    settings.TSA_URLS = [dead, tsa.url]
    attach(case, owner, capture=django_capture_on_commit_callbacks)
    row = Timestamp.objects.get()
    assert (row.status, row.tsa_url, tsa.requests) == ("done", tsa.url, 1)


def test_the_sweep_stops_at_the_first_refusal_and_takes_a_batch_at_a_time(case, owner, tsa):
    for n in range(3):
        Timestamp.objects.create(case_id=case.pk, sha256=hashlib.sha256(b"%d" % n).hexdigest())
    tsa.failing = 500
    assert timestamp_services.timestamp_sweep(now=later()) == {"done": 0, "pending": 1}
    assert tsa.requests == 1  # the authority is down: the other two wait for the next sweep
    tsa.failing = None
    # The row just tried is tried last; a batch of two finishes the other two.
    assert timestamp_services.timestamp_sweep(now=later(3), batch=2) == {"done": 2, "pending": 0}
    assert list(Timestamp.objects.order_by("pk").values_list("status", flat=True)) == ["pending", "done", "done"]


def test_a_reply_that_is_not_for_our_hash_is_refused(tsa):
    asked = hashlib.sha256(b"asked").hexdigest()
    token = tsp.request_token(asked, [tsa.url], timeout=5)
    assert tsp.verify_token(token.der, asked) is None
    other = hashlib.sha256(b"other").hexdigest()
    assert tsp.verify_token(token.der, other).startswith("the token is over another hash")
    tampered = bytearray(token.der)
    tampered[-20] ^= 0x01  # inside the signature value
    assert "signature" in tsp.verify_token(bytes(tampered), asked)
    assert tsp.verify_token(b"not a token", asked).startswith("the token could not be read")
    with pytest.raises(tsp.TimestampUnavailable, match="no time-stamping authority"):
        tsp.request_token(asked, [], timeout=5)


# verify_evidence ---------------------------------------------------------------------------------------------


def test_verify_evidence_checks_every_token_and_names_the_exhibit_whose_token_is_wrong(
    case, owner, tsa, capsys, django_capture_on_commit_callbacks
):
    attach(case, owner, capture=django_capture_on_commit_callbacks)
    second = attach(case, owner, data=png_bytes(), name="shot.png", capture=django_capture_on_commit_callbacks)
    call_command("verify_evidence")
    assert capsys.readouterr().out == (
        "OK: 2 exhibits re-read, decrypted and re-hashed; all match. "
        "2 trusted timestamp tokens checked against their hashes; all match.\n"
    )
    # The second exhibit's row given the first exhibit's token: a token of the wrong hash.
    first_row = Timestamp.objects.get(sha256=Evidence.objects.get(mark="AJ/1").sha256)
    Timestamp.objects.filter(sha256=second.sha256).update(token=first_row.token)
    with pytest.raises(CommandError, match=r"^1 of 2 trusted timestamp tokens do not match their exhibit's hash\.$"):
        call_command("verify_evidence")
    said = capsys.readouterr().err
    assert f"TIMESTAMP MISMATCH case {case.pk} exhibit AJ/2" in said
    assert "the token is over another hash" in said and "AJ/1" not in said


# Dossiers: PAdES B-T ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _signing_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signing")
    make_self_signed(
        common_name="Test signing", organisation="Tests", key_path=folder / "k.pem", cert_path=folder / "c.pem"
    )
    return folder


@pytest.fixture
def signing_key(settings, _signing_pair, tmp_path):
    for name in ("k.pem", "c.pem"):
        shutil.copy(_signing_pair / name, tmp_path / name)
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE = tmp_path / "k.pem", tmp_path / "c.pem"


def dossier_pdf(case, owner, tmp_path: Path) -> Path:
    dossier = Dossier.objects.create(case=case, requested_by=owner, options=OPTIONS)
    assert compile_dossier(dossier.pk) == "done"
    dossier.refresh_from_db()
    path = tmp_path / f"dossier-{dossier.pk}.pdf"
    path.write_bytes(store.read_all(dossier.case, dossier.file_name))
    return path


def pdfsig(path: Path) -> str:
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Signature is Valid." in result.stdout
    return result.stdout


def signature_timestamped(path: Path) -> bool:
    subprocess.run(["pdfsig", "-dump", path.name], cwd=path.parent, capture_output=True, check=True)
    signer = cms.ContentInfo.load((path.parent / f"{path.name}.sig0").read_bytes())["content"]["signer_infos"][0]
    attributes = signer["unsigned_attrs"].native or []
    return any(attribute["type"] == "signature_time_stamp_token" for attribute in attributes)


def pdftext(path: Path) -> str:
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60, check=True)
    return " ".join(result.stdout.split())


def test_a_dossier_made_with_an_authority_has_a_signature_timestamp_and_lists_each_exhibits(
    case, owner, tsa, signing_key, tmp_path, django_capture_on_commit_callbacks
):
    attach(case, owner, capture=django_capture_on_commit_callbacks)
    row = Timestamp.objects.get()
    path = dossier_pdf(case, owner, tmp_path)
    said = pdfsig(path)
    assert "Signature Type: ETSI.CAdES.detached" in said
    # Poppler 22.12's pdfsig validates the signature but does not print its timestamp: its -dump hands over the
    # CMS signature, openssl shows the timestamp token among its unsigned attributes, and openssl ts -verify
    # checks that token against the signature value it stamps, with the authority's root.
    dumped = subprocess.run(["pdfsig", "-dump", path.name], cwd=path.parent, capture_output=True, text=True)
    assert "Signature #0" in dumped.stdout, dumped.stdout + dumped.stderr
    signature = path.parent / f"{path.name}.sig0"
    printed = subprocess.run(
        ["openssl", "cms", "-inform", "DER", "-in", str(signature), "-cmsout", "-print"], capture_output=True, text=True
    ).stdout
    assert "unsignedAttrs:\n            object: id-smime-aa-timeStampToken (1.2.840.113549.1.9.16.2.14)" in printed
    signer = cms.ContentInfo.load(signature.read_bytes())["content"]["signer_infos"][0]
    (stamp,) = signer["unsigned_attrs"][0]["values"]
    (tmp_path / "sig.tst").write_bytes(stamp.dump())
    stamped = hashlib.sha256(signer["signature"].native).hexdigest()
    trust = ["-CAfile", str(tsa.ca_file), "-untrusted", str(tsa.untrusted)]
    checked = subprocess.run(
        ["openssl", "ts", "-verify", "-digest", stamped, "-in", str(tmp_path / "sig.tst"), "-token_in", *trust],
        capture_output=True,
        text=True,
    )
    assert "Verification: OK" in checked.stdout, checked.stderr
    assert tsa.requests >= 2  # the exhibit's token, then the signature's
    text = pdftext(path)
    local = timezone.localtime(row.timestamped_at, case.zone)
    assert f"timestamped by {TSA_NAME} at {local.strftime('%-d %b %Y %H:%M:%S %Z')}" in text


def test_without_an_authority_or_with_it_down_the_dossier_is_still_signed_b_b(
    case, owner, tsa, settings, signing_key, tmp_path, caplog
):
    settings.TSA_URLS = []
    pdfsig(plain_pdf := dossier_pdf(case, owner, tmp_path))
    assert not signature_timestamped(plain_pdf)
    assert "timestamped by" not in pdftext(dossier_pdf(case, owner, tmp_path))

    settings.TSA_URLS = [dead_url(), tsa.url]
    tsa.failing = 500
    with caplog.at_level(logging.WARNING, logger="dossiers.signing"):
        pdfsig(fallback := dossier_pdf(case, owner, tmp_path))
    assert not signature_timestamped(fallback)
    assert tsa.requests == 1  # asked, answered 500
    assert "Signed without a timestamp (PAdES B-B)" in caplog.text
