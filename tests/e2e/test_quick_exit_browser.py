"""The quick exit, in a real browser: on every signed-in page; it ends the session on the server and
leaves for a neutral site at once (the link, or Shift pressed three times); Back then finds the log-in
page, never the case; and the neutral site is not told where the visitor came from.

The machine has no internet and the watch reports requests to other hosts, so the neutral site is routed
here, and that one URL is allowed explicitly (browser.allow_request_to)."""

import http.client
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from tests.e2e.browser import allow_request_to, axe_check, submit, visit
from tests.factories import UserFactory, log_incident, make_case

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


def session_cookie(page: Page) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies[settings.SESSION_COOKIE_NAME]


def answer_with_cookie(live_server, path: str, session_key: str) -> tuple[int, str]:
    """A fresh request, not the browser's, carrying only the given session cookie: (status, Location)."""
    parts = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"})
        response = connection.getresponse()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def expect_log_in_page(page: Page):
    expect(page).to_have_url("/accounts/login/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_label("Password")).to_be_visible()


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

    # The case page's place in the history is the log-in page's now: Back finds that, not the case.
    page.go_back()
    expect_log_in_page(page)
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
    expect_log_in_page(page)


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


INCIDENT_TITLE = "Anonymous call to the school about Mia"


@pytest.mark.parametrize("how", ["the link", "Shift three times"])
def test_quick_exit_ends_the_session_and_back_shows_the_log_in_page(parent, case, page, live_server, how):
    log_incident(case, parent, title=INCIDENT_TITLE)
    route_neutral_site(page)
    log_in(page, parent.email)
    visit(page, f"/cases/{case.pk}/timeline/")
    expect(page.get_by_text(INCIDENT_TITLE)).to_be_visible()
    old_session = session_cookie(page)

    with page.expect_navigation(url=NEUTRAL):
        if how == "the link":
            page.get_by_role("link", name="Quick exit").click()
        else:
            for _ in range(3):
                page.keyboard.press("Shift")
    expect(page).to_have_url(NEUTRAL)
    axe_check(page)

    page.go_back()
    expect_log_in_page(page)
    assert INCIDENT_TITLE not in page.content()

    # The session ended on the server: the old cookie, sent afresh, is asked to log in.
    assert not Session.objects.filter(session_key=old_session).exists()
    status, location = answer_with_cookie(live_server, f"/cases/{case.pk}/timeline/", old_session)
    assert status == 302
    assert location.startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="account.quick_exit", actor_id=parent.pk).count() == 1


def test_shift_pressed_among_other_keys_does_not_leave(parent, case, page):
    route_neutral_site(page)
    log_in(page, parent.email)
    visit(page, "/accounts/profile/")
    name = page.locator("#id_full_name")
    name.fill("")
    name.press_sequentially("Alice")  # Shift for the capital, then other keys
    for key in ("Shift", "a", "Shift", "b", "Shift"):
        page.keyboard.press(key)
    expect(page).to_have_url("/accounts/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")


@pytest.mark.parametrize(("path", "heading"), [("/", "My cases"), ("/accounts/profile/", "Your details")])
def test_quick_exit_is_on_my_cases_and_your_details(parent, page, path, heading):
    route_neutral_site(page)
    log_in(page, parent.email)
    visit(page, path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    quick_exit = page.get_by_role("link", name="Quick exit")
    expect(quick_exit).to_be_visible()
    box = quick_exit.bounding_box()
    assert box is not None and box["y"] < 100, f"the quick exit is not at the top of the page: {box}"

    with page.expect_navigation(url=NEUTRAL):
        quick_exit.click()
    axe_check(page)
    page.go_back()
    expect_log_in_page(page)
