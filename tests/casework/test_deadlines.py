"""The deadline rules against a table written by hand from the sources (casework/deadlines.py's docstring):
the ICO's worked examples for the month of a subject access request, the England and Wales complaints
regulations' working days, and the other clocks of issue 18. Every expected date is a literal, counted on a
calendar, never worked out by the code under test; the weekday of each is written beside it."""

from datetime import date, datetime

import pytest

from casework import deadlines, offences
from casework.deadlines import (
    DeadlineError,
    NoExtension,
    NotADate,
    RuleNotForNation,
    UnknownNation,
    UnknownRule,
    add_months,
    add_working_days,
    describe_overdue,
    due,
    next_working_day,
    working_day,
)
from incidents.models import Case

# ---- the ICO's calendar month (UK GDPR Art 12(3); ICO "How long do we have to comply?") --------------------


@pytest.mark.parametrize(
    ("received", "nation", "expected"),
    [
        # The ICO's own example: received 3 September -> 3 October (2028: a Tuesday).
        (date(2028, 9, 3), "england", date(2028, 10, 3)),
        # The day of receipt counts even when it is not a working day: 3 September 2028 is a Sunday.
        (date(2028, 9, 3), "scotland", date(2028, 10, 3)),
        # 3 October 2026 is a Saturday -> Monday 5 October 2026.
        (date(2026, 9, 3), "england", date(2026, 10, 5)),
        # No 31 February: the month's last day. 2029: Wednesday 28 February.
        (date(2029, 1, 31), "england", date(2029, 2, 28)),
        # 2028 is a leap year: Tuesday 29 February 2028.
        (date(2028, 1, 31), "wales", date(2028, 2, 29)),
        # 2027: 28 February is a Sunday, so the last day of February moves to Monday 1 March 2027.
        (date(2027, 1, 31), "england", date(2027, 3, 1)),
        # 25 December 2026 is a Friday (Christmas Day); 26-27 the weekend; Monday 28 the Boxing Day substitute
        # -> Tuesday 29 December 2026.
        (date(2026, 11, 25), "england", date(2026, 12, 29)),
        # Easter Monday, 6 April 2026, is a bank holiday in England -> Tuesday 7 April 2026 ...
        (date(2026, 3, 6), "england", date(2026, 4, 7)),
        # ... but not in Scotland: Monday 6 April 2026 stands.
        (date(2026, 3, 6), "scotland", date(2026, 4, 6)),
        # ... and it is in Northern Ireland.
        (date(2026, 3, 6), "northern_ireland", date(2026, 4, 7)),
        # 17 March (St Patrick's Day) is a bank holiday in Northern Ireland only: Tuesday 17 March 2026.
        (date(2026, 2, 17), "northern_ireland", date(2026, 3, 18)),
        (date(2026, 2, 17), "england", date(2026, 3, 17)),
    ],
)
def test_subject_access_month_follows_the_icos_examples(received, nation, expected):
    assert due("sar", received, nation).due_date == expected


@pytest.mark.parametrize("key", ["sar", "rectification", "restriction"])
def test_rectification_and_restriction_have_the_same_month(key):
    # Saturday 3 October 2026 -> Monday 5 October 2026, for each of the three rights.
    result = due(key, date(2026, 9, 3), "wales")
    assert result.due_date == date(2026, 10, 5)
    assert result.rule.binds == "agency"
    assert result.rule.starts == "received"


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # One month plus two further months: 25 November 2026 -> Thursday 25 February 2027.
        (date(2026, 11, 25), date(2027, 2, 25)),
        # 28 September 2026 + 3 months = Monday 28 December 2026, the Boxing Day substitute -> Tuesday 29.
        (date(2026, 9, 28), date(2026, 12, 29)),
        # 30 November 2026 + 3 months: no 30 February -> 28 February 2027, a Sunday -> Monday 1 March 2027.
        (date(2026, 11, 30), date(2027, 3, 1)),
    ],
)
def test_subject_access_extension_adds_two_months(received, expected):
    result = due("sar", received, "england", extended=True)
    assert result.due_date == expected
    assert result.extended is True


def test_the_unextended_month_for_the_same_day_is_earlier():
    # 28 September 2026 -> Wednesday 28 October 2026 without the extension.
    assert due("sar", date(2026, 9, 28), "england").due_date == date(2026, 10, 28)


