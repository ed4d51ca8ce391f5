"""The offence checklist's rules against a table of cases written from the law (see casework/offences.py's
docstring for the sources): expected answers are literals, never worked out by the code under test."""

from datetime import date, timedelta

import pytest

from casework import offences
from casework.offences import (
    Check,
    Checklist,
    Gap,
    IncidentFact,
    IncidentLaw,
    Offence,
    add_months,
    checklist,
    gap_words,
    period_last_day,
    summary_deadline,
)
from incidents.models import Incident

ME = 7  # the suspected person the checklist is for
OTHER = 8  # somebody else
TODAY = date(2026, 12, 3)


def fact(pk, day, *, kind="online_post", who=(ME,), precision="exact", **more):
    more.setdefault("communication", offences.is_communication(kind))
    return IncidentFact(id=pk, occurred_on=day, precision=precision, kind=kind, suspect_ids=frozenset(who), **more)


def by_code(result):
    return {o.code: o for o in result.offences}


def check(offence, label):
    (found,) = [c for c in offence.checks if c.label == label]
    return found


COURSE = "Two or more occasions by this person"
WINDOW = "Time limit (6 months)"


# ---- course of conduct ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "status", "incident_ids"),
    [
        # 1 incident: no course of conduct.
        ([fact(1, date(2026, 10, 9))], "not_met", (1,)),
        # 2 incidents by the same person: a course of conduct.
        ([fact(1, date(2026, 9, 1)), fact(2, date(2026, 10, 9))], "met", (1, 2)),
        # 2 incidents by two different people: not one course of conduct for either.
        ([fact(1, date(2026, 9, 1)), fact(2, date(2026, 10, 9), who=(OTHER,))], "not_met", (1,)),
        # A withdrawn incident is ignored.
        ([fact(1, date(2026, 9, 1)), fact(2, date(2026, 10, 9), withdrawn=True)], "not_met", (1,)),
        # Two suspects on one incident: it counts for each of them.
        ([fact(1, date(2026, 9, 1), who=(ME, OTHER)), fact(2, date(2026, 10, 9))], "met", (1, 2)),
        # No incidents at all.
        ([], "not_met", ()),
    ],
)
def test_course_of_conduct_needs_two_occasions_by_this_person(facts, status, incident_ids):
    result = checklist(nation="england", today=TODAY, party_id=ME, facts=facts)
    for code in ("harassment", "stalking", "fear_of_violence", "serious_stalking"):
        offence = by_code(result)[code]
        assert check(offence, COURSE).status == status
        assert offence.incident_ids == incident_ids
    assert result.incident_ids == incident_ids


def test_the_other_person_gets_no_course_of_conduct_from_one_incident():
    facts = [fact(1, date(2026, 9, 1)), fact(2, date(2026, 10, 9), who=(OTHER,))]
    result = checklist(nation="england", today=TODAY, party_id=OTHER, facts=facts)
    harassment = by_code(result)["harassment"]
    assert harassment.incident_ids == (2,)
    assert check(harassment, COURSE).detail == (
        "Only 1 incident is linked to this person. A course of conduct needs two or more occasions."
    )


def test_a_person_with_no_incidents_gets_a_clear_answer_and_no_date():
    result = checklist(nation="england", today=TODAY, party_id=ME, facts=[fact(1, date(2026, 9, 1), who=(OTHER,))])
    harassment = by_code(result)["harassment"]
    assert check(harassment, COURSE).detail == "No incident is linked to this person as the one suspected yet."
    assert check(harassment, WINDOW).detail == "There is no incident to count from."
    assert harassment.deadline is None
    assert harassment.lacks == ()
    assert result.gaps == ()
    assert by_code(result)["messages_from_2024"].incident_ids == ()
    assert "messages_before_2024" not in by_code(result)


# ---- the 6-month window ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "deadline"),
    [
        (date(2026, 10, 9), date(2027, 4, 9)),  # the example
        (date(2026, 8, 31), date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2027, 8, 31), date(2028, 2, 29)),  # ... 29th in a leap year
        (date(2026, 8, 29), date(2027, 2, 28)),
        (date(2025, 12, 31), date(2026, 6, 30)),  # across a year
        (date(2026, 3, 31), date(2026, 9, 30)),
    ],
)
def test_summary_deadline_is_six_calendar_months_after_the_latest_incident(latest, deadline):
    assert summary_deadline(latest) == deadline


def test_add_months_clamps_and_crosses_years():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_window_sentence_names_the_latest_incident_and_the_date():
    facts = [fact(1, date(2026, 6, 1)), fact(2, date(2026, 10, 9))]
    harassment = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["harassment"]
    window = check(harassment, WINDOW)
    assert window.status == "met"
    assert window.detail == (
        "The latest incident was on 9 October 2026: for the summary offence, proceedings must start by "
        "9 April 2027, so the police need this well before then."
    )
    assert harassment.deadline == date(2027, 4, 9)
    assert harassment.deadline_passed is False


def test_window_on_its_last_day_is_still_open_and_the_day_after_has_passed():
    facts = [fact(1, date(2026, 2, 1)), fact(2, date(2026, 6, 3))]
    on_the_day = by_code(checklist(nation="england", today=date(2026, 12, 3), party_id=ME, facts=facts))
    day_after = by_code(checklist(nation="england", today=date(2026, 12, 4), party_id=ME, facts=facts))
    assert check(on_the_day["stalking"], WINDOW).status == "met"
    assert check(day_after["stalking"], WINDOW).status == "passed"


def test_past_the_window_says_so_plainly():
    facts = [fact(1, date(2025, 1, 10)), fact(2, date(2025, 3, 31))]
    harassment = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["harassment"]
    window = check(harassment, WINDOW)
    assert window.status == "passed"
    assert window.detail == (
        "The latest incident was on 31 March 2025: for this summary offence, proceedings had to start by "
        "30 September 2025. That date has passed. If this person does something again, the earlier incidents "
        "can still count as part of the same course of conduct."
    )
    assert harassment.deadline == date(2025, 9, 30)
    assert harassment.deadline_passed is True


def test_offences_triable_in_the_crown_court_have_no_six_month_date():
    facts = [fact(1, date(2025, 1, 10)), fact(2, date(2025, 3, 31))]
    result = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))
    for code in ("fear_of_violence", "serious_stalking"):
        assert result[code].deadline is None
        assert check(result[code], "Time limit").detail == (
            "This offence can be tried in the Crown Court, so the 6-month limit for summary offences does not apply."
        )


def test_month_precision_is_not_treated_as_a_known_day():
    # Logged as "October 2026": the day is not known, so the window counts from 1 October, the earliest.
    facts = [fact(1, date(2026, 6, 1)), fact(2, date(2026, 10, 17), precision="month")]
    result = checklist(nation="england", today=TODAY, party_id=ME, facts=facts)
    harassment = by_code(result)["harassment"]
    window = check(harassment, WINDOW)
    assert window.status == "unsure"
    assert window.detail == (
        "The latest incident is logged only as October 2026, so the exact day is not known. Counting from the "
        "earliest day it could have been, proceedings for this summary offence must start by 1 April 2027. "
        "If you can find the exact date, add it to the incident."
    )
    assert harassment.deadline == date(2027, 4, 1)
    assert result.notes == (
        "1 of these incidents is logged only to the month, so the exact day is not known. Dates worked out "
        "from them count from the first day of that month.",
    )
    assert [g.words for g in result.gaps] == ["about 4 months later"]


