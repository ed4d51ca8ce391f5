"""The API's documentation page in a real browser: its assets come from this site, and nothing on it breaks
the Content-Security-Policy (the page watch fails the test on any console error, a refused inline style
among them, and on any request to another host)."""

from playwright.sync_api import expect

from tests.e2e.browser import axe_check


def test_the_api_docs_page_loads_without_console_errors(page):
    response = page.goto("/api/docs/")
    assert response.status == 200
    assert "style-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI has drawn the API from the schema (the title and the operations) before axe looks at it.
    expect(page.get_by_role("heading", name="Referral Tracker API")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    axe_check(page)
    assert page.locator("style").count() == 0
