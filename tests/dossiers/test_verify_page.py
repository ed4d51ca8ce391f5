"""The public verification page says who signed the dossier (the signing certificate's names) and when,
and offers the in-browser check (verify-file.js) with the sha256sum instructions kept beside it."""

import datetime as dt

import pytest

from dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_the_verification_page_names_the_signer_and_the_time(client, case, owner, signing_key):
    dossier = Dossier.objects.create(
        case=case,
        requested_by=owner,
        options={},
        status=Dossier.Status.DONE,
        sha256="ab" * 32,
        pages=3,
        size=1234,
        finished_at=dt.datetime(2026, 7, 1, 13, 5, tzinfo=dt.UTC),
    )
    page = client.get(f"/verify/?code={dossier.verification_code}").content.decode()
    # tests/dossiers/conftest.py's certificate: CN "Test signing", O "Tests"; 14:05 in London in July.
    assert "Test signing, Tests, on 1 July 2026 at 14:05 BST" in page
    assert "<dd>1 July 2026, 14:05 BST</dd>" in page
    assert 'data-expected-sha256="' + "ab" * 32 + '"' in page
    assert "/static/js/verify-file." in page
    assert "sha256sum dossier.pdf" in page


def test_without_a_code_the_page_loads_no_script(client):
    page = client.get("/verify/").content.decode()
    assert "verify-file" not in page