# ---- which law applied on a message's date ----------------------------------------------------------------


def test_messages_either_side_of_31_january_2024_name_different_laws():
    facts = [fact(1, date(2024, 1, 30), kind="direct_message"), fact(2, date(2024, 2, 1), kind="online_post")]
    result = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))
    before, after = result["messages_before_2024"], result["messages_from_2024"]
    assert before.incident_ids == (1,)
    assert before.law == "Malicious Communications Act 1988, section 1, or Communications Act 2003, section 127(2)"
    assert after.incident_ids == (2,)
    assert after.law == "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)"
    assert [(x.incident_id, x.law) for x in before.laws_by_incident + after.laws_by_incident] == [
        (1, "Malicious Communications Act 1988, section 1, or Communications Act 2003, section 127(2)"),
        (2, "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)"),
    ]
    assert check(before, "Which law applied on the message's date").detail == (
        "1 of these messages was sent before 31 January 2024, when the older law still applied. Others were sent "
        "after it: different laws apply to each."
    )
    # Both still make one course of conduct for harassment.
    assert check(result["harassment"], COURSE).status == "met"
    assert result["harassment"].incident_ids == (1, 2)


@pytest.mark.parametrize(
    ("day", "law"),
    [
        (date(2024, 1, 30), "Malicious Communications Act 1988, section 1, or Communications Act 2003, section 127(2)"),
        (date(2024, 1, 31), "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)"),
        (date(2024, 2, 1), "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)"),
    ],
)
def test_the_new_law_applies_from_31_january_2024_itself(day, law):
    assert offences.message_law(day, "england") == law


def test_old_communications_act_long_stop_is_three_years_beginning_with_the_message_day():
    assert period_last_day(date(2024, 1, 30), 3) == date(2027, 1, 29)
    assert period_last_day(date(2020, 2, 29), 3) == date(2023, 2, 28)
    facts = [fact(1, date(2024, 1, 30), kind="direct_message")]
    before = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["messages_before_2024"]
    assert check(before, "Time limit").status == "info"
    assert (
        "must start by 29 January 2027 at the latest (3 years from the message)" in check(before, "Time limit").detail
    )
    later = by_code(checklist(nation="england", today=date(2027, 1, 30), party_id=ME, facts=facts))
    assert check(later["messages_before_2024"], "Time limit").status == "passed"


def test_a_message_dated_only_january_2024_cannot_be_placed_either_side():
    facts = [fact(1, date(2024, 1, 1), kind="direct_message", precision="month")]
    after = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["messages_from_2024"]
    assert check(after, "Dates known only to the month").status == "unsure"


def test_northern_ireland_names_its_own_law_for_old_messages_and_the_same_new_law():
    facts = [fact(1, date(2024, 1, 30), kind="direct_message"), fact(2, date(2024, 2, 1))]
    result = by_code(checklist(nation="northern_ireland", today=TODAY, party_id=ME, facts=facts))
    assert result["messages_before_2024"].law == (
        "Malicious Communications (Northern Ireland) Order 1988, article 3, or Communications Act 2003, section 127(2)"
    )
    assert result["messages_from_2024"].law == (
        "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)"
    )


def test_a_referral_is_a_message_and_a_visit_from_an_agency_is_not():
    assert offences.is_communication("referral_social_services") is True
    assert offences.is_communication("third_party") is True
    assert offences.is_communication("agency_visit") is False
    assert offences.is_communication("police_contact") is False


def test_the_rules_kinds_are_the_models_kinds():
    assert set(Incident.Kind.values) >= offences.STALKING_ACT_KINDS
    assert {offences.EXACT, offences.DAY, offences.MONTH, offences.APPROXIMATE} == set(Incident.Precision.values)


# ---- nations -------------------------------------------------------------------------------------------------


def test_scotland_lists_no_offences_and_says_what_the_checklist_covers():
    facts = [fact(1, date(2026, 9, 1)), fact(2, date(2026, 10, 9))]
    result = checklist(nation="scotland", today=TODAY, party_id=ME, facts=facts)
    assert result.covered is False
    assert result.offences == ()
    assert result.notice == (
        "This checklist covers England, Wales and Northern Ireland. Scotland has its own law (the Criminal Justice "
        "and Licensing (Scotland) Act 2010, sections 38 and 39), so no offences are listed here. The chronology of "
        "this person's incidents is still shown, and you can give it to Police Scotland."
    )
    # The chronology is still there.
    assert result.incident_ids == (1, 2)
    assert [g.words for g in result.gaps] == ["5 weeks later"]


def test_no_nation_assumes_england_and_asks_for_it():
    facts = [fact(1, date(2026, 9, 1)), fact(2, date(2026, 10, 9))]
    result = checklist(nation="", today=TODAY, party_id=ME, facts=facts)
    assert result.nation == "england"
    assert result.covered is True
    assert result.notice == (
        "This case does not say where you live, so this checklist assumes England. Set the case's nation in its "
        "settings: the law is different in Scotland and Northern Ireland."
    )
    assert by_code(result)["harassment"].law == "Protection from Harassment Act 1997, section 2"


def test_wales_has_the_law_of_england_and_wales_without_a_notice():
    result = checklist(nation="wales", today=TODAY, party_id=ME, facts=[fact(1, date(2026, 9, 1))])
    assert result.notice == ""
    assert [o.law for o in result.offences][:4] == [
        "Protection from Harassment Act 1997, section 2",
        "Protection from Harassment Act 1997, section 2A",
        "Protection from Harassment Act 1997, section 4",
        "Protection from Harassment Act 1997, section 4A",
    ]


def test_northern_ireland_stalking_counts_only_incidents_from_27_april_2022():
    facts = [fact(1, date(2022, 4, 26)), fact(2, date(2022, 4, 27)), fact(3, date(2022, 6, 1), kind="other")]
    result = by_code(checklist(nation="northern_ireland", today=TODAY, party_id=ME, facts=facts))
    assert result["harassment"].law == "Protection from Harassment (Northern Ireland) Order 1997, article 4"
    assert result["harassment"].incident_ids == (1, 2, 3)
    stalking = result["stalking"]
    assert stalking.law == "Protection from Stalking Act (Northern Ireland) 2022, section 1"
    assert stalking.incident_ids == (2, 3)
    assert check(stalking, "When this law began").detail == (
        "1 of this person's incidents happened before 27 April 2022, when this law began, so they do not count "
        "for it (they still count for harassment)."
    )
    # No date is worked out for Northern Ireland: its time limits were not verified.
    assert result["harassment"].deadline is None
    assert check(result["harassment"], "Time limit").status == "unsure"


# ---- what the record lacks, gaps, the disclaimer --------------------------------------------------------------


def test_lacks_say_what_is_missing_in_plain_words():
    facts = [fact(1, date(2026, 9, 1), kind="online_post"), fact(2, date(2026, 10, 9), kind="third_party")]
    harassment = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["harassment"]
    assert harassment.lacks == (
        "Nothing logged says how this made you feel or how it affected your family.",
        "No evidence is linked to these incidents yet (a screenshot, a letter, an email).",
        "No evidence links this account to the person you suspect: add anything that shows the account is theirs "
        "(a name, a photo, something only they knew).",
    )


def test_nothing_is_said_missing_when_the_record_has_it():
    facts = [
        fact(1, date(2026, 9, 1), has_impact=True, has_evidence=True),
        fact(2, date(2026, 10, 9), kind="third_party", has_evidence=True),
    ]
    harassment = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["harassment"]
    assert harassment.lacks == ()


