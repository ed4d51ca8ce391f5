"""The legal clocks of issue 18: when an agency must answer a letter, and when the family's own time runs out.
Data plus small pure functions; no database, no Django. Bank holidays come from the `holidays` package (the
United Kingdom's subdivisions England, Wales, Scotland and Northern Ireland).

Checked against the sources on 3 December 2026 (each rule below carries its own):

- Subject access, rectification, restriction (UK GDPR Arts 15, 16, 18, with Art 12(3)): "without undue delay
  and in any event within one month of receipt", extendable "by two further months where necessary" if the
  person is told within the first month. The ICO counts from the day of receipt itself, "whether it is a
  working day or not", to the corresponding calendar date in the next month (received 3 September -> due
  3 October); with no such date, the last day of that month; a due date on a weekend or a public holiday moves
  to the next working day. (ICO, "I need to complete a SAR", https://ico.org.uk/global/sar-checklist-for-smes/
  i-need-to-complete-a-sar; the day-of-receipt rule dates from the ICO's change of August 2019.)
- ICO complaint: complain to the organisation first, then to the ICO "within three months of your last
  contact with the organisation" (ICO, "What to expect", https://ico.org.uk/make-a-complaint/
  data-protection-complaints/what-to-expect/). The ICO's practice, not a statute.
- England, children's social care (Children Act 1989 Representations Procedure (England) Regulations 2006,
  SI 2006/1738): reg 2 defines "working day" as a day which is not a Saturday, Sunday, Christmas Day, Boxing
  Day, Good Friday or a bank holiday under the Banking and Financial Dealings Act 1971 (read in the made text,
  https://www.legislation.gov.uk/uksi/2006/1738/made). Stage 1 in 10 working days (up to 20), stage 2 in 25
  (up to 65).
- Wales, social services (Social Services Complaints Procedure (Wales) Regulations 2014, SI 2014/1794): reg 2
  defines "working day" the same way; reg 15(2) acknowledgement "not later than 2 working days after the day on
  which it receives it"; reg 16(3) the discussion "within 10 working days of the date upon which the local
  authority acknowledges receipt" (read in the made text, https://www.legislation.gov.uk/wsi/2014/1794/made);
  the formal investigation answered within 25 working days of the request for it (Welsh Government, "Social
  services complaints", https://gweddill.gov.wales/topics/health/socialcare/complaints/).
- Victims' Right to Review (CPS): requests considered "for up to three months from the communication of the
  qualifying decision"; later only in exceptional circumstances (CPS legal guidance, "Victims' Right to Review
  Scheme", https://www.cps.gov.uk/legal-guidance/victims-right-review-scheme).
- Harassment (Protection from Harassment Act 1997 s2, summary only): a magistrates' court shall not try an
  information unless it "was laid ... within 6 months from the time when the offence was committed"
  (Magistrates' Courts Act 1980 s127(1), https://www.legislation.gov.uk/ukpga/1980/43/section/127), counted
  from the latest incident as casework/offences.py does (the same date as offences.summary_deadline).
- Defamation: "one year from the date on which the cause of action accrued", i.e. the publication (Limitation
  Act 1980 s4A, inserted by the Defamation Act 1996 s5, https://www.legislation.gov.uk/ukpga/1980/58/section/4A);
  the day of publication is not counted, so the last day is the anniversary (a court may disapply the limit,
  s32A).

Counting conventions. Calendar months: the corresponding date, or the month's last day (add_months). Working
days: the day after the start is day 1 (SI 2014/1794 reg 15(2) says so in words, "after the day on which it
receives it"; "within N working days of" a day is read the same way in the England regulations). Only the data
protection rules move a due date off a weekend or bank holiday (the ICO says so); the others are given as the
plain last day, the safe reading for a family.

NOT verified, and so not encoded or only noted:
- The words of SI 2006/1738 regs 14 and 17 (the England stage 1 and stage 2 periods and their extensions) were
  not reached; the lengths (10 up to 20, 25 up to 65 working days) are those of issue 18, and agree with the
  Family Rights Group (https://www.frg.org.uk/6-2-what-childrens-services-should-do-when-they-get-your-complaint)
  and council pages. From when stage 2 runs exactly (the request, or the agreed record of the complaint) was not
  read in the regulation: the date given as its start is used.
- The words of SI 2014/1794 regs 17-18 (the Welsh investigation's 25 working days): taken from the Welsh
  Government's page, not the regulation. SI 2014/1795 (the Representations Procedure (Wales) Regulations 2014,
  Children Act representations) was not checked.
- How the 3 months of the SAR extension are counted: taken here as 3 months from receipt (the corresponding
  date), then moved off a weekend or bank holiday like the first month; the ICO's worked example of it was not
  found.
- The police's own Victims' Right to Review scheme: the National Police Chiefs' Council's guidelines were not
  read; their 3 months ("within 3 months of being notified of the police decision not to prosecute") are taken
  from the Wiltshire Police and Crime Commissioner's summary of them.
- Time limits outside England and Wales for the review, harassment and defamation (Northern Ireland: the
  Magistrates' Courts (NI) Order 1981, the Limitation (NI) Order 1989; Scotland: its own law): not verified, so
  those rules refuse Scotland and Northern Ireland. Scotland's and Northern Ireland's complaints procedures for
  children's social work are not covered.
- Whether the criminal and civil limits move off a weekend or bank holiday: not relied on (they do not move).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

# Shown once where deadlines are shown: the tracker informs, it does not advise.
DISCLAIMER = (
    "These dates give information, not legal advice: they are worked out from the rules as published, and an "
    "organisation, a court or an adviser may count a particular case differently."
)

ENGLAND = "england"
WALES = "wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern_ireland"
# The values of incidents.models.Case.Nation (this module imports no model).
NATIONS = (ENGLAND, WALES, SCOTLAND, NORTHERN_IRELAND)
NATION_NAMES = {ENGLAND: "England", WALES: "Wales", SCOTLAND: "Scotland", NORTHERN_IRELAND: "Northern Ireland"}
# The `holidays` package's subdivisions of the United Kingdom ("GB").
SUBDIVISIONS = {ENGLAND: "ENG", WALES: "WLS", SCOTLAND: "SCT", NORTHERN_IRELAND: "NIR"}
UK = NATIONS
ENGLAND_AND_WALES = (ENGLAND, WALES)

# Units of a rule's length.
MONTHS = "calendar months"
WORKING_DAYS = "working days"

# Who a clock binds.
AGENCY = "agency"  # the organisation must answer (or the police and prosecutors must act) by the date
PARENT = "parent"  # the family must act by the date

# What starts a clock.
RECEIVED = "received"
ACKNOWLEDGEMENT = "acknowledgement"
STAGE2_REQUEST = "stage 2 request"
INVESTIGATION_REQUEST = "investigation request"
DECISION = "decision"
LATEST_INCIDENT = "latest incident"
PUBLICATION = "publication"
LAST_CONTACT = "last contact"

STARTS_WORDS = {
    RECEIVED: "the day the organisation received it",
    ACKNOWLEDGEMENT: "the day the council acknowledged the complaint",
    STAGE2_REQUEST: "the day stage 2 was asked for",
    INVESTIGATION_REQUEST: "the day the formal investigation was asked for",
    DECISION: "the day the decision was told to you",
    LATEST_INCIDENT: "the day of the latest incident",
    PUBLICATION: "the day it was published",
    LAST_CONTACT: "the day of your last contact with the organisation",
}


class DeadlineError(ValueError):
    """A deadline that cannot be worked out; the message is a sentence a parent can read."""


class UnknownNation(DeadlineError):
    pass


class UnknownRule(DeadlineError):
    pass


class RuleNotForNation(DeadlineError):
    pass


class NotADate(DeadlineError):
    pass


class NoExtension(DeadlineError):
    pass


@dataclass(frozen=True)
class Source:
    title: str
    section: str
    url: str


@dataclass(frozen=True)
class Rule:
    key: str
    title: str  # in plain words: "The council must answer your subject access request"
    starts: str  # RECEIVED, DECISION, ...: what starts the clock (STARTS_WORDS says it in words)
    length: int
    unit: str  # MONTHS or WORKING_DAYS
    rolls: bool  # a due date on a weekend or bank holiday moves to the next working day
    nations: tuple[str, ...]
    binds: str  # AGENCY or PARENT
    sources: tuple[Source, ...]
    extended_length: int | None = None  # the whole period when extended (same unit), counted from the start
    extension: str = ""  # when the extension may be used, in words
    note: str = ""  # said with every date of this rule

    @property
    def length_words(self) -> str:
        return _length_words(self.length, self.unit)


def _length_words(length: int, unit: str) -> str:
    if unit == MONTHS:
        if length % 12 == 0:
            years = length // 12
            return "1 year" if years == 1 else f"{years} years"
        return "1 month" if length == 1 else f"{length} months"
    return "1 working day" if length == 1 else f"{length} working days"


UK_GDPR_12 = Source("UK GDPR", "Article 12(3)", "https://www.legislation.gov.uk/eur/2016/679/article/12")
ICO_SAR = Source(
    "ICO, SAR checklist: I need to complete a SAR (time limits)",
    "How long do we have to comply?",
    "https://ico.org.uk/global/sar-checklist-for-smes/i-need-to-complete-a-sar",
)
ENGLAND_REGS = "Children Act 1989 Representations Procedure (England) Regulations 2006 (SI 2006/1738)"
ENGLAND_REGS_URL = "https://www.legislation.gov.uk/uksi/2006/1738/made"
FRG = Source(
    "Family Rights Group, What Children's Services should do when they get your complaint",
    "Stage 1 and stage 2",
    "https://www.frg.org.uk/6-2-what-childrens-services-should-do-when-they-get-your-complaint",
)
WALES_REGS = "Social Services Complaints Procedure (Wales) Regulations 2014 (SI 2014/1794)"
WALES_REGS_URL = "https://www.legislation.gov.uk/wsi/2014/1794/made"

_DATA_PROTECTION_NOTE = (
    "Counted from the day the organisation received it (that day counts even if it is not a working day) to the "
    "corresponding date, or that month's last day; a due date on a weekend or bank holiday moves to the next "
    "working day (ICO). The clock starts later if they asked you for proof of identity or to clarify the request."
)
_SAR_EXTENSION = (
    "Up to two further months if the request is complex or you made several, and only if they told you so, with "
    "their reasons, within the first month."
)


def _data_protection_rule(key: str, title: str, article: Source) -> Rule:
    return Rule(
        key=key,
        title=title,
        starts=RECEIVED,
        length=1,
        unit=MONTHS,
        rolls=True,
        nations=UK,
        binds=AGENCY,
        sources=(article, UK_GDPR_12, ICO_SAR),
        extended_length=3,
        extension=_SAR_EXTENSION,
        note=_DATA_PROTECTION_NOTE,
    )


_RULES = (
    _data_protection_rule(
        "sar",
        "The organisation must answer your subject access request",
        Source("UK GDPR", "Article 15 (right of access)", "https://www.legislation.gov.uk/eur/2016/679/article/15"),
    ),
    _data_protection_rule(
        "rectification",
        "The organisation must answer your request to correct the record",
        Source("UK GDPR", "Article 16 (rectification)", "https://www.legislation.gov.uk/eur/2016/679/article/16"),
    ),
    _data_protection_rule(
        "restriction",
        "The organisation must answer your request to restrict the use of the record",
        Source("UK GDPR", "Article 18 (restriction)", "https://www.legislation.gov.uk/eur/2016/679/article/18"),
    ),
    Rule(
        key="ico_complaint",
        title="Complain to the Information Commissioner's Office",
        starts=LAST_CONTACT,
        length=3,
        unit=MONTHS,
        rolls=False,
        nations=UK,
        binds=PARENT,
        sources=(
            Source(
                "ICO, Data protection complaints: what to expect",
                "What do I need to do before I can complain to the ICO?",
                "https://ico.org.uk/make-a-complaint/data-protection-complaints/what-to-expect/",
            ),
        ),
        note=(
            "Complain to the organisation first. The ICO asks for complaints within three months of your last "
            "contact with the organisation (its practice, not a law)."
        ),
    ),
    Rule(
        key="complaint_stage1_england",
        title="Children's services must answer your stage 1 complaint",
        starts=RECEIVED,
        length=10,
        unit=WORKING_DAYS,
        rolls=False,
        nations=(ENGLAND,),
        binds=AGENCY,
        sources=(Source(ENGLAND_REGS, "regulations 2 (working day) and 14 (stage 1)", ENGLAND_REGS_URL), FRG),
        extended_length=20,
        extension="Up to 10 more working days (20 in all) if the complaint is complex.",
        note="Working days leave out weekends, Christmas Day, Boxing Day, Good Friday and bank holidays.",
    ),
    Rule(
        key="complaint_stage1_extended_england",
        title="Children's services must answer your stage 1 complaint (extended)",
        starts=RECEIVED,
        length=20,
        unit=WORKING_DAYS,
        rolls=False,
        nations=(ENGLAND,),
        binds=AGENCY,
        sources=(Source(ENGLAND_REGS, "regulations 2 (working day) and 14 (stage 1)", ENGLAND_REGS_URL), FRG),
        note="The longest stage 1 may take. Working days leave out weekends and bank holidays.",
    ),
    Rule(
        key="complaint_stage2_england",
        title="Children's services must answer your stage 2 complaint",
        starts=STAGE2_REQUEST,
        length=25,
        unit=WORKING_DAYS,
        rolls=False,
        nations=(ENGLAND,),
        binds=AGENCY,
        sources=(Source(ENGLAND_REGS, "regulations 2 (working day) and 17 (stage 2)", ENGLAND_REGS_URL), FRG),
        extended_length=65,
        extension="Up to 65 working days in all, if they tell you why in writing and give you a new date.",
        note=(
            "Counted from the start of stage 2 (many councils count from when the complaint is agreed in "
            "writing). Working days leave out weekends and bank holidays."
        ),
    ),
    Rule(
        key="complaint_stage2_extended_england",
        title="Children's services must answer your stage 2 complaint (extended)",
        starts=STAGE2_REQUEST,
        length=65,
        unit=WORKING_DAYS,
        rolls=False,
        nations=(ENGLAND,),
        binds=AGENCY,
        sources=(Source(ENGLAND_REGS, "regulations 2 (working day) and 17 (stage 2)", ENGLAND_REGS_URL), FRG),
        note="The longest stage 2 may take. Working days leave out weekends and bank holidays.",
    ),
    Rule(
        key="complaint_wales_acknowledgement",
        title="Social services must acknowledge your complaint",
        starts=RECEIVED,
        length=2,
        unit=WORKING_DAYS,
        rolls=False,
        nations=(WALES,),
        binds=AGENCY,
        sources=(Source(WALES_REGS, "regulations 2 (working day) and 15(2)", WALES_REGS_URL),),
        note="Not later than 2 working days after the day they received it.",
    ),
    Rule(
        key="complaint_wales_discussion",
        title="Social services must offer to discuss your complaint",
        starts=ACKNOWLEDGEMENT,
        length=10,
        unit=WORKING_DAYS,
        rolls=False,
        nations=(WALES,),
        binds=AGENCY,
        sources=(Source(WALES_REGS, "regulation 16(3)", WALES_REGS_URL),),
        note=(
            "Within 10 working days of the day they acknowledged the complaint; longer only in exceptional "
            "circumstances and if you agree."
        ),
    ),
    Rule(
        key="complaint_wales_investigation",
        title="Social services must answer the formal investigation of your complaint",
        starts=INVESTIGATION_REQUEST,
        length=25,
        unit=WORKING_DAYS,
        rolls=False,
        nations=(WALES,),
        binds=AGENCY,
        sources=(
            Source(WALES_REGS, "Part 4 (formal investigation)", WALES_REGS_URL),
            Source(
                "Welsh Government, Social services complaints",
                "Stage 2 - formal investigation",
                "https://gweddill.gov.wales/topics/health/socialcare/complaints/",
            ),
        ),
        note="Within 25 working days of your request for a formal investigation.",
    ),
    Rule(
        key="victims_right_to_review",
        title="Ask for a review of the decision not to charge (Victims' Right to Review)",
        starts=DECISION,
        length=3,
        unit=MONTHS,
        rolls=False,
        nations=ENGLAND_AND_WALES,
        binds=PARENT,
        sources=(
            Source(
                "Crown Prosecution Service, Victims' Right to Review Scheme (legal guidance)",
                "Requesting a review; Annex B timeframes",
                "https://www.cps.gov.uk/legal-guidance/victims-right-review-scheme",
            ),
            Source(
                "Wiltshire Police and Crime Commissioner, Victims' Right to Review (the police scheme)",
                "What are the time limits to apply for a review?",
                "https://www.wiltshire-pcc.gov.uk/Victims-and-Witnesses/victims-right-to-review/",
            ),
        ),
        note=(
            "Ask as soon as you can (the CPS asks for requests within 10 working days for a prompt review); "
            "after three months a review is allowed only in exceptional circumstances."
        ),
    ),
    Rule(
        key="harassment_summary",
        title="Proceedings for harassment must start",
        starts=LATEST_INCIDENT,
        length=6,
        unit=MONTHS,
        rolls=False,
        nations=ENGLAND_AND_WALES,
        binds=AGENCY,
        sources=(
            Source(
                "Magistrates' Courts Act 1980",
                "section 127(1)",
                "https://www.legislation.gov.uk/ukpga/1980/43/section/127",
            ),
            Source(
                "Protection from Harassment Act 1997",
                "section 2 (summary offence)",
                "https://www.legislation.gov.uk/ukpga/1997/40/section/2",
            ),
        ),
        note=(
            "For harassment under section 2 (a summary offence), within 6 months of the latest incident. The "
            "more serious offences have no such limit."
        ),
    ),
    Rule(
        key="defamation",
        title="Start a claim for defamation",
        starts=PUBLICATION,
        length=12,
        unit=MONTHS,
        rolls=False,
        nations=ENGLAND_AND_WALES,
        binds=PARENT,
        sources=(
            Source("Limitation Act 1980", "section 4A", "https://www.legislation.gov.uk/ukpga/1980/58/section/4A"),
        ),
        note=(
            "One year from publication; the court may allow a late claim only rarely (section 32A). Take legal "
            "advice well before this date."
        ),
    ),
)
RULES: dict[str, Rule] = {rule.key: rule for rule in _RULES}


@dataclass(frozen=True)
class Due:
    rule: Rule
    start: date
    due_date: date
    extended: bool
    note: str
    nation: str = ""


# ---- nations and working days -----------------------------------------------------------------------------


def check_nation(nation: object) -> str:
    if nation not in NATIONS:
        names = ", ".join(NATIONS)
        raise UnknownNation(f"“{nation}” is not a nation the deadlines know: it must be one of {names}.")
    return nation  # type: ignore[return-value]


@lru_cache(maxsize=len(NATIONS))
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=SUBDIVISIONS[nation])


def bank_holiday(d: date, nation: str) -> str:
    """The bank holiday's name on `d` in `nation` ("" when none)."""
    return _bank_holidays(check_nation(nation)).get(_check_date(d, "day"), "") or ""


