"""The site on a phone: no page scrolls sideways at 390 or 320 px, the incident form's first question is
on the first screen, the case's tabs fold into one menu, and the evidence form offers the camera.

The case is seeded with the long things that push pages wide: a reference number with no spaces,
a long web address, an exhibit's long file name and its SHA-256, a dossier's, a long user name.
With PHONE_SCREENSHOTS=/some/folder set, each page is also saved there as a PNG, to look at.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts import services as account_services
from dossiers.models import Dossier
from incidents.models import Case
from incidents.services import cases as case_services
from incidents.services import comments as comment_services
from incidents.services import evidence as evidence_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.e2e.browser import assert_no_sideways_scroll, axe_check, submit, visit
from tests.factories import UserFactory, log_incident, make_case, png_bytes, upload

PASSWORD = "correct-horse-battery-staple"
LONG_NUMBER = "SSD2026031400001234567890123456789012345678901234567890"  # no spaces: it cannot wrap at one
LONG_URL = "https://www.example.com/forum/threads/2026/03/14/a-long-thread-name-with-no-spaces-at-all?ref=abcdefghijklmnopqrstuvwxyz0123456789"
LONG_HANDLE = "troll_account_with_a_really_long_unbroken_username_99999"
LONG_FILE = "Screenshot_20260314_103045_com.android.chrome_forum_thread_post_comments.png"

PHONES = {"390": {"width": 390, "height": 844}, "320": {"width": 320, "height": 640}}


@pytest.fixture
def seeded(transactional_db):
    """A parent's case with something on every page, and an advocate on it; their ids by name."""
    parent = UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)
    advocate = UserFactory(full_name="Priya Advocate", email="priya.advocate.long.address@family-support.example.org")
    case = make_case(parent, title="Reports about our family", advocate=advocate)
    Case.objects.filter(pk=case.pk).update(
        subject_name="Alice Jane Smith", subject_contact=f"alice@example.org, {LONG_URL}"
    )
    case_services.child_add(user=parent, case=case, name="Maximilian-Alexander Fotheringham-Smythe")
    suspect = party_services.party_create(user=parent, case=case, kind="suspect", name=LONG_HANDLE, handles=LONG_HANDLE)
    council = party_services.party_create(
        user=parent, case=case, kind="social_services", name="Northshire County Council Children's Services"
    )
    when = timezone.now() - dt.timedelta(days=3)
    incident = log_incident(
        case,
        parent,
        occurred_at=when,
        narrative=f"A forum post named our street and said the children were neglected. It is at {LONG_URL}",
        url=LONG_URL,
        platform="Forum",
        parties=[suspect],
        tags=["forum", "neglect claim"],
    )
    log_incident(
        case, parent, kind="referral_social_services", occurred_at=when + dt.timedelta(days=1), narrative="A referral."
    )
    reference_services.reference_create(
        user=parent,
        case=case,
        kind="social_services",
        number=LONG_NUMBER,
        agency=council,
        officer="Ms Jo Bloggs, Duty and Assessment Team",
        opened_on=dt.date(2026, 3, 15),
        incidents=[incident],
    )
    reference_services.reference_create(user=parent, case=case, kind="police", number="CRN-44/123456/26")
    exhibit = evidence_services.evidence_attach(
        user=parent,
        case=case,
        kind="screenshot",
        description="Screenshot of the forum post, taken on my phone.",
        uploaded_file=upload(LONG_FILE, png_bytes(1200, 800), "image/png"),
        source_url=LONG_URL,
        incidents=[incident],
    ).evidence
    comment_services.comment_add(user=advocate, case=case, body=f"Please keep {LONG_URL} as well.", incident=incident)
    Dossier.objects.create(
        case=case,
        requested_by=parent,
        status=Dossier.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
        file_name="dossier.pdf",
        sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        size=123456,
        pages=12,
        pack_size=654321,
    )
    account_services.access_token_create(
        user=parent, name="My spreadsheet that reads the timeline", scope="read", days=30
    )
    return {"parent": parent, "case": case.pk, "incident": incident.pk, "exhibit": exhibit.pk, "suspect": suspect.pk}


def log_in(page: Page, email: str):
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))


def look(page: Page, name: str, too_wide: list[str] | None = None):
    """Check the page fits (or, given a list, note it there and go on), and save a screenshot if asked to."""
    try:
        assert_no_sideways_scroll(page)
    except AssertionError as problem:
        if too_wide is None:
            raise
        too_wide.append(str(problem))
    folder = os.environ.get("PHONE_SCREENSHOTS")
    if folder:
        size = page.viewport_size["width"]
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{size}-{name}.png"), full_page=True)
        # A full-page screenshot sets the emulated media afresh: the whole page is drawn as for a mouse (no camera
        # field, a drop zone), and the touch screen must be emulated again for what follows.
        touch_screen(page)


