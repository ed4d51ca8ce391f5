"""Every write of a letter and of the clocks it starts: start one from a template and the case's facts, edit it
while it is a draft, make it final (nothing left "[in brackets]", the recipient's address given), mark it sent
(the date and how: its clocks start, from casework/deadlines.py), log the organisation's answer (its clocks
close), note an extension. Each in one transaction with its audit event."""

import datetime as dt
import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from incidents import access
from incidents.rules import CONFLICT, RULE
from vault.sealed import value_seal

from .. import deadlines, letter_text
from ..models import Deadline, Letter, LetterAnswer
from ..queries import letters as queries

TEMPLATES = letter_text.load_templates()

NO_SUCH_TEMPLATE = "There is no such letter."
NOT_FOR_NATION = "This letter is not written for the nation this case is in."
NOT_A_DRAFT = "This letter is final: it can no longer be changed. Start a new one to change its words."
STILL_BRACKETED = "This letter still has parts in [square brackets] to fill in: {parts}."
NO_ADDRESS = "Give the recipient's address before making the letter final."
NOT_FINAL = "Make the letter final before marking it sent."
ALREADY_SENT = "This letter is already marked as sent."
NOT_SENT = "Mark the letter as sent before logging an answer to it."
IN_FUTURE = "This date is in the future."
SENT_BEFORE_WRITTEN = "A letter cannot be sent before it was written ({written})."
ANSWER_BEFORE_SENT = "The answer cannot have come before the letter was sent ({sent})."
NO_EXTENSION = "This deadline cannot be extended."
NO_NATION = (
    "Say which nation this case is in (in the case's settings) first: the deadline depends on its bank holidays."
)

TOO_LONG = "At most {limit:,} characters (this has {length:,})."
LIMITS = {
    "subject": 500, "body": 30000, "sender_name": 200, "sender_address": 1000, "recipient_name": 200,
    "recipient_address": 1000, "salutation": 200, "sign_off": 40, "note": 5000,
}  # fmt: skip

BRACKETED = re.compile(r"\[[^\[\]\n]{1,120}\]")


def _record(letter: Letter, *, user, action: str, details: dict | None = None) -> None:
    audit.event_record(
        actor=user,
        case_id=letter.case_id,
        action=action,
        target=letter,
        details={"letter": letter.pk, "template": letter.template_key, **(details or {})},
    )


def template_for(key: str) -> letter_text.LetterTemplate:
    template = TEMPLATES.get(key)
    if template is None:
        raise ValidationError({"template": ValidationError(NO_SUCH_TEMPLATE, code=RULE)})
    return template


def templates_for(nation: str) -> list[letter_text.LetterTemplate]:
    """The letters a case in `nation` can start, in the order they are offered."""
    return [t for t in TEMPLATES.values() if not nation or nation in t.nations]


def _due_text(template, case, today: dt.date) -> str:
    rules = deadlines.LETTER_STARTS.get(template.key, ())
    if not rules or not case.nation:
        return ""
    try:
        found = deadlines.due(rules[0], today, case.nation)
    except deadlines.DeadlineError:
        return ""
    return f"by {letter_text.format_date(found.due_date)}"


@transaction.atomic
def letter_start(*, user, case, template_key: str, reference=None, recipient=None, incidents: Sequence = ()) -> Letter:
    """A draft of the template's letter, filled with what the case knows. What it does not know is left
    "[in brackets]" for her to write in."""
    template = template_for(template_key)
    if case.nation and case.nation not in template.nations:
        raise ValidationError({"template": ValidationError(NOT_FOR_NATION, code=RULE)})
    for item, what in ((reference, "reference"), (recipient, "recipient")):
        if item is not None:
            access.require_same_case(case, [item], what)
    access.require_same_case(case, incidents, "incident")
    today = timezone.localdate(timezone.now(), case.zone)
    values = queries.start_values(
        case=case, user=user, template=template, reference=reference, recipient=recipient, incidents=incidents,
        today=today,
    )  # fmt: skip
    values.setdefault("due_text", _due_text(template, case, today))
    filled = letter_text.fill(template, values, final=False)
    letter = Letter.objects.create(
        case=case,
        template_key=template.key,
        title=template.title,
        recipient=recipient or (reference.agency if reference else None),
        sender_name=filled.sender_name,
        sender_address_sealed=value_seal(case, queries.SENDER_ADDRESS, "\n".join(filled.sender_lines)),
        recipient_name=filled.recipient_name,
        recipient_address="\n".join(filled.recipient_lines),
        salutation=filled.salutation,
        sign_off=filled.sign_off,
        subject=filled.subject,
        body="\n\n".join(filled.body_paragraphs),
        created_by=user,
    )
    _record(letter, user=user, action=Action.LETTER_START, details={"missing": list(filled.missing)})
    return letter