@pytest.mark.parametrize(
    ("earlier", "later", "words"),
    [
        (date(2026, 5, 1), date(2026, 5, 1), "the same day"),
        (date(2026, 5, 1), date(2026, 5, 2), "1 day later"),
        (date(2026, 5, 1), date(2026, 5, 11), "10 days later"),
        (date(2026, 5, 1), date(2026, 5, 22), "3 weeks later"),
        (date(2026, 6, 9), date(2026, 10, 9), "4 months later"),
        (date(2026, 6, 10), date(2026, 10, 9), "3 months later"),
        (date(2024, 1, 1), date(2026, 6, 1), "over 2 years later"),
    ],
)
def test_gap_words(earlier, later, words):
    assert gap_words(earlier, later) == words


def test_gaps_are_between_consecutive_incidents_in_date_order_in_days():
    facts = [fact(3, date(2026, 10, 9)), fact(1, date(2026, 6, 9)), fact(2, date(2026, 6, 12), withdrawn=True)]
    result = checklist(nation="england", today=TODAY, party_id=ME, facts=facts)
    assert [(g.from_id, g.to_id, g.days, g.words) for g in result.gaps] == [(1, 3, 122, "4 months later")]


def test_a_long_gap_is_pointed_out():
    facts = [fact(1, date(2025, 1, 1)), fact(2, date(2026, 10, 9))]
    harassment = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["harassment"]
    assert check(harassment, "Time between incidents").detail == (
        "The longest gap between two of these incidents is 646 days. Incidents far apart in time can be harder "
        "to show as one course of conduct."
    )


def test_the_disclaimer_is_one_sentence_on_every_result():
    assert offences.DISCLAIMER == (
        "This checklist gives information, not legal advice: the police and the prosecutors (the Crown "
        "Prosecution Service, or in Northern Ireland the Public Prosecution Service) decide whether an offence "
        "was committed."
    )
    for nation in ("england", "scotland", ""):
        assert checklist(nation=nation, today=TODAY, party_id=ME, facts=[]).disclaimer == offences.DISCLAIMER


# ---- edges of the small rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "words"),
    [
        (date(2026, 5, 1), date(2026, 5, 14), "13 days later"),  # the last "days"
        (date(2026, 5, 1), date(2026, 5, 15), "2 weeks later"),  # 14 days: weeks from here
        (date(2026, 3, 1), date(2026, 4, 29), "8 weeks later"),  # 59 days: the last "weeks"
        (date(2026, 3, 1), date(2026, 4, 30), "1 month later"),  # 60 days: months from here, and only one
        (date(2026, 1, 31), date(2026, 4, 30), "3 months later"),  # 30 April is April's last day: a full month
        (date(2026, 1, 31), date(2026, 4, 29), "2 months later"),  # ... 29 April is not
        (date(2025, 11, 10), date(2026, 2, 10), "3 months later"),  # across the new year
        (date(2024, 1, 1), date(2025, 12, 31), "23 months later"),  # the last "months"
        (date(2024, 1, 1), date(2026, 1, 1), "over 2 years later"),  # 24 months
        (date(2022, 1, 1), date(2025, 2, 1), "over 3 years later"),  # 37 months
    ],
)
def test_gap_words_at_each_boundary(earlier, later, words):
    assert gap_words(earlier, later) == words


def test_rough_gap_words_say_about_except_on_the_same_day():
    assert gap_words(date(2026, 5, 1), date(2026, 5, 11), rough=True) == "about 10 days later"
    assert gap_words(date(2023, 1, 1), date(2026, 3, 1)) == "over 3 years later"
    assert gap_words(date(2023, 1, 1), date(2026, 3, 1), rough=True) == "about 3 years later"  # not "about over"
    assert gap_words(date(2026, 5, 1), date(2026, 5, 1), rough=True) == "the same day"


@pytest.mark.parametrize(
    ("precision", "words"),
    [
        ("exact", "9 October 2026"),
        ("day", "9 October 2026"),
        ("month", "October 2026"),
        ("approximate", "about 9 October 2026"),
    ],
)
def test_when_text_says_the_date_as_precisely_as_it_is_known(precision, words):
    assert offences.when_text(fact(1, date(2026, 10, 9), precision=precision)) == words


@pytest.mark.parametrize(("days", "pointed_out"), [(183, False), (184, True)])
def test_a_gap_is_long_from_184_days(days, pointed_out):
    facts = [fact(1, date(2026, 1, 1)), fact(2, date(2026, 1, 1) + timedelta(days=days))]
    harassment = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["harassment"]
    labels = [c.label for c in harassment.checks]
    assert labels == ([COURSE, "Time between incidents", WINDOW] if pointed_out else [COURSE, WINDOW])


@pytest.mark.parametrize(
    ("today", "status", "passed", "ending"),
    [
        (
            date(2026, 12, 1),
            "unsure",
            False,
            "must start by 1 December 2026. If you can find the exact date, add it to the incident.",
        ),
        (
            date(2026, 12, 2),
            "unsure",
            False,
            "must start by 1 December 2026. That date has passed; counting from the month's last day, it is "
            "30 December 2026. Whether there is still time depends on the exact day: if you can find it, add it "
            "to the incident.",
        ),
        (
            date(2026, 12, 30),
            "unsure",
            False,
            "must start by 1 December 2026. That date has passed; counting from the month's last day, it is "
            "30 December 2026. Whether there is still time depends on the exact day: if you can find it, add it "
            "to the incident.",
        ),
        (
            date(2026, 12, 31),
            "passed",
            True,
            "must start by 1 December 2026. That date has passed, and so has 30 December 2026, counting from the "
            "month's last day.",
        ),
    ],
)
def test_a_month_only_window_has_surely_passed_only_when_the_months_last_day_has(today, status, passed, ending):
    # Logged as June 2026: counted from 1 June, the date is 1 December 2026; from 30 June, 30 December 2026.
    # Between the two it depends on the day, which is not known: never "time has run out" while it may not have.
    facts = [fact(1, date(2026, 2, 1)), fact(2, date(2026, 6, 20), precision="month")]
    stalking = by_code(checklist(nation="england", today=today, party_id=ME, facts=facts))["stalking"]
    window = check(stalking, WINDOW)
    assert (window.status, stalking.deadline_passed) == (status, passed)
    assert window.detail == (
        "The latest incident is logged only as June 2026, so the exact day is not known. Counting from the "
        "earliest day it could have been, proceedings for this summary offence " + ending
    )
    assert stalking.deadline == date(2026, 12, 1)  # the earliest: the date the police are told to work to


def test_a_month_only_message_outside_january_2024_is_not_said_to_be_unsure():
    facts = [fact(1, date(2024, 2, 10), kind="direct_message", precision="month")]
    after = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["messages_from_2024"]
    assert [c.label for c in after.checks] == ["Which law applied on the message's date", "Time limit"]


def test_two_month_only_messages_in_january_2024_are_counted_in_the_plural():
    facts = [
        fact(1, date(2024, 1, 3), kind="direct_message", precision="month"),
        fact(2, date(2024, 1, 20), kind="online_post", precision="month"),
    ]
    result = checklist(nation="england", today=TODAY, party_id=ME, facts=facts)
    assert check(by_code(result)["messages_from_2024"], "Dates known only to the month").detail == (
        "2 messages are logged only as January 2024, so it cannot be told whether they were sent before or after "
        "31 January 2024. If you can find the exact date, add it."
    )
    assert result.notes == (
        "2 of these incidents are logged only to the month, so the exact day is not known. Dates worked out "
        "from them count from the first day of that month.",
    )


