"""The case file in a real browser: start a case, log incidents (one on a phone), name a suspect,
see the course of conduct, filter the timeline and read the activity record. Through the UI only."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import submit, visit
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"
SUSPECT = "troll_account_99"


@pytest.fixture
def parent(transactional_db):
    return UserFactory(full_name="Alice Jane Smith", initials="AJ", email="alice@example.org", password=PASSWORD)


def log_in(page: Page, email: str):
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))
    expect(page).to_have_url("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")


def fill_incident(page: Page, *, kind: str, when: str, narrative: str):
    """The three questions the incident form needs."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Log something that happened")
    page.get_by_label("What kind of thing happened?").select_option(label=kind)
    page.get_by_label("When?").fill(when)
    page.get_by_label("What happened?").fill(narrative)


def open_more_details(page: Page):
    details = page.locator("details.more")
    expect(details).not_to_have_attribute("open", "")
    page.get_by_text("Add more details (optional)").click()
    expect(details).to_have_attribute("open", "")


def save_incident(page: Page):
    submit(page, page.get_by_role("button", name="Save"))
    expect(page).to_have_url(re.compile(r"/cases/\d+/timeline/#incident-\d+$"))
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_have_text("Saved. It is on your timeline.")


def case_nav(page: Page):
    return page.get_by_role("navigation", name="This case")


