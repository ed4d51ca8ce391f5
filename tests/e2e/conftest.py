"""Fixtures for the browser tests: Debian's chromium driven by Playwright, against pytest-django's live server.

Every test in this directory is marked `browser`. A test gets a fresh browser context and page
(`page`, or `phone_page` for a phone-sized one, or `open_page(...)` for more). After the test,
the page's watch must be clean: every loaded page checked with axe, no request to another host,
no console error or failed resource (a form's 400 answer to invalid input aside). See browser.py.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.e2e.browser import AXE_JS, CHROMIUM, CHROMIUM_ARGS, PHONE, PageWatch

# Playwright's sync API runs an event loop in this thread, for as long as the session's browser lives
# (so also during any test that runs after the first browser test); without this Django refuses database access.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Remember whether the test body passed, so that fixtures only add their own findings to a passing test.
    report = yield
    if report.when == "call":
        item.browser_call_passed = report.passed
    return report


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, except that static files are served by WhiteNoise, as in production.

    pytest-django serves /static/ through staticfiles' finders, which do not know the hashed names
    that the manifest storage (DEBUG=0) writes into pages, so every stylesheet would be a 404.
    WhiteNoise serves them from STATIC_ROOT, which `make test` fills with collectstatic before pytest.
    """
    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(addr, start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    for needed, how in [(CHROMIUM, "make system-deps"), (AXE_JS, "make node-deps")]:
        if not Path(needed).exists():
            pytest.fail(f"{needed} is missing: run `{how}` (or `make test`, which does it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(request, browser, live_server):
    """Open a page in a new browser context on the live server: open_page() or open_page(phone=True)."""
    opened = []

    def _open(phone=False, **context_options):
        options = {**(PHONE if phone else {}), **context_options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        watch = PageWatch(page, origin=live_server.url)
        opened.append((context, watch))
        return page

    yield _open

    problems = []
    for context, watch in opened:
        try:
            watch.page.wait_for_load_state("load")  # let the last events arrive
        except Exception as error:  # noqa: BLE001 - a page that cannot settle is itself a problem
            problems.append(f"the page did not settle: {error}")
        problems.extend(watch.problems())
        watch.close()
        context.close()
    if not problems:
        return
    report = "The browser saw problems:\n" + "\n".join(f"- {p}" for p in problems)
    if getattr(request.node, "browser_call_passed", False):
        pytest.fail(report, pytrace=False)
    else:
        print(report)  # the test failed already: shown with its failure, as context


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def phone_page(open_page):
    return open_page(phone=True)


@pytest.fixture
def signing_key(settings, tmp_path):
    """Dossiers made in a browser test are signed with a throwaway self-signed pair."""
    from dossiers.signing import make_self_signed

    make_self_signed(
        common_name="Hillside Family Support records",
        organisation="Hillside Family Support",
        key_path=tmp_path / "signing-key.pem",
        cert_path=tmp_path / "signing-cert.pem",
    )
    settings.SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.SIGNING_CERT_FILE = tmp_path / "signing-cert.pem"
