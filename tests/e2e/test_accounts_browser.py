"""Accounts in a real browser: sign up, log out, log in; on a phone; with the keyboard."""

import re

from playwright.sync_api import expect

from tests.e2e.browser import axe_check, submit, visit

PASSWORD = "a-long-enough-passphrase"


def test_sign_up_log_out_and_log_in_again(page):
    visit(page, "/accounts/signup/")
    page.get_by_label("Your name").fill("Alice Jane Smith")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Create account"))

    expect(page).to_have_url("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    expect(page.get_by_role("status")).to_contain_text("Your account is ready.")

    submit(page, page.get_by_role("button", name="Log out"))
    expect(page).to_have_url("/accounts/login/")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))
    expect(page).to_have_url("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_sign_up_error_is_shown_and_read_out_with_its_field(page):
    visit(page, "/accounts/signup/")
    page.get_by_label("Your name").fill("Alice Jane Smith")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill("something-else-entirely")
    submit(page, page.get_by_role("button", name="Create account"))

    expect(page).to_have_url("/accounts/signup/")
    again = page.get_by_label("Password again")
    expect(again).to_have_attribute("aria-invalid", "true")
    expect(again).to_have_accessible_description("The two passwords are not the same.")
    expect(page.get_by_label("Your name")).to_have_value("Alice Jane Smith")  # what was typed is kept


def test_sign_up_page_fits_a_phone_and_its_targets_are_big_enough(phone_page):
    page = phone_page
    visit(page, "/accounts/signup/")

    widths = page.evaluate("({page: document.documentElement.scrollWidth, window: window.innerWidth})")
    assert widths["window"] == 390
    assert widths["page"] <= widths["window"], f"the page scrolls sideways: {widths}"

    targets = page.locator(
        "main button, main input:not([type=hidden]), main select, main textarea, header a, header button"
    )
    assert targets.count() >= 6  # four fields, the submit button, the header's links
    too_small = []
    for target in targets.all():
        box = target.bounding_box()
        assert box is not None, f"not rendered: {target}"
        if box["height"] < 44:
            too_small.append(f"{target.evaluate('e => e.outerHTML.slice(0, 80)')}: {box['height']:.1f}px high")
    assert not too_small, "tap targets under 44px high:\n" + "\n".join(too_small)


def test_first_tab_reaches_skip_link_which_moves_focus_to_main(page):
    visit(page, "/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    axe_check(page)  # the page with the skip link showing

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next Tab goes on from main, not from the top of the page.
    expect(page.locator("main").get_by_role("link").first).to_be_focused()
