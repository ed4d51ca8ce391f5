"""The words of a statement's generated paragraphs: one per incident, in the first person, from what she logged.

Pure: plain facts in, text out; nothing here reads the database (casework.services builds the facts from the
record). Her own words (what happened, how it affected the family, an exhibit's description) are kept exactly
as she typed them; only short joining words are added around them: the date said as precisely as it is known,
a lead-in by kind of incident, the reference numbers and "I produce ... as exhibit AJ/3." for each exhibit.
Tested with literal paragraphs in tests/casework/test_statement_text.py.
"""

import datetime as dt
import re
from dataclasses import dataclass

# Incident.Precision values (this module reads no model; the values never change).
EXACT, DAY, MONTH, APPROXIMATE = "exact", "day", "month", "approximate"


@dataclass(frozen=True)
class ReferenceFact:
    kind: str  # AgencyReference.Kind value: police, social_services, nspcc, platform, other
    number: str
    agency: str = ""  # the agency's name, when the reference is linked to one


@dataclass(frozen=True)
class ExhibitFact:
    mark: str  # "AJ/3"
    description: str


@dataclass(frozen=True)
class PartyFact:
    name: str
    role: str  # IncidentParty.Role value: suspected, reported_to, contacted, witness, involved
    kind: str = ""  # Party.Kind value: suspect, social_services, police, nspcc, employer, ...


@dataclass(frozen=True)
class IncidentFacts:
    """What she logged about one incident, as plain values. `occurred` is in the case's time zone."""

    occurred: dt.datetime
    precision: str
    kind: str  # Incident.Kind value
    title: str  # the title a page shows: the one typed, else the kind's words
    narrative: str
    impact: str = ""
    platform: str = ""
    url: str = ""
    references: tuple[ReferenceFact, ...] = ()
    exhibits: tuple[ExhibitFact, ...] = ()  # linked, not withdrawn, in mark order
    parties: tuple[PartyFact, ...] = ()


def _day(when: dt.datetime) -> str:
    return f"{when.day} {when:%B %Y}"


def date_phrase(occurred: dt.datetime, precision: str) -> str:
    """When it happened, as the start of a sentence, as precisely as it is known:
    "On 9 October 2026 at 14:05", "On 9 October 2026", "In October 2026", "In about October 2026"."""
    if precision == DAY:
        return f"On {_day(occurred)}"
    if precision == MONTH:
        return f"In {occurred:%B %Y}"
    if precision == APPROXIMATE:
        return f"In about {occurred:%B %Y}"
    return f"On {_day(occurred)} at {occurred:%H:%M}"