# ---- whole results, written out ---------------------------------------------------------------------------
# Each case below pins the checklist's WHOLE answer (every offence, every check's status and words, every "lacks"
# line, the gaps, the notes), read and checked by hand against the facts and the sources in the module's
# docstring. The texts that recur are named once here.

ACCOUNT = (
    "No evidence links this account to the person you suspect: add anything "
    "that shows the account is theirs (a name, a photo, something only they "
    "knew)."
)
SAY_WHAT = "Say in each incident what in the message was false, or what it threatened."
NO_IMPACT = "Nothing logged says how this made you feel or how it affected your family."
NONE_LINKED = "No evidence is linked to these incidents yet (a screenshot, a letter, an email)."
OSA = "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)"
OLD_EW = "Malicious Communications Act 1988, section 1, or Communications Act 2003, section 127(2)"
OLD_NI = "Malicious Communications (Northern Ireland) Order 1988, article 3, or Communications Act 2003, section 127(2)"
CROWN_COURT = Check(
    label="Time limit",
    status="info",
    detail=("This offence can be tried in the Crown Court, so the 6-month limit for summary offences does not apply."),
)
FEAR = Check(
    label="Fear of violence on at least two occasions",
    status="unsure",
    detail=(
        "The record cannot tell this. If you feared violence would be used "
        "against you, say so in what it did to you on each incident."
    ),
)
NI_TIME = Check(
    label="Time limit",
    status="unsure",
    detail=(
        "The time limits for Northern Ireland's offences are not worked out here. "
        "Report it promptly and ask the police."
    ),
)
OSA_TIME = Check(
    label="Time limit",
    status="info",
    detail=(
        "For the false communications offence, the 6 months run from when the "
        "prosecutor has enough evidence, so report it promptly. The threats "
        "offence can be tried in the Crown Court."
    ),
)
ONE_OCCASION = Check(
    label="Two or more occasions by this person",
    status="not_met",
    detail=("Only 1 incident is linked to this person. A course of conduct needs two or more occasions."),
)
NO_STALKING_ACTS = Check(
    label="Acts of the kind linked with stalking",
    status="not_met",
    detail=("None of these incidents is a post, message, referral or contact with others about you."),
)
IMPACT_LOGGED = Check(
    label=("Fear of violence, or serious alarm or distress that changed your daily life"),
    status="unsure",
    detail=(
        "Something is logged about how it affected you. Make sure it says how it "
        "changed your day-to-day life (work, sleep, the school run, going out)."
    ),
)
NO_IMPACT_LOGGED = Check(
    label=("Fear of violence, or serious alarm or distress that changed your daily life"),
    status="not_met",
    detail=(
        "Nothing logged says how it affected you. Say how it changed your "
        "day-to-day life (work, sleep, the school run, going out)."
    ),
)
NO_MESSAGE_FROM_2024 = Check(
    label="A message on or after 31 January 2024",
    status="not_met",
    detail=("No message, post or referral by this person on or after 31 January 2024 is logged."),
)


def test_whole_result_messages_on_30_31_january_and_1_february_2024():
    # England. A message the day before the Online Safety Act 2023 offences began (old law), one ON 31 January 2024
    # (the new law applies from that day) and one the day after; one has a copy linked, one has impact logged.
    facts = [
        fact(1, date(2024, 1, 30), kind="direct_message", has_evidence=True),
        fact(2, date(2024, 1, 31), kind="referral_social_services", has_impact=True),
        fact(3, date(2024, 2, 1), kind="online_post"),
    ]
    course = Check(
        label="Two or more occasions by this person",
        status="met",
        detail=("3 incidents are linked to this person as the one suspected. Two or more can be a course of conduct."),
    )
    window = Check(
        label="Time limit (6 months)",
        status="passed",
        detail=(
            "The latest incident was on 1 February 2024: for this summary offence, "
            "proceedings had to start by 1 August 2024. That date has passed. If this "
            "person does something again, the earlier incidents can still count as "
            "part of the same course of conduct."
        ),
    )
    acts = Check(
        label="Acts of the kind linked with stalking",
        status="met",
        detail=(
            "Posts, messages, referrals or contact with others about you: 3 of these "
            "incidents. These are acts of the kind linked with stalking. Contacting "
            "someone's employer or a professional body can be part of it too."
        ),
    )
    lacks = ("2 of these incidents have no evidence linked yet.", ACCOUNT)
    assert checklist(nation="england", today=date(2026, 12, 3), party_id=ME, facts=facts) == Checklist(
        nation="england",
        covered=True,
        notice="",
        incident_ids=(1, 2, 3),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment Act 1997, section 2",
                incident_ids=(1, 2, 3),
                checks=(course, window),
                lacks=lacks,
                deadline=date(2024, 8, 1),
                deadline_passed=True,
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Harassment Act 1997, section 2A",
                incident_ids=(1, 2, 3),
                checks=(course, acts, window),
                lacks=lacks,
                deadline=date(2024, 8, 1),
                deadline_passed=True,
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment Act 1997, section 4",
                incident_ids=(1, 2, 3),
                checks=(course, FEAR, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="serious_stalking",
                name="Stalking causing fear of violence or serious alarm or distress",
                law="Protection from Harassment Act 1997, section 4A",
                incident_ids=(1, 2, 3),
                checks=(course, acts, IMPACT_LOGGED, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="messages_before_2024",
                name="Sending false or threatening messages (before 31 January 2024)",
                law=OLD_EW,
                incident_ids=(1,),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "1 of these messages was sent before 31 January 2024, when the older law "
                            "still applied. Others were sent after it: different laws apply to each."
                        ),
                    ),
                    Check(
                        label="Time limit",
                        status="info",
                        detail=(
                            "The Malicious Communications offence can be tried in the Crown Court, "
                            "with no 6-month limit. For the Communications Act offence, proceedings "
                            "for the latest of these messages (30 January 2024) must start by 29 "
                            "January 2027 at the latest (3 years from the message), and within 6 "
                            "months of the prosecutor having enough evidence."
                        ),
                    ),
                ),
                lacks=(SAY_WHAT,),
                laws_by_incident=(IncidentLaw(incident_id=1, occurred_on=date(2024, 1, 30), law=OLD_EW),),
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(2, 3),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "2 of these messages were sent on or after 31 January 2024, when the "
                            "Online Safety Act 2023 offences began. Others were sent before it: "
                            "different laws apply to each."
                        ),
                    ),
                    OSA_TIME,
                ),
                lacks=(
                    ("2 of these messages have no copy linked: add a screenshot, the letter or the email."),
                    ACCOUNT,
                    SAY_WHAT,
                ),
                laws_by_incident=(
                    IncidentLaw(incident_id=2, occurred_on=date(2024, 1, 31), law=OSA),
                    IncidentLaw(incident_id=3, occurred_on=date(2024, 2, 1), law=OSA),
                ),
            ),
        ),
        gaps=(
            Gap(from_id=1, to_id=2, days=1, words="1 day later"),
            Gap(from_id=2, to_id=3, days=1, words="1 day later"),
        ),
    )