def working_day(d: date, nation: str) -> bool:
    """Not a Saturday, a Sunday or a bank holiday (Christmas Day, Boxing Day and Good Friday included) there."""
    d = _check_date(d, "day")
    return d.weekday() < 5 and not bank_holiday(d, nation)


def next_working_day(d: date, nation: str) -> date:
    """The first working day after `d`."""
    d = _check_date(d, "day") + timedelta(days=1)
    while not working_day(d, nation):
        d += timedelta(days=1)
    return d


def on_or_next_working_day(d: date, nation: str) -> date:
    """`d` if it is a working day, otherwise the next one."""
    return d if working_day(d, nation) else next_working_day(d, nation)


def add_working_days(start: date, n: int, nation: str) -> date:
    """The n-th working day after `start` (the day after `start` is the first day counted; `start` itself never
    counts, whatever day it is)."""
    if n < 0:
        raise DeadlineError("A number of working days cannot be negative.")
    d = _check_date(start, "start")
    check_nation(nation)
    for _ in range(n):
        d = next_working_day(d, nation)
    return d


def add_months(start: date, n: int) -> date:
    """The corresponding date `n` calendar months later, or that month's last day (31 January + 1 -> 28 or 29
    February)."""
    start = _check_date(start, "start")
    index = start.year * 12 + (start.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _check_date(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise NotADate(f"The {what} must be a date (a day, month and year), not {value!r}.")
    return value


# ---- rules ------------------------------------------------------------------------------------------------


def rule(key: str) -> Rule:
    try:
        return RULES[key]
    except (KeyError, TypeError):
        raise UnknownRule(f"“{key}” is not a deadline the tracker knows.") from None


def rules_for(nation: str) -> tuple[Rule, ...]:
    """The rules that apply in `nation`, in the order above."""
    check_nation(nation)
    return tuple(r for r in _RULES if nation in r.nations)


def _not_for_nation(found: Rule, nation: str) -> RuleNotForNation:
    where = " and ".join(NATION_NAMES[n] for n in found.nations)
    name = NATION_NAMES[nation]
    if found.key.startswith("complaint_") and nation in (SCOTLAND, NORTHERN_IRELAND):
        why = (
            f"{name} has its own complaints procedure for children's social work, which the tracker does not time yet."
        )
    elif found.key.startswith("complaint_"):
        why = f"{name} has its own complaints procedure, with its own stages and time limits."
    else:
        why = f"The rules for {name} were not checked, so no date is worked out there."
    return RuleNotForNation(f"“{found.title}” follows the rules of {where} only. {why}")


def date_words(d: date) -> str:
    """12 December 2026."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def day_words(d: date) -> str:
    """Saturday 12 December 2026."""
    return f"{calendar.day_name[d.weekday()]} {date_words(d)}"


def due(rule_key: str, start: date, nation: str, *, extended: bool = False) -> Due:
    """When the clock `rule_key`, started on `start`, runs out in `nation`."""
    found = rule(rule_key)
    check_nation(nation)
    start = _check_date(start, "start date")
    if nation not in found.nations:
        raise _not_for_nation(found, nation)
    length = found.length
    if extended:
        if found.extended_length is None:
            raise NoExtension(f"“{found.title}” has no extension to add.")
        length = found.extended_length
    notes = []
    if found.unit == MONTHS:
        plain = add_months(start, length)
        if plain.day != start.day:
            notes.append(
                f"{calendar.month_name[plain.month]} {plain.year} has no day {start.day}, so its last day is used."
            )
        due_date = plain
        if found.rolls and not working_day(plain, nation):
            due_date = on_or_next_working_day(plain, nation)
            holiday = bank_holiday(plain, nation)
            what = f"{holiday}, a bank holiday" if holiday else f"a {calendar.day_name[plain.weekday()]}"
            notes.append(f"{date_words(plain)} is {what}, so the due date moves to {day_words(due_date)}.")
    else:
        due_date = add_working_days(start, length, nation)
    if extended:
        notes.append(f"Extended: {_length_words(length, found.unit)} in all.")
    if found.note:
        notes.append(found.note)
    return Due(rule=found, start=start, due_date=due_date, extended=extended, note=" ".join(notes), nation=nation)


def describe_overdue(due_date: date, today: date) -> str:
    """The due date in words, as seen on `today`: "Due today", "Due tomorrow", "Due in 5 days (Friday 12 December
    2026)", "1 day overdue", "12 days overdue"."""
    days = (_check_date(due_date, "due date") - _check_date(today, "day")).days
    if days == 0:
        return "Due today"
    if days == 1:
        return "Due tomorrow"
    if days > 1:
        return f"Due in {days} days ({day_words(due_date)})"
    late = -days
    return "1 day overdue" if late == 1 else f"{late} days overdue"


# The clocks a letter starts when it is marked sent, by its template's key (casework/letters/templates/). They
# count from the day it was sent: an organisation's month runs from the day it receives the letter, which for an
# email or a portal is the same day and for post may be a day or two later (each clock's page says so). Letters
# not listed start no clock the law sets (asking the police for a crime reference, telling an employer).
LETTER_STARTS: dict[str, tuple[str, ...]] = {
    "sar_council": ("sar",),
    "sar_nspcc": ("sar",),
    "sar_police": ("sar",),
    "sar_organisation": ("sar",),
    "rectification": ("rectification",),
    "complaint_stage1_england": ("complaint_stage1_england",),
    "complaint_stage1_wales": ("complaint_wales_acknowledgement",),
}
