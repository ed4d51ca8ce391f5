"""Withdrawing an incident logged twice, in a real browser: from the incident's page, a reason asked for,
then gone from the timeline unless "show withdrawn" is ticked. The timeline's cards show exhibit marks,
and dates the wrong way round are said to be so. Every page is checked with axe-core."""

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from incidents.services import evidence as evidence_services
from tests.e2e.browser import submit, visit
from tests.factories import UserFactory, log_incident, make_case

PASSWORD = "correct-horse-battery-staple"
LONDON = zoneinfo.ZoneInfo("Europe/London")

pytestmark = pytest.mark.browser


@pytest.fixture
def parent(transactional_db):
    return UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)


def test_parent_withdraws_a_duplicate_and_the_timeline_leaves_it_out(parent, page):
    case = make_case(parent)
    first = log_incident(case, parent, title="Forum post", occurred_at=dt.datetime(2026, 3, 2, 12, tzinfo=LONDON))
    twice = log_incident(case, parent, title="Forum post again", occurred_at=dt.datetime(2026, 3, 3, tzinfo=LONDON))
    evidence_services.evidence_attach(
        user=parent, case=case, kind="screenshot", description="The post", source_url="https://example.org/p/1",
        incidents=[first],
    )  # fmt: skip
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(parent.email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))

    visit(page, f"/cases/{case.pk}/timeline/")
    expect(page.get_by_role("status")).to_have_text("2 incidents")
    expect(page.locator(f"#incident-{first.pk} .incident-exhibits")).to_have_text("Exhibit AJ/1")

    visit(page, f"/cases/{case.pk}/incidents/{twice.pk}/")
    submit(page, page.get_by_role("link", name="Logged by mistake or twice? Withdraw it"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this incident")
    submit(page, page.get_by_role("button", name="Withdraw this incident"))
    expect(page.locator(".field-error")).to_contain_text("Say why, in a few words.")
    page.get_by_label("Why are you withdrawing it?").fill("I logged this twice.")
    submit(page, page.get_by_role("button", name="Withdraw this incident"))
    expect(page).to_have_url(f"/cases/{case.pk}/incidents/{twice.pk}/")
    expect(page.get_by_role("note")).to_contain_text("I logged this twice.")
    expect(page.get_by_role("link", name="Change this record")).to_have_count(0)

    visit(page, f"/cases/{case.pk}/timeline/")
    expect(page.get_by_role("status")).to_have_text("1 incident")
    page.get_by_text("Search and filter").click()
    page.get_by_label("Show withdrawn incidents too").check()
    submit(page, page.get_by_role("button", name="Show"))
    expect(page.locator(f"#incident-{twice.pk} .incident-withdrawn")).to_have_text("Withdrawn: I logged this twice.")

    page.get_by_label("From", exact=True).fill("2026-03-31")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    submit(page, page.get_by_role("button", name="Show"))
    message = "The 'from' date is after the 'to' date. Swap them or change one."
    expect(page.locator(".lead")).to_have_text(message)
    expect(page.locator(".field-error", has=page.get_by_label("From", exact=True))).to_contain_text(message)
    assert re.search(r"date_from=2026-03-31", page.url)