def _require_draft(letter: Letter) -> None:
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError(NOT_A_DRAFT, code=CONFLICT)


@transaction.atomic
def letter_edit(
    *,
    user,
    letter: Letter,
    subject: str,
    body: str,
    sender_name: str,
    sender_address: str,
    recipient_name: str,
    recipient_address: str,
    salutation: str,
    sign_off: str,
) -> Letter:
    _require_draft(letter)
    given = {
        "subject": subject, "body": body, "sender_name": sender_name, "sender_address": sender_address,
        "recipient_name": recipient_name, "recipient_address": recipient_address, "salutation": salutation,
        "sign_off": sign_off,
    }  # fmt: skip
    too_long = {
        name: ValidationError(TOO_LONG.format(limit=LIMITS[name], length=len(value.strip())), code=RULE)
        for name, value in given.items()
        if len(value.strip()) > LIMITS[name]
    }
    if too_long:
        raise ValidationError(too_long)
    if not body.strip():
        raise ValidationError({"body": ValidationError("The letter has no words.", code=RULE)})
    letter.subject, letter.body = subject.strip(), body.strip()
    letter.sender_name, letter.recipient_name = sender_name.strip(), recipient_name.strip()
    letter.sender_address_sealed = value_seal(letter.case, queries.SENDER_ADDRESS, sender_address.strip())
    letter.recipient_address = recipient_address.strip()
    letter.salutation, letter.sign_off = (
        salutation.strip() or "Dear Sir or Madam",
        sign_off.strip() or "Yours faithfully",
    )
    letter.updated_at = timezone.now()
    letter.save()
    _record(letter, user=user, action=Action.LETTER_EDIT, details={"length": len(letter.body)})
    return letter


def final_problems(letter: Letter) -> list[str]:
    """What stops the letter being final, in words ([] when nothing does)."""
    problems = []
    texts = [letter.subject, letter.body, letter.sender_name, queries.sender_address(letter)]
    texts += [letter.recipient_name, letter.recipient_address, letter.salutation]
    parts = sorted({m.group(0) for text in texts for m in BRACKETED.finditer(text)})
    if parts:
        problems.append(STILL_BRACKETED.format(parts=", ".join(parts)))
    if not letter.recipient_address.strip():
        problems.append(NO_ADDRESS)
    if "{{" in letter.subject + letter.body:
        problems.append(STILL_BRACKETED.format(parts="{{ ... }}"))
    return problems


@transaction.atomic
def letter_finalise(*, user, letter: Letter) -> Letter:
    _require_draft(letter)
    problems = final_problems(letter)
    if problems:
        raise ValidationError([ValidationError(problem, code=RULE) for problem in problems])
    letter.status, letter.finalised_at = Letter.Status.FINAL, timezone.now()
    letter.save(update_fields=["status", "finalised_at"])
    _record(letter, user=user, action=Action.LETTER_FINAL)
    return letter


def _past_date(day: dt.date, case, field: str) -> None:
    if day > timezone.localdate(timezone.now(), case.zone):
        raise ValidationError({field: ValidationError(IN_FUTURE, code=RULE)})


