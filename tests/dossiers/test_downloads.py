"""Every way a stored file leaves the site (an exhibit or its preview on a page or through the API, a dossier
PDF or evidence pack on a page or through the API) answers with the same headers, written out here."""

import io
import zipfile

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as account_services
from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from incidents.services import evidence as evidence_services
from tests.factories import confirm_recent_login, log_incident, png_bytes, upload

pytestmark = pytest.mark.django_db

# What every file response carries, whatever it holds.
SAME_FOR_ALL = {
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'none'; sandbox; frame-ancestors 'none'",
}


@pytest.fixture
def exhibit(case, owner):
    incident = log_incident(case, owner)
    # Uploaded under a misleading name: the file is named from its mark and its sniffed type everywhere.
    return evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description="The post",
        uploaded_file=upload("post.jpeg.txt", png_bytes()),
        incidents=[incident],
    ).evidence


@pytest.fixture
def dossier(case, owner, exhibit):
    made = Dossier.objects.create(case=case, requested_by=owner, options={"audience": "police"})
    assert compile_dossier(made.pk) == "done"
    made.refresh_from_db()
    return made


def api_client(user) -> APIClient:
    _, token = account_services.access_token_create(user=user, name="downloads", scope="read", days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def disposition(kind: str, name: str) -> str:
    return f"{kind}; filename=\"{name}\"; filename*=UTF-8''{name}"


def test_every_download_sends_the_same_protective_headers(client, case, owner, exhibit, dossier):
    client.force_login(owner)
    confirm_recent_login(client)
    api = api_client(owner)
    code = dossier.verification_code
    answers = {
        "exhibit page": (
            client.get(reverse("incidents:evidence_download", args=[case.pk, exhibit.pk])),
            "application/octet-stream",
            disposition("attachment", "AJ-1.png"),
        ),
        "exhibit inline": (
            client.get(reverse("incidents:evidence_download", args=[case.pk, exhibit.pk]) + "?inline=1"),
            "image/png",
            disposition("inline", "AJ-1.png"),
        ),
        "preview": (
            client.get(reverse("incidents:evidence_preview", args=[case.pk, exhibit.pk])),
            "image/jpeg",
            disposition("inline", "AJ-1-preview.jpg"),
        ),
        "exhibit API": (
            api.get(f"/api/v1/cases/{case.pk}/evidence/{exhibit.pk}/download/"),
            "application/octet-stream",
            disposition("attachment", "AJ-1.png"),
        ),
        "dossier page": (
            client.get(reverse("dossiers:dossier_pdf", args=[case.pk, dossier.pk])),
            "application/pdf",
            disposition("attachment", f"dossier-{code}.pdf"),
        ),
        "pack page": (
            client.get(reverse("dossiers:dossier_pack", args=[case.pk, dossier.pk])),
            "application/zip",
            disposition("attachment", f"dossier-{code}.zip"),
        ),
        "dossier API": (
            api.get(f"/api/v1/cases/{case.pk}/dossiers/{dossier.pk}/pdf/"),
            "application/pdf",
            disposition("attachment", f"dossier-{code}.pdf"),
        ),
        "pack API": (
            api.get(f"/api/v1/cases/{case.pk}/dossiers/{dossier.pk}/pack/"),
            "application/zip",
            disposition("attachment", f"dossier-{code}.zip"),
        ),
    }
    for where, (response, content_type, expected_disposition) in answers.items():
        assert response.status_code == 200, where
        assert response["Content-Type"] == content_type, where
        assert response["Content-Disposition"] == expected_disposition, where
        for header, value in SAME_FOR_ALL.items():
            assert response[header] == value, (where, header)
        # Pages add their own no-cache directives on top (NoStoreMiddleware); a file never lacks these two.
        assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}, where
    # The dossier's two faces also say how long the file is.
    for where in ("dossier page", "dossier API"):
        assert answers[where][0]["Content-Length"] == str(dossier.size), where
    for where in ("pack page", "pack API"):
        assert answers[where][0]["Content-Length"] == str(dossier.pack_size), where


def test_an_exhibit_has_the_same_file_name_in_a_download_and_in_the_evidence_pack(client, case, owner, dossier):
    client.force_login(owner)
    confirm_recent_login(client)
    pack = client.get(reverse("dossiers:dossier_pack", args=[case.pk, dossier.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(pack.streaming_content))).namelist()
    assert "exhibits/AJ-1.png" in names
    assert not [name for name in names if "jpeg" in name or name.endswith(".txt")]


def test_a_page_download_asks_for_the_password_again_and_a_token_does_not(client, case, owner, dossier):
    client.force_login(owner)  # logged in, but not in the last few minutes
    page = client.get(reverse("dossiers:dossier_pdf", args=[case.pk, dossier.pk]))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:reauth") + "?next=")
    assert api_client(owner).get(f"/api/v1/cases/{case.pk}/dossiers/{dossier.pk}/pdf/").status_code == 200
    session_api = APIClient()
    session_api.force_login(owner)
    refused = session_api.get(f"/api/v1/cases/{case.pk}/dossiers/{dossier.pk}/pdf/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Confirm your password at /accounts/confirm/ first, then try again."}
