"""A statement's row on the dossier pages and in the API: named as the statement it is, offering its PDF and its
Word document (never an evidence pack), asked for from the statement page's button (dossiers:statement_request),
and as closed to people outside the case as a dossier is."""

import time

import pytest
from django.urls import reverse

from accounts.two_factor import REAUTH_AT
from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from tests.factories import WITNESS_OPENING

pytestmark = pytest.mark.django_db

OPENING = WITNESS_OPENING
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def draft(drafted):
    return drafted


@pytest.fixture
def made(case, owner, draft) -> Dossier:
    """A finished witness statement row (its PDF and DOCX made by the worker)."""
    row = Dossier.objects.create(
        case=case, requested_by=owner, document=Dossier.Document.WITNESS_STATEMENT, options={"dated": None}
    )
    assert compile_dossier(row.pk) == "done"
    row.refresh_from_db()
    return row


@pytest.fixture
def dossier_done(case, owner) -> Dossier:
    """A finished dossier row, to stand beside the statement on the list (no compile needed to list it)."""
    return Dossier.objects.create(
        case=case, requested_by=owner, options={"audience": "police"}, status=Dossier.Status.DONE, pages=3
    )


def log_in(client, user) -> None:
    client.force_login(user)
    session = client.session
    session[REAUTH_AT] = time.time()
    session.save()


def card(page: str, code: str) -> str:
    """The list item of the row with this verification code."""
    items = [item for item in page.split('<li class="card"')[1:] if code in item]
    assert len(items) == 1, page
    return items[0]


def test_the_list_names_a_statement_and_offers_its_pdf_and_word_document(client, case, owner, made, dossier_done):
    log_in(client, owner)
    page = client.get(reverse("dossiers:dossier_list", args=[case.pk])).content.decode()
    statement = card(page, made.verification_code)
    assert f"Witness statement {made.verification_code}" in statement
    assert f"Dossier {made.verification_code}" not in statement
    assert ">Download PDF<" in statement
    assert ">Download Word (.docx)<" in statement
    assert "evidence pack" not in statement
    assert "Address and phone number: not printed" in statement
    assert "Date: left blank, to write in when you sign" in statement
    # The dossier beside it keeps its own words.
    dossier = card(page, dossier_done.verification_code)
    assert f"Dossier {dossier_done.verification_code}" in dossier
    assert "Download the PDF" in dossier and "Download the evidence pack" in dossier
    assert "Download Word (.docx)" not in dossier


def test_a_statement_downloads_as_its_named_pdf_and_docx(client, case, owner, made):
    log_in(client, owner)
    args = [case.pk, made.pk]
    code = made.verification_code
    pdf = client.get(reverse("dossiers:dossier_pdf", args=args))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert f'filename="witness-statement-{code}.pdf"' in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    docx = client.get(reverse("dossiers:dossier_pack", args=args))
    assert docx.status_code == 200
    assert docx["Content-Type"] == DOCX
    assert f'filename="witness-statement-{code}.docx"' in docx["Content-Disposition"]
    assert b"".join(docx.streaming_content).startswith(b"PK")  # a DOCX is a ZIP


def test_a_failed_statement_says_statement_not_dossier(client, case, owner):
    row = Dossier.objects.create(
        case=case,
        requested_by=owner,
        document=Dossier.Document.VICTIM_STATEMENT,
        status=Dossier.Status.FAILED,
        error="There is no draft of this statement yet.",
    )
    log_in(client, owner)
    page = client.get(reverse("dossiers:dossier_list", args=[case.pk])).content.decode()
    item = card(page, row.verification_code)
    assert f"Victim personal statement {row.verification_code}" in item
    assert "This statement could not be made." in item
    assert "This dossier could not be made." not in item


def test_status_says_what_the_row_is(client, case, owner):
    row = Dossier.objects.create(
        case=case, requested_by=owner, document=Dossier.Document.WITNESS_STATEMENT, status=Dossier.Status.RUNNING
    )
    log_in(client, owner)
    status = client.get(reverse("dossiers:dossier_status", args=[case.pk, row.pk])).json()
    assert (status["document"], status["document_label"]) == ("witness_statement", "Witness statement")


def test_verify_page_names_a_verified_statement(client, made):
    page = client.get(reverse("dossiers:verify"), {"code": made.verification_code}).content.decode()
    assert f'<h2 id="result">Witness statement {made.verification_code}</h2>' in page
    assert f"Dossier {made.verification_code}" not in page
    assert "Choose the statement file you were given" in page


