"""An advocate's whole journey in a real browser, through the UI only.

The owner invites an advocate by email; the advocate signs up through the link, accepts, turns on
two-step verification (the test computes the codes with pyotp), comments on the case, confirms it is
them and downloads a signed dossier; the owner removes them; the advocate's next load of the case is a 404.

Tasks (the invitation email, the dossier) run in-process (eager_tasks), on commit, as the worker would.
"""

import datetime as dt
import hashlib
import re
import time

import pyotp
import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from dossiers.models import Dossier
from dossiers.signing import make_self_signed
from tests.e2e import browser
from tests.e2e.browser import axe_check, submit, visit
from tests.factories import UserFactory, log_incident, make_case

PASSWORD = "correct-horse-battery-staple"
ADVOCATE_PASSWORD = "a-long-and-private-passphrase"
ADVOCATE_EMAIL = "advocate@charity.example"
ADVOCATE_NAME = "Priya Shah"
CASE_TITLE = "Reports about our family"


@pytest.fixture
def owner(transactional_db):
    return UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)


@pytest.fixture
def case(owner):
    case = make_case(owner, title=CASE_TITLE)
    for days, narrative in [
        (40, "A forum post said our children were neglected and named our street."),
        (20, "Social services phoned: an anonymous referral said the children were unsafe."),
        (3, "A message threatened another report unless we took the posts down."),
    ]:
        log_incident(case, owner, narrative=narrative, occurred_at=timezone.now() - dt.timedelta(days=days))
    return case


@pytest.fixture
def site(settings, live_server, tmp_path, eager_tasks):
    """Links in emails point at the live server; dossiers are signed with a throwaway key."""
    settings.SITE_URL = live_server.url
    make_self_signed(
        common_name="Test signing",
        organisation="Tests",
        key_path=tmp_path / "signing-key.pem",
        cert_path=tmp_path / "signing-cert.pem",
    )
    settings.SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.SIGNING_CERT_FILE = tmp_path / "signing-cert.pem"
    return live_server.url


def log_in(page: Page, email: str, password: str):
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    submit(page, page.get_by_role("button", name="Log in"))
    expect(page).to_have_url("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")


