"""The quick exit on a case page, in a real browser: it leaves for a neutral site at once, Back does not
bring the case up again, and the neutral site is not told where the visitor came from.

The machine has no internet and the watch reports requests to other hosts, so the neutral site is routed
here, and that one URL is allowed explicitly (browser.allow_request_to)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import allow_request_to, axe_check, submit, visit
from tests.factories import UserFactory, make_case

PASSWORD = "correct-horse-battery-staple"
NEUTRAL = "https://www.bbc.co.uk/weather"
NEUTRAL_PAGE = """<!doctype html><html lang="en-GB"><head><title>Weather</title></head>
<body><main><h1>Weather</h1><p>Sunny spells.</p></main></body></html>"""


@pytest.fixture
def parent(transactional_db):
    return UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)


@pytest.fixture
def case(parent):
    return make_case(parent, title="Reports about our family")


def route_neutral_site(page: Page) -> list[dict]:
    """Answer for the neutral site; returns the headers of each request it gets."""
    allow_request_to(page, NEUTRAL)
    seen = []

    def answer(route):
        seen.append(route.request.all_headers())
        route.fulfill(content_type="text/html", body=NEUTRAL_PAGE)

    page.route("https://www.bbc.co.uk/**", answer)
    return seen


def log_in(page: Page, email: str):
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))
    expect(page).to_have_url("/")


def open_case(page: Page, case):
    visit(page, f"/cases/{case.pk}/")  # axe passes with the quick exit on the page
    expect(page.locator(".case-name")).to_have_text("Reports about our family")


def test_quick_exit_leaves_and_back_does_not_return_to_the_case(parent, case, page):
    requests = route_neutral_site(page)
    log_in(page, parent.email)
    open_case(page, case)

    quick_exit = page.get_by_role("link", name="Quick exit")
    expect(quick_exit).to_be_visible()
    box = quick_exit.bounding_box()
    assert box is not None and box["y"] < 100, f"the quick exit is not at the top of the page: {box}"

    with page.expect_navigation():
        quick_exit.click()
    expect(page).to_have_url(NEUTRAL)
    axe_check(page)
    assert len(requests) == 1
    assert "referer" not in requests[0], f"the neutral site was told where the visitor came from: {requests[0]}"

    # The case page was replaced in the history: Back goes to the page before it, not to the case.
    page.go_back()
    expect(page).to_have_url("/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    assert "/cases/" not in page.url


def test_quick_exit_is_first_after_the_skip_link_and_works_from_the_keyboard(parent, case, page):
    route_neutral_site(page)
    log_in(page, parent.email)
    open_case(page, case)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Quick exit")).to_be_focused()
    axe_check(page)  # with the focus ring showing

    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(NEUTRAL)
    axe_check(page)
    page.go_back()
    expect(page).to_have_url("/")
    axe_check(page)


def test_quick_exit_without_its_script_is_a_link_that_sends_no_referrer(parent, case, page):
    # As if quick-exit.js never arrived. (Not a context with JavaScript turned off: axe could not run.)
    page.route("**/js/quick-exit*.js", lambda route: route.fulfill(content_type="text/javascript", body=""))
    requests = route_neutral_site(page)
    log_in(page, parent.email)
    open_case(page, case)

    with page.expect_navigation():
        page.get_by_role("link", name="Quick exit").click()
    expect(page).to_have_url(NEUTRAL)
    axe_check(page)
    assert len(requests) == 1
    assert "referer" not in requests[0], f"the neutral site was told where the visitor came from: {requests[0]}"

    # An ordinary link adds to the history: Back returns to the case. The script is what prevents that.
    page.go_back()
    expect(page).to_have_url(f"/cases/{case.pk}/")
    axe_check(page)