def names(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_ENDS_A_SENTENCE = re.compile(r"[.!?…)\"'”’\]]$")


def _sentence(text: str) -> str:
    """Her words, stripped at the ends, with a full stop only when they end in a letter or a digit (so the
    sentence after them does not run on); nothing inside them changes. Windows line ends become plain ones."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if text and not _ENDS_A_SENTENCE.search(text) and text[-1].isalnum():
        text += "."
    return text


def _party_names(facts: IncidentFacts, *, roles=(), kinds=()) -> list[str]:
    return [p.name.strip() for p in facts.parties if p.name.strip() and (p.role in roles or p.kind in kinds)]


_AGENCY_KINDS = ("social_services", "police", "nspcc")


def _lead_in(facts: IncidentFacts) -> str:
    """The first sentence: the date and, by kind of incident, what kind of thing happened."""
    when = date_phrase(facts.occurred, facts.precision)
    on = f" on {facts.platform.strip()}" if facts.platform.strip() else ""
    kind = facts.kind
    if kind == "referral_social_services":
        to = names(_party_names(facts, roles=("reported_to",))) or names(
            _party_names(facts, kinds=("social_services",))
        )
        return f"{when}, a referral was made about my family to {to or 'social services'}."
    if kind == "referral_nspcc":
        return f"{when}, a referral was made about my family to the NSPCC."
    if kind == "police_contact":
        return f"{when}, I had contact with {names(_party_names(facts, kinds=('police',))) or 'the police'}."
    if kind in ("agency_letter", "agency_visit", "agency_call"):
        agency = names(_party_names(facts, kinds=_AGENCY_KINDS)) or "an agency"
        thing = {"agency_letter": "received a letter", "agency_visit": "had a visit", "agency_call": "had a call"}
        return f"{when}, I {thing[kind]} from {agency}."
    if kind == "online_post":
        return f"{when}, a post about my family was published{on}."
    if kind == "direct_message":
        return f"{when}, I received a message{on}."
    if kind == "doxing":
        return f"{when}, my family's personal details were published{on}."
    if kind == "third_party":
        contacted = _party_names(facts, roles=("contacted",))
        if contacted:
            return f"{when}, {names(contacted)} {'was' if len(contacted) == 1 else 'were'} contacted about my family."
        return f"{when}, someone outside my family was contacted about us."
    return f"{when}, the following happened."


# Which kinds name the platform in their first sentence; for the others it gets a sentence of its own.
_PLATFORM_IN_LEAD_IN = ("online_post", "direct_message", "doxing")

REFERENCE_WORDS = {
    "police": "The police reference",
    "social_services": "The social services case number",
    "nspcc": "The NSPCC reference",
    "platform": "The platform's report number",
}


def reference_sentence(reference: ReferenceFact) -> str:
    """ "The police reference is 12/34567/26." (with the agency's name when it has one)."""
    words = REFERENCE_WORDS.get(reference.kind, "A reference for this")
    agency = f" ({reference.agency.strip()})" if reference.agency.strip() else ""
    return f"{words}{agency} is {reference.number.strip()}."


# An exhibit's description usually starts with a common word typed with a capital ("Screenshot of the
# post"); inside "I produce ... as exhibit" it reads with a small letter, and a single thing with "a" before
# it ("a screenshot of the post"). Only these words are changed, and only so: a name ("Facebook post",
# "NSPCC letter") and anything else she typed is kept as it is.
_DETERMINERS = frozenset(["a", "an", "the", "my", "our", "his", "her", "their", "this", "that", "these", "those"])
_PLURALS = frozenset(
    [
        "screenshots",
        "photos",
        "photographs",
        "pictures",
        "letters",
        "emails",
        "copies",
        "recordings",
        "videos",
        "messages",
        "printouts",
        "prints",
        "notes",
        "texts",
        "posts",
        "pages",
        "records",
        "reports",
        "documents",
    ]
)
_SINGULARS = frozenset(
    [
        "screenshot",
        "photo",
        "photograph",
        "picture",
        "letter",
        "email",
        "copy",
        "recording",
        "video",
        "audio",
        "message",
        "printout",
        "print",
        "note",
        "text",
        "post",
        "page",
        "record",
        "report",
        "document",
    ]
)


def exhibit_words(description: str) -> str:
    """An exhibit's description as it reads after "I produce": its first common word with a small letter
    (and "a" or "an" before a single thing), the rest as typed, without a closing full stop."""
    text = " ".join((description or "").split()).rstrip(". ")
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word in _DETERMINERS | _PLURALS | _SINGULARS and first[:1].isupper() and first[1:] == first[1:].lower():
        text = word + (" " + rest if rest else "")
        if word in _SINGULARS:
            text = ("an " if word[0] in "aeiou" else "a ") + text
    return text


def exhibit_sentence(exhibit: ExhibitFact) -> str:
    """ "I produce a screenshot of the post as exhibit AJ/3."."""
    words = exhibit_words(exhibit.description)
    return f"I produce {words} as exhibit {exhibit.mark}." if words else f"I produce exhibit {exhibit.mark}."


def witness_paragraph(facts: IncidentFacts) -> str:
    """The paragraph of a witness statement about one incident, in the first person."""
    parts = [_lead_in(facts)]
    if facts.platform.strip() and facts.kind not in _PLATFORM_IN_LEAD_IN:
        parts.append(f"This was on {facts.platform.strip()}.")
    parts.append(_sentence(facts.narrative))
    if facts.url.strip():
        parts.append(f"The web address is {facts.url.strip()}.")
    suspects = _party_names(facts, roles=("suspected",))
    if suspects:
        parts.append(f"I believe this was done by {names(suspects)}.")
    witnesses = _party_names(facts, roles=("witness",))
    if witnesses:
        parts.append(f"{names(witnesses)} {'was a witness' if len(witnesses) == 1 else 'were witnesses'} to this.")
    if facts.impact.strip():
        parts.append("This affected me and my family. " + _sentence(facts.impact))
    parts.extend(reference_sentence(r) for r in facts.references if r.number.strip())
    parts.extend(exhibit_sentence(e) for e in facts.exhibits)
    return " ".join(part for part in parts if part)


def victim_paragraph(facts: IncidentFacts) -> str:
    """The paragraph of a victim personal statement about one incident: how it affected the family, in her
    words; "" when she logged nothing about its impact."""
    impact = _sentence(facts.impact)
    if not impact:
        return ""
    precision = DAY if facts.precision == EXACT else facts.precision
    when = date_phrase(facts.occurred, precision)
    when = when[0].lower() + when[1:]
    title = " ".join(facts.title.split())
    return f"After what happened {when}{f' ({title})' if title else ''}: {impact}"


def paragraph_for(statement_kind: str, facts: IncidentFacts) -> str:
    """The generated paragraph for one incident in a statement of this kind ("witness" or "victim")."""
    return victim_paragraph(facts) if statement_kind == "victim" else witness_paragraph(facts)


def paragraphs_of(text: str) -> list[str]:
    """A typed text (an opening, a closing) as the paragraphs she separated with a blank line."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in re.split(r"\n[ \t]*\n", text) if part.strip()]
