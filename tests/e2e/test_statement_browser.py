"""Drafting a witness statement on a phone, in a real browser: start it from the record, write an opening,
change one generated paragraph, log a new incident, bring the draft up to date, and see both her words and
the new paragraph; an opening over its limit comes back with every word kept; then make it into its PDF and
Word document and download both, and read her words back from each. Every page is checked with axe-core and
must not scroll sideways."""

import datetime as dt
import io
import os
import re
import subprocess
import zipfile
import zoneinfo

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier
from tests.e2e import browser
from tests.e2e.browser import assert_no_sideways_scroll, axe_check, compile_in_thread, submit, visit
from tests.factories import UserFactory, log_incident, make_case

PASSWORD = "correct-horse-battery-staple"
LONDON = zoneinfo.ZoneInfo("Europe/London")

pytestmark = pytest.mark.browser


@pytest.fixture
def parent(transactional_db):
    return UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)


def shot(page, name: str) -> None:
    """A full-page picture, when STATEMENT_SCREENSHOTS names a folder (to look at, not to compare)."""
    folder = os.environ.get("STATEMENT_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_parent_drafts_a_statement_and_keeps_her_edit_through_an_update(parent, phone_page, signing_key, live_server):
    page = phone_page
    case = make_case(parent)
    log_incident(
        case,
        parent,
        kind="referral_social_services",
        occurred_at=dt.datetime(2026, 10, 9, 14, 5, tzinfo=LONDON),
        narrative="Someone told the council that I leave my children alone at night. It is not true.",
        impact="I could not sleep for a week.",
    )
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(parent.email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))

    visit(page, f"/cases/{case.pk}/statements/witness/")
    expect(page.get_by_text("It is not legal advice.")).to_be_visible()
    submit(page, page.get_by_role("button", name="Start my draft"))
    paragraph = page.locator(".card", has_text="Paragraph 1")
    expect(paragraph).to_contain_text("On 9 October 2026 at 14:05, a referral was made about my family to social")

    page.get_by_label("Your opening").fill("My name is Alice Smith.\n\nI live with my two children.")
    submit(page, page.get_by_role("button", name="Save the opening"))
    expect(page.locator(".card", has_text="Paragraph 3")).to_contain_text("a referral was made")

    submit(page, page.get_by_role("link", name="Change paragraph 3"))
    page.get_by_label("This paragraph").fill("On 9 October 2026 someone lied to the council about me.")
    submit(page, page.get_by_role("button", name="Save the paragraph"))

    visit(page, f"/cases/{case.pk}/incidents/new/")
    page.get_by_label("What kind of thing happened?").select_option(label="Online post")
    page.get_by_label("When?").fill("2026-11-02T08:30")
    page.get_by_label("What happened?").fill("A post on the school group repeated the lie.")
    submit(page, page.get_by_role("button", name="Save"))

    visit(page, f"/cases/{case.pk}/statements/witness/")
    submit(page, page.get_by_role("button", name="Bring up to date with the record"))
    expect(page.get_by_text("Brought up to date: 1 new paragraph")).to_be_visible()
    expect(page.locator(".card", has_text="Paragraph 3")).to_contain_text(
        "On 9 October 2026 someone lied to the council about me."
    )
    expect(page.locator(".card", has_text="Paragraph 3")).to_contain_text("Changed by you")
    expect(page.locator(".card", has_text="Paragraph 4")).to_contain_text(
        "On 2 November 2026 at 08:30, a post about my family was published. A post on the school group"
    )
    assert_no_sideways_scroll(page)
    shot(page, "statement-phone")

    too_long = "I want the police to know this. " * 320  # 10,240 characters
    page.get_by_label("Your opening").fill(too_long)
    submit(page, page.get_by_role("button", name="Save the opening"))
    expect(page.locator(".error-summary")).to_contain_text("Not saved yet: see what needs changing.")
    expect(page.locator(".field-error")).to_contain_text("Keep the opening to 10,000 characters or fewer.")
    expect(page.get_by_label("Your opening")).to_have_value(too_long)
    shot(page, "statement-phone-error")

    # Made into documents by the worker (here in a thread, as the other browser tests do), then downloaded.
    visit(page, f"/cases/{case.pk}/statements/witness/")
    submit(page, page.get_by_role("button", name="Make the PDF and Word document"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers")
    axe_check(page)
    made = Dossier.objects.get(case=case, document=Dossier.Document.WITNESS_STATEMENT)
    compile_in_thread(made)
    made.refresh_from_db()
    assert made.status == Dossier.Status.DONE, made.error
    visit(page, f"/cases/{case.pk}/dossiers/")
    submit(page, page.get_by_role("link", name=re.compile(r"^Download PDF")))
    page.get_by_label("Your password, or a code from your authenticator app").fill(PASSWORD)
    pdf_url = f"{live_server.url}/cases/{case.pk}/dossiers/{made.pk}/pdf/"
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Confirm").click()
    # To Chromium a navigation that turns into a download is an aborted one: that is the download itself.
    browser._watches[page].problems_seen.remove(f"request failed (net::ERR_ABORTED): {pdf_url}")
    axe_check(page)  # back on the list, the download starting
    assert pdf_download.value.suggested_filename == f"witness-statement-{made.verification_code}.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_download.value.path()), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(text.split())
    assert "On 9 October 2026 someone lied to the council about me." in words
    assert "On 2 November 2026 at 08:30, a post about my family was published." in words
    assert "Page 1 of " in words
    with page.expect_download() as docx_download:
        page.get_by_role("link", name=re.compile(r"^Download Word")).click()
    docx_url = f"{live_server.url}/cases/{case.pk}/dossiers/{made.pk}/pack/"
    browser._watches[page].problems_seen.remove(f"request failed (net::ERR_ABORTED): {docx_url}")
    assert docx_download.value.suggested_filename == f"witness-statement-{made.verification_code}.docx"
    with zipfile.ZipFile(io.BytesIO(docx_download.value.path().read_bytes())) as docx:
        body = docx.read("word/document.xml").decode()
    assert "On 9 October 2026 someone lied to the council about me." in body
    assert "A post on the school group repeated the lie." in body
