"""A parent's journey through what users hit, on a 390x844 phone and on a desktop, in a real browser.

She logs in, reads her reference numbers (no sideways scroll), withdraws an incident she logged twice
(gone from the counts), reads the activity log in words, makes a dossier for the police whose cover
shows the crime reference and which lists the duplicate only as withdrawn, checks her copy on the
verification page (the browser hashes the file; nothing is sent), then leaves with quick exit and with
Shift pressed three times: Back shows the log-in page each time, never the case.
"""

import datetime as dt
import subprocess
import zoneinfo

import pytest
from playwright.sync_api import Page, expect

from dossiers.models import Dossier
from incidents.models import Party
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.e2e.browser import assert_no_sideways_scroll, axe_check, compile_in_thread, submit, visit
from tests.e2e.test_quick_exit_browser import NEUTRAL, expect_log_in_page, route_neutral_site
from tests.factories import UserFactory, log_incident, make_case
from vault import store

PASSWORD = "correct-horse-battery-staple"
LONDON = zoneinfo.ZoneInfo("Europe/London")
CRIME_REFERENCE = "HCC/CSC/2026/048213"
DUPLICATE = "Letter to my employer, logged again"
KEPT = "Letter to my employer"


@pytest.fixture
def parent(transactional_db):
    return UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)


def log_in(page: Page, email: str) -> None:
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))
    expect(page).to_have_url("/")


@pytest.mark.parametrize("phone", [True, False], ids=["phone 390x844", "desktop"])
def test_parent_journey_from_reference_table_to_quick_exit(parent, signing_key, open_page, phone, tmp_path):
    case = make_case(parent)
    case.subject_name = "Alice Jane Smith"
    case.save(update_fields=["subject_name"])
    police = party_services.party_create(user=parent, case=case, kind=Party.Kind.POLICE, name="Anytown Police")
    reference_services.reference_create(
        user=parent, case=case, kind="police", number=CRIME_REFERENCE, agency=police, officer="PC R. Patel"
    )
    log_incident(case, parent, title=KEPT, occurred_at=dt.datetime(2026, 9, 10, 9, 42, tzinfo=LONDON))
    twice = log_incident(case, parent, title=DUPLICATE, occurred_at=dt.datetime(2026, 9, 10, 9, 43, tzinfo=LONDON))

    page = open_page(phone=phone)
    route_neutral_site(page)
    log_in(page, parent.email)

    # The reference numbers: on a phone, stacked rows; no page scrolls sideways.
    visit(page, f"/cases/{case.pk}/references/")
    expect(page.get_by_role("strong").filter(has_text=CRIME_REFERENCE)).to_be_visible()
    assert_no_sideways_scroll(page)

    # The duplicate is withdrawn with a reason and leaves the count.
    visit(page, f"/cases/{case.pk}/timeline/")
    expect(page.get_by_role("status")).to_have_text("2 incidents")
    visit(page, f"/cases/{case.pk}/incidents/{twice.pk}/")
    submit(page, page.get_by_role("link", name="Logged by mistake or twice? Withdraw it"))
    page.get_by_label("Why are you withdrawing it?").fill("I logged this twice.")
    submit(page, page.get_by_role("button", name="Withdraw this incident"))
    visit(page, f"/cases/{case.pk}/timeline/")
    expect(page.get_by_role("status")).to_have_text("1 incident")
    expect(page.get_by_text(DUPLICATE)).to_have_count(0)
    assert_no_sideways_scroll(page)

    # The activity log in words, with its targets, and no internal code.
    visit(page, f"/cases/{case.pk}/activity/")
    log = page.locator("main").inner_text()
    assert f'withdrew the incident "{DUPLICATE}"' in log
    assert f'logged the incident "{KEPT}"' in log
    for code in ("incident.withdraw", "incident.log", "reference.create", "view"):
        assert f" {code} " not in f" {log} ", f"the activity log shows the code {code!r}"
    assert_no_sideways_scroll(page)

    # A dossier for the police: the cover names her and the crime reference; the duplicate is listed
    # as withdrawn, not in the chronology.
    dossier = Dossier.objects.create(
        case=case,
        requested_by=parent,
        options={"audience": "police", "cover_subject": True, "cover_contact": True, "cover_references": True},
    )
    compile_in_thread(dossier)
    copy = tmp_path / f"dossier-{dossier.verification_code}.pdf"
    copy.write_bytes(b"".join(store.read_chunks(case, dossier.file_name)))
    text = subprocess.run(["pdftotext", str(copy), "-"], capture_output=True, text=True, check=True).stdout
    cover = text.split("Verification code")[0]
    assert "This record is about: Alice Jane Smith" in cover
    assert f"Police crime reference: {CRIME_REFERENCE}" in cover
    assert "I logged this twice." in text  # the withdrawn list gives the reason

    # The verification page: the browser hashes her copy; nothing is uploaded.
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    visit(page, f"/verify/?code={dossier.verification_code}")
    page.get_by_label("Your copy of the dossier (PDF)").set_input_files(copy)
    expect(page.locator("#verify-outcome")).to_contain_text("This file matches.")
    assert posts == []
    assert_no_sideways_scroll(page)

    # Quick exit, then Back: the log-in page, never the case.
    visit(page, f"/cases/{case.pk}/timeline/")
    with page.expect_navigation(url=NEUTRAL):
        page.get_by_role("link", name="Quick exit").click()
    axe_check(page)
    page.go_back()
    expect_log_in_page(page)
    assert KEPT not in page.content()

    # Shift three times does the same.
    log_in(page, parent.email)
    visit(page, f"/cases/{case.pk}/timeline/")
    expect(page.get_by_text(KEPT)).to_be_visible()
    with page.expect_navigation(url=NEUTRAL):
        for _ in range(3):
            page.keyboard.press("Shift")
    axe_check(page)
    page.go_back()
    expect_log_in_page(page)
    assert KEPT not in page.content()
