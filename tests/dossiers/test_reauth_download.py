"""A dossier download that needs "Confirm it is you": after the password, back to the page it was asked
from, where the download starts (a meta refresh to it, and a link in case it does not), once."""

import pytest
from django.urls import reverse

from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from tests.factories import log_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(case, owner):
    log_incident(case, owner)
    made = Dossier.objects.create(case=case, requested_by=owner, options={"audience": "police"})
    assert compile_dossier(made.pk) == "done"
    return made


def test_after_the_password_the_download_starts_on_the_page_it_was_asked_from(client, case, owner, dossier):
    owner.set_password("a-long-password-1")
    owner.save()
    client.force_login(owner)
    page = f"/cases/{case.pk}/dossiers/"
    pdf = f"/cases/{case.pk}/dossiers/{dossier.pk}/pdf/"

    asked = client.get(pdf, HTTP_REFERER=f"http://testserver{page}")
    assert asked.status_code == 302
    assert asked["Location"] == f"/accounts/confirm/?next=%2Fcases%2F{case.pk}%2Fdossiers%2F"

    confirmed = client.post(reverse("accounts:reauth"), {"secret": "a-long-password-1", "next": page})
    assert confirmed["Location"] == page

    back = client.get(page).content.decode()
    assert f'<meta http-equiv="refresh" content="0;url={pdf}">' in back
    assert f'Thank you. Your download is starting. If it does not, <a href="{pdf}">download it here</a>.' in back
    download = client.get(pdf)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'http-equiv="refresh"' not in client.get(page).content.decode()  # started once only


def test_from_another_site_or_no_page_it_comes_back_to_the_dossiers_page(client, case, owner, dossier):
    client.force_login(owner)
    pack = f"/cases/{case.pk}/dossiers/{dossier.pk}/pack/"
    asked = client.get(pack, HTTP_REFERER="https://elsewhere.example/cases/1/dossiers/")
    assert asked["Location"] == f"/accounts/confirm/?next=%2Fcases%2F{case.pk}%2Fdossiers%2F"
    assert client.session["reauth_download"] == {"url": pack, "page": f"/cases/{case.pk}/dossiers/"}


def test_the_download_waits_until_the_password_is_given(client, case, owner, dossier):
    client.force_login(owner)
    page = f"/cases/{case.pk}/dossiers/"
    client.get(f"/cases/{case.pk}/dossiers/{dossier.pk}/pdf/", HTTP_REFERER=f"http://testserver{page}")
    # They leave "Confirm it is you" without answering: the dossiers page does not start anything.
    assert 'http-equiv="refresh"' not in client.get(page).content.decode()