def test_whole_result_a_message_known_only_as_january_2024():
    # England, seen on 20 January 2027. A message logged only as January 2024 (stored as the 15th) cannot be placed
    # either side of the 31st, nor said to be before it; its dates count from 1 January 2024 and from 31 January
    # 2024: the 6-month date (1 July, 31 July 2024) surely passed; the Communications Act's 3 years end on 31
    # December 2026 or 30 January 2027, so whether there is still time depends on the day. An approximate incident
    # before it.
    facts = [
        fact(1, date(2023, 11, 2), kind="other", precision="approximate"),
        fact(2, date(2024, 1, 15), kind="direct_message", precision="month", has_evidence=True),
    ]
    course = Check(
        label="Two or more occasions by this person",
        status="met",
        detail=("2 incidents are linked to this person as the one suspected. Two or more can be a course of conduct."),
    )
    window = Check(
        label="Time limit (6 months)",
        status="passed",
        detail=(
            "The latest incident is logged only as January 2024, so the exact day is "
            "not known. Counting from the earliest day it could have been, "
            "proceedings for this summary offence must start by 1 July 2024. That "
            "date has passed, and so has 31 July 2024, counting from the month's last day."
        ),
    )
    acts = Check(
        label="Acts of the kind linked with stalking",
        status="met",
        detail=(
            "Posts, messages, referrals or contact with others about you: 1 of these "
            "incidents. These are acts of the kind linked with stalking. Contacting "
            "someone's employer or a professional body can be part of it too."
        ),
    )
    lacks = (NO_IMPACT, "1 of these incidents has no evidence linked yet.")
    assert checklist(nation="england", today=date(2027, 1, 20), party_id=ME, facts=facts) == Checklist(
        nation="england",
        covered=True,
        notice="",
        incident_ids=(1, 2),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment Act 1997, section 2",
                incident_ids=(1, 2),
                checks=(course, window),
                lacks=lacks,
                deadline=date(2024, 7, 1),
                deadline_passed=True,
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Harassment Act 1997, section 2A",
                incident_ids=(1, 2),
                checks=(course, acts, window),
                lacks=lacks,
                deadline=date(2024, 7, 1),
                deadline_passed=True,
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment Act 1997, section 4",
                incident_ids=(1, 2),
                checks=(course, FEAR, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="serious_stalking",
                name="Stalking causing fear of violence or serious alarm or distress",
                law="Protection from Harassment Act 1997, section 4A",
                incident_ids=(1, 2),
                checks=(course, acts, NO_IMPACT_LOGGED, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="messages_before_2024",
                name="Sending false or threatening messages (before 31 January 2024)",
                law=OLD_EW,
                incident_ids=(2,),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "1 message is logged only as January 2024, so it may have been sent before 31 January "
                            "2024, when the older law still applied."
                        ),
                    ),
                    Check(
                        label="Time limit",
                        status="unsure",
                        detail=(
                            "The Malicious Communications offence can be tried in the Crown Court, "
                            "with no 6-month limit. For the Communications Act offence, proceedings "
                            "for the latest of these messages (January 2024) must start by 31 "
                            "December 2026 at the latest (3 years from the message), counting from the first day "
                            "of the month: that date has passed, but counting from its last day it is 30 January "
                            "2027. Whether there is still time depends on the exact day: if you can find it, add "
                            "it to the incident."
                        ),
                    ),
                ),
                lacks=(SAY_WHAT,),
                laws_by_incident=(IncidentLaw(incident_id=2, occurred_on=date(2024, 1, 15), law=OLD_EW),),
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(),
                checks=(
                    NO_MESSAGE_FROM_2024,
                    Check(
                        label="Dates known only to the month",
                        status="unsure",
                        detail=(
                            "1 message is logged only as January 2024, so it cannot be told whether "
                            "they were sent before or after 31 January 2024. If you can find the "
                            "exact date, add it."
                        ),
                    ),
                ),
                lacks=(),
            ),
        ),
        gaps=(Gap(from_id=1, to_id=2, days=74, words="about 2 months later"),),
        notes=(
            (
                "1 of these incidents is logged only to the month, so the exact day is "
                "not known. Dates worked out from them count from the first day of that "
                "month."
            ),
            ("1 of these incidents has an approximate date: treat the dates here as a guide."),
        ),
    )


def test_whole_result_northern_ireland_before_and_after_its_stalking_act():
    # Northern Ireland: two incidents before 27 April 2022 (not counted for the 2022 Act's stalking), one ON that day
    # and one a year later; old-law messages name the Northern Ireland Order, which is tried only in a magistrates'
    # court; the Communications Act's 3 years from 27 April 2022 ended 26 April 2025.
    facts = [
        fact(1, date(2022, 3, 1), kind="online_post"),
        fact(2, date(2022, 4, 26), kind="doxing"),
        fact(3, date(2022, 4, 27), kind="third_party", has_evidence=True),
        fact(4, date(2023, 5, 1), kind="other", has_impact=True),
    ]
    course = Check(
        label="Two or more occasions by this person",
        status="met",
        detail=("4 incidents are linked to this person as the one suspected. Two or more can be a course of conduct."),
    )
    long_gap = Check(
        label="Time between incidents",
        status="info",
        detail=(
            "The longest gap between two of these incidents is 369 days. Incidents "
            "far apart in time can be harder to show as one course of conduct."
        ),
    )
    lacks = ("3 of these incidents have no evidence linked yet.", ACCOUNT)
    assert checklist(nation="northern_ireland", today=date(2026, 12, 3), party_id=ME, facts=facts) == Checklist(
        nation="northern_ireland",
        covered=True,
        notice="",
        incident_ids=(1, 2, 3, 4),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment (Northern Ireland) Order 1997, article 4",
                incident_ids=(1, 2, 3, 4),
                checks=(course, long_gap, NI_TIME),
                lacks=lacks,
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Stalking Act (Northern Ireland) 2022, section 1",
                incident_ids=(3, 4),
                checks=(
                    Check(
                        label="When this law began",
                        status="info",
                        detail=(
                            "2 of this person's incidents happened before 27 April 2022, when this "
                            "law began, so they do not count for it (they still count for "
                            "harassment)."
                        ),
                    ),
                    Check(
                        label="Two or more occasions by this person",
                        status="met",
                        detail=(
                            "2 incidents are linked to this person as the one suspected. Two or more "
                            "can be a course of conduct."
                        ),
                    ),
                    long_gap,
                    Check(
                        label="Acts of the kind linked with stalking",
                        status="met",
                        detail=(
                            "Posts, messages, referrals or contact with others about you: 1 of these "
                            "incidents. These are acts of the kind linked with stalking. Contacting "
                            "someone's employer or a professional body can be part of it too."
                        ),
                    ),
                    NI_TIME,
                ),
                lacks=("1 of these incidents has no evidence linked yet.",),
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment (Northern Ireland) Order 1997, article 6",
                incident_ids=(1, 2, 3, 4),
                checks=(course, long_gap, FEAR, NI_TIME),
                lacks=lacks,
            ),
            Offence(
                code="messages_before_2024",
                name="Sending false or threatening messages (before 31 January 2024)",
                law=OLD_NI,
                incident_ids=(1, 3),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "2 of these messages were sent before 31 January 2024, when the older law still applied."
                        ),
                    ),
                    Check(
                        label="Time limit",
                        status="passed",
                        detail=(
                            "The Malicious Communications (Northern Ireland) Order offence can be "
                            "tried only in a magistrates' court, and its time limit is not worked out "
                            "here: report it promptly and ask the police. For the Communications Act "
                            "offence, proceedings for the latest of these messages (27 April 2022) "
                            "must start by 26 April 2025 at the latest (3 years from the message): "
                            "that date has passed."
                        ),
                    ),
                ),
                lacks=(
                    ("1 of these messages has no copy linked: add a screenshot, the letter or the email."),
                    ACCOUNT,
                    SAY_WHAT,
                ),
                laws_by_incident=(
                    IncidentLaw(incident_id=1, occurred_on=date(2022, 3, 1), law=OLD_NI),
                    IncidentLaw(incident_id=3, occurred_on=date(2022, 4, 27), law=OLD_NI),
                ),
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(),
                checks=(NO_MESSAGE_FROM_2024,),
                lacks=(),
            ),
        ),
        gaps=(
            Gap(from_id=1, to_id=2, days=56, words="8 weeks later"),
            Gap(from_id=2, to_id=3, days=1, words="1 day later"),
            Gap(from_id=3, to_id=4, days=369, words="12 months later"),
        ),
    )


