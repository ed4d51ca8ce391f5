"""The offence checklist: which offences a suspected person's logged incidents may bear on, checked against
each offence's conditions and time limits. Data plus small pure functions; no database, no Django.

The law here was checked against its sources on 3 December 2026 (the sources and what could not be verified
are listed in the project's notes for issue 16). In short:

- England and Wales: Protection from Harassment Act 1997 ss2, 2A, 4, 4A. A course of conduct "must involve
  conduct on at least two occasions" (s7(3)). ss2 and 2A are summary only, so proceedings must start within
  6 months (Magistrates' Courts Act 1980 s127), counted from the last incident of the course of conduct (DPP v
  Baker [2004] EWHC 2782 (Admin), as the CPS guidance puts it). ss4 and 4A can be tried in the Crown Court: no
  6-month limit.
- Messages: from 31 January 2024 the Online Safety Act 2023 s179 (false communications; summary only, but the
  6 months run from when the prosecutor has enough evidence, s179(7)) and s181 (threatening communications;
  either way) apply in England, Wales and Northern Ireland. Before that date: in England and Wales the
  Malicious Communications Act 1988 s1 (either way since 2015) and the Communications Act 2003 s127(2)
  (summary, but within 3 years of the message and 6 months of the prosecutor having enough evidence,
  s127(5)); in Northern Ireland the Malicious Communications (Northern Ireland) Order 1988 art 3 (summary only:
  a fine up to level 4; its time limit not verified, so none is given) and the Communications Act 2003 s127(2).
- Northern Ireland: harassment is the Protection from Harassment (Northern Ireland) Order 1997 art 4 (at least
  two occasions, art 2(3)); stalking is the Protection from Stalking Act (Northern Ireland) 2022 s1, in force
  27 April 2022 and not retrospective. Their time limits were NOT verified, so no date is worked out for them.
- Scotland has its own law (Criminal Justice and Licensing (Scotland) Act 2010 ss38-39): the checklist says
  it covers England, Wales and Northern Ireland and lists no offences.

Not verified and so not encoded: the long-stop in s179(8); the current mode of trial of the NI offences; the
exact passage of Lau v DPP [2000] 1 FLR 799 on incidents far apart (the checklist only shows the gaps and
says plainly that far-apart incidents can be harder to show as one course of conduct).
"""

from __future__ import annotations

import calendar
import itertools
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

# Shown once on the page, once in the API answer: the checklist informs, it does not advise.
DISCLAIMER = (
    "This checklist gives information, not legal advice: the police and the prosecutors (the Crown Prosecution "
    "Service, or in Northern Ireland the Public Prosecution Service) decide whether an offence was committed."
)

ENGLAND = "england"
WALES = "wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern_ireland"
NATION_NAMES = {ENGLAND: "England", WALES: "Wales", SCOTLAND: "Scotland", NORTHERN_IRELAND: "Northern Ireland"}

# The Online Safety Act 2023's communications offences (Part 10) came into force on this day.
COMMUNICATIONS_CUTOVER = date(2024, 1, 31)
# The Protection from Stalking Act (Northern Ireland) 2022 came into effect on this day; it is not retrospective.
NI_STALKING_START = date(2022, 4, 27)
# A course of conduct must involve conduct on at least this many occasions (PHA 1997 s7(3); NI Order art 2(3)).
COURSE_OF_CONDUCT_OCCASIONS = 2
# Summary offences: proceedings must start within this many months (Magistrates' Courts Act 1980 s127).
SUMMARY_LIMIT_MONTHS = 6
# Communications Act 2003 s127(5): within 3 years of the message (and 6 months of enough evidence).
CA2003_LONG_STOP_YEARS = 3
# Gaps longer than this are pointed out (incidents far apart can be harder to show as one course of conduct).
LONG_GAP_DAYS = 183

# Precision of an incident's date (Incident.Precision's stored values; this module reads no model).
EXACT = "exact"
DAY = "day"
MONTH = "month"
APPROXIMATE = "approximate"

