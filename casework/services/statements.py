"""Writes to the statement drafts: start one, change the opening and closing, the maker's details, edit, move,
remove and restore a paragraph, and bring the draft up to date with the record.

Each write is one transaction that locks the statement's row, keeps the whole draft as it then stands as a new
StatementRevision (numbered 1, 2, 3 ...) and records an audit event. A write that changes nothing keeps no
revision. The maker's address and telephone number are sealed (vault.sealed); neither a revision nor an audit
event holds them.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from incidents.models import Case
from incidents.rules import CONFLICT, RULE, blank
from vault.sealed import value_open, value_seal

from ..models import Statement, StatementParagraph, StatementRevision
from ..queries.statements import ADDRESS, PHONE, incident_facts
from ..statement_text import paragraph_for

OPENING_MAX = 10_000  # Statement.opening, Statement.closing
PARAGRAPH_MAX = 20_000  # StatementParagraph.text
NAME_MAX = 150  # Statement.maker_name, Statement.maker_occupation
ADDRESS_MAX = 500
PHONE_MAX = 40
AGE_MIN, AGE_MAX = 10, 17  # the age is asked only of a maker under 18

NO_SUCH_KIND = "Choose a witness statement or a victim personal statement."
PARAGRAPH_EMPTY = "A paragraph cannot be empty. To leave it out of your statement, remove it instead."
PARAGRAPH_REMOVED = "This paragraph was removed. Put it back first, then change it."
ALREADY_REMOVED = "This paragraph was already removed."
NOT_REMOVED = "This paragraph is already in your statement."
AGE_NEEDED = "Enter your age: the statement asks for it when you are under 18."
AGE_RANGE = f"Enter an age from {AGE_MIN} to {AGE_MAX}. If you are 18 or over, choose “Over 18”."


def _text(value: str | None) -> str:
    """A typed text with plain line ends (a browser sends \\r\\n): what is counted and kept."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def _too_long(what: str, text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"Keep the {what} to {limit:,} characters or fewer. It has {len(text):,}: nothing was saved yet."
    return None


def _no_nul(field: str, text: str) -> None:
    if "\x00" in text:
        raise ValidationError({field: "This text has a character that cannot be kept (a null character)."})


# Revisions ---------------------------------------------------------------------------------------------


def statement_snapshot(statement: Statement) -> dict:
    """The whole draft as it stands: what a revision keeps. The maker's address and phone are not in it (only
    whether there is one)."""
    paragraphs = StatementParagraph.objects.filter(statement=statement).order_by("position", "id")
    return {
        "kind": statement.kind,
        "opening": statement.opening,
        "closing": statement.closing,
        "maker": {
            "name": statement.maker_name,
            "over_18": statement.maker_over_18,
            "age": statement.maker_age,
            "occupation": statement.maker_occupation,
            "has_address": bool(statement.maker_address_sealed),
            "has_phone": bool(statement.maker_phone_sealed),
        },
        "paragraphs": [
            {"id": pk, "incident": incident_id, "text": text, "edited": edited, "removed": removed_at is not None}
            for pk, incident_id, text, edited, removed_at in paragraphs.values_list(
                "id", "incident_id", "text", "edited", "removed_at"
            )
        ],
    }


def _record(statement: Statement, *, by, action: str, details: dict) -> StatementRevision:
    """Keep the draft as a new revision and record the audit event (in the caller's transaction)."""
    now = timezone.now()
    statement.revision += 1
    statement.updated_at = now
    statement.save(update_fields=["revision", "updated_at"])
    revision = StatementRevision.objects.create(
        statement=statement, number=statement.revision, data=statement_snapshot(statement), edited_by=by, edited_at=now
    )
    audit.event_record(
        actor=by,
        case_id=statement.case_id,
        action=action,
        target=statement,
        details={"kind": statement.kind, "revision": statement.revision, **details},
        occurred_at=now,
    )
    return revision