def test_whole_result_northern_ireland_one_incident_under_its_stalking_act():
    # Northern Ireland: one incident the day before the stalking Act, one message on 29 February 2024 (new law):
    # a course of conduct for harassment, not for the 2022 Act's stalking.
    facts = [
        fact(1, date(2022, 4, 26), kind="other", has_evidence=True),
        fact(2, date(2024, 2, 29), kind="direct_message", has_impact=True, has_evidence=True),
    ]
    course = Check(
        label="Two or more occasions by this person",
        status="met",
        detail=("2 incidents are linked to this person as the one suspected. Two or more can be a course of conduct."),
    )
    long_gap = Check(
        label="Time between incidents",
        status="info",
        detail=(
            "The longest gap between two of these incidents is 674 days. Incidents "
            "far apart in time can be harder to show as one course of conduct."
        ),
    )
    assert checklist(nation="northern_ireland", today=date(2026, 12, 3), party_id=ME, facts=facts) == Checklist(
        nation="northern_ireland",
        covered=True,
        notice="",
        incident_ids=(1, 2),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment (Northern Ireland) Order 1997, article 4",
                incident_ids=(1, 2),
                checks=(course, long_gap, NI_TIME),
                lacks=(),
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Stalking Act (Northern Ireland) 2022, section 1",
                incident_ids=(2,),
                checks=(
                    Check(
                        label="When this law began",
                        status="info",
                        detail=(
                            "1 of this person's incidents happened before 27 April 2022, when this "
                            "law began, so they do not count for it (they still count for "
                            "harassment)."
                        ),
                    ),
                    ONE_OCCASION,
                    Check(
                        label="Acts of the kind linked with stalking",
                        status="met",
                        detail=(
                            "Posts, messages, referrals or contact with others about you: 1 of these "
                            "incidents. These are acts of the kind linked with stalking. Contacting "
                            "someone's employer or a professional body can be part of it too."
                        ),
                    ),
                    NI_TIME,
                ),
                lacks=(),
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment (Northern Ireland) Order 1997, article 6",
                incident_ids=(1, 2),
                checks=(course, long_gap, FEAR, NI_TIME),
                lacks=(),
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(2,),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "1 of these messages was sent on or after 31 January 2024, when the "
                            "Online Safety Act 2023 offences began."
                        ),
                    ),
                    OSA_TIME,
                ),
                lacks=(SAY_WHAT,),
                laws_by_incident=(IncidentLaw(incident_id=2, occurred_on=date(2024, 2, 29), law=OSA),),
            ),
        ),
        gaps=(Gap(from_id=1, to_id=2, days=674, words="22 months later"),),
    )


def test_whole_result_wales_three_incidents_with_a_long_gap_within_the_window():
    # Wales (the law of England and Wales, no notice): 3 incidents, the last gap 644 days, the latest 20 November
    # 2026, so the 6-month date is 20 May 2027 and still ahead; all messages are under the new law.
    facts = [
        fact(1, date(2025, 1, 10), kind="online_post", has_impact=True, has_evidence=True),
        fact(2, date(2025, 2, 14), kind="agency_visit", has_evidence=True),
        fact(3, date(2026, 11, 20), kind="direct_message"),
    ]
    course = Check(
        label="Two or more occasions by this person",
        status="met",
        detail=("3 incidents are linked to this person as the one suspected. Two or more can be a course of conduct."),
    )
    long_gap = Check(
        label="Time between incidents",
        status="info",
        detail=(
            "The longest gap between two of these incidents is 644 days. Incidents "
            "far apart in time can be harder to show as one course of conduct."
        ),
    )
    window = Check(
        label="Time limit (6 months)",
        status="met",
        detail=(
            "The latest incident was on 20 November 2026: for the summary offence, "
            "proceedings must start by 20 May 2027, so the police need this well "
            "before then."
        ),
    )
    acts = Check(
        label="Acts of the kind linked with stalking",
        status="met",
        detail=(
            "Posts, messages, referrals or contact with others about you: 2 of these "
            "incidents. These are acts of the kind linked with stalking. Contacting "
            "someone's employer or a professional body can be part of it too."
        ),
    )
    lacks = ("1 of these incidents has no evidence linked yet.", ACCOUNT)
    assert checklist(nation="wales", today=date(2026, 12, 3), party_id=ME, facts=facts) == Checklist(
        nation="wales",
        covered=True,
        notice="",
        incident_ids=(1, 2, 3),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment Act 1997, section 2",
                incident_ids=(1, 2, 3),
                checks=(course, long_gap, window),
                lacks=lacks,
                deadline=date(2027, 5, 20),
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Harassment Act 1997, section 2A",
                incident_ids=(1, 2, 3),
                checks=(course, long_gap, acts, window),
                lacks=lacks,
                deadline=date(2027, 5, 20),
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment Act 1997, section 4",
                incident_ids=(1, 2, 3),
                checks=(course, long_gap, FEAR, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="serious_stalking",
                name="Stalking causing fear of violence or serious alarm or distress",
                law="Protection from Harassment Act 1997, section 4A",
                incident_ids=(1, 2, 3),
                checks=(course, long_gap, acts, IMPACT_LOGGED, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(1, 3),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "2 of these messages were sent on or after 31 January 2024, when the "
                            "Online Safety Act 2023 offences began."
                        ),
                    ),
                    OSA_TIME,
                ),
                lacks=(
                    ("1 of these messages has no copy linked: add a screenshot, the letter or the email."),
                    ACCOUNT,
                    SAY_WHAT,
                ),
                laws_by_incident=(
                    IncidentLaw(incident_id=1, occurred_on=date(2025, 1, 10), law=OSA),
                    IncidentLaw(incident_id=3, occurred_on=date(2026, 11, 20), law=OSA),
                ),
            ),
        ),
        gaps=(
            Gap(from_id=1, to_id=2, days=35, words="5 weeks later"),
            Gap(from_id=2, to_id=3, days=644, words="21 months later"),
        ),
    )