@transaction.atomic
def letter_mark_sent(*, user, letter: Letter, sent_on: dt.date, how: str) -> list[Deadline]:
    """The letter went out: its clocks start (casework/deadlines.py LETTER_STARTS), each a Deadline row."""
    if letter.status == Letter.Status.SENT:
        raise ValidationError(ALREADY_SENT, code=CONFLICT)
    if letter.status != Letter.Status.FINAL:
        raise ValidationError(NOT_FINAL, code=CONFLICT)
    case = letter.case
    _past_date(sent_on, case, "sent_on")
    written = timezone.localdate(letter.created_at, case.zone)
    if sent_on < written:
        raise ValidationError(
            {
                "sent_on": ValidationError(
                    SENT_BEFORE_WRITTEN.format(written=letter_text.format_date(written)), code=RULE
                )
            }
        )
    if how not in Letter.SentHow.values:
        raise ValidationError({"how": ValidationError("Choose how the letter was sent.", code=RULE)})
    if deadlines.LETTER_STARTS.get(letter.template_key) and not case.nation:
        raise ValidationError(NO_NATION, code=CONFLICT)
    letter.status, letter.sent_on, letter.sent_how = Letter.Status.SENT, sent_on, how
    letter.save(update_fields=["status", "sent_on", "sent_how"])
    made = []
    for key in deadlines.LETTER_STARTS.get(letter.template_key, ()):
        try:
            found = deadlines.due(key, sent_on, case.nation)
        except deadlines.DeadlineError:
            continue  # a rule the case's nation does not have: no clock to show
        made.append(
            Deadline.objects.create(
                case=case, letter=letter, rule_key=key, title=found.rule.title, starts_on=sent_on, due_on=found.due_date
            )
        )
    _record(
        letter,
        user=user,
        action=Action.LETTER_SENT,
        details={"sent_on": sent_on.isoformat(), "how": how, "deadlines": [d.due_on.isoformat() for d in made]},
    )
    return made


@transaction.atomic
def letter_answer_log(*, user, letter: Letter, received_on: dt.date, note: str = "", evidence=None) -> LetterAnswer:
    """The organisation answered: the letter's open clocks close."""
    if letter.status != Letter.Status.SENT:
        raise ValidationError(NOT_SENT, code=CONFLICT)
    case = letter.case
    _past_date(received_on, case, "received_on")
    if received_on < letter.sent_on:
        message = ANSWER_BEFORE_SENT.format(sent=letter_text.format_date(letter.sent_on))
        raise ValidationError({"received_on": ValidationError(message, code=RULE)})
    if len(note.strip()) > LIMITS["note"]:
        raise ValidationError(
            {"note": ValidationError(TOO_LONG.format(limit=LIMITS["note"], length=len(note)), code=RULE)}
        )
    if evidence is not None:
        access.require_same_case(case, [evidence], "evidence")
    answer = LetterAnswer.objects.create(
        letter=letter, received_on=received_on, note=note.strip(), evidence=evidence, logged_by=user
    )
    closed = Deadline.objects.filter(letter=letter, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=answer
    )
    _record(
        letter,
        user=user,
        action=Action.LETTER_ANSWER,
        details={"received_on": received_on.isoformat(), "closed": closed, "exhibit": getattr(evidence, "mark", None)},
    )
    return answer


@transaction.atomic
def deadline_extend(*, user, deadline: Deadline) -> Deadline:
    """The organisation said it needs longer (a subject access request: two further months, if it says so
    within the first): the clock's date moves as the rule allows."""
    if deadline.extended or not deadline.is_open:
        raise ValidationError(NO_EXTENSION, code=CONFLICT)
    try:
        found = deadlines.due(deadline.rule_key, deadline.starts_on, deadline.case.nation, extended=True)
    except deadlines.DeadlineError as error:
        raise ValidationError(str(error), code=RULE) from None
    deadline.due_on, deadline.extended = found.due_date, True
    deadline.save(update_fields=["due_on", "extended"])
    audit.event_record(
        actor=user,
        case_id=deadline.case_id,
        action=Action.DEADLINE_EXTEND,
        target=deadline,
        details={"rule": deadline.rule_key, "due_on": deadline.due_on.isoformat()},
    )
    return deadline