def test_statement_request_asks_the_worker_and_shows_the_list(client, case, owner, draft):
    log_in(client, owner)
    url = reverse("dossiers:statement_request", args=[case.pk, "witness"])
    assert url == f"/cases/{case.pk}/statements/witness/document/"
    response = client.post(url, {"include_contact": "on", "dated": "2026-12-03"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:dossier_list", args=[case.pk])
    row = Dossier.objects.get(case=case)
    assert (row.document, row.status, row.requested_by_id) == ("witness_statement", "queued", owner.pk)
    assert row.options == {"include_contact": True, "dated": "2026-12-03"}
    page = client.get(response["Location"]).content.decode()
    assert "Your statement is being made as a PDF and a Word document. This page shows its progress." in page
    assert "Address and phone number: on a separate page for the police, not for disclosure" in page
    assert "Dated: 3 Dec 2026" in page


def test_statement_request_without_the_boxes_prints_no_contact_and_no_date(client, case, owner, draft):
    log_in(client, owner)
    client.post(reverse("dossiers:statement_request", args=[case.pk, "witness"]), {})
    assert Dossier.objects.get(case=case).options == {"include_contact": False, "dated": None}


def test_statement_request_with_no_draft_goes_back_and_says_why(client, case, owner):
    log_in(client, owner)
    response = client.post(reverse("dossiers:statement_request", args=[case.pk, "victim"]), {}, follow=False)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/statements/victim/"
    assert not Dossier.objects.filter(case=case).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["There is no draft of this statement yet. Start it on the statement page first."]


def test_statement_request_refuses_a_bad_date_and_an_unknown_kind(client, case, owner, draft):
    log_in(client, owner)
    bad = client.post(reverse("dossiers:statement_request", args=[case.pk, "witness"]), {"dated": "3rd of May"})
    assert bad.status_code == 302 and bad["Location"] == f"/cases/{case.pk}/statements/witness/"
    assert [str(m) for m in bad.wsgi_request._messages] == ["Enter a valid date."]
    assert client.post(reverse("dossiers:statement_request", args=[case.pk, "diary"]), {}).status_code == 404
    assert client.get(reverse("dossiers:statement_request", args=[case.pk, "witness"])).status_code == 405
    assert not Dossier.objects.filter(case=case).exists()


@pytest.mark.parametrize(("role", "code"), [("viewer", 403), ("outsider", 404)])
def test_a_statement_is_closed_to_viewers_and_unseen_by_outsiders(client, case, made, viewer, outsider, role, code):
    log_in(client, {"viewer": viewer, "outsider": outsider}[role])
    for name in ("dossier_status", "dossier_pdf", "dossier_pack"):
        assert client.get(reverse(f"dossiers:{name}", args=[case.pk, made.pk])).status_code == code, name
    assert client.get(reverse("dossiers:dossier_list", args=[case.pk])).status_code == code
    asked = client.post(reverse("dossiers:statement_request", args=[case.pk, "witness"]), {"include_contact": "on"})
    assert asked.status_code == code
    assert Dossier.objects.filter(case=case).count() == 1
    api = client.get(reverse("api:dossier-detail", kwargs={"case_id": case.pk, "pk": made.pk}))
    assert api.status_code == code


# The API -----------------------------------------------------------------------------------------------


def test_the_api_shows_what_each_row_is_and_asks_for_a_statement(client, case, owner, draft):
    client.force_login(owner)
    url = reverse("api:dossier-list", kwargs={"case_id": case.pk})
    response = client.post(
        url, {"document": "witness_statement", "include_contact": True, "dated": "2026-12-03"}, "application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["document"] == "witness_statement"
    row = Dossier.objects.get(pk=response.json()["id"])
    assert (row.document, row.options) == ("witness_statement", {"include_contact": True, "dated": "2026-12-03"})
    plain = client.post(url, {"audience": "police"}, "application/json")
    assert plain.status_code == 201 and plain.json()["document"] == "dossier"
    listed = {item["id"]: item["document"] for item in client.get(url).json()["results"]}
    assert listed == {row.pk: "witness_statement", plain.json()["id"]: "dossier"}


def test_the_api_refuses_an_unknown_document_and_a_statement_with_no_draft(client, case, owner):
    client.force_login(owner)
    url = reverse("api:dossier-list", kwargs={"case_id": case.pk})
    unknown = client.post(url, {"document": "letter"}, "application/json")
    assert unknown.status_code == 400 and "document" in unknown.json()
    missing = client.post(url, {"document": "victim_statement"}, "application/json")
    assert missing.status_code == 409, missing.content
    assert "There is no draft of this statement yet." in missing.content.decode()
    assert not Dossier.objects.filter(case=case).exists()


def test_a_viewer_cannot_ask_the_api_for_a_statement(client, case, viewer, draft):
    client.force_login(viewer)
    url = reverse("api:dossier-list", kwargs={"case_id": case.pk})
    assert client.post(url, {"document": "witness_statement"}, "application/json").status_code == 403
    assert not Dossier.objects.filter(case=case).exists()