def _lock(statement: Statement) -> Statement:
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    locked.case = statement.case
    return locked


def _lock_paragraph(paragraph: StatementParagraph) -> tuple[Statement, StatementParagraph]:
    statement = _lock(paragraph.statement)
    return statement, StatementParagraph.objects.get(pk=paragraph.pk, statement=statement)


def _renumber(paragraphs: list[StatementParagraph]) -> None:
    """Positions 1, 2, 3 ... in this order; only the rows whose position changed are written."""
    changed = []
    for position, paragraph in enumerate(paragraphs, start=1):
        if paragraph.position != position:
            paragraph.position = position
            if paragraph.pk:
                changed.append(paragraph)
    if changed:
        StatementParagraph.objects.bulk_update(changed, ["position"])


# Starting and bringing up to date -----------------------------------------------------------------------


@dataclass(frozen=True)
class UpToDate:
    """What bringing a draft up to date did."""

    added: int  # paragraphs for incidents that had none
    refreshed: int  # paragraphs she had not changed, rewritten from the record as it now is
    revision: StatementRevision | None  # None: nothing changed


def _bring_up_to_date(statement: Statement) -> tuple[int, int]:
    """Add a paragraph for each incident that has none, placed by date among the others; rewrite the paragraphs
    she has not changed from the record as it now is. Her changed paragraphs and the removed ones are left as
    they are; a paragraph whose incident was withdrawn is left as it is (and flagged when read)."""
    recorded = incident_facts(case=statement.case)
    facts = {item.id: item for item in recorded}
    paragraphs = list(
        StatementParagraph.objects.filter(statement=statement)
        .select_related("incident")
        .only("id", "position", "text", "generated", "edited", "incident_id", "incident__occurred_at")
        .order_by("position", "id")
    )
    refreshed = []
    for paragraph in paragraphs:
        item = facts.get(paragraph.incident_id)
        if item is None or paragraph.edited:
            continue
        text = paragraph_for(statement.kind, item.facts)
        if text == paragraph.generated and (not text or text == paragraph.text):
            continue
        paragraph.generated = text
        if text:  # a victim's paragraph whose incident no longer says its impact keeps its words, flagged
            paragraph.text = text
        refreshed.append(paragraph)
    if refreshed:
        StatementParagraph.objects.bulk_update(refreshed, ["generated", "text"])

    have = {p.incident_id for p in paragraphs if p.incident_id}
    # Each paragraph with the date of its incident (None for one with no incident: it keeps its place).
    order = [(p, (p.incident.occurred_at, p.incident_id) if p.incident_id else None) for p in paragraphs]
    new = []
    for item in recorded:  # in date order, so new paragraphs keep their own order among themselves
        if item.id in have:
            continue
        text = paragraph_for(statement.kind, item.facts)
        if not text:  # a victim statement has a paragraph only for an incident that says its impact
            continue
        paragraph = StatementParagraph(statement=statement, incident_id=item.id, position=0, text=text, generated=text)
        key = (item.occurred_at, item.id)
        # Before the first paragraph (in her order) about something that happened after it; else last.
        at = next((i for i, (_, other) in enumerate(order) if other is not None and other > key), len(order))
        order.insert(at, (paragraph, key))
        new.append(paragraph)
    if new:
        _renumber([p for p, _ in order])
        StatementParagraph.objects.bulk_create(new)
    return len(new), len(refreshed)


