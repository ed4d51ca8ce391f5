"""Helpers for the browser tests: axe-core on every page, and a watch on what each page does.

Every page a test loads must be checked with axe_check(page) before the next page loads.
visit() and submit() do that for you; a PageWatch reports any page that was loaded but
never checked, any request to another host, and any console error or failed resource.
The `page` fixture in conftest.py fails the test on any of these.

One failure is expected: a form given invalid input answers 400 and shows the form again with
its messages. So a 400 on the main frame's document (a navigation, as a form submission is),
and the console error Chromium logs for it, are allowed. A 400 on anything else (a stylesheet,
a script, an image, a frame), any other 4xx and every 5xx are still reported.
"""

from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page

from capture.browser import HEADLESS_ARGS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [*HEADLESS_ARGS, "--disable-sync", "--disable-quic"]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}

# A phone: the size of an iPhone 12-15, touch, and the page's meta viewport honoured.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}

# Which PageWatch belongs to which page, so that axe_check(page) can record what it checked.
_watches = {}

# The status a form answers invalid input with, and what Chromium logs for any response of 400.
FORM_ERROR_STATUS = 400
FORM_ERROR_CONSOLE = f"Failed to load resource: the server responded with a status of {FORM_ERROR_STATUS} "


class PageWatch:
    """Records what one page does: the documents it loads, its requests and its errors."""

    def __init__(self, page: Page, origin: str):
        self.page = page
        self.origin = origin.rstrip("/")
        self.loads = []  # URL of each document loaded in the main frame, in order
        self.checked = set()  # indexes into self.loads that axe_check has checked
        self.problems_seen = []
        self.form_errors = []  # URL of each main document that answered 400: a form shown again with its errors
        self.console_errors = []  # (text, URL) of each console error, judged in seen()
        self.allowed_urls = set()  # exact URLs on another host this test expects (see allow_request_to)
        page.on("load", self._on_load)
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        _watches[page] = self

    def _on_load(self, page):
        self.loads.append(page.url)

    def _on_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin and request.url not in self.allowed_urls:
            self.problems_seen.append(f"request to another host: {request.method} {request.url}")

    def _on_response(self, response):
        if response.status < 400:
            return
        request = response.request
        if (
            response.status == FORM_ERROR_STATUS
            and request.resource_type == "document"
            and request.is_navigation_request()
            and request.frame == self.page.main_frame
        ):
            self.form_errors.append(response.url)
        else:
            self.problems_seen.append(f"resource failed with {response.status}: {response.url}")

    def _on_request_failed(self, request):
        self.problems_seen.append(f"request failed ({request.failure}): {request.url}")

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def _on_page_error(self, error):
        self.problems_seen.append(f"JavaScript error: {error}")

    def seen(self) -> list[str]:
        """What went wrong so far, less each form error's own console message (one per form error)."""
        expected = list(self.form_errors)
        unexpected = []
        for text, url in self.console_errors:
            if text.startswith(FORM_ERROR_CONSOLE) and url in expected:
                expected.remove(url)
            else:
                unexpected.append(f"console error: {text}")
        return self.problems_seen + unexpected

    def problems(self) -> list[str]:
        unchecked = [url for i, url in enumerate(self.loads) if i not in self.checked]
        return self.seen() + [f"page loaded but never checked with axe: {url}" for url in unchecked]

    def close(self):
        _watches.pop(self.page, None)


def allow_request_to(page: Page, url: str) -> None:
    """Let this page request one exact URL on another host, which the test itself routes (page.route).

    For a test whose subject is leaving the site (the quick exit); every other request to another host
    is still reported.
    """
    _watches[page].allowed_urls.add(url)


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} serious or critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(node['target'])}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def axe_check(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now; fail on any serious or critical violation.

    axe is given to the page with page.evaluate, which the site's Content-Security-Policy
    (script-src 'self', no inline scripts) does not block, so the page's CSP stays in force.
    Returns every violation found (minor and moderate ones included) for tests that want more.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        AXE_TAGS,
    )
    watch = _watches.get(page)
    if watch is not None and watch.loads:
        # Events arrive in order, so every load before axe ran has been recorded by now.
        watch.checked.add(len(watch.loads) - 1)
    failing = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    if failing:
        message = format_violations(results["url"], failing)
        seen = watch.seen() if watch is not None else []
        if seen:
            # A missing stylesheet, for one, shows up as contrast and size violations: say so.
            message += "\nThe browser also saw:\n" + "\n".join(f"- {p}" for p in seen)
        raise AssertionError(message)
    return results["violations"]


def visit(page: Page, path: str):
    """Go to a path of the live server and check the page with axe."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    axe_check(page)
    return response


def submit(page: Page, button: Locator):
    """Click a button that loads a new page (a form submission), wait for it, check it with axe."""
    with page.expect_navigation():
        button.click()
    axe_check(page)


# How wide the page and the window are, and what sticks out past `width`, for the message.
_WIDTHS_JS = """width => {
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    const classes = typeof element.className === "string" ? element.className.split(/\\s+/).filter(Boolean) : [];
    const name = [element.tagName.toLowerCase() + (element.id ? "#" + element.id : ""), ...classes].join(".");
    const overflowing = element.scrollWidth > element.clientWidth + 1;
    if (box.width && box.right > width + 0.5) {
      wide.push(name + " (right edge " + Math.round(box.right) + ")");
    } else if (box.width && overflowing && getComputedStyle(element).overflowX === "visible") {
      wide.push(name + " (its content is " + element.scrollWidth + " px wide)");
    }
  }
  return {page: document.documentElement.scrollWidth, window: window.innerWidth, wide: wide.slice(0, 10)};
}"""


def assert_no_sideways_scroll(page: Page) -> None:
    """Fail if the page as it is now is wider than the window (it would scroll sideways on a phone).

    A mobile browser (is_mobile) zooms a page that is too wide out until it fits, and window.innerWidth
    grows with it: so the window must also still be as wide as the screen (the viewport) it is on.
    """
    screen = page.viewport_size["width"]
    widths = page.evaluate(_WIDTHS_JS, screen)
    assert widths["page"] <= widths["window"] == screen, (
        f"{page.url} scrolls sideways on a {screen} px screen: the page is {widths['page']} px wide, "
        f"the window {widths['window']} px; sticking out: {', '.join(widths['wide']) or 'nothing in the body'}"
    )


def compile_in_thread(dossier) -> None:
    """Make a dossier as the worker would, in a thread of its own: the signing runs an asyncio loop, and
    Playwright's sync API already runs one in the test's thread."""
    import threading

    from django.db import connection

    from dossiers.tasks import compile_dossier

    outcome = []

    def run():
        try:
            outcome.append(compile_dossier(dossier.pk))
        finally:
            connection.close()  # this thread's own connection, or the test database cannot be dropped

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=180)
    assert outcome == ["done"]
    dossier.refresh_from_db()