def confirm_it_is_me(page: Page, secret: str):
    """The re-authentication page: a password, or a code from the authenticator app."""
    expect(page).to_have_url(re.compile(r"/accounts/confirm/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Your password, or a code from your authenticator app").fill(secret)


STEP = 30  # seconds: a TOTP code's time step


def step_now() -> int:
    return int(time.time()) // STEP


def fresh_code(totp: pyotp.TOTP, used_step: int) -> str:
    """A code the server takes once the set-up has used the code of `used_step` (each code works once).

    The newest code if the clock has moved on; else the next step's, which the server allows (tolerance 1).
    Not always the next step's: if the set-up's code arrived just after its step ended, the server now
    counts one step behind (django-otp's drift) and would refuse a code two steps ahead."""
    step = step_now()
    return totp.at((step + 1 if step <= used_step else step) * STEP)


def case_nav(page: Page):
    return page.get_by_role("navigation", name="This case")


def status_message(page: Page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def ten_minutes_pass(page: Page):
    """As if the last password or code was given more than REAUTH_SECONDS ago, in this browser's session."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = SessionStore(session_key=cookie["value"])
    assert "reauth_at" in session, "the session never confirmed it was them"
    session["reauth_at"] = time.time() - settings.REAUTH_SECONDS - 60
    session.save()


def forgive(page: Page, problem: str, console_prefix: str | None = None, url: str = ""):
    """Take one problem this test caused on purpose off the page's watch, which reports it (browser.py);
    and, if given, the one console error Chromium logs for it. Fails if either was not seen."""
    watch = browser._watches[page]
    assert problem in watch.problems_seen, (problem, watch.seen())
    watch.problems_seen.remove(problem)
    if console_prefix is not None:
        matching = [e for e in watch.console_errors if e[0].startswith(console_prefix) and e[1] == url]
        assert len(matching) == 1, (console_prefix, watch.console_errors)
        watch.console_errors.remove(matching[0])


NOT_FOUND_CONSOLE = "Failed to load resource: the server responded with a status of 404"


def expect_not_found(page: Page, path: str):
    """Loading the path answers 404 with the site's own page. The watch reports every 4xx; this one is the point."""
    with page.expect_console_message(lambda m: m.type == "error" and m.text.startswith(NOT_FOUND_CONSOLE)):
        response = page.goto(path)
    assert response is not None and response.status == 404, response and response.status
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("There is nothing here, or you do not have access to it.")).to_be_visible()
    axe_check(page)
    forgive(page, f"resource failed with 404: {response.url}", console_prefix=NOT_FOUND_CONSOLE, url=response.url)


def test_owner_shares_with_an_advocate_who_signs_up_comments_downloads_and_is_removed(case, owner, site, open_page):
    summary_path = f"/cases/{case.pk}/"

    # 1. The owner logs in, opens the case and goes to Sharing, which asks for the password first.
    parent = open_page()
    log_in(parent, owner.email, PASSWORD)
    submit(parent, parent.get_by_role("link", name=CASE_TITLE, exact=True))
    expect(parent).to_have_url(summary_path)
    submit(parent, case_nav(parent).get_by_role("link", name="Sharing"))
    confirm_it_is_me(parent, PASSWORD)
    submit(parent, parent.get_by_role("button", name="Confirm"))
    expect(parent).to_have_url(f"/cases/{case.pk}/sharing/")
    expect(parent.get_by_role("heading", level=1)).to_have_text("Who can see this case")

    # 2. The owner invites the advocate, as an advocate.
    parent.get_by_label("Their email address").fill(ADVOCATE_EMAIL)
    advocate_role = parent.get_by_role("radio", name=re.compile(r"^Advocate"))
    expect(advocate_role).to_be_checked()  # the default
    parent.get_by_role("radio", name=re.compile(r"^Viewer")).check()
    advocate_role.check()
    mail.outbox.clear()
    submit(parent, parent.get_by_role("button", name="Send the invitation"))
    expect(status_message(parent, "Invitation sent")).to_have_text(
        f"Invitation sent to {ADVOCATE_EMAIL}. The link works for 7 days."
    )
    expect(parent.get_by_role("listitem").filter(has_text=ADVOCATE_EMAIL)).to_contain_text(
        f"{ADVOCATE_EMAIL} as advocate"
    )

    [email] = [m for m in mail.outbox if m.to == [ADVOCATE_EMAIL]]
    assert "Alice Jane Smith has invited you to see a case on Referral Tracker as advocate" in email.body
    links = re.findall(rf"{re.escape(site)}/cases/invitations/[\w-]+/", email.body)
    assert len(links) == 1, email.body
    link = links[0]

    # 3. The advocate, in a browser of their own, opens the link and creates an account through it.
    advocate = open_page()
    visit(advocate, link)
    expect(advocate.get_by_role("heading", level=1)).to_have_text("You have been invited")
    expect(advocate.get_by_text("Alice Jane Smith has invited you to see a case as advocate.")).to_be_visible()
    submit(advocate, advocate.get_by_role("main").get_by_role("link", name="Create an account"))
    expect(advocate).to_have_url(re.compile(r"/accounts/signup/\?next=%2Fcases%2Finvitations%2F"))
    advocate.get_by_label("Your name").fill(ADVOCATE_NAME)
    advocate.get_by_label("Email address").fill(ADVOCATE_EMAIL)
    advocate.get_by_label(re.compile(r"^Password:?$")).fill(ADVOCATE_PASSWORD)
    advocate.get_by_label("Password again").fill(ADVOCATE_PASSWORD)
    submit(advocate, advocate.get_by_role("button", name="Create account"))

    # Back on the invitation, now signed in: accept it, and land on the case.
    expect(advocate).to_have_url(link)
    expect(status_message(advocate, "Your account is ready.")).to_be_visible()
    expect(advocate.get_by_text(f"You will accept it as {ADVOCATE_EMAIL}.")).to_be_visible()
    submit(advocate, advocate.get_by_role("button", name="Accept the invitation"))
    expect(advocate).to_have_url(summary_path)
    expect(status_message(advocate, "You can now see this case.")).to_be_visible()
    expect(advocate.locator(".case-name")).to_have_text(CASE_TITLE)
    # An advocate may make dossiers, not share or log incidents.
    expect(case_nav(advocate).get_by_role("link", name="Dossiers")).to_be_visible()
    expect(case_nav(advocate).get_by_role("link", name="Sharing")).to_have_count(0)
    expect(advocate.get_by_role("link", name="Log something that happened")).to_have_count(0)

    # 4. Two-step verification, from the dashboard's prompt: the key is on the page; the app's code is pyotp's.
    submit(advocate, advocate.get_by_role("navigation", name="Account").get_by_role("link", name="My cases"))
    prompt = advocate.get_by_role("note").filter(has_text="two-step verification")
    submit(advocate, prompt.get_by_role("link", name="Turn on two-step verification"))
    # Adding a device needs the password again: a stolen session cookie alone must not be able to.
    confirm_it_is_me(advocate, ADVOCATE_PASSWORD)
    submit(advocate, advocate.get_by_role("button", name="Confirm"))
    expect(advocate).to_have_url("/accounts/two-step/set-up/")
    expect(advocate.get_by_role("heading", level=1)).to_have_text("Turn on two-step verification")
    key = advocate.locator("[data-secret]").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", key), key
    totp = pyotp.TOTP(key)
    set_up_step = step_now()
    advocate.get_by_label("Code").fill(totp.at(set_up_step * STEP))
    submit(advocate, advocate.get_by_role("button", name="Turn it on"))
    expect(advocate.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(advocate.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    submit(advocate, advocate.get_by_role("link", name="I have kept them safe"))
    expect(advocate).to_have_url("/")
    expect(advocate.get_by_role("note").filter(has_text="two-step verification")).to_have_count(0)

    # 5. A comment on the case summary, shown with the advocate's name.
    submit(advocate, advocate.get_by_role("link", name=CASE_TITLE, exact=True))
    expect(advocate).to_have_url(summary_path)
    comments = advocate.locator("#comments")
    expect(comments.get_by_text("No comments yet.")).to_be_visible()
    advocate.get_by_label("Your comment").fill("I have read the timeline. The March referral fits the pattern.")
    submit(advocate, comments.get_by_role("button", name="Post comment"))
    expect(advocate).to_have_url(f"{summary_path}#comments")
    expect(status_message(advocate, "Comment posted.")).to_be_visible()
    expect(comments.get_by_role("heading", name="Comments")).to_have_text("Comments (1)")
    comment = comments.locator("li.comment")
    expect(comment).to_have_count(1)
    expect(comment.locator("strong")).to_have_text(ADVOCATE_NAME)
    expect(comment).to_contain_text("The March referral fits the pattern.")

    # 6. A dossier: asked for, made in the request (eager tasks), ready on the list.
    submit(advocate, case_nav(advocate).get_by_role("link", name="Dossiers"))
    expect(advocate.get_by_role("heading", level=1)).to_have_text("Dossiers")
    with advocate.expect_navigation(timeout=60_000):
        advocate.get_by_role("button", name="Make the dossier").click()
    axe_check(advocate)
    expect(advocate).to_have_url(f"/cases/{case.pk}/dossiers/")
    dossier = Dossier.objects.get(case=case)
    assert dossier.status == Dossier.Status.DONE, (dossier.status, dossier.error)
    assert dossier.requested_by.email == ADVOCATE_EMAIL
    card = advocate.locator("li.card", has_text=f"Dossier {dossier.verification_code}")
    expect(card).to_contain_text("Ready.")
    expect(card).to_contain_text(f"Asked for by {ADVOCATE_NAME}")
    expect(card.locator(".hash")).to_have_text(f"SHA-256 {dossier.sha256}")

    # 7. Later, the download asks them to confirm it is them; a fresh code from the app does, and it downloads.
    ten_minutes_pass(advocate)
    submit(advocate, card.get_by_role("link", name=re.compile(r"^Download the PDF")))
    confirm_it_is_me(advocate, fresh_code(totp, used_step=set_up_step))
    with advocate.expect_event("requestfailed") as failed_info, advocate.expect_download() as download_info:
        advocate.get_by_role("button", name="Confirm").click()
    download = download_info.value
    assert failed_info.value.url == download.url
    # Back on the dossiers page, where the download starts by itself. A navigation that turns into a
    # download is, to Chromium, an aborted navigation: the watch sees the request fail. That is the download.
    axe_check(advocate)
    expect(advocate).to_have_url(f"/cases/{case.pk}/dossiers/")
    expect(status_message(advocate, "Your download is starting")).to_be_visible()
    assert download.url == f"{site}/cases/{case.pk}/dossiers/{dossier.pk}/pdf/"
    assert download.failure() is None
    forgive(advocate, f"request failed (net::ERR_ABORTED): {download.url}")
    assert download.suggested_filename == f"dossier-{dossier.verification_code}.pdf"
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF-"), data[:16]
    assert hashlib.sha256(data).hexdigest() == dossier.sha256
    assert len(data) == dossier.size

    # 8. The owner removes the advocate.
    submit(parent, case_nav(parent).get_by_role("link", name="Sharing"))  # still confirmed: not asked again
    expect(parent).to_have_url(f"/cases/{case.pk}/sharing/")
    members = parent.get_by_role("table", name="People who can see this case")
    expect(members.get_by_role("row").filter(has_text=ADVOCATE_NAME)).to_contain_text("Advocate")
    submit(parent, members.get_by_role("button", name=f"Remove {ADVOCATE_NAME}"))
    expect(status_message(parent, "can no longer see")).to_have_text(f"{ADVOCATE_NAME} can no longer see this case.")
    expect(members.get_by_role("row").filter(has_text=ADVOCATE_NAME)).to_have_count(0)
    expect(parent.get_by_text("Invitations waiting").locator("xpath=following-sibling::p[1]")).to_have_text("None.")

    # 9. The advocate's next load of the case is a 404, as for anyone who was never on it.
    expect_not_found(advocate, summary_path)
    # Their dashboard no longer lists it.
    visit(advocate, "/")
    expect(advocate.get_by_role("link", name=CASE_TITLE, exact=True)).to_have_count(0)
    expect(advocate.get_by_text("You have no cases yet.")).to_be_visible()
