"""Reads of the statement drafts: a case's statement of a kind, the record's facts each paragraph is generated
from, the paragraphs as the page and the API show them (with what needs another look), and the document the
renderers take (casework.documents.StatementDoc).

Every function takes a case (or a statement of a case) that has passed through incidents.access.require, so
nothing here reaches another case's rows. Query counts are pinned in tests/casework/test_statement_services.py
and tests/casework/test_statement_pages.py.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from incidents.models import AgencyReference, Case, Evidence, Incident, IncidentParty
from incidents.queries.incidents import when_text
from vault.sealed import value_open

from ..documents import ExhibitDoc, ParagraphDoc, StatementDoc
from ..models import Statement, StatementParagraph
from ..statement_text import ExhibitFact, IncidentFacts, PartyFact, ReferenceFact, paragraphs_of

# The names the maker's sealed details are bound to (vault.sealed): a value moved to another field does not open.
ADDRESS = "maker_address"
PHONE = "maker_phone"


def statement_for_case(*, case: Case, kind: str) -> Statement | None:
    """The case's draft of this kind ("witness" or "victim"), or None if nobody has started one. One query."""
    statement = Statement.objects.filter(case=case, kind=kind).first()
    if statement is not None:
        statement.case = case  # the gate loaded it: no second read
    return statement


# The facts of the record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedIncident:
    id: int
    occurred_at: dt.datetime
    facts: IncidentFacts


def incident_facts(*, case: Case) -> list[RecordedIncident]:
    """Every incident of the case that is not withdrawn, in date order, with the facts its paragraph is written
    from: four queries whatever their number (the incidents, their people, their references, their exhibits
    that are not withdrawn), each of plain values."""
    zone = case.zone
    kinds = dict(Incident.Kind.choices)
    rows = list(
        Incident.objects.filter(case=case, withdrawn_at__isnull=True)
        .order_by("occurred_at", "id")
        .values("id", "kind", "occurred_at", "occurred_precision", "title", "narrative", "impact", "platform", "url")
    )
    ids = [row["id"] for row in rows]
    parties: dict[int, list[PartyFact]] = defaultdict(list)
    references: dict[int, list[ReferenceFact]] = defaultdict(list)
    exhibits: dict[int, list[ExhibitFact]] = defaultdict(list)
    if ids:
        for incident_id, name, role, kind in (
            IncidentParty.objects.filter(incident_id__in=ids, party__case=case)
            .order_by("party__name", "id")
            .values_list("incident_id", "party__name", "role", "party__kind")
        ):
            parties[incident_id].append(PartyFact(name=name, role=role, kind=kind))
        for incident_id, kind, number, agency in (
            AgencyReference.incidents.through.objects.filter(incident_id__in=ids, agencyreference__case=case)
            .order_by("agencyreference__kind", "agencyreference__number", "agencyreference_id")
            .values_list(
                "incident_id", "agencyreference__kind", "agencyreference__number", "agencyreference__agency__name"
            )
        ):
            references[incident_id].append(ReferenceFact(kind=kind, number=number, agency=agency or ""))
        for incident_id, mark, description in (
            Evidence.incidents.through.objects.filter(
                incident_id__in=ids, evidence__case=case, evidence__withdrawn_at__isnull=True
            )
            .order_by("evidence__number")
            .values_list("incident_id", "evidence__mark", "evidence__description")
        ):
            exhibits[incident_id].append(ExhibitFact(mark=mark, description=description))
    return [
        RecordedIncident(
            id=row["id"],
            occurred_at=row["occurred_at"],
            facts=IncidentFacts(
                occurred=row["occurred_at"].astimezone(zone),
                precision=row["occurred_precision"],
                kind=row["kind"],
                title=row["title"] or kinds.get(row["kind"], row["kind"]),
                narrative=row["narrative"],
                impact=row["impact"],
                platform=row["platform"],
                url=row["url"],
                references=tuple(references[row["id"]]),
                exhibits=tuple(exhibits[row["id"]]),
                parties=tuple(parties[row["id"]]),
            ),
        )
        for row in rows
    ]


# The paragraphs as the page shows them ---------------------------------------------------------------

WITHDRAWN_EDITED = (
    "The incident this paragraph is about was withdrawn from the record after you changed the paragraph. "
    "Your words are kept. Check it before you sign: remove it if it no longer belongs in your statement."
)
WITHDRAWN_UNEDITED = (
    "The incident this paragraph is about was withdrawn from the record. "
    "Remove this paragraph unless it still belongs in your statement."
)
NO_IMPACT_NOW = (
    "The incident no longer says how it affected you, so this paragraph was not brought up to date. "
    "Change it or remove it."
)


def exhibit_withdrawn_flag(mark: str) -> str:
    return f"Exhibit {mark} was withdrawn from the record, but this paragraph still produces it."


@dataclass
class ParagraphRow:
    """One paragraph of the body, as the page and the API show it."""

    id: int
    position: int
    text: str
    edited: bool
    removed: bool
    incident_id: int | None
    incident_title: str = ""
    incident_when: str = ""
    flag: str = ""
    exhibits: list[str] = field(default_factory=list)  # the marks its text produces, in order
    number: int | None = None  # as printed (after the opening's paragraphs); None when removed


@dataclass(frozen=True)
class ExhibitRecord:
    mark: str
    description: str
    withdrawn: bool


def case_exhibit_marks(*, case: Case) -> dict[str, ExhibitRecord]:
    """Every exhibit of the case by its mark in lower case (a typed "aj/3" still names AJ/3): one query."""
    return {
        mark.lower(): ExhibitRecord(mark=mark, description=description, withdrawn=withdrawn_at is not None)
        for mark, description, withdrawn_at in Evidence.objects.filter(case=case)
        .order_by("number")
        .values_list("mark", "description", "withdrawn_at")
    }


