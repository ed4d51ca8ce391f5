"""A statement draft made by the worker, through the dossier's own task: claimed, its produced exhibits re-hashed,
its PDF laid out and signed, its DOCX written, both stored, the row finished with their fingerprints and the page
count; downloaded by the same view as a dossier, named as a statement."""

import hashlib
import io
import subprocess
import zipfile

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from dossiers import services
from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from tests.factories import WITNESS_OPENING, confirm_recent_login
from vault import store

pytestmark = pytest.mark.django_db

OPENING = WITNESS_OPENING


@pytest.fixture
def statement(drafted):
    return drafted


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, check=False)


def compiled(case, owner, **options) -> Dossier:
    row = Dossier.objects.create(
        case=case, requested_by=owner, document=Dossier.Document.WITNESS_STATEMENT, options=options
    )
    compile_dossier(row.pk)
    row.refresh_from_db()
    return row


def test_worker_makes_the_signed_statement_pdf_and_its_docx(case, owner, statement, tmp_path):
    row = compiled(case, owner, dated="2026-12-03")
    assert (row.status, row.error, row.progress) == (Dossier.Status.DONE, "", 100)
    data = store.read_all(case, row.file_name)
    assert (row.sha256, row.size) == (hashlib.sha256(data).hexdigest(), len(data))
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    assert row.pages == 1
    assert run("qpdf", "--show-npages", path).stdout.strip() == "1"
    signature = run("pdfsig", path)
    assert "Signature is Valid." in signature.stdout and "Total document signed" in signature.stdout
    text = " ".join(run("pdftotext", "-layout", path, "-").stdout.split())
    assert "WITNESS STATEMENT" in text and f"1. {OPENING}" in text
    assert "This statement (consisting of 1 page each signed by me)" in text
    assert "as exhibit AJ/1" in text
    assert "Date 3 December 2026" in text
    assert "Leeds" not in text and "07700" not in text  # contact details only when asked for
    docx = store.read_all(case, row.pack_name)
    assert (row.pack_sha256, row.pack_size) == (hashlib.sha256(docx).hexdigest(), len(docx))
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = archive.read("word/document.xml").decode()
    assert OPENING in body and "NUMPAGES" in body
    assert AuditEvent.objects.filter(action="dossier.done", target_id=row.pk).count() == 1


def test_contact_details_are_printed_on_their_own_page_when_asked_for(case, owner, statement, tmp_path):
    row = compiled(case, owner, include_contact=True)
    assert row.status == Dossier.Status.DONE
    assert row.pages == 2  # one page of statement and the contact page
    path = tmp_path / "statement.pdf"
    path.write_bytes(store.read_all(case, row.file_name))
    pages = run("pdftotext", "-layout", path, "-").stdout.split("\f")
    assert "Page 1 of 1" in pages[0] and "Leeds" not in pages[0]
    assert "NOT FOR DISCLOSURE" in pages[1] and "1 High Street, Leeds" in pages[1] and "07700 900456" in pages[1]


def test_a_statement_nobody_started_fails_with_a_plain_reason(case, owner):
    row = compiled(case, owner)
    assert row.status == Dossier.Status.FAILED
    assert row.error == "There is no draft of this statement yet. Start it on the statement page first."
    assert (row.file_name, row.pack_name, row.pages) == ("", "", 0)


def test_an_altered_exhibit_fails_the_statement_naming_its_mark(case, owner, statement):
    exhibit = case.evidence.get(mark="AJ/1")
    path = store.stored_path(exhibit.case_id, exhibit.storage_name)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    row = compiled(case, owner)
    assert row.status == Dossier.Status.FAILED
    assert "Exhibit AJ/1 does not match its recorded fingerprint" in row.error
    assert "The statement was not made." in row.error
    assert row.file_name == ""


def test_a_redelivered_statement_task_does_nothing_twice(case, owner, statement):
    row = compiled(case, owner)
    assert row.status == Dossier.Status.DONE
    assert compile_dossier(row.pk) == "not claimed"
    again = Dossier.objects.get(pk=row.pk)
    assert (again.file_name, again.sha256, again.attempts) == (row.file_name, row.sha256, 1)


def test_request_records_the_document_in_its_audit_event(
    case, owner, statement, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = services.dossier_request(user=owner, case=case, options={}, document=Dossier.Document.WITNESS_STATEMENT)
    row.refresh_from_db()
    assert (row.document, row.status) == ("witness_statement", Dossier.Status.DONE)
    event = AuditEvent.objects.get(action="dossier.request", target_id=row.pk)
    assert event.details["document"] == "witness_statement"


def test_statement_downloads_are_named_as_a_statement_with_the_word_type(client, case, owner, statement):
    row = compiled(case, owner)
    client.force_login(owner)
    confirm_recent_login(client)
    for what, name, content_type in (
        ("pdf", f"witness-statement-{row.verification_code}.pdf", "application/pdf"),
        (
            "pack",
            f"witness-statement-{row.verification_code}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ):
        response = client.get(reverse(f"dossiers:dossier_{what}", args=[case.pk, row.pk]))
        assert response.status_code == 200, what
        assert response["Content-Type"] == content_type
        assert f'filename="{name}"' in response["Content-Disposition"]