def test_the_note_says_why_the_date_moved():
    result = due("sar", date(2026, 9, 3), "england")
    assert "3 October 2026 is a Saturday" in result.note
    assert "Monday 5 October 2026" in result.note
    christmas = due("sar", date(2026, 11, 25), "england")
    assert "Christmas Day" in christmas.note
    assert "Tuesday 29 December 2026" in christmas.note
    february = due("sar", date(2029, 1, 31), "england")
    assert "February 2029 has no day 31" in february.note


# ---- bank holidays differ by nation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "england", "scotland"),
    [
        # 2 January is a Scottish bank holiday, not an English one (Friday 2 January 2026).
        (date(2026, 1, 2), True, False),
        # St Andrew's Day, Monday 30 November 2026.
        (date(2026, 11, 30), True, False),
        # 30 November 2025 was a Sunday: the substitute day is Monday 1 December 2025, in Scotland only.
        (date(2025, 12, 1), True, False),
        # Easter Monday, 6 April 2026: England's, not Scotland's.
        (date(2026, 4, 6), False, True),
        # The first Monday in August is Scotland's summer holiday (3 August 2026); England's is the last
        # (31 August 2026).
        (date(2026, 8, 3), True, False),
        (date(2026, 8, 31), False, True),
        # Good Friday (3 April 2026) and Christmas Day (Friday 25 December 2026) everywhere.
        (date(2026, 4, 3), False, False),
        (date(2026, 12, 25), False, False),
        # A Saturday is never a working day; an ordinary Tuesday always is.
        (date(2026, 12, 5), False, False),
        (date(2026, 12, 8), True, True),
    ],
)
def test_working_days_follow_each_nations_bank_holidays(day, england, scotland):
    assert working_day(day, "england") is england
    assert working_day(day, "wales") is england  # England and Wales share their bank holidays
    assert working_day(day, "scotland") is scotland


def test_new_year_counts_differently_in_scotland():
    # From Wednesday 31 December 2025, two working days: in England 1 January is out, so Friday 2 January is
    # day 1 and Monday 5 January day 2; in Scotland 1 and 2 January are out, so Monday 5 is day 1, Tuesday 6 day 2.
    assert add_working_days(date(2025, 12, 31), 2, "england") == date(2026, 1, 5)
    assert add_working_days(date(2025, 12, 31), 2, "scotland") == date(2026, 1, 6)


def test_st_andrews_day_moves_a_month_deadline_in_scotland_only():
    # Received 30 October 2026 -> Monday 30 November 2026: St Andrew's Day in Scotland -> Tuesday 1 December.
    assert due("sar", date(2026, 10, 30), "england").due_date == date(2026, 11, 30)
    assert due("sar", date(2026, 10, 30), "scotland").due_date == date(2026, 12, 1)
    # The substitute Monday: received 1 November 2025 -> Monday 1 December 2025 -> Scotland Tuesday 2 December.
    assert due("sar", date(2025, 11, 1), "england").due_date == date(2025, 12, 1)
    assert due("sar", date(2025, 11, 1), "scotland").due_date == date(2025, 12, 2)


def test_second_of_january_moves_a_month_deadline_in_scotland_only():
    # Received 2 December 2025 -> Friday 2 January 2026; in Scotland the next working day, Monday 5 January.
    assert due("sar", date(2025, 12, 2), "england").due_date == date(2026, 1, 2)
    assert due("sar", date(2025, 12, 2), "scotland").due_date == date(2026, 1, 5)


def test_next_working_day_is_strictly_after():
    # Friday 11 December 2026 -> Monday 14; Thursday 24 December 2026 -> Tuesday 29 (25, 26, 27, 28 are out).
    assert next_working_day(date(2026, 12, 11), "england") == date(2026, 12, 14)
    assert next_working_day(date(2026, 12, 24), "england") == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 11), 0, "england") == date(2026, 12, 11)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 9, 3), 1, date(2026, 10, 3)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months_is_the_corresponding_date_or_the_months_last_day(start, months, expected):
    assert add_months(start, months) == expected


# ---- complaints: England (SI 2006/1738) and Wales (SI 2014/1794) -------------------------------------------