def _mark_finder(marks: dict[str, ExhibitRecord]):
    """A function giving the exhibit marks a text names, in the order it names them, each once. A mark stands
    alone ("AJ/1" is not found inside "AJ/12" or "XAJ/1")."""
    if not marks:
        return lambda text: []
    alternatives = "|".join(re.escape(mark) for mark in sorted(marks, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w/])(?:{alternatives})(?![\w/])", re.IGNORECASE)

    def find(text: str) -> list[str]:
        return list(dict.fromkeys(marks[m.group(0).lower()].mark for m in pattern.finditer(text or "")))

    return find


def paragraph_rows(*, statement: Statement, marks: dict[str, ExhibitRecord] | None = None) -> list[ParagraphRow]:
    """Every paragraph of the body in position order, removed ones included (marked), each with the exhibits it
    produces and why it needs another look, if it does. Two queries (one when `marks` is given)."""
    case = statement.case
    if marks is None:
        marks = case_exhibit_marks(case=case)
    find = _mark_finder(marks)
    kinds = dict(Incident.Kind.choices)
    paragraphs = (
        StatementParagraph.objects.filter(statement=statement)
        .select_related("incident")
        .only(
            "id",
            "position",
            "text",
            "generated",
            "edited",
            "removed_at",
            "incident_id",
            "incident__title",
            "incident__kind",
            "incident__occurred_at",
            "incident__occurred_precision",
            "incident__withdrawn_at",
        )
        .order_by("position", "id")
    )
    rows = []
    for p in paragraphs:
        incident = p.incident
        flags = []
        if incident is not None and incident.withdrawn_at is not None:
            flags.append(WITHDRAWN_EDITED if p.edited else WITHDRAWN_UNEDITED)
        elif statement.kind == Statement.Kind.VICTIM and incident is not None and not p.edited and not p.generated:
            flags.append(NO_IMPACT_NOW)
        exhibits = find(p.text)
        flags.extend(exhibit_withdrawn_flag(mark) for mark in exhibits if marks[mark.lower()].withdrawn)
        rows.append(
            ParagraphRow(
                id=p.pk,
                position=p.position,
                text=p.text,
                edited=p.edited,
                removed=p.removed_at is not None,
                incident_id=p.incident_id,
                incident_title=(incident.title or kinds.get(incident.kind, incident.kind)) if incident else "",
                incident_when=when_text(incident.occurred_at, incident.occurred_precision, case.zone)
                if incident
                else "",
                flag=" ".join(flags),
                exhibits=exhibits,
            )
        )
    number = len(paragraphs_of(statement.opening))
    for row in rows:
        if not row.removed:
            number += 1
            row.number = number
    return rows


# The document ----------------------------------------------------------------------------------------


def maker_age_text(statement: Statement) -> str:
    """ "Over 18", or the age in years ("16"), as the statement's header prints it."""
    if statement.maker_over_18:
        return "Over 18"
    return str(statement.maker_age) if statement.maker_age else "Under 18"


def maker_contact(statement: Statement) -> tuple[str, str]:
    """The maker's address and telephone number, opened (a query the first time a case's key is used)."""
    case = statement.case
    return (
        value_open(case, ADDRESS, statement.maker_address_sealed),
        value_open(case, PHONE, statement.maker_phone_sealed),
    )


def statement_doc(*, statement: Statement, include_contact: bool, dated: dt.date | None = None) -> StatementDoc:
    """The statement as the renderers take it: numbered paragraphs (the opening's first, then the body's in
    order without the removed ones, the closing's last), every exhibit in the order first produced, and the
    maker's address and telephone number only when `include_contact`. Three queries, whatever its length.

    A paragraph that needs another look (its incident was withdrawn, it produces a withdrawn exhibit) is kept,
    with its flag: the document says what her draft says, in the same numbering, and the flag is for her page."""
    case = statement.case
    marks = case_exhibit_marks(case=case)
    find = _mark_finder(marks)
    rows = [row for row in paragraph_rows(statement=statement, marks=marks) if not row.removed]
    texts: list[tuple[str, tuple[str, ...], str]] = [(t, tuple(find(t)), "") for t in paragraphs_of(statement.opening)]
    texts += [(row.text, tuple(row.exhibits), row.flag) for row in rows]
    texts += [(t, tuple(find(t)), "") for t in paragraphs_of(statement.closing)]
    paragraphs = tuple(
        ParagraphDoc(number=n, text=text, exhibits=exhibits, flag=flag)
        for n, (text, exhibits, flag) in enumerate(texts, start=1)
    )
    produced = dict.fromkeys(mark for p in paragraphs for mark in p.exhibits)
    exhibits = tuple(ExhibitDoc(mark=mark, description=marks[mark.lower()].description) for mark in produced)
    address, phone = maker_contact(statement) if include_contact else ("", "")
    police = (
        AgencyReference.objects.filter(case=case, kind=AgencyReference.Kind.POLICE)
        .filter(~Q(number=""))
        .order_by("number")
        .values_list("number", flat=True)
    )
    return StatementDoc(
        kind=statement.kind,
        title=Statement.Kind(statement.kind).label,
        maker_name=statement.maker_name,
        maker_age=maker_age_text(statement),
        maker_occupation=statement.maker_occupation,
        maker_address=address,
        maker_phone=phone,
        paragraphs=paragraphs,
        exhibits=exhibits,
        references=tuple(f"Crime ref {number}" for number in police),
        dated=dated,
        revision=statement.revision,
    )
