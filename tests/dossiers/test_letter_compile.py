"""A letter made by the worker (dossiers/compile.py letter_compile) through the dossier's claim and signing: its
signed PDF says what the letter says (pdftotext), with the case's reference number and dates; a draft is marked
DRAFT; its Word document is beside it; the dossier list offers both."""

import subprocess

import pytest
from django.urls import reverse

from casework.services import letters as letter_services
from dossiers import services as dossier_services
from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.factories import confirm_recent_login, log_incident
from vault import store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(dossier_services, "publish", lambda task, **kwargs: True)


def made(case, owner, letter) -> Dossier:
    dossier = dossier_services.dossier_request(
        user=owner, case=case, options={"letter": letter.pk, "title": letter.title}, document=Dossier.Document.LETTER
    )
    assert compile_dossier(dossier.pk) == "done"
    dossier.refresh_from_db()
    return dossier


def text_of(case, name: str, tmp_path) -> str:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(store.read_all(case, name))
    return " ".join(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout.split())


def test_a_letter_is_made_into_a_signed_pdf_and_a_word_document(client, case, owner, signing_key, tmp_path):
    council = party_services.party_create(
        user=owner, case=case, kind="social_services", name="Hampshire Children's Services", contact="Civic Centre"
    )
    reference = reference_services.reference_create(
        user=owner, case=case, kind="social_services", number="SS/2026/001234", agency=council
    )
    reference.incidents.add(log_incident(case, owner))
    letter = letter_services.letter_start(user=owner, case=case, template_key="sar_council", reference=reference)
    dossier = made(case, owner, letter)
    text = text_of(case, dossier.file_name, tmp_path)
    assert "SS/2026/001234" in text and "Hampshire Children's Services" in text and "DRAFT" in text
    docx = store.read_all(case, dossier.pack_name)
    assert docx.startswith(b"PK")
    sig = subprocess.run(["pdfsig", tmp_path / "letter.pdf"], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in sig.stdout, sig.stdout + sig.stderr
    client.force_login(owner)
    confirm_recent_login(client)
    listing = client.get(reverse("dossiers:dossier_list", args=[case.pk])).content.decode()
    assert reverse("dossiers:dossier_pack", args=[case.pk, dossier.pk]) in listing
    download = client.get(reverse("dossiers:dossier_pack", args=[case.pk, dossier.pk]))
    assert f"letter-{dossier.verification_code}.docx" in download["Content-Disposition"]