def snap(page: Page, name: str):
    """Save what is on the screen now, if asked to (PHONE_SCREENSHOTS), as the phone shows it."""
    folder = os.environ.get("PHONE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{page.viewport_size['width']}-{name}-screen.png"))


@pytest.mark.parametrize("size", PHONES)
def test_no_page_scrolls_sideways_on_a_phone(seeded, open_page, size):
    page = touch_screen(open_page(phone=True, viewport=PHONES[size]))
    too_wide = []  # every page that does not fit, not only the first
    for path, name in [("/accounts/login/", "login"), ("/accounts/signup/", "signup")]:
        visit(page, path)
        look(page, name, too_wide)
    log_in(page, seeded["parent"].email)
    c = f"/cases/{seeded['case']}"
    pages = [
        ("/", "my-cases"),
        (f"{c}/", "summary"),
        (f"{c}/timeline/", "timeline"),
        (f"{c}/incidents/{seeded['incident']}/", "incident"),
        (f"{c}/incidents/new/", "incident-form"),
        (f"{c}/incidents/{seeded['incident']}/edit/", "incident-edit"),
        (f"{c}/people/", "people"),
        (f"{c}/people/{seeded['suspect']}/", "person"),
        (f"{c}/references/", "references"),
        (f"{c}/references/new/", "reference-form"),
        (f"{c}/evidence/", "evidence"),
        (f"{c}/evidence/{seeded['exhibit']}/", "exhibit"),
        (f"{c}/evidence/new/", "evidence-form"),
        (f"{c}/dossiers/", "dossiers"),
        (f"{c}/activity/", "activity"),
        (f"{c}/sharing/", "sharing"),
        (f"{c}/settings/", "settings"),
        ("/accounts/profile/", "your-details"),
        ("/accounts/tokens/", "tokens"),
        ("/accounts/two-step/", "two-step"),
        ("/accounts/confirm/", "confirm"),
    ]
    for path, name in pages:
        visit(page, path)
        look(page, name, too_wide)

    # The case menu, opened, fits too.
    visit(page, f"{c}/timeline/")
    page.get_by_text("Menu", exact=True).click()
    look(page, "menu-open", too_wide)

    # Turning on two-step verification: the password first, then the QR code and the key.
    visit(page, "/accounts/two-step/set-up/")
    page.get_by_label("Your password, or a code from your authenticator app").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Confirm"))
    expect(page).to_have_url("/accounts/two-step/set-up/")
    look(page, "two-step-set-up", too_wide)
    assert not too_wide, "\n".join(too_wide)


@pytest.mark.parametrize("size", PHONES)
def test_the_second_step_of_logging_in_fits_a_phone(transactional_db, open_page, size):
    user = UserFactory(email="sam.with.a.long.address@family-support.example.org", password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    page = touch_screen(open_page(phone=True, viewport=PHONES[size]))
    log_in(page, user.email)
    expect(page).to_have_url(re.compile(r"/accounts/two-step/code/"))
    look(page, "two-step-code")


def touch_screen(page: Page) -> Page:
    """As on a real phone: a touch screen is the main pointer, which cannot hover (Playwright's is_mobile does
    not say so to CSS's pointer and hover media features)."""
    session = page.context.new_cdp_session(page)
    session.send(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "pointer", "value": "coarse"}, {"name": "hover", "value": "none"}]},
    )
    return page


def test_the_incident_forms_first_question_is_on_the_first_screen_of_a_phone(seeded, open_page):
    page = touch_screen(open_page(phone=True))
    log_in(page, seeded["parent"].email)
    c = f"/cases/{seeded['case']}"
    visit(page, f"{c}/timeline/")
    log_something = page.get_by_role("link", name="Log something that happened")
    expect(log_something).to_have_count(1)
    submit(page, log_something)
    expect(page).to_have_url(f"{c}/incidents/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log something that happened")
    expect(page.get_by_role("link", name="Log something that happened")).to_have_count(0)  # no second one here

    first = page.locator("form.incident-form").locator("input:not([type=hidden]), select, textarea").first
    expect(first).to_have_accessible_name("What kind of thing happened?")
    assert page.evaluate("window.scrollY") == 0
    box = first.bounding_box()
    assert box["y"] + box["height"] <= 844, f"the first question's answer is below the first screen: {box}"
    # And the third question's box (the only one to write in) starts on it too: the form is plainly begun.
    narrative = page.get_by_label("What happened?").bounding_box()
    assert narrative["y"] < 844, f"'What happened?' is below the first screen: {narrative}"
    snap(page, "incident-form")
    assert_no_sideways_scroll(page)