# Incident kinds (Incident.Kind's stored values) that are a message in the sense of the Online Safety Act 2023
# s182 (a letter, an electronic or oral electronic communication): posts and messages, referrals made by phone,
# form or letter, and contacting an employer or another third party.
COMMUNICATION_KINDS = frozenset(
    {"online_post", "direct_message", "referral_social_services", "referral_nspcc", "third_party"}
)
# Kinds that are acts of the sort associated with stalking (PHA 1997 s2A(3): contacting a person by any means,
# publishing material about them; R v Musharraf [2022] EWCA Crim 1482: complaints to an employer or a
# professional regulator can be such acts).
STALKING_ACT_KINDS = frozenset(COMMUNICATION_KINDS | {"doxing"})
# Kinds where who sent it is worth showing: an account online.
ONLINE_KINDS = frozenset({"online_post", "direct_message"})

# Statuses of a check, in the words pages and the API use as keys.
MET = "met"
NOT_MET = "not_met"
UNSURE = "unsure"  # cannot be told from the record (e.g. a date known only to the month)
PASSED = "passed"  # a time limit that has run out
INFO = "info"


STATUS_WORDS = {MET: "Yes", NOT_MET: "Not yet", UNSURE: "Not sure", PASSED: "Time has run out", INFO: "Good to know"}


def is_course_of_conduct(occasions: int) -> bool:
    """Whether this many occasions by one person can be a course of conduct (two or more)."""
    return occasions >= COURSE_OF_CONDUCT_OCCASIONS


def is_communication(kind: str) -> bool:
    """Whether an incident of this kind is a message (online post, direct message, referral, letter)."""
    return kind in COMMUNICATION_KINDS


@dataclass(frozen=True)
class IncidentFact:
    """What the checklist needs to know of one incident, as plain values."""

    id: int
    occurred_on: date  # the date in the case's time zone
    precision: str  # EXACT, DAY, MONTH or APPROXIMATE: a MONTH date's day is not known
    kind: str
    suspect_ids: frozenset[int]  # the parties linked as suspected of doing it
    has_impact: bool = False  # something is logged about how it affected the family
    has_evidence: bool = False  # at least one exhibit (not withdrawn) is linked
    withdrawn: bool = False  # withdrawn incidents are ignored
    communication: bool = False  # a message: see is_communication


@dataclass(frozen=True)
class Check:
    label: str
    status: str  # MET, NOT_MET, UNSURE, PASSED or INFO
    detail: str

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass(frozen=True)
class IncidentLaw:
    """The law that applied on one message's date."""

    incident_id: int
    occurred_on: date
    law: str


@dataclass(frozen=True)
class Offence:
    code: str  # stable key: "harassment", "stalking", "fear_of_violence", "serious_stalking", ...
    name: str  # in plain words
    law: str  # the Act and section
    incident_ids: tuple[int, ...]  # the incidents that may bear on it, in date order
    checks: tuple[Check, ...]
    lacks: tuple[str, ...]  # what the record still lacks for it, said to the parent
    deadline: date | None = None  # the day proceedings must start by, where worked out
    deadline_passed: bool = False
    laws_by_incident: tuple[IncidentLaw, ...] = ()


@dataclass(frozen=True)
class Gap:
    from_id: int  # the earlier incident
    to_id: int  # the next one
    days: int
    words: str  # "4 months later"


@dataclass(frozen=True)
class Checklist:
    nation: str  # the nation the law was taken from ("" only for Scotland's empty result: see covered)
    covered: bool  # False for Scotland: no offences are listed
    notice: str  # a message to show above the list ("" when none)
    incident_ids: tuple[int, ...]  # this person's incidents considered, in date order
    offences: tuple[Offence, ...]
    gaps: tuple[Gap, ...]
    notes: tuple[str, ...] = field(default=())  # about the dates (month-only, approximate)
    disclaimer: str = DISCLAIMER


# ---- dates ------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later; clamped to the month's last day (31 August + 6 -> 28/29
    February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def summary_deadline(latest: date) -> date:
    """The last day to start proceedings for a summary offence whose latest incident was on `latest`
    (within 6 months from the offence: 9 October 2026 -> 9 April 2027)."""
    return add_months(latest, SUMMARY_LIMIT_MONTHS)


def period_last_day(start: date, years: int) -> date:
    """The last day of a period of `years` years beginning with the day `start` (the day counts): the day
    before the anniversary; 29 February's anniversary in a common year is 1 March."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February, common year
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def day_text(day: date) -> str:
    """9 October 2026."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def month_text(day: date) -> str:
    """October 2026."""
    return f"{calendar.month_name[day.month]} {day.year}"


