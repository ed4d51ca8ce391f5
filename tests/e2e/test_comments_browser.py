"""Comments in a real browser: post one on an incident (first empty, refused beside the field),
change it, delete it, and comment on the case. axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Comment
from tests.e2e.browser import submit, visit
from tests.factories import UserFactory, log_incident, make_case

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def parent(transactional_db):
    return UserFactory(full_name="Alice Jane Smith", email="alice@example.org", password=PASSWORD)


def test_comment_on_an_incident_change_it_delete_it_and_comment_on_the_case(parent, page):
    case = make_case(parent)
    incident = log_incident(case, parent, title="The forum post")
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(parent.email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")

    incident_path = f"/cases/{case.pk}/incidents/{incident.pk}/"
    visit(page, incident_path)
    comments = page.get_by_role("region", name=re.compile("^Comments"))
    expect(comments).to_contain_text("No comments yet.")

    # Empty: refused, beside the field, on a page of its own.
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        submit(page, page.get_by_role("button", name="Post comment"))
    assert answer.value.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a comment")
    body = page.get_by_label("Your comment")
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_accessible_description(re.compile("Write your comment."))
    assert Comment.objects.count() == 0

    body.fill("The same account posted this twice.")
    submit(page, page.get_by_role("button", name="Post comment"))
    expect(page).to_have_url(re.compile(rf"{incident_path}#comments$"))
    expect(comments).to_contain_text("The same account posted this twice.")
    expect(comments).to_contain_text("Alice Jane Smith")

    # Change it, within the 15 minutes.
    submit(page, comments.get_by_role("link", name=re.compile("^Change")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your comment")
    page.get_by_label("Your comment").fill("The same account posted this three times.")
    submit(page, page.get_by_role("button", name="Save"))
    expect(comments).to_contain_text("The same account posted this three times.")
    expect(comments).to_contain_text("edited")

    # Delete it: a marker stays, the words go.
    submit(page, comments.get_by_role("button", name=re.compile("^Delete")))
    expect(comments).to_contain_text("Comment deleted by Alice Jane Smith on")
    expect(comments).not_to_contain_text("three times")

    # A comment on the case as a whole, from the summary.
    visit(page, f"/cases/{case.pk}/")
    summary_comments = page.get_by_role("region", name=re.compile("^Comments"))
    page.get_by_label("Your comment").fill("Solicitor's letter sent on Monday.")
    submit(page, page.get_by_role("button", name="Post comment"))
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/#comments$"))
    expect(summary_comments).to_contain_text("Solicitor's letter sent on Monday.")
