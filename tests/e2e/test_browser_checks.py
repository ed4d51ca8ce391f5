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