def test_whole_result_no_nation_one_incident_that_is_not_a_message():
    # No nation set: England is assumed and the notice asks for it; one incident that is neither a message nor an
    # act of the kind linked with stalking, with impact logged and no evidence.
    facts = [fact(1, date(2026, 11, 2), kind="police_contact", has_impact=True)]
    window = Check(
        label="Time limit (6 months)",
        status="met",
        detail=(
            "The latest incident was on 2 November 2026: for the summary offence, "
            "proceedings must start by 2 May 2027, so the police need this well "
            "before then."
        ),
    )
    lacks = (NONE_LINKED,)
    assert checklist(nation="", today=date(2026, 12, 3), party_id=ME, facts=facts) == Checklist(
        nation="england",
        covered=True,
        notice=(
            "This case does not say where you live, so this checklist assumes "
            "England. Set the case's nation in its settings: the law is different in "
            "Scotland and Northern Ireland."
        ),
        incident_ids=(1,),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment Act 1997, section 2",
                incident_ids=(1,),
                checks=(ONE_OCCASION, window),
                lacks=lacks,
                deadline=date(2027, 5, 2),
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Harassment Act 1997, section 2A",
                incident_ids=(1,),
                checks=(ONE_OCCASION, NO_STALKING_ACTS, window),
                lacks=lacks,
                deadline=date(2027, 5, 2),
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment Act 1997, section 4",
                incident_ids=(1,),
                checks=(ONE_OCCASION, FEAR, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="serious_stalking",
                name="Stalking causing fear of violence or serious alarm or distress",
                law="Protection from Harassment Act 1997, section 4A",
                incident_ids=(1,),
                checks=(ONE_OCCASION, NO_STALKING_ACTS, IMPACT_LOGGED, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(),
                checks=(NO_MESSAGE_FROM_2024,),
                lacks=(),
            ),
        ),
        gaps=(),
    )


def test_whole_result_communications_act_long_stop_on_its_last_day():
    # A referral on 30 January 2024: the 3 years beginning with that day end on 29 January 2027, still open on it.
    facts = [fact(1, date(2024, 1, 30), kind="referral_nspcc")]
    window = Check(
        label="Time limit (6 months)",
        status="passed",
        detail=(
            "The latest incident was on 30 January 2024: for this summary offence, "
            "proceedings had to start by 30 July 2024. That date has passed. If this "
            "person does something again, the earlier incidents can still count as "
            "part of the same course of conduct."
        ),
    )
    acts = Check(
        label="Acts of the kind linked with stalking",
        status="met",
        detail=(
            "Posts, messages, referrals or contact with others about you: 1 of these "
            "incidents. These are acts of the kind linked with stalking. Contacting "
            "someone's employer or a professional body can be part of it too."
        ),
    )
    lacks = (NO_IMPACT, NONE_LINKED)
    assert checklist(nation="england", today=date(2027, 1, 29), party_id=ME, facts=facts) == Checklist(
        nation="england",
        covered=True,
        notice="",
        incident_ids=(1,),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment Act 1997, section 2",
                incident_ids=(1,),
                checks=(ONE_OCCASION, window),
                lacks=lacks,
                deadline=date(2024, 7, 30),
                deadline_passed=True,
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Harassment Act 1997, section 2A",
                incident_ids=(1,),
                checks=(ONE_OCCASION, acts, window),
                lacks=lacks,
                deadline=date(2024, 7, 30),
                deadline_passed=True,
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment Act 1997, section 4",
                incident_ids=(1,),
                checks=(ONE_OCCASION, FEAR, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="serious_stalking",
                name="Stalking causing fear of violence or serious alarm or distress",
                law="Protection from Harassment Act 1997, section 4A",
                incident_ids=(1,),
                checks=(ONE_OCCASION, acts, NO_IMPACT_LOGGED, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="messages_before_2024",
                name="Sending false or threatening messages (before 31 January 2024)",
                law=OLD_EW,
                incident_ids=(1,),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "1 of these messages was sent before 31 January 2024, when the older law still applied."
                        ),
                    ),
                    Check(
                        label="Time limit",
                        status="info",
                        detail=(
                            "The Malicious Communications offence can be tried in the Crown Court, "
                            "with no 6-month limit. For the Communications Act offence, proceedings "
                            "for the latest of these messages (30 January 2024) must start by 29 "
                            "January 2027 at the latest (3 years from the message), and within 6 "
                            "months of the prosecutor having enough evidence."
                        ),
                    ),
                ),
                lacks=(
                    ("1 of these messages has no copy linked: add a screenshot, the letter or the email."),
                    SAY_WHAT,
                ),
                laws_by_incident=(IncidentLaw(incident_id=1, occurred_on=date(2024, 1, 30), law=OLD_EW),),
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(),
                checks=(NO_MESSAGE_FROM_2024,),
                lacks=(),
            ),
        ),
        gaps=(),
    )


def test_whole_result_communications_act_long_stop_the_day_after():
    # The same referral seen on 30 January 2027: the 3 years have run out.
    facts = [fact(1, date(2024, 1, 30), kind="referral_nspcc")]
    window = Check(
        label="Time limit (6 months)",
        status="passed",
        detail=(
            "The latest incident was on 30 January 2024: for this summary offence, "
            "proceedings had to start by 30 July 2024. That date has passed. If this "
            "person does something again, the earlier incidents can still count as "
            "part of the same course of conduct."
        ),
    )
    acts = Check(
        label="Acts of the kind linked with stalking",
        status="met",
        detail=(
            "Posts, messages, referrals or contact with others about you: 1 of these "
            "incidents. These are acts of the kind linked with stalking. Contacting "
            "someone's employer or a professional body can be part of it too."
        ),
    )
    lacks = (NO_IMPACT, NONE_LINKED)
    assert checklist(nation="england", today=date(2027, 1, 30), party_id=ME, facts=facts) == Checklist(
        nation="england",
        covered=True,
        notice="",
        incident_ids=(1,),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment Act 1997, section 2",
                incident_ids=(1,),
                checks=(ONE_OCCASION, window),
                lacks=lacks,
                deadline=date(2024, 7, 30),
                deadline_passed=True,
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Harassment Act 1997, section 2A",
                incident_ids=(1,),
                checks=(ONE_OCCASION, acts, window),
                lacks=lacks,
                deadline=date(2024, 7, 30),
                deadline_passed=True,
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment Act 1997, section 4",
                incident_ids=(1,),
                checks=(ONE_OCCASION, FEAR, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="serious_stalking",
                name="Stalking causing fear of violence or serious alarm or distress",
                law="Protection from Harassment Act 1997, section 4A",
                incident_ids=(1,),
                checks=(ONE_OCCASION, acts, NO_IMPACT_LOGGED, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="messages_before_2024",
                name="Sending false or threatening messages (before 31 January 2024)",
                law=OLD_EW,
                incident_ids=(1,),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "1 of these messages was sent before 31 January 2024, when the older law still applied."
                        ),
                    ),
                    Check(
                        label="Time limit",
                        status="passed",
                        detail=(
                            "The Malicious Communications offence can be tried in the Crown Court, "
                            "with no 6-month limit. For the Communications Act offence, proceedings "
                            "for the latest of these messages (30 January 2024) must start by 29 "
                            "January 2027 at the latest (3 years from the message): that date has "
                            "passed."
                        ),
                    ),
                ),
                lacks=(
                    ("1 of these messages has no copy linked: add a screenshot, the letter or the email."),
                    SAY_WHAT,
                ),
                laws_by_incident=(IncidentLaw(incident_id=1, occurred_on=date(2024, 1, 30), law=OLD_EW),),
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(),
                checks=(NO_MESSAGE_FROM_2024,),
                lacks=(),
            ),
        ),
        gaps=(),
    )