@pytest.mark.parametrize(
    ("key", "start", "expected"),
    [
        # Stage 1, 10 working days from Monday 7 December 2026: 8-11 (4), 14-18 (9), Monday 21 December (10).
        ("complaint_stage1_england", date(2026, 12, 7), date(2026, 12, 21)),
        # Extended to 20: 22, 23, 24 (13); 25, 28 December and 1 January out; 29-31 (16); 4-7 January (20).
        ("complaint_stage1_extended_england", date(2026, 12, 7), date(2027, 1, 7)),
        # Stage 2, 25 working days from Monday 4 January 2027: five full weeks to Friday 5 February (24), then
        # Monday 8 February (25).
        ("complaint_stage2_england", date(2027, 1, 4), date(2027, 2, 8)),
        # Extended to 65: on from 8 February (25) to Thursday 25 March (58); Good Friday 26 March and Easter
        # Monday 29 March out; 30, 31 March, 1, 2, 5, 6, 7 April -> Wednesday 7 April 2027 (65).
        ("complaint_stage2_extended_england", date(2027, 1, 4), date(2027, 4, 7)),
    ],
)
def test_england_complaint_stages_count_working_days(key, start, expected):
    assert due(key, start, "england").due_date == expected


def test_extended_flag_gives_the_same_dates_as_the_extended_rules():
    assert due("complaint_stage1_england", date(2026, 12, 7), "england", extended=True).due_date == date(2027, 1, 7)
    assert due("complaint_stage2_england", date(2027, 1, 4), "england", extended=True).due_date == date(2027, 4, 7)


@pytest.mark.parametrize(
    ("key", "start", "expected"),
    [
        # Acknowledgement: not later than 2 working days after receipt. Received Thursday 24 December 2026:
        # 25-28 out, Tuesday 29 (1), Wednesday 30 December (2).
        ("complaint_wales_acknowledgement", date(2026, 12, 24), date(2026, 12, 30)),
        # Received Monday 7 December 2026: Wednesday 9 December.
        ("complaint_wales_acknowledgement", date(2026, 12, 7), date(2026, 12, 9)),
        # Discussion: within 10 working days of the acknowledgement, Wednesday 30 December 2026: 31 (1),
        # 1 January out, 4-8 (6), 11-14 -> Thursday 14 January 2027 (10).
        ("complaint_wales_discussion", date(2026, 12, 30), date(2027, 1, 14)),
        # Investigation: 25 working days from Monday 1 March 2027: 2-5 (4), 8-12 (9), 15-19 (14), 22-25 (18),
        # Good Friday and Easter Monday out, 30 March-2 April (22), 5-7 April -> Wednesday 7 April 2027 (25).
        ("complaint_wales_investigation", date(2027, 3, 1), date(2027, 4, 7)),
    ],
)
def test_wales_complaint_stages_count_working_days(key, start, expected):
    assert due(key, start, "wales").due_date == expected


def test_working_day_deadlines_do_not_roll_and_start_after_the_day():
    # A complaint received on a Saturday (5 December 2026): day 1 is Monday 7, day 2 Tuesday 8.
    assert due("complaint_wales_acknowledgement", date(2026, 12, 5), "wales").due_date == date(2026, 12, 8)


# ---- the family's own clocks and the police's -------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "start", "nation", "expected"),
    [
        # Harassment (summary): 6 months from the latest incident. 9 October 2026 -> 9 April 2027 (a Friday).
        ("harassment_summary", date(2026, 10, 9), "england", date(2027, 4, 9)),
        # 31 August 2026 -> 28 February 2027: the last day of February, and it stays on a Sunday (no roll).
        ("harassment_summary", date(2026, 8, 31), "wales", date(2027, 2, 28)),
        # Defamation: 1 year from publication. 5 March 2026 -> 5 March 2027.
        ("defamation", date(2026, 3, 5), "england", date(2027, 3, 5)),
        # Published 29 February 2028 -> 28 February 2029.
        ("defamation", date(2028, 2, 29), "wales", date(2029, 2, 28)),
        # Victims' Right to Review: 3 months from the decision. 14 January 2027 -> 14 April 2027.
        ("victims_right_to_review", date(2027, 1, 14), "england", date(2027, 4, 14)),
        # 30 November 2026 -> no 30 February -> 28 February 2027 (a Sunday; it does not move).
        ("victims_right_to_review", date(2026, 11, 30), "wales", date(2027, 2, 28)),
        # ICO complaint: 3 months from the last contact. 31 May 2026 -> 31 August 2026.
        ("ico_complaint", date(2026, 5, 31), "scotland", date(2026, 8, 31)),
    ],
)
def test_calendar_clocks(key, start, nation, expected):
    assert due(key, start, nation).due_date == expected


@pytest.mark.parametrize("latest", [date(2026, 10, 9), date(2026, 8, 31), date(2028, 2, 29)])
def test_harassment_window_agrees_with_the_offence_checklist(latest):
    assert due("harassment_summary", latest, "england").due_date == offences.summary_deadline(latest)


