"""The reads of letters: a case's letters, one with its answers and clocks, and the values a new letter is filled
with from the case (the parent's details from her statement, the agency's name and address, the reference
number, the dates of the incidents it concerns, the verification code of the latest dossier)."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from incidents.models import AgencyReference, Incident, Party
from vault.sealed import value_open

from .. import letter_text
from ..documents import LetterDoc
from ..models import Deadline, Letter, Statement

SENDER_ADDRESS = "letter_sender_address"  # what the sender's address is sealed as (vault.sealed)
MAKER_ADDRESS = "maker_address"  # the statement maker's, as casework/queries/statements.py opens it


def case_letters(case) -> QuerySet[Letter]:
    return Letter.objects.filter(case=case).select_related("recipient").prefetch_related("deadlines")


def letter_detail(case, letter_id: int) -> Letter | None:
    letter = (
        Letter.objects.filter(case=case, pk=letter_id)
        .select_related("recipient")
        .prefetch_related(
            "answers__evidence", Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on", "pk"))
        )
        .first()
    )
    if letter is not None:
        letter.case = case
    return letter


def sender_address(letter: Letter) -> str:
    return value_open(letter.case, SENDER_ADDRESS, letter.sender_address_sealed)


def _dates(incidents: list[Incident], zone) -> str:
    days = sorted({timezone.localdate(i.occurred_at, zone) for i in incidents})
    return letter_text._join([letter_text.format_date(d) for d in days])


def start_values(
    *, case, user, template, reference: AgencyReference | None, recipient: Party | None, incidents, today: dt.date
) -> dict[str, str]:
    """What the case already knows, by the names the templates use. Anything not known is left out: a draft
    shows it "[in brackets]" for her to fill in."""
    statement = Statement.objects.filter(case=case, kind=Statement.Kind.WITNESS).first()
    values = {
        "sender_name": (statement.maker_name if statement and statement.maker_name else user.full_name),
        "sender_address": value_open(case, MAKER_ADDRESS, statement.maker_address_sealed) if statement else "",
        "letter_date": letter_text.format_date(today),
    }
    agency = recipient or (reference.agency if reference else None)
    if agency is not None:
        values["recipient_name"] = agency.name
        values["recipient_address"] = agency.contact
        values["agency_name"] = agency.name
    concerned = list(incidents)
    if reference is not None:
        number = reference.number
        values["agency_reference"] = number
        values["case_reference"] = number
        if reference.kind == AgencyReference.Kind.POLICE:
            values["crime_reference"] = number
        if reference.kind == AgencyReference.Kind.NSPCC:
            values["nspcc_reference"] = number
        if reference.kind == AgencyReference.Kind.PLATFORM:
            values["report_id"] = number
        if reference.closed_on:
            values["closed_date"] = letter_text.format_date(reference.closed_on)
            closed = f"closed the matter on {letter_text.format_date(reference.closed_on)}"
            values["outcome_text"] = f"{closed}: {reference.outcome.strip()}" if reference.outcome.strip() else closed
        if not concerned:
            concerned = list(reference.incidents.order_by("occurred_at"))
    if concerned:
        dates = _dates(concerned, case.zone)
        for name in ("referral_dates", "report_dates", "contact_dates", "message_dates"):
            values[name] = dates
        values["incident_list"] = letter_text.line_list(
            f"{letter_text.format_date(timezone.localdate(i.occurred_at, case.zone))}: {i.display_title}"
            for i in concerned
        )
    return {name: value for name, value in values.items() if value}


def letter_document(letter: Letter) -> LetterDoc:
    """What the renderers print for the letter as it stands (a draft is marked DRAFT)."""
    dated = letter.sent_on or (
        timezone.localdate(letter.finalised_at, letter.case.zone) if letter.finalised_at else None
    )
    return LetterDoc(
        title=letter.title,
        sender_name=letter.sender_name,
        sender_address=tuple(line.strip() for line in sender_address(letter).splitlines() if line.strip()),
        recipient_name=letter.recipient_name,
        recipient_address=tuple(line.strip() for line in letter.recipient_address.splitlines() if line.strip()),
        dated=letter_text.format_date(dated or timezone.localdate(timezone.now(), letter.case.zone)),
        salutation=letter.salutation,
        subject=letter.subject,
        paragraphs=tuple(p.strip() for p in letter.body.split("\n\n") if p.strip()),
        sign_off=letter.sign_off,
        signature_name=letter.sender_name,
        draft=letter.status == Letter.Status.DRAFT,
    )