def test_whole_result_no_incidents_for_this_person():
    # Only somebody else's incident: nothing for this person, no date, nothing said missing, no old-law messages.
    facts = [fact(1, date(2026, 9, 1), who=(OTHER,))]
    course = Check(
        label="Two or more occasions by this person",
        status="not_met",
        detail="No incident is linked to this person as the one suspected yet.",
    )
    window = Check(label="Time limit (6 months)", status="not_met", detail="There is no incident to count from.")
    assert checklist(nation="england", today=date(2026, 12, 3), party_id=ME, facts=facts) == Checklist(
        nation="england",
        covered=True,
        notice="",
        incident_ids=(),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment Act 1997, section 2",
                incident_ids=(),
                checks=(course, window),
                lacks=(),
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Harassment Act 1997, section 2A",
                incident_ids=(),
                checks=(course, NO_STALKING_ACTS, window),
                lacks=(),
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment Act 1997, section 4",
                incident_ids=(),
                checks=(course, FEAR, CROWN_COURT),
                lacks=(),
            ),
            Offence(
                code="serious_stalking",
                name="Stalking causing fear of violence or serious alarm or distress",
                law="Protection from Harassment Act 1997, section 4A",
                incident_ids=(),
                checks=(course, NO_STALKING_ACTS, NO_IMPACT_LOGGED, CROWN_COURT),
                lacks=(),
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(),
                checks=(NO_MESSAGE_FROM_2024,),
                lacks=(),
            ),
        ),
        gaps=(),
    )


def test_whole_result_approximate_dates_within_the_window():
    # England: an old-law message on or about 10 January 2023 (its 3 years ended 9 January 2026), and the latest
    # incident on or about 14 September 2026, so the 6-month date 14 March 2027 is ahead; the gaps are rough.
    facts = [
        fact(1, date(2023, 1, 10), kind="direct_message", precision="approximate", has_evidence=True),
        fact(2, date(2024, 10, 1), kind="other", precision="day"),
        fact(3, date(2026, 9, 14), kind="online_post", precision="approximate", has_impact=True),
    ]
    course = Check(
        label="Two or more occasions by this person",
        status="met",
        detail=("3 incidents are linked to this person as the one suspected. Two or more can be a course of conduct."),
    )
    long_gap = Check(
        label="Time between incidents",
        status="info",
        detail=(
            "The longest gap between two of these incidents is 713 days. Incidents "
            "far apart in time can be harder to show as one course of conduct."
        ),
    )
    window = Check(
        label="Time limit (6 months)",
        status="met",
        detail=(
            "The latest incident was on or about 14 September 2026: for the summary "
            "offence, proceedings must start by 14 March 2027, so the police need "
            "this well before then."
        ),
    )
    acts = Check(
        label="Acts of the kind linked with stalking",
        status="met",
        detail=(
            "Posts, messages, referrals or contact with others about you: 2 of these "
            "incidents. These are acts of the kind linked with stalking. Contacting "
            "someone's employer or a professional body can be part of it too."
        ),
    )
    lacks = ("2 of these incidents have no evidence linked yet.", ACCOUNT)
    assert checklist(nation="england", today=date(2026, 12, 3), party_id=ME, facts=facts) == Checklist(
        nation="england",
        covered=True,
        notice="",
        incident_ids=(1, 2, 3),
        offences=(
            Offence(
                code="harassment",
                name="Harassment",
                law="Protection from Harassment Act 1997, section 2",
                incident_ids=(1, 2, 3),
                checks=(course, long_gap, window),
                lacks=lacks,
                deadline=date(2027, 3, 14),
            ),
            Offence(
                code="stalking",
                name="Stalking",
                law="Protection from Harassment Act 1997, section 2A",
                incident_ids=(1, 2, 3),
                checks=(course, long_gap, acts, window),
                lacks=lacks,
                deadline=date(2027, 3, 14),
            ),
            Offence(
                code="fear_of_violence",
                name="Putting people in fear of violence",
                law="Protection from Harassment Act 1997, section 4",
                incident_ids=(1, 2, 3),
                checks=(course, long_gap, FEAR, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="serious_stalking",
                name="Stalking causing fear of violence or serious alarm or distress",
                law="Protection from Harassment Act 1997, section 4A",
                incident_ids=(1, 2, 3),
                checks=(course, long_gap, acts, IMPACT_LOGGED, CROWN_COURT),
                lacks=lacks,
            ),
            Offence(
                code="messages_before_2024",
                name="Sending false or threatening messages (before 31 January 2024)",
                law=OLD_EW,
                incident_ids=(1,),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "1 of these messages was sent before 31 January 2024, when the older law "
                            "still applied. Others were sent after it: different laws apply to each."
                        ),
                    ),
                    Check(
                        label="Time limit",
                        status="passed",
                        detail=(
                            "The Malicious Communications offence can be tried in the Crown Court, "
                            "with no 6-month limit. For the Communications Act offence, proceedings "
                            "for the latest of these messages (about 10 January 2023) must start by 9 "
                            "January 2026 at the latest (3 years from the message): that date has "
                            "passed."
                        ),
                    ),
                ),
                lacks=(SAY_WHAT,),
                laws_by_incident=(IncidentLaw(incident_id=1, occurred_on=date(2023, 1, 10), law=OLD_EW),),
            ),
            Offence(
                code="messages_from_2024",
                name="Sending false or threatening messages (from 31 January 2024)",
                law=OSA,
                incident_ids=(3,),
                checks=(
                    Check(
                        label="Which law applied on the message's date",
                        status="info",
                        detail=(
                            "1 of these messages was sent on or after 31 January 2024, when the "
                            "Online Safety Act 2023 offences began. Others were sent before it: "
                            "different laws apply to each."
                        ),
                    ),
                    OSA_TIME,
                ),
                lacks=(
                    ("1 of these messages has no copy linked: add a screenshot, the letter or the email."),
                    ACCOUNT,
                    SAY_WHAT,
                ),
                laws_by_incident=(IncidentLaw(incident_id=3, occurred_on=date(2026, 9, 14), law=OSA),),
            ),
        ),
        gaps=(
            Gap(from_id=1, to_id=2, days=630, words="about 20 months later"),
            Gap(from_id=2, to_id=3, days=713, words="about 23 months later"),
        ),
        notes=(("2 of these incidents have an approximate date: treat the dates here as a guide."),),
    )


def test_whole_result_scotland_only_the_chronology():
    # Scotland: no offences, the notice, the chronology and its gaps (rough, as one date is known only to the month).
    facts = [fact(1, date(2026, 1, 5)), fact(2, date(2026, 3, 1), kind="other", precision="month")]

    assert checklist(nation="scotland", today=date(2026, 12, 3), party_id=ME, facts=facts) == Checklist(
        nation="scotland",
        covered=False,
        notice=(
            "This checklist covers England, Wales and Northern Ireland. Scotland has "
            "its own law (the Criminal Justice and Licensing (Scotland) Act 2010, "
            "sections 38 and 39), so no offences are listed here. The chronology of "
            "this person's incidents is still shown, and you can give it to Police "
            "Scotland."
        ),
        incident_ids=(1, 2),
        offences=(),
        gaps=(Gap(from_id=1, to_id=2, days=55, words="about 7 weeks later"),),
    )


def test_messages_known_only_as_january_2024_are_said_to_be_maybe_before_the_31st():
    facts = [
        fact(1, date(2023, 12, 10), kind="direct_message"),
        fact(2, date(2024, 1, 5), kind="direct_message", precision="month"),
        fact(3, date(2024, 1, 20), kind="online_post", precision="month"),
    ]
    before = by_code(checklist(nation="england", today=TODAY, party_id=ME, facts=facts))["messages_before_2024"]
    assert check(before, "Which law applied on the message's date").detail == (
        "1 of these messages was sent before 31 January 2024, when the older law still applied. 2 messages are "
        "logged only as January 2024, so they may have been sent before 31 January 2024, when the older law still "
        "applied."
    )