def when_text(fact: IncidentFact) -> str:
    """An incident's date as precisely as it is known."""
    if fact.precision == MONTH:
        return month_text(fact.occurred_on)
    if fact.precision == APPROXIMATE:
        return "about " + day_text(fact.occurred_on)
    return day_text(fact.occurred_on)


def _months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day and later.day != calendar.monthrange(later.year, later.month)[1]:
        months -= 1
    return months


def gap_words(earlier: date, later: date, *, rough: bool = False) -> str:
    """How long after the one before, in plain words: "the same day", "3 days later", "2 weeks later",
    "4 months later", "over 2 years later"; "about ..." when a date is known only roughly."""
    days = (later - earlier).days
    if days == 0:
        words = "the same day"
    elif days == 1:
        words = "1 day later"
    elif days < 14:
        words = f"{days} days later"
    elif days < 60:
        words = f"{days // 7} weeks later"
    else:
        months = _months_between(earlier, later)
        if months < 24:
            words = f"{months} months later" if months != 1 else "1 month later"
        else:
            words = f"over {months // 12} years later"
    if rough and days:
        # "about 2 years later", not "about over 2 years later"
        return "about " + words.removeprefix("over ")
    return words


# ---- the checklist ----------------------------------------------------------------------------------------


def _standing(facts: list[IncidentFact], party_id: int) -> list[IncidentFact]:
    mine = [f for f in facts if not f.withdrawn and party_id in f.suspect_ids]
    return sorted(mine, key=lambda f: (f.occurred_on, f.id))


def gaps_between(incidents: list[IncidentFact]) -> tuple[Gap, ...]:
    """The gap between each incident and the one before it (in date order)."""
    out = []
    for before, after in itertools.pairwise(incidents):
        rough = before.precision in (MONTH, APPROXIMATE) or after.precision in (MONTH, APPROXIMATE)
        out.append(
            Gap(
                from_id=before.id,
                to_id=after.id,
                days=(after.occurred_on - before.occurred_on).days,
                words=gap_words(before.occurred_on, after.occurred_on, rough=rough),
            )
        )
    return tuple(out)


def _course_of_conduct(incidents: list[IncidentFact], gaps: tuple[Gap, ...]) -> list[Check]:
    count = len(incidents)
    if is_course_of_conduct(count):
        checks = [
            Check(
                "Two or more occasions by this person",
                MET,
                f"{count} incidents are linked to this person as the one suspected. Two or more can be a course "
                "of conduct.",
            )
        ]
        longest = max(gaps, key=lambda g: g.days)
        if longest.days > LONG_GAP_DAYS:
            checks.append(
                Check(
                    "Time between incidents",
                    INFO,
                    f"The longest gap between two of these incidents is {longest.days} days. Incidents far apart "
                    "in time can be harder to show as one course of conduct.",
                )
            )
        return checks
    if count == 1:
        detail = "Only 1 incident is linked to this person. A course of conduct needs two or more occasions."
    else:
        detail = "No incident is linked to this person as the one suspected yet."
    return [Check("Two or more occasions by this person", NOT_MET, detail)]