def test_parent_builds_a_case_file_and_sees_the_course_of_conduct(parent, open_page):
    page = open_page()
    log_in(page, parent.email)
    expect(page.get_by_text("You have no cases yet.")).to_be_visible()

    # 1. Start a case from the dashboard.
    submit(page, page.get_by_role("link", name="Start a case"))
    expect(page).to_have_url("/cases/new/")
    expect(page.get_by_label("Exhibit letters")).to_have_value("AJ")  # the user's initials, offered
    page.get_by_label("Name this case").fill("Reports about our family")
    page.get_by_label("Exhibit letters").fill("AJS")
    page.get_by_label("Time zone").select_option("Europe/London")
    submit(page, page.get_by_role("button", name="Start the case"))
    match = re.search(r"/cases/(\d+)/incidents/new/$", page.url)
    assert match, f"not sent on to the incident form: {page.url}"
    case_id = match.group(1)
    expect(page.get_by_role("status")).to_contain_text("Your case is ready. Log the first thing that happened.")
    expect(page.locator(".case-name")).to_have_text("Reports about our family")

    # 2a. First incident, on a desktop: it names a new suspect and a tag.
    fill_incident(
        page,
        kind="Online post",
        when="2026-03-14T10:30",
        narrative="A forum post said our children were neglected and named our street.",
    )
    open_more_details(page)
    page.get_by_label("Who do you think did it? (optional)").fill(SUSPECT)
    page.get_by_label("Tags (optional)").fill("forum, neglect claim")
    page.get_by_label("Link (optional)").fill("example.com/thread/42")  # the scheme is assumed
    save_incident(page)
    first = page.locator("li.incident").first
    expect(first).to_contain_text("Sat 14 Mar 2026, 10:30 GMT")  # read in the case's zone, not UTC or the server's
    expect(first).to_contain_text(f"Involved: {SUSPECT} (suspected of doing it)")
    expect(first.locator(".tag")).to_have_text(["#forum", "#neglect claim"])

    # 2b. Second incident, on a phone, logged in as the same parent: it picks the suspect from the list.
    phone = open_page(phone=True)
    log_in(phone, parent.email)
    submit(phone, phone.get_by_role("link", name="Timeline of Reports about our family"))
    expect(phone.get_by_role("status")).to_have_text("1 incident")
    submit(phone, phone.get_by_role("link", name="Log something that happened"))
    fill_incident(
        phone,
        kind="False referral to social services",
        when="2026-03-20T09:00",
        narrative="Social services phoned: an anonymous referral said the children were unsafe at home.",
    )
    open_more_details(phone)
    suspect_box = phone.get_by_role("checkbox", name=SUSPECT)
    expect(suspect_box).not_to_be_checked()
    suspect_box.check()
    widths = phone.evaluate("({page: document.documentElement.scrollWidth, window: window.innerWidth})")
    assert widths["page"] <= widths["window"] == 390, f"the incident form scrolls sideways on a phone: {widths}"
    save_incident(phone)
    expect(phone.get_by_role("status").filter(has_text="incident")).to_have_text("2 incidents")
    second = phone.locator("li.incident", has_text="anonymous referral")
    expect(second).to_contain_text("Fri 20 Mar 2026, 09:00 GMT")
    expect(second).to_contain_text(f"Involved: {SUSPECT} (suspected of doing it)")

    # 2c. Third incident, back on the desktop, with no suspect.
    submit(page, page.get_by_role("link", name="Log something that happened"))
    fill_incident(
        page,
        kind="Visit from an agency",
        when="2026-04-02T14:15",
        narrative="A social worker visited, saw the children and closed the matter with no concerns.",
    )
    save_incident(page)
    expect(page.get_by_role("status").filter(has_text="incident")).to_have_text("3 incidents")
    visit_card = page.locator("li.incident", has_text="social worker visited")
    expect(visit_card).to_contain_text("Thu 2 Apr 2026, 14:15 BST")  # summer time, in the case's zone
    expect(visit_card.locator(".incident-parties")).to_have_count(0)
    # Grouped by month, oldest first.
    expect(page.locator("section.month h2")).to_have_text(["March 2026", "April 2026"])
    expect(page.locator("li.incident .incident-title")).to_have_text(
        ["Online post", "False referral to social services", "Visit from an agency"]
    )

    # 4. People -> the suspect: a course of conduct of two incidents.
    submit(page, case_nav(page).get_by_role("link", name="People"))
    expect(page).to_have_url(f"/cases/{case_id}/people/")
    expect(page.get_by_role("heading", name="Suspected perpetrator")).to_be_visible()
    entry = page.locator("li", has=page.get_by_role("link", name=SUSPECT))
    expect(entry).to_have_count(1)  # picking the suspect again did not add a second one
    expect(entry).to_contain_text("· 2 incidents")
    expect(entry.locator(".badge")).to_have_text("Course of conduct")
    submit(page, page.get_by_role("link", name=SUSPECT))
    expect(page.get_by_role("heading", level=1)).to_have_text(SUSPECT)
    expect(page.get_by_role("note")).to_contain_text("Course of conduct: 2 incidents.")
    expect(page.get_by_role("heading", name="Incidents (2)")).to_be_visible()
    expect(page.locator("li.incident .incident-title")).to_have_text(
        ["Online post", "False referral to social services"]
    )

    # 5. Filter the timeline.
    submit(page, case_nav(page).get_by_role("link", name="Timeline"))
    status = page.get_by_role("status").filter(has_text="incident")
    expect(status).to_have_text("3 incidents")
    filters = page.locator("details.filters")
    expect(filters).not_to_have_attribute("open", "")
    page.get_by_text("Search and filter").click()
    page.get_by_label("Kind").select_option(label="Visit from an agency")
    submit(page, page.get_by_role("button", name="Show"))
    expect(page).to_have_url(re.compile(r"kind=agency_visit"))
    expect(status).to_have_text("1 incident matches")
    expect(filters).to_have_attribute("open", "")  # the filters in use stay in view
    expect(page.get_by_label("Kind")).to_have_value("agency_visit")
    expect(page.locator("li.incident .incident-title")).to_have_text(["Visit from an agency"])

    page.get_by_label("Kind").select_option("")
    page.get_by_label("Search").fill("anonymous")
    submit(page, page.get_by_role("button", name="Show"))
    expect(status).to_have_text("1 incident matches")
    expect(page.locator("li.incident .incident-title")).to_have_text(["False referral to social services"])

    page.get_by_label("Search").fill("")
    page.get_by_label("Person or organisation").select_option(label=SUSPECT)
    submit(page, page.get_by_role("button", name="Show"))
    expect(status).to_have_text("2 incidents match")
    expect(page.locator("li.incident .incident-title")).to_have_text(
        ["Online post", "False referral to social services"]
    )

    page.get_by_label("Person or organisation").select_option("")
    page.get_by_label("Tag").select_option("neglect claim")
    submit(page, page.get_by_role("button", name="Show"))
    expect(status).to_have_text("1 incident matches")
    expect(page.locator("li.incident .incident-title")).to_have_text(["Online post"])

    page.get_by_label("Tag").select_option("")
    page.get_by_label("Search").fill("trampoline")
    submit(page, page.get_by_role("button", name="Show"))
    expect(status).to_have_text("0 incidents match")
    expect(page.get_by_text("Nothing matches. Try fewer filters.")).to_be_visible()

    submit(page, page.get_by_role("link", name="Clear"))
    expect(page).to_have_url(f"/cases/{case_id}/timeline/")
    expect(status).to_have_text("3 incidents")

    # 6. The activity record lists what was done, newest first.
    submit(page, case_nav(page).get_by_role("link", name="Activity"))
    expect(case_nav(page).get_by_role("link", name="Activity")).to_have_attribute("aria-current", "page")
    rows = page.locator("table tbody tr")
    what = [text.strip() for text in rows.locator("td:nth-child(3)").all_inner_texts()]
    logged = [n for n, text in enumerate(what) if text.startswith('logged the incident "')]
    assert len(logged) == 3, what
    assert what.count("started the case") == 1, what
    assert what.count(f"added {SUSPECT} to the people and organisations") == 1, what
    # Timeline: the phone's look, the redirects after each save (3), the desktop's visit, the filters (5), Clear:
    # one person's looks at one page on one day are one row.
    timeline = [text for text in what if text.startswith("looked at the timeline ")]
    assert len(timeline) == 1 and int(timeline[0].split()[-2]) >= 8, what
    assert any(text.startswith("looked at the people and organisations ") for text in what), what
    assert any(text.startswith(f"looked at the page about {SUSPECT} ") for text in what), what
    assert what[0] == "looked at the activity log once", what  # newest first, and this very look is recorded
    assert what[-1] == "started the case", what
    # The suspect is added first, then the (oldest) incident that names them is logged.
    assert logged[-1] < what.index(f"added {SUSPECT} to the people and organisations"), what
    who = {text.strip() for text in rows.locator("td:nth-child(2)").all_inner_texts()}
    assert who == {parent.full_name}, who  # the member's name; the audit trail itself records the email


