"""The case file's validation rules, each written once: the forms, the serializers and the services all
call these and translate what they say into their own kind of error.

Pure functions of the values they are given; tested by a table in tests/incidents/test_rules.py.
"""

import datetime as dt
import re

import snowballstemmer
from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_YEAR = 1900

# The code of a problem that is not a mistake in the request's form: CONFLICT, with the case as it stands (the
# API answers 409); RULE, a rule between fields or with today's date that no schema can state (422).
CONFLICT = "conflict"
RULE = "rule"

# What the API takes as text, as patterns its schema states and its serializers check with the same regex:
# no NUL anywhere (PostgreSQL cannot store one); a required text has a visible character ("  " is blank);
# a web address is http(s)://, a host, then anything without spaces. "Space" is spelled out as the schema's
# regular expressions (ECMA-262's \s) mean it, so that the server and a schema validator agree on every
# character (Python's \s also counts U+001C to U+001F and U+0085).
SPACE = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NO_NUL = r"^[^\u0000]*$"
VISIBLE = rf"^[^\u0000]*[^{SPACE}\u0000][^\u0000]*$"
_LINK = rf"[Hh][Tt][Tt][Pp][Ss]?://[^{SPACE}/?#\u0000]+(?:[/?#][^{SPACE}\u0000]*)?"
WEB_ADDRESS = rf"^{_LINK}$"
_VISIBLE = re.compile(VISIBLE)


def blank(text: str | None) -> bool:
    """Whether a text has nothing to read in it (only spaces, or nothing), as VISIBLE says."""
    return not _VISIBLE.match(text or "")


def validate_past_date(value) -> None:
    """A date something was received, opened or closed: not in the future, not before 1900."""
    if value and (value > timezone.localdate() or value.year < EARLIEST_YEAR):
        raise ValidationError(f"Enter a date between {EARLIEST_YEAR} and today.", code=RULE)


def occurred_at_problem(value) -> str | None:
    """Why a 'when did it happen' value cannot be right, or None."""
    if value is None:
        return "Enter when it happened."
    if timezone.is_naive(value):
        return "The date needs a time zone."
    if value > timezone.now() + dt.timedelta(minutes=5):
        return "This date is in the future. Enter when it happened."
    if value.year < EARLIEST_YEAR:
        return f"Enter a date after {EARLIEST_YEAR}."
    return None


EXHIBIT_PREFIX_PATTERN = r"^[A-Za-z]{1,6}$"
EXHIBIT_PREFIX = re.compile(EXHIBIT_PREFIX_PATTERN)


def narrative_problem(text: str) -> str | None:
    """Why an incident's "what happened" cannot be saved, or None."""
    if blank(text):
        return "Say what happened, even in a few words."
    return None


def exhibit_prefix_problem(value: str) -> str | None:
    """Why these cannot be a case's exhibit letters (AJ in AJ/1), or None."""
    if not EXHIBIT_PREFIX.fullmatch(value or ""):
        return "Use 1 to 6 letters, for example AJ."
    return None


def reference_dates_problem(opened_on: dt.date | None, closed_on: dt.date | None) -> str | None:
    """Why a reference's dates cannot both be right, or None."""
    if opened_on and closed_on and closed_on < opened_on:
        return "It cannot close before it opened."
    return None


# A person's or organisation's part in an incident, in the words the pages, the API and the dossier use.
# Keyed by IncidentParty.Role's stored values, which never change; these words may (the model's own
# labels are kept as they are, because changing a field's choices needs a migration).
PARTY_ROLE_LABELS = {
    "suspected": "Suspected of doing it",
    "reported_to": "Received the report",
    "contacted": "Was contacted about us",
    "witness": "Witness",
    "involved": "Involved",
}

# The part a party is given when the person logging does not choose one: first by the kind of incident
# and the kind of party, then by the kind of party alone, else "involved". Keyed by Incident.Kind and
# Party.Kind values (this module reads no model); tested by a table in tests/incidents/test_party_roles.py.
PARTY_ROLE_BY_PARTY_KIND = {
    "suspect": "suspected",
    "social_services": "reported_to",
    "police": "reported_to",
    "nspcc": "reported_to",
    "employer": "contacted",
    "school": "contacted",
    "gp": "contacted",
    "witness": "witness",
}
_AGENCY_ACTED = {"social_services": "involved", "police": "involved", "nspcc": "involved"}
PARTY_ROLE_BY_INCIDENT_KIND = {
    # The agency itself came, called or wrote: nobody reported anything to it in this incident.
    "agency_visit": _AGENCY_ACTED,
    "agency_call": _AGENCY_ACTED,
    "agency_letter": _AGENCY_ACTED,
    "police_contact": {"police": "involved"},
}


def party_role_default(incident_kind: str, party_kind: str) -> str:
    """The usual part of a party of this kind in an incident of this kind."""
    by_party = PARTY_ROLE_BY_INCIDENT_KIND.get(incident_kind, {})
    return by_party.get(party_kind) or PARTY_ROLE_BY_PARTY_KIND.get(party_kind, "involved")


def party_role_problem(role: str) -> str | None:
    """Why this cannot be a party's part in an incident, or None."""
    if not isinstance(role, str) or role not in PARTY_ROLE_LABELS:
        return "Choose one of the listed roles."
    return None


def date_range_problem(date_from: dt.date | None, date_to: dt.date | None) -> str | None:
    """Why a 'from' and 'to' filter cannot both be right (the wrong way round), or None."""
    if date_from and date_to and date_from > date_to:
        return "The 'from' date is after the 'to' date. Swap them or change one."
    return None


SEARCH_WORD = re.compile(r"\w+")


def search_stems(text: str) -> list[str]:
    """The English stems of a text's words, lower case, each once, in order: "investigated" and
    "investigation" are both "investig". Where the database does not stem (SQLite), the stored search
    text carries these and a search looks for them; PostgreSQL stems both sides itself ('english')."""
    words = dict.fromkeys(SEARCH_WORD.findall((text or "").lower()))
    # A stemmer keeps state while it works: one per call, not one shared by threads.
    return list(dict.fromkeys(snowballstemmer.stemmer("english").stemWords(list(words))))
