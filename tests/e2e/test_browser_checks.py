"""The browser checks themselves: each must catch what it is there to catch, or it could pass silently."""

import pytest

from tests.e2e.browser import PageWatch, axe_check

SELFTEST = "http://selftest.invalid"

CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title></head>
<body><main><h1>Clean</h1><label for="n">Name</label><input id="n" name="n"></main></body></html>"""

BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><input name="n">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>"""


@pytest.fixture
def bare_page(browser):
    """A page with no live server: documents come from a routed, made-up host."""
    context = browser.new_context()
    page = context.new_page()
    pages = {}
    page.route(f"{SELFTEST}/**", lambda route: route.fulfill(content_type="text/html", body=pages[route.request.url]))
    yield page, pages
    context.close()


def test_axe_check_fails_on_unlabelled_input_and_image_without_alt(bare_page):
    page, pages = bare_page
    pages[f"{SELFTEST}/broken"] = BROKEN
    page.goto(f"{SELFTEST}/broken")
    with pytest.raises(AssertionError) as failure:
        axe_check(page)
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "label (critical)" in message
    assert "at img:" in message


def test_axe_check_passes_a_clean_page(bare_page):
    page, pages = bare_page
    pages[f"{SELFTEST}/clean"] = CLEAN
    page.goto(f"{SELFTEST}/clean")
    assert [v for v in axe_check(page) if v["impact"] in ("serious", "critical")] == []


def test_watch_reports_pages_never_checked_and_requests_to_other_hosts(bare_page):
    page, pages = bare_page
    watch = PageWatch(page, origin=SELFTEST)
    pages[f"{SELFTEST}/clean"] = CLEAN
    pages[f"{SELFTEST}/tracker"] = CLEAN.replace("</main>", '</main><img alt="" src="https://cdn.example.com/t.gif">')
    page.route("https://cdn.example.com/**", lambda route: route.fulfill(content_type="image/gif", body=b"GIF89a"))
    try:
        page.goto(f"{SELFTEST}/clean")
        axe_check(page)
        assert watch.problems() == []

        page.goto(f"{SELFTEST}/tracker")
        page.wait_for_load_state("load")
        assert watch.problems() == [
            "request to another host: GET https://cdn.example.com/t.gif",
            f"page loaded but never checked with axe: {SELFTEST}/tracker",
        ]
        axe_check(page)
        assert watch.problems() == ["request to another host: GET https://cdn.example.com/t.gif"]
    finally:
        watch.close()


FORM = """<!doctype html><html lang="en"><head><title>Form</title><link rel="stylesheet" href="/{sheet}"></head>
<body><main><h1>Form</h1><form method="post" action="/{action}"><button>Send</button></form></main></body></html>"""


def _answer(status: int, body: str = CLEAN):
    return lambda route: route.fulfill(status=status, content_type="text/html", body=body)


def _send(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    axe_check(page)


def test_watch_allows_a_form_answered_400_and_its_console_error(bare_page):
    page, pages = bare_page
    watch = PageWatch(page, origin=SELFTEST)
    pages[f"{SELFTEST}/form"] = FORM.format(sheet="site.css", action="form")
    page.route(f"{SELFTEST}/site.css", lambda route: route.fulfill(content_type="text/css", body="main {}"))
    try:
        page.goto(f"{SELFTEST}/form")
        axe_check(page)
        page.route(f"{SELFTEST}/form", _answer(400, FORM.format(sheet="site.css", action="form")))
        _send(page)  # invalid input: the form again, with 400
        _send(page)  # and again
        page.wait_for_load_state("load")
        assert watch.form_errors == [f"{SELFTEST}/form", f"{SELFTEST}/form"]
        assert len(watch.console_errors) == 2  # Chromium did log them, and they are let through
        assert watch.problems() == []
    finally:
        watch.close()


def test_watch_reports_4xx_on_sub_resources_and_5xx_on_documents(bare_page):
    page, pages = bare_page
    watch = PageWatch(page, origin=SELFTEST)
    pages[f"{SELFTEST}/form"] = FORM.format(sheet="missing.css", action="broken")
    page.route(f"{SELFTEST}/missing.css", lambda route: route.fulfill(status=400, content_type="text/css", body=""))
    page.route(f"{SELFTEST}/broken", _answer(500))
    try:
        page.goto(f"{SELFTEST}/form")
        axe_check(page)
        _send(page)
        page.wait_for_load_state("load")
        problems = watch.problems()
        for expected in [
            f"resource failed with 400: {SELFTEST}/missing.css",
            f"resource failed with 500: {SELFTEST}/broken",
            "console error: Failed to load resource: the server responded with a status of 400 (Bad Request)",
            "console error: Failed to load resource: the server responded with a status of 500 (Internal Server Error)",
        ]:
            assert expected in problems, problems
        assert watch.form_errors == []
    finally:
        watch.close()