def test_timeline_months_and_times_are_the_case_zones_not_the_servers(parent, open_page):
    """The server runs on London time; a New York case's late-evening incident belongs to its own month."""
    page = open_page()
    log_in(page, parent.email)
    submit(page, page.get_by_role("link", name="Start a case"))
    page.get_by_label("Name this case").fill("Reports while we lived abroad")
    page.get_by_label("Time zone").select_option("America/New_York")
    submit(page, page.get_by_role("button", name="Start the case"))

    # 22:00 on 31 March in New York is 03:00 on 1 April in London and 02:00 UTC.
    fill_incident(page, kind="Direct message", when="2026-03-31T22:00", narrative="A message threatened a report.")
    save_incident(page)
    expect(page.locator("section.month h2")).to_have_text(["March 2026"])
    expect(page.locator("li.incident .incident-when")).to_have_text(["Tue 31 Mar 2026, 22:00 EDT"])

    submit(page, page.get_by_role("link", name="Log something that happened"))
    fill_incident(page, kind="Online post", when="2026-04-01T09:00", narrative="A post repeated the claim.")
    save_incident(page)
    expect(page.locator("section.month h2")).to_have_text(["March 2026", "April 2026"])
    expect(page.locator("section.month").nth(1).locator(".incident-title")).to_have_text(["Online post"])
