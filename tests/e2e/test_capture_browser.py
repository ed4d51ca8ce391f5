"""A parent captures a web page on a phone (issue 17's journey): from the incident, the address of a post
(served on loopback by the test); it becomes exhibit AJ/1 with its screenshot; she opens what the archive holds;
she asks for a check after the post was edited and sees "Changed" with the words that changed, then after it
was taken down and sees "Gone"; the police dossier prints that history under the exhibit.

The capture runs as the worker runs it (capture.tasks.run_capture: the guarded browser in a thread of its own),
in a thread of the test, as dossiers are made in the other browser tests; no broker is needed for that."""

import subprocess
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from capture.models import Capture
from capture.tasks import run_capture
from dossiers.models import Dossier
from tests.capture.conftest import FixtureServer
from tests.e2e.browser import assert_no_sideways_scroll, axe_check, compile_in_thread, submit, visit
from tests.factories import UserFactory, log_incident, make_case, png_bytes
from vault import store

PASSWORD = "correct-horse-battery-staple"


def capture_in_thread(capture_id: int) -> None:
    outcome = []

    def run():
        try:
            outcome.append(run_capture(capture_id))
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=120)
    assert outcome == ["done"], Capture.objects.filter(pk=capture_id).values("status", "error", "message").first()


def post_page(words: str) -> bytes:
    images = "".join(f"<img src='/img/{n}.png' alt='photo {n}'>" for n in range(3))
    return (
        f"<!doctype html><html lang='en'><title>Thread about the family</title>"
        f"<h1>Forum thread</h1><p>{words}</p>{images}</html>"
    ).encode()


@pytest.fixture
def post():
    routes = {
        "/thread/1": (200, {"Content-Type": "text/html; charset=utf-8"}, post_page("She should be reported again.")),
        **{f"/img/{n}.png": (200, {"Content-Type": "image/png"}, png_bytes(colour=(n * 60, 20, 90))) for n in range(3)},
    }
    server = FixtureServer(routes)
    yield server
    server.close()


@pytest.fixture
def parent(transactional_db, settings, signing_key):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = True  # the post is served on loopback
    owner = UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)
    case = make_case(owner)
    incident = log_incident(case, owner, title="Forum thread naming us")
    return owner, case, incident


def test_a_parent_captures_a_post_and_sees_it_change_then_go(phone_page, parent, post, live_server, tmp_path):
    page = phone_page
    owner, case, incident = parent
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))

    visit(page, f"/cases/{case.pk}/incidents/{incident.pk}/")
    submit(page, page.get_by_role("link", name="Capture a web page for this incident"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Web captures")
    assert_no_sideways_scroll(page)
    page.get_by_label("Address of the page").fill(post.url("/thread/1"))
    submit(page, page.get_by_role("button", name="Capture the page"))
    expect(page.get_by_text("Being checked")).to_be_visible()

    first = Capture.objects.get()
    assert first.incident == incident
    capture_in_thread(first.pk)
    # The page follows the capture (dossier-progress.js polls its status) and reloads itself once it is done.
    expect(page.get_by_role("heading", level=1)).to_have_text("Web capture, exhibit AJ/1")
    axe_check(page)
    screenshot = page.get_by_role("img", name="Picture of the page as captured, exhibit AJ/1")
    expect(screenshot).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", screenshot.element_handle()) > 0
    assert_no_sideways_scroll(page)
    first.refresh_from_db()
    assert (first.outcome, first.http_status, first.evidence.mark) == ("captured", 200, "AJ/1")

    submit(page, page.get_by_role("link", name="What the archive holds"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What the archive holds")
    listing = page.locator("main").inner_text()
    for n in range(3):
        assert post.url(f"/img/{n}.png") in listing
    assert post.url("/thread/1") in listing
    page.go_back()
    axe_check(page)

    # The post is edited: a check now says what changed.
    post.routes["/thread/1"] = (200, {"Content-Type": "text/html"}, post_page("Edited: nothing to see here."))
    submit(page, page.get_by_role("button", name="Check this page again now"))
    capture_in_thread(Capture.objects.latest("pk").pk)
    changed = page.locator('[data-state="changed"]')
    expect(changed.get_by_text("Changed", exact=True)).to_be_visible()
    axe_check(page)
    expect(changed.get_by_text("She should be reported again.")).to_be_visible()
    expect(changed.get_by_text("Edited: nothing to see here.")).to_be_visible()

    # Then it is taken down: the address answers 404, and the history says "Gone".
    del post.routes["/thread/1"]
    submit(page, page.get_by_role("button", name="Check this page again now"))
    capture_in_thread(Capture.objects.latest("pk").pk)
    expect(page.locator('[data-state="gone"]')).to_be_visible()
    axe_check(page)
    states = page.locator("[data-state]").evaluate_all("items => items.map(i => i.dataset.state)")
    assert states == ["captured", "changed", "gone"]
    expect(page.locator('[data-state="gone"]').get_by_text("The address answered 404 Not Found.")).to_be_visible()
    assert_no_sideways_scroll(page)

    # The police dossier prints the history under the exhibit.
    dossier = Dossier.objects.create(case=case, requested_by=owner, options={"audience": "police"})
    compile_in_thread(dossier)
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(store.read_all(case, dossier.file_name))
    text = " ".join(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout.split())
    history = text.split("History of this web page, as checked by the server:", 1)[1]
    assert history.index(": Captured.") < history.index(": Changed.") < history.index(": Gone.")
