"""A parent writes to the council on a phone (issue 18's journey): from the council's reference number she drafts
a subject access request, fills in her address, makes it final, marks it sent, sees the date it is due on
"My cases", logs the council's answer, and sees the deadline closed."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework import deadlines, letter_text
from casework.models import Deadline, Letter
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.e2e.browser import assert_no_sideways_scroll, submit, visit
from tests.factories import UserFactory, log_incident, make_case

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def parent(transactional_db):
    owner = UserFactory(full_name="Sarah Jane Williams", initials="SW", email="sarah@example.org", password=PASSWORD)
    case = make_case(owner, title="Reports about our family")
    council = party_services.party_create(
        user=owner,
        case=case,
        kind="social_services",
        name="Hampshire Children's Services",
        contact="Civic Centre\nWinchester\nSO23 8UJ",
    )
    reference = reference_services.reference_create(
        user=owner, case=case, kind="social_services", number="SS/2026/001234", agency=council
    )
    reference.incidents.add(log_incident(case, owner, occurred_at=timezone.now() - dt.timedelta(days=30)))
    return owner, case, reference


def test_a_parent_sends_a_subject_access_request_and_logs_the_answer(phone_page, parent):
    page = phone_page
    _owner, case, _reference = parent
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill("sarah@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))

    visit(page, f"/cases/{case.pk}/references/")
    submit(page, page.get_by_role("link", name="Write a letter about it (SS/2026/001234)"))
    expect(page.get_by_label("Which letter")).to_have_value("sar_council")
    submit(page, page.get_by_role("button", name="Draft the letter"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Subject access request")
    expect(page.locator("#letter-subject")).to_contain_text("SS/2026/001234")
    expect(page.get_by_text("[your address]").first).to_be_visible()
    assert_no_sideways_scroll(page)

    page.get_by_label("Your address (and email or phone)").fill("12 Acacia Avenue\nWinchester\nSO23 9AA")
    submit(page, page.get_by_role("button", name="Save the changes"))
    submit(page, page.get_by_role("button", name="Make the letter final"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Final")

    today = timezone.localdate(timezone.now(), case.zone)
    page.get_by_label("The day you sent it").fill(today.isoformat())
    page.get_by_label("How you sent it").select_option("email")
    submit(page, page.get_by_role("button", name="Mark as sent"))
    due = deadlines.due("sar", today, case.nation).due_date
    expect(page.locator('[data-deadline="sar"]')).to_contain_text(due.strftime("%-d %B %Y"))

    # "My cases" shows it, in words.
    visit(page, "/")
    panel = page.locator("#due")
    expect(panel).to_contain_text(deadlines.describe_overdue(due, today))
    expect(panel).to_contain_text("Reports about our family")
    assert_no_sideways_scroll(page)

    # The council answers: she logs it, and the deadline is closed.
    letter = Letter.objects.get()
    visit(page, f"/cases/{case.pk}/letters/{letter.pk}/")
    page.get_by_label("The day their answer came").fill(today.isoformat())
    submit(page, page.get_by_role("button", name="Log their answer"))
    expect(page.locator('[data-deadline="sar"]')).to_contain_text("Closed")
    expect(page.locator('[data-deadline="sar"]')).to_contain_text(letter_text.format_date(today))
    assert not Deadline.objects.get().is_open
    visit(page, "/")
    expect(page.locator("#due")).not_to_contain_text(deadlines.describe_overdue(due, today))