def test_on_a_phone_the_cases_pages_are_one_menu_that_works_with_the_keyboard(seeded, open_page):
    page = touch_screen(open_page(phone=True))
    log_in(page, seeded["parent"].email)
    c = f"/cases/{seeded['case']}"
    visit(page, f"{c}/timeline/")
    nav = page.get_by_role("navigation", name="This case")
    expect(nav).to_have_count(1)  # the tabs for wider screens are not shown, nor read out
    menu = nav.locator("summary")
    expect(menu).to_have_text("Menu")
    expect(nav.get_by_role("link", name="People")).to_be_hidden()  # folded away
    box = menu.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box

    snap(page, "timeline")
    menu.focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Summary",
            "Timeline",
            "People",
            "Evidence",
            "Reference numbers",
            "Statement",
            "Letters",
            "Dossiers",
            "Activity",
            "Sharing",
            "Settings",
        ]
    )
    expect(nav.get_by_role("link", name="Timeline")).to_have_attribute("aria-current", "page")
    snap(page, "menu-open")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Summary")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="People")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_check(page)
    expect(page).to_have_url(f"{c}/people/")
    expect(nav.get_by_role("link", name="People")).to_be_hidden()  # a new page: the menu is folded again
    assert_no_sideways_scroll(page)


def test_on_a_wide_screen_the_cases_pages_are_tabs_with_no_menu(seeded, open_page):
    page = open_page()
    log_in(page, seeded["parent"].email)
    visit(page, f"/cases/{seeded['case']}/timeline/")
    nav = page.get_by_role("navigation", name="This case")
    expect(nav).to_have_count(1)
    expect(nav.get_by_text("Menu", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="People")).to_be_visible()
    snap(page, "timeline")
    submit(page, nav.get_by_role("link", name="Reference numbers"))
    expect(page.locator("table thead")).to_be_visible()  # a table as ever, its headings on top
    snap(page, "references")


def test_on_a_phone_evidence_can_come_from_the_camera_or_from_files(seeded, open_page):
    page = touch_screen(open_page(phone=True))
    log_in(page, seeded["parent"].email)
    c = f"/cases/{seeded['case']}"
    visit(page, f"{c}/evidence/new/")
    expect(page.locator(".dropzone")).to_be_hidden()  # nothing to drag files from on a phone
    files = page.get_by_label("Files")
    camera = page.get_by_label("Or take a photo now")
    expect(files).to_be_visible()
    expect(camera).to_be_visible()
    expect(camera).to_have_attribute("accept", "image/*")
    expect(camera).to_have_attribute("capture", "environment")
    expect(camera).to_have_attribute("name", "files")
    assert (files.bounding_box()["height"]) >= 44
    assert_no_sideways_scroll(page)
    files.scroll_into_view_if_needed()
    snap(page, "evidence-form-camera")

    # A photo from the camera only.
    camera.set_input_files({"name": "photo.png", "mimeType": "image/png", "buffer": png_bytes(64, 48, (10, 120, 40))})
    page.get_by_label("Describe it").fill("A photo of the letter from the council.")
    submit(page, page.get_by_role("button", name="Save"))
    expect(page).to_have_url(f"{c}/evidence/")
    expect(page.get_by_role("status")).to_contain_text("Saved as exhibit AJ/2.")

    # A file chosen and a photo taken, in one go: both are kept.
    visit(page, f"{c}/evidence/new/")
    page.get_by_label("Files").set_input_files(
        {"name": "letter.png", "mimeType": "image/png", "buffer": png_bytes(50, 50, (0, 0, 200))}
    )
    page.get_by_label("Or take a photo now").set_input_files(
        {"name": "envelope.png", "mimeType": "image/png", "buffer": png_bytes(50, 50, (200, 200, 0))}
    )
    page.get_by_label("Describe it").fill("The letter and its envelope.")
    submit(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Saved as exhibit AJ/3.")
    expect(page.get_by_role("status")).to_contain_text("Saved as exhibit AJ/4.")


def test_on_a_computer_the_file_picker_is_styled_and_there_is_no_camera(seeded, open_page):
    page = open_page()
    log_in(page, seeded["parent"].email)
    c = f"/cases/{seeded['case']}"
    visit(page, f"{c}/evidence/new/")
    expect(page.get_by_label("Or take a photo now")).to_be_hidden()
    files = page.get_by_label("Files")
    style = files.evaluate(
        "e => { const s = getComputedStyle(e); const b = getComputedStyle(e, '::file-selector-button');"
        " return {width: e.getBoundingClientRect().width, form: e.form.getBoundingClientRect().width,"
        " border: s.borderTopWidth, button: b.borderTopColor, buttonBackground: b.backgroundColor}; }"
    )
    assert style["border"] == "2px", style
    assert style["button"] == "rgb(29, 79, 122)", style  # the brand's blue, as the form's other buttons
    assert style["buttonBackground"] == "rgb(255, 255, 255)", style
    assert style["width"] > style["form"] * 0.8, style  # as wide as the form's other fields
    files.set_input_files({"name": "post.png", "mimeType": "image/png", "buffer": png_bytes(30, 30, (90, 0, 90))})
    page.get_by_label("Describe it").fill("The post, saved on the computer.")
    submit(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Saved as exhibit AJ/2.")
