"""A form given invalid input, in a real browser: it answers 400 and shows the form again,
with the message beside its field and what was typed kept. The browser checks let that 400 through."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident
from tests.e2e.browser import submit, visit
from tests.factories import UserFactory, make_case

PASSWORD = "correct-horse-battery-staple"
NARRATIVE = "A post said the children were left alone at night, with our address."


@pytest.fixture
def parent(transactional_db):
    return UserFactory(full_name="Alice Jane Smith", email="alice@example.org", password=PASSWORD)


def test_incident_dated_in_the_future_is_refused_beside_its_field(parent, page):
    case = make_case(parent)
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(parent.email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")

    visit(page, f"/cases/{case.pk}/incidents/new/")
    page.get_by_label("What kind of thing happened?").select_option(label="Online post")
    next_year = timezone.now().year + 1
    page.get_by_label("When?").fill(f"{next_year}-06-01T10:30")
    page.get_by_label("What happened?").fill(NARRATIVE)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        submit(page, page.get_by_role("button", name="Save"))  # axe runs on the page with the errors
    assert answer.value.status == 400

    expect(page).to_have_url(f"/cases/{case.pk}/incidents/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log something that happened")
    when = page.get_by_label("When?")
    expect(when).to_have_attribute("aria-invalid", "true")
    field = page.locator(".field", has=when)
    expect(field).to_have_class("field field-error")
    expect(field).to_contain_text("This date is in the future")
    expect(when).to_have_accessible_description(re.compile(r"This date is in the future"))  # read out with it
    expect(page.get_by_label("What happened?")).to_have_value(NARRATIVE)  # what was typed is kept
    expect(page.get_by_label("What happened?")).not_to_have_attribute("aria-invalid", "true")
    assert Incident.objects.count() == 0  # nothing was saved
