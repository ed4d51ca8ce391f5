"""On a phone: a party's role chosen beside its tick box on the incident form, and the incident's history read
back with what changed and why. axe-core checks every page."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from incidents.models import Incident
from incidents.services import parties as party_services
from tests.e2e.browser import assert_no_sideways_scroll, submit, visit
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-staple"


def _look(page: Page, name: str) -> None:
    assert_no_sideways_scroll(page)
    folder = os.environ.get("PHONE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"roles-{name}.png"), full_page=True)


def test_parent_chooses_a_role_on_a_phone_and_reads_the_history(transactional_db, open_page):
    parent = UserFactory(full_name="Alice Smith", email="alice@example.org", password=PASSWORD)
    case = make_case(parent)
    party_services.party_create(
        user=parent, case=case, kind="social_services", name="Northshire County Council Children's Services"
    )
    page = open_page(phone=True)
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(parent.email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))

    visit(page, f"/cases/{case.pk}/incidents/new/")
    page.get_by_label("What kind of thing happened?").select_option(label="Visit from an agency")
    page.get_by_label("When?").fill("2026-09-10T09:42")
    page.get_by_label("What happened?").fill("Two social workers came to the house.")
    page.get_by_text("Add more details (optional)").click()
    page.get_by_role("checkbox", name="Northshire County Council").check()
    role = page.get_by_label("Northshire County Council Children's Services: Their part")
    expect(role).to_have_value("")  # the usual for this kind of incident
    _look(page, "form")
    submit(page, page.get_by_role("button", name="Save"))
    incident = Incident.objects.get(case=case)
    assert incident.party_links.get().role == "involved"

    visit(page, f"/cases/{case.pk}/incidents/{incident.pk}/edit/")
    role = page.get_by_label("Northshire County Council Children's Services: Their part")
    expect(role).to_have_value("involved")
    role.select_option(label="Was contacted about us")
    page.get_by_label("Why are you changing this? (optional)").fill("They phoned first, then came.")
    submit(page, page.get_by_role("button", name="Save"))

    expect(page.locator("article")).to_contain_text("Social services department · was contacted about us")
    newest = page.locator("ol.history > li").first
    expect(newest.locator("summary")).to_contain_text("Version 2 of 2, changed by Alice Smith on ")
    expect(newest).to_contain_text("Why it was changed: They phoned first, then came.")
    expect(newest.locator("mark")).to_have_text(
        "Northshire County Council Children's Services (was contacted about us)"
    )
    expect(newest).to_contain_text("10 September 2026, 09:42 BST")
    _look(page, "history")