def _window(incidents: list[IncidentFact], today: date) -> tuple[Check, date | None, bool]:
    """The 6-month window of a summary offence, from the latest incident."""
    if not incidents:
        return Check("Time limit (6 months)", NOT_MET, "There is no incident to count from."), None, False
    latest = incidents[-1]
    if latest.precision == MONTH:
        # The day is not known: count from the first day of the month, the earliest it could have been.
        start = latest.occurred_on.replace(day=1)
        deadline = summary_deadline(start)
        # The latest it could have been: the month's last day. Only once the date counted from that day has
        # passed has time surely run out; between the two dates it depends on the day, which is not known.
        last_day = add_months(start, 1) - timedelta(days=1)
        latest_deadline = summary_deadline(last_day)
        passed = today > latest_deadline
        detail = (
            f"The latest incident is logged only as {month_text(start)}, so the exact day is not known. Counting "
            f"from the earliest day it could have been, proceedings for this summary offence must start by "
            f"{day_text(deadline)}."
        )
        if passed:
            detail += (
                f" That date has passed, and so has {day_text(latest_deadline)}, counting from the month's last day."
            )
        elif today > deadline:
            detail += (
                f" That date has passed; counting from the month's last day, it is {day_text(latest_deadline)}. "
                "Whether there is still time depends on the exact day: if you can find it, add it to the incident."
            )
        else:
            detail += " If you can find the exact date, add it to the incident."
        return Check("Time limit (6 months)", PASSED if passed else UNSURE, detail), deadline, passed
    deadline = summary_deadline(latest.occurred_on)
    passed = today > deadline
    when = ("was on " if latest.precision != APPROXIMATE else "was on or about ") + day_text(latest.occurred_on)
    if passed:
        detail = (
            f"The latest incident {when}: for this summary offence, proceedings had to start by "
            f"{day_text(deadline)}. That date has passed. If this person does something again, the earlier "
            "incidents can still count as part of the same course of conduct."
        )
        return Check("Time limit (6 months)", PASSED, detail), deadline, True
    detail = (
        f"The latest incident {when}: for the summary offence, proceedings must start by {day_text(deadline)}, "
        "so the police need this well before then."
    )
    return Check("Time limit (6 months)", MET, detail), deadline, False


def _no_summary_limit() -> Check:
    return Check(
        "Time limit",
        INFO,
        "This offence can be tried in the Crown Court, so the 6-month limit for summary offences does not apply.",
    )


def _lacks_common(incidents: list[IncidentFact]) -> list[str]:
    lacks = []
    if incidents and not any(f.has_impact for f in incidents):
        lacks.append("Nothing logged says how this made you feel or how it affected your family.")
    if incidents:
        bare = [f for f in incidents if not f.has_evidence]
        if len(bare) == len(incidents):
            lacks.append("No evidence is linked to these incidents yet (a screenshot, a letter, an email).")
        elif bare:
            lacks.append(
                f"{_count(len(bare), 'of these incidents has', 'of these incidents have')} no evidence linked yet."
            )
    lacks.extend(_account_lack(incidents))
    return lacks


ACCOUNT_LACK = (
    "No evidence links this account to the person you suspect: add anything that shows the account is theirs "
    "(a name, a photo, something only they knew)."
)


def _account_lack(incidents: list[IncidentFact]) -> list[str]:
    """Posts and messages from an account with nothing linked that could show whose account it is."""
    return [ACCOUNT_LACK] if any(f.kind in ONLINE_KINDS and not f.has_evidence for f in incidents) else []


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _fear(law: str, incidents: list[IncidentFact], gaps, common_lacks, time_limit: Check) -> Offence:
    """Putting people in fear of violence (s4, or NI art 6): the fear itself the record cannot show."""
    return Offence(
        code="fear_of_violence",
        name="Putting people in fear of violence",
        law=law,
        incident_ids=tuple(f.id for f in incidents),
        checks=(
            *_course_of_conduct(incidents, gaps),
            Check(
                "Fear of violence on at least two occasions",
                UNSURE,
                "The record cannot tell this. If you feared violence would be used against you, say so in "
                "what it did to you on each incident.",
            ),
            time_limit,
        ),
        lacks=tuple(common_lacks),
    )


def _harassment(code_law: tuple[str, str], incidents, gaps, today, *, summary: bool) -> Offence:
    code, law = code_law
    checks = _course_of_conduct(incidents, gaps)
    deadline, passed = None, False
    if summary:
        window, deadline, passed = _window(incidents, today)
        checks.append(window)
    return Offence(
        code=code,
        name="Harassment",
        law=law,
        incident_ids=tuple(f.id for f in incidents),
        checks=tuple(checks),
        lacks=tuple(_lacks_common(incidents)),
        deadline=deadline,
        deadline_passed=passed,
    )


def _stalking_acts(incidents: list[IncidentFact]) -> Check:
    acts = [f for f in incidents if f.kind in STALKING_ACT_KINDS]
    if acts:
        detail = (
            f"Posts, messages, referrals or contact with others about you: {len(acts)} of these incidents. These are "
            "acts of the kind linked with stalking. Contacting someone's employer or a professional body can be "
            "part of it too."
        )
        return Check("Acts of the kind linked with stalking", MET, detail)
    return Check(
        "Acts of the kind linked with stalking",
        NOT_MET,
        "None of these incidents is a post, message, referral or contact with others about you.",
    )


