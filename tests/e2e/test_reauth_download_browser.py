"""A dossier download that needs "Confirm it is you", in a real browser: after the password, the reader is
back on the dossiers page and the download starts there by itself (no script: a refresh to the file)."""

import hashlib
import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier
from tests.e2e import browser
from tests.e2e.browser import axe_check, compile_in_thread, submit, visit
from tests.factories import UserFactory, log_incident, make_case

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def dossier(transactional_db, signing_key):
    owner = UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)
    case = make_case(owner)
    log_incident(case, owner)
    made = Dossier.objects.create(case=case, requested_by=owner, options={"audience": "police"})
    compile_in_thread(made)
    return made


def test_after_confirming_it_is_them_the_download_starts_on_the_dossiers_page(page, dossier, live_server):
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))
    dossiers = f"/cases/{dossier.case_id}/dossiers/"
    visit(page, dossiers)

    submit(page, page.get_by_role("link", name=re.compile(r"^Download the PDF")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Your password, or a code from your authenticator app").fill(PASSWORD)
    with page.expect_event("requestfailed") as failed_info, page.expect_download() as download_info:
        page.get_by_role("button", name="Confirm").click()
    download = download_info.value
    assert failed_info.value.url == download.url
    axe_check(page)

    # Back where they were, told what is happening, with the file arriving.
    expect(page).to_have_url(dossiers)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers")
    expect(page.get_by_role("status").filter(has_text="Your download is starting")).to_have_text(
        "Thank you. Your download is starting. If it does not, download it here."
    )
    pdf = f"{live_server.url}/cases/{dossier.case_id}/dossiers/{dossier.pk}/pdf/"
    assert download.url == pdf
    assert download.failure() is None
    assert download.suggested_filename == f"dossier-{dossier.verification_code}.pdf"
    assert hashlib.sha256(download.path().read_bytes()).hexdigest() == dossier.sha256
    # To Chromium a navigation that turns into a download is an aborted one: that is the download itself.
    watch = browser._watches[page]
    watch.problems_seen.remove(f"request failed (net::ERR_ABORTED): {pdf}")