def statement_get_or_start(*, case: Case, kind: str, by) -> Statement:
    """The case's draft of this kind; started, with a paragraph for each incident, if there is none yet."""
    if kind not in Statement.Kind.values:
        raise ValidationError({"kind": NO_SUCH_KIND})
    existing = Statement.objects.filter(case=case, kind=kind).first()
    if existing is not None:
        existing.case = case
        return existing
    with transaction.atomic():
        now = timezone.now()
        try:
            with transaction.atomic():
                statement = Statement.objects.create(
                    case=case,
                    kind=kind,
                    maker_name=(getattr(by, "full_name", "") or "")[:NAME_MAX],
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:  # started at the same moment by someone else: theirs is the draft
            existing = Statement.objects.get(case=case, kind=kind)
            existing.case = case
            return existing
        statement.case = case
        added, _ = _bring_up_to_date(statement)
        _record(statement, by=by, action=Action.STATEMENT_REGENERATE, details={"started": True, "added": added})
        return statement


@transaction.atomic
def statement_regenerate(*, statement: Statement, by) -> UpToDate:
    """Bring the draft up to date with the record (see _bring_up_to_date): her changes are never touched."""
    statement = _lock(statement)
    added, refreshed = _bring_up_to_date(statement)
    if not added and not refreshed:
        return UpToDate(added=0, refreshed=0, revision=None)
    revision = _record(
        statement, by=by, action=Action.STATEMENT_REGENERATE, details={"added": added, "refreshed": refreshed}
    )
    return UpToDate(added=added, refreshed=refreshed, revision=revision)


# The opening, the closing and the maker -------------------------------------------------------------------


@transaction.atomic
def statement_update(*, statement: Statement, opening: str, closing: str, by) -> StatementRevision | None:
    """Change the opening and the closing she types. Over its limit, either is refused and nothing is saved."""
    opening, closing = _text(opening), _text(closing)
    problems = {
        field: problem
        for field, problem in (
            ("opening", _too_long("opening", opening, OPENING_MAX)),
            ("closing", _too_long("closing", closing, OPENING_MAX)),
        )
        if problem
    }
    if problems:
        raise ValidationError(problems)
    _no_nul("opening", opening)
    _no_nul("closing", closing)
    statement = _lock(statement)
    values = {"opening": opening, "closing": closing}
    changed = [name for name, value in values.items() if getattr(statement, name) != value]
    if not changed:
        return None
    statement.opening, statement.closing = opening, closing
    statement.save(update_fields=changed)
    return _record(statement, by=by, action=Action.STATEMENT_EDIT, details={"changed": changed})


@transaction.atomic
def statement_maker_update(
    *,
    statement: Statement,
    name: str,
    over_18: bool,
    age: int | None,
    occupation: str,
    address: str,
    phone: str,
    by,
) -> StatementRevision | None:
    """Change the maker's details (the statement's header). The address and phone are sealed; the audit event
    and the revision say only which details changed."""
    name, occupation = " ".join((name or "").split()), " ".join((occupation or "").split())
    address, phone = _text(address).strip(), " ".join((phone or "").split())
    problems = {}
    for field, what, value, limit in (
        ("name", "name", name, NAME_MAX),
        ("occupation", "occupation", occupation, NAME_MAX),
        ("address", "address", address, ADDRESS_MAX),
        ("phone", "telephone number", phone, PHONE_MAX),
    ):
        problem = _too_long(what, value, limit)
        if problem:
            problems[field] = problem
        elif "\x00" in value:
            problems[field] = "This text has a character that cannot be kept (a null character)."
    if over_18:
        age = None
    elif age is None:
        problems["age"] = ValidationError(AGE_NEEDED, code=RULE)
    elif not AGE_MIN <= age <= AGE_MAX:
        problems["age"] = ValidationError(AGE_RANGE, code=RULE)
    if problems:
        raise ValidationError(problems)
    statement = _lock(statement)
    case = statement.case
    values = {"maker_name": name, "maker_over_18": bool(over_18), "maker_age": age, "maker_occupation": occupation}
    changed = [field for field, value in values.items() if getattr(statement, field) != value]
    for field in changed:
        setattr(statement, field, values[field])
    words = {"maker_name": "name", "maker_over_18": "over_18", "maker_age": "age", "maker_occupation": "occupation"}
    details = [words[field] for field in changed]
    for field, sealed_name, value, word in (
        ("maker_address_sealed", ADDRESS, address, "address"),
        ("maker_phone_sealed", PHONE, phone, "phone"),
    ):
        if value_open(case, sealed_name, getattr(statement, field)) != value:
            setattr(statement, field, value_seal(case, sealed_name, value))
            changed.append(field)
            details.append(word)
    if not changed:
        return None
    statement.save(update_fields=changed)
    return _record(statement, by=by, action=Action.STATEMENT_MAKER, details={"changed": details})


# Paragraphs ---------------------------------------------------------------------------------------------


@transaction.atomic
def paragraph_edit(*, paragraph: StatementParagraph, text: str, by) -> StatementRevision | None:
    """Change a paragraph's words. From then on bringing the draft up to date leaves it alone (unless her
    words are the record's again)."""
    text = _text(text).strip()
    if blank(text):
        raise ValidationError({"text": PARAGRAPH_EMPTY})
    problem = _too_long("paragraph", text, PARAGRAPH_MAX)
    if problem:
        raise ValidationError({"text": problem})
    _no_nul("text", text)
    statement, paragraph = _lock_paragraph(paragraph)
    if paragraph.is_removed:
        raise ValidationError(PARAGRAPH_REMOVED, code=CONFLICT)
    if text == paragraph.text:
        return None
    paragraph.text = text
    paragraph.edited = text != paragraph.generated
    paragraph.save(update_fields=["text", "edited"])
    return _record(
        statement, by=by, action=Action.STATEMENT_EDIT, details={"paragraph": paragraph.pk, "changed": ["text"]}
    )


@transaction.atomic
def paragraph_move(*, paragraph: StatementParagraph, to_position: int, by) -> StatementRevision | None:
    """Move a paragraph to `to_position` (1 is first) among the paragraphs in the statement (removed ones keep
    their places, so one put back returns where it was)."""
    statement, paragraph = _lock_paragraph(paragraph)
    if paragraph.is_removed:
        raise ValidationError(PARAGRAPH_REMOVED, code=CONFLICT)
    order = list(StatementParagraph.objects.filter(statement=statement).order_by("position", "id"))
    shown = [p for p in order if not p.is_removed]
    before = [p.pk for p in shown]
    index = before.index(paragraph.pk)
    target = min(max(int(to_position), 1), len(shown)) - 1
    if target == index:
        return None
    moving = order.pop(next(i for i, p in enumerate(order) if p.pk == paragraph.pk))
    rest = [p for p in shown if p.pk != paragraph.pk]
    if target < len(rest):
        order.insert(next(i for i, p in enumerate(order) if p.pk == rest[target].pk), moving)
    else:  # last of all
        order.append(moving)
    _renumber(order)
    return _record(
        statement,
        by=by,
        action=Action.STATEMENT_EDIT,
        details={"paragraph": paragraph.pk, "moved": [index + 1, target + 1]},
    )


@transaction.atomic
def paragraph_remove(*, paragraph: StatementParagraph, by) -> StatementRevision:
    """Take a paragraph out of the statement. It is kept (and listed, to put back): bringing the draft up to
    date never brings it back by itself."""
    statement, paragraph = _lock_paragraph(paragraph)
    if paragraph.is_removed:
        raise ValidationError(ALREADY_REMOVED, code=CONFLICT)
    paragraph.removed_at = timezone.now()
    paragraph.save(update_fields=["removed_at"])
    return _record(statement, by=by, action=Action.STATEMENT_EDIT, details={"paragraph": paragraph.pk, "removed": True})


@transaction.atomic
def paragraph_restore(*, paragraph: StatementParagraph, by) -> StatementRevision:
    """Put a removed paragraph back, in the place it had."""
    statement, paragraph = _lock_paragraph(paragraph)
    if not paragraph.is_removed:
        raise ValidationError(NOT_REMOVED, code=CONFLICT)
    paragraph.removed_at = None
    paragraph.save(update_fields=["removed_at"])
    return _record(
        statement, by=by, action=Action.STATEMENT_EDIT, details={"paragraph": paragraph.pk, "removed": False}
    )