def _england_wales(incidents, gaps, today) -> list[Offence]:
    common_lacks = _lacks_common(incidents)
    ids = tuple(f.id for f in incidents)
    harassment = _harassment(
        ("harassment", "Protection from Harassment Act 1997, section 2"), incidents, gaps, today, summary=True
    )

    stalking_checks = [*_course_of_conduct(incidents, gaps), _stalking_acts(incidents)]
    window, deadline, passed = _window(incidents, today)
    stalking_checks.append(window)
    stalking = Offence(
        code="stalking",
        name="Stalking",
        law="Protection from Harassment Act 1997, section 2A",
        incident_ids=ids,
        checks=tuple(stalking_checks),
        lacks=tuple(common_lacks),
        deadline=deadline,
        deadline_passed=passed,
    )

    fear = _fear("Protection from Harassment Act 1997, section 4", incidents, gaps, common_lacks, _no_summary_limit())

    serious = Offence(
        code="serious_stalking",
        name="Stalking causing fear of violence or serious alarm or distress",
        law="Protection from Harassment Act 1997, section 4A",
        incident_ids=ids,
        checks=(
            *_course_of_conduct(incidents, gaps),
            _stalking_acts(incidents),
            Check(
                "Fear of violence, or serious alarm or distress that changed your daily life",
                UNSURE if any(f.has_impact for f in incidents) else NOT_MET,
                "Something is logged about how it affected you. Make sure it says how it changed your day-to-day "
                "life (work, sleep, the school run, going out)."
                if any(f.has_impact for f in incidents)
                else "Nothing logged says how it affected you. Say how it changed your day-to-day life (work, "
                "sleep, the school run, going out).",
            ),
            _no_summary_limit(),
        ),
        lacks=tuple(common_lacks),
    )
    return [harassment, stalking, fear, serious, *_communications(incidents, today, nation=ENGLAND)]


def _northern_ireland(incidents, gaps, today) -> list[Offence]:
    common_lacks = _lacks_common(incidents)
    unchecked = Check(
        "Time limit",
        UNSURE,
        "The time limits for Northern Ireland's offences are not worked out here. Report it promptly and ask "
        "the police.",
    )
    harassment = _harassment(
        ("harassment", "Protection from Harassment (Northern Ireland) Order 1997, article 4"),
        incidents,
        gaps,
        today,
        summary=False,
    )
    harassment = replace(harassment, checks=(*harassment.checks, unchecked))

    # The 2022 Act's own definition of a course of conduct was not read (the excerpts stopped short of it): the
    # same two-occasion test as the NI Order's art 2(3) is applied.
    in_force = [f for f in incidents if f.occurred_on >= NI_STALKING_START]
    earlier = len(incidents) - len(in_force)
    stalking_checks = [*_course_of_conduct(in_force, gaps_between(in_force)), _stalking_acts(in_force)]
    if earlier:
        stalking_checks.insert(
            0,
            Check(
                "When this law began",
                INFO,
                f"{earlier} of this person's incidents happened before 27 April 2022, when this law began, so "
                "they do not count for it (they still count for harassment).",
            ),
        )
    stalking_checks.append(unchecked)
    stalking = Offence(
        code="stalking",
        name="Stalking",
        law="Protection from Stalking Act (Northern Ireland) 2022, section 1",
        incident_ids=tuple(f.id for f in in_force),
        checks=tuple(stalking_checks),
        lacks=tuple(_lacks_common(in_force)),
    )
    fear = _fear(
        "Protection from Harassment (Northern Ireland) Order 1997, article 6", incidents, gaps, common_lacks, unchecked
    )
    return [harassment, stalking, fear, *_communications(incidents, today, nation=NORTHERN_IRELAND)]


def old_message_law(nation: str) -> str:
    """The law for a false or threatening message sent before 31 January 2024."""
    if nation == NORTHERN_IRELAND:
        return (
            "Malicious Communications (Northern Ireland) Order 1988, article 3, or Communications Act 2003, "
            "section 127(2)"
        )
    return "Malicious Communications Act 1988, section 1, or Communications Act 2003, section 127(2)"