@pytest.mark.parametrize(
    ("key", "binds", "starts"),
    [
        ("sar", "agency", "received"),
        ("ico_complaint", "parent", "last contact"),
        ("complaint_stage2_england", "agency", "stage 2 request"),
        ("complaint_wales_discussion", "agency", "acknowledgement"),
        ("victims_right_to_review", "parent", "decision"),
        ("harassment_summary", "agency", "latest incident"),
        ("defamation", "parent", "publication"),
    ],
)
def test_who_each_clock_binds_and_what_starts_it(key, binds, starts):
    found = deadlines.RULES[key]
    assert (found.binds, found.starts) == (binds, starts)


def test_every_rule_has_a_source_and_known_nations():
    assert set(deadlines.RULES) == {
        "sar",
        "rectification",
        "restriction",
        "ico_complaint",
        "complaint_stage1_england",
        "complaint_stage1_extended_england",
        "complaint_stage2_england",
        "complaint_stage2_extended_england",
        "complaint_wales_acknowledgement",
        "complaint_wales_discussion",
        "complaint_wales_investigation",
        "victims_right_to_review",
        "harassment_summary",
        "defamation",
    }
    for found in deadlines.RULES.values():
        assert found.sources, found.key
        assert all(s.url.startswith("https://") for s in found.sources), found.key
        assert set(found.nations) <= set(deadlines.NATIONS), found.key
        assert found.title and found.title[0].isupper(), found.key


def test_nations_are_the_case_models_values():
    assert set(deadlines.NATIONS) == set(Case.Nation.values)


def test_rules_for_a_nation():
    assert [r.key for r in deadlines.rules_for("scotland")] == ["sar", "rectification", "restriction", "ico_complaint"]
    wales = {r.key for r in deadlines.rules_for("wales")}
    assert "complaint_wales_investigation" in wales
    assert "complaint_stage1_england" not in wales


# ---- bad input --------------------------------------------------------------------------------------------


def test_unknown_nation():
    with pytest.raises(UnknownNation, match="“cornwall” is not a nation"):
        due("sar", date(2026, 9, 3), "cornwall")
    with pytest.raises(UnknownNation):
        working_day(date(2026, 9, 3), "England")  # the stored value, not the label


def test_unknown_rule():
    with pytest.raises(UnknownRule, match="not a deadline the tracker knows"):
        due("appeal", date(2026, 9, 3), "england")


def test_an_england_rule_is_refused_for_wales_and_the_other_way():
    with pytest.raises(RuleNotForNation, match="England only"):
        due("complaint_stage1_england", date(2026, 12, 7), "wales")
    with pytest.raises(RuleNotForNation, match=r"Wales only\. England has its own complaints procedure"):
        due("complaint_wales_discussion", date(2026, 12, 7), "england")


@pytest.mark.parametrize("nation", ["scotland", "northern_ireland"])
def test_scotland_and_northern_ireland_complaints_are_refused_in_words(nation):
    with pytest.raises(RuleNotForNation, match="its own complaints procedure"):
        due("complaint_stage1_england", date(2026, 12, 7), nation)
    with pytest.raises(RuleNotForNation, match="were not checked"):
        due("defamation", date(2026, 12, 7), nation)


@pytest.mark.parametrize("start", ["2026-09-03", None, 20260903, datetime(2026, 9, 3, 10, 0)])
def test_a_start_that_is_not_a_date(start):
    with pytest.raises(NotADate, match="must be a date"):
        due("sar", start, "england")


def test_no_extension_to_add():
    with pytest.raises(NoExtension, match="no extension"):
        due("defamation", date(2026, 3, 5), "england", extended=True)


def test_every_refusal_is_a_value_error():
    for error in (UnknownNation, UnknownRule, RuleNotForNation, NotADate, NoExtension):
        assert issubclass(error, DeadlineError)
        assert issubclass(error, ValueError)


# ---- overdue in words -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_date", "words"),
    [
        (date(2026, 12, 3), "Due today"),
        (date(2026, 12, 4), "Due tomorrow"),
        (date(2026, 12, 8), "Due in 5 days (Tuesday 8 December 2026)"),
        (date(2027, 1, 7), "Due in 35 days (Thursday 7 January 2027)"),
        (date(2026, 12, 2), "1 day overdue"),
        (date(2026, 11, 21), "12 days overdue"),
    ],
)
def test_describe_overdue(due_date, words):
    assert describe_overdue(due_date, date(2026, 12, 3)) == words


def test_disclaimer_says_information_not_advice():
    assert "not legal advice" in deadlines.DISCLAIMER