def old_message_trial(nation: str) -> str:
    """Where the older Malicious Communications offence is tried. In England and Wales the 1988 Act's s1 is
    triable either way (Criminal Justice and Courts Act 2015 s32); the Northern Ireland Order's art 3 is
    summary only (a fine up to level 4), and its time limit was not verified, so none is given."""
    if nation == NORTHERN_IRELAND:
        return (
            "The Malicious Communications (Northern Ireland) Order offence can be tried only in a magistrates' "
            "court, and its time limit is not worked out here: report it promptly and ask the police."
        )
    return "The Malicious Communications offence can be tried in the Crown Court, with no 6-month limit."


NEW_MESSAGE_LAW = "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)"


def message_law(day: date, nation: str) -> str:
    """Which law applied to a message sent on this day."""
    return NEW_MESSAGE_LAW if day >= COMMUNICATIONS_CUTOVER else old_message_law(nation)


def _before_words(before: list[IncidentFact], unsure: list[IncidentFact]) -> str:
    """Which of the messages were sent before the older law gave way; one known only as January 2024 may
    have been, and is not said to have been."""
    sure = [f for f in before if f not in unsure]
    maybe = len(before) - len(sure)
    words = []
    if sure:
        words.append(
            f"{_count(len(sure), 'of these messages was', 'of these messages were')} sent before 31 January 2024, "
            "when the older law still applied."
        )
    if maybe:
        words.append(
            f"{_count(maybe, 'message is', 'messages are')} logged only as January 2024, so "
            f"{'it' if maybe == 1 else 'they'} may have been sent before 31 January 2024, when the older law "
            "still applied."
        )
    return " ".join(words)


def _communications(incidents: list[IncidentFact], today: date, *, nation: str) -> list[Offence]:
    messages = [f for f in incidents if f.communication]
    before = [f for f in messages if f.occurred_on < COMMUNICATIONS_CUTOVER]
    after = [f for f in messages if f.occurred_on >= COMMUNICATIONS_CUTOVER]
    # A message dated only to January 2024 may be either side of the 31st.
    unsure = [f for f in messages if f.precision == MONTH and (f.occurred_on.year, f.occurred_on.month) == (2024, 1)]
    out = []

    def lacks(group: list[IncidentFact]) -> tuple[str, ...]:
        found = []
        bare = [f for f in group if not f.has_evidence]
        if bare:
            found.append(
                f"{_count(len(bare), 'of these messages has', 'of these messages have')} no copy linked: add a "
                "screenshot, the letter or the email."
            )
        found.extend(_account_lack(group))
        found.append("Say in each incident what in the message was false, or what it threatened.")
        return tuple(found)

    both = bool(before) and bool(after)
    laws = tuple(IncidentLaw(f.id, f.occurred_on, message_law(f.occurred_on, nation)) for f in messages)

    if before:
        latest = before[-1]
        long_stop = period_last_day(
            latest.occurred_on.replace(day=1) if latest.precision == MONTH else latest.occurred_on,
            CA2003_LONG_STOP_YEARS,
        )
        # A message known only to the month: surely out of time only once the date counted from the month's
        # last day has passed too (as for the 6-month window).
        last_possible = (
            period_last_day(
                add_months(latest.occurred_on.replace(day=1), 1) - timedelta(days=1), CA2003_LONG_STOP_YEARS
            )
            if latest.precision == MONTH
            else long_stop
        )
        passed = today > last_possible
        depends = not passed and today > long_stop
        checks = [
            Check(
                "Which law applied on the message's date",
                INFO,
                _before_words(before, unsure)
                + (" Others were sent after it: different laws apply to each." if both else ""),
            ),
            Check(
                "Time limit",
                PASSED if passed else UNSURE if depends else INFO,
                f"{old_message_trial(nation)} For the "
                f"Communications Act offence, proceedings for the latest of these messages ({when_text(latest)}) "
                f"must start by {day_text(long_stop)} at the latest (3 years from the message)"
                + (
                    ": that date has passed."
                    if passed
                    else (
                        f", counting from the first day of the month: that date has passed, but counting from its "
                        f"last day it is {day_text(last_possible)}. Whether there is still time depends on the "
                        "exact day: if you can find it, add it to the incident."
                    )
                    if depends
                    else ", and within 6 months of the prosecutor having enough evidence."
                ),
            ),
        ]
        out.append(
            Offence(
                code="messages_before_2024",
                name="Sending false or threatening messages (before 31 January 2024)",
                law=old_message_law(nation),
                incident_ids=tuple(f.id for f in before),
                checks=tuple(checks),
                lacks=lacks(before),
                laws_by_incident=tuple(law for law in laws if law.occurred_on < COMMUNICATIONS_CUTOVER),
            )
        )
    checks = []
    if after:
        checks.append(
            Check(
                "Which law applied on the message's date",
                INFO,
                f"{_count(len(after), 'of these messages was', 'of these messages were')} sent on or after 31 "
                "January 2024, when the Online Safety Act 2023 offences began."
                + (" Others were sent before it: different laws apply to each." if both else ""),
            )
        )
        checks.append(
            Check(
                "Time limit",
                INFO,
                "For the false communications offence, the 6 months run from when the prosecutor has enough evidence, "
                "so report it promptly. The threats offence can be tried in the Crown Court.",
            )
        )
    else:
        checks.append(
            Check(
                "A message on or after 31 January 2024",
                NOT_MET,
                "No message, post or referral by this person on or after 31 January 2024 is logged.",
            )
        )
    if unsure:
        checks.append(
            Check(
                "Dates known only to the month",
                UNSURE,
                f"{_count(len(unsure), 'message is', 'messages are')} logged only as January 2024, so it cannot be "
                "told whether they were "
                "sent before or after 31 January 2024. If you can find the exact date, add it.",
            )
        )
    out.append(
        Offence(
            code="messages_from_2024",
            name="Sending false or threatening messages (from 31 January 2024)",
            law=NEW_MESSAGE_LAW,
            incident_ids=tuple(f.id for f in after),
            checks=tuple(checks),
            lacks=lacks(after) if after else (),
            laws_by_incident=tuple(law for law in laws if law.occurred_on >= COMMUNICATIONS_CUTOVER),
        )
    )
    return out


SCOTLAND_NOTICE = (
    "This checklist covers England, Wales and Northern Ireland. Scotland has its own law (the Criminal Justice "
    "and Licensing (Scotland) Act 2010, sections 38 and 39), so no offences are listed here. The chronology of "
    "this person's incidents is still shown, and you can give it to Police Scotland."
)
NO_NATION_NOTICE = (
    "This case does not say where you live, so this checklist assumes England. Set the case's nation in its "
    "settings: the law is different in Scotland and Northern Ireland."
)


def _date_notes(incidents: list[IncidentFact]) -> tuple[str, ...]:
    notes = []
    month_only = [f for f in incidents if f.precision == MONTH]
    rough = [f for f in incidents if f.precision == APPROXIMATE]
    if month_only:
        notes.append(
            f"{_count(len(month_only), 'of these incidents is', 'of these incidents are')} logged only to the "
            "month, so the exact day is not known. "
            "Dates worked out from them count from the first day of that month."
        )
    if rough:
        notes.append(
            f"{_count(len(rough), 'of these incidents has', 'of these incidents have')} an approximate date: treat "
            "the dates here as a guide."
        )
    return tuple(notes)


def checklist(*, nation: str, today: date, party_id: int, facts: list[IncidentFact]) -> Checklist:
    """The checklist for one suspected person (party_id) from the case's incident facts."""
    incidents = _standing(facts, party_id)
    gaps = gaps_between(incidents)
    ids = tuple(f.id for f in incidents)
    if nation == SCOTLAND:
        return Checklist(
            nation=SCOTLAND, covered=False, notice=SCOTLAND_NOTICE, incident_ids=ids, offences=(), gaps=gaps
        )
    notice = ""
    if nation not in NATION_NAMES:
        nation, notice = ENGLAND, NO_NATION_NOTICE
    if nation == NORTHERN_IRELAND:
        offences = _northern_ireland(incidents, gaps, today)
    else:
        offences = _england_wales(incidents, gaps, today)
    return Checklist(
        nation=nation,
        covered=True,
        notice=notice,
        incident_ids=ids,
        offences=tuple(offences),
        gaps=gaps,
        notes=_date_notes(incidents),
    )
