"""Reading a statement draft into the document the renderers take: numbering, exhibits in the order first
produced, the maker's contact details only when asked for, and a fixed number of queries."""

import datetime as dt
import zoneinfo

import pytest

from casework.documents import ExhibitDoc, ParagraphDoc
from casework.queries.statements import statement_doc, statement_for_case
from casework.services import statements as services
from incidents.services import evidence as evidence_services
from incidents.services import references as reference_services
from tests.factories import log_incident

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, 9, 30, tzinfo=LONDON)


def attach(case, user, description, incidents):
    return evidence_services.evidence_attach(
        user=user,
        case=case,
        kind="screenshot",
        description=description,
        source_url="https://example.org/" + description.replace(" ", "-"),
        incidents=incidents,
    ).evidence


def test_the_document_numbers_the_opening_body_and_closing_and_lists_exhibits_as_first_produced(case, owner):
    referral = log_incident(
        case, owner, kind="referral_nspcc", occurred_at=at(20), occurred_precision="day", narrative="They called."
    )
    post = log_incident(case, owner, occurred_at=at(3), occurred_precision="day", narrative="A post about us.")
    attach(case, owner, "Screenshot of the NSPCC email", [referral])  # AJ/1
    attach(case, owner, "Screenshot of the post", [post])  # AJ/2
    attach(case, owner, "Photo of the car", [])  # AJ/3, produced by no paragraph
    reference_services.reference_create(user=owner, case=case, kind="police", number="12/34567/26")
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.statement_update(
        statement=statement,
        opening="My name is Alex Jones.\r\n\r\nI live with my two children.",
        closing="This has frightened my children.",
        by=owner,
    )
    statement = statement_for_case(case=case, kind="witness")
    doc = statement_doc(statement=statement, include_contact=False, dated=dt.date(2026, 12, 3))
    assert doc.paragraphs == (
        ParagraphDoc(number=1, text="My name is Alex Jones."),
        ParagraphDoc(number=2, text="I live with my two children."),
        ParagraphDoc(
            number=3,
            text="On 3 October 2026, a post about my family was published. A post about us. "
            "I produce a screenshot of the post as exhibit AJ/2.",
            exhibits=("AJ/2",),
        ),
        ParagraphDoc(
            number=4,
            text="On 20 October 2026, a referral was made about my family to the NSPCC. They called. "
            "I produce a screenshot of the NSPCC email as exhibit AJ/1.",
            exhibits=("AJ/1",),
        ),
        ParagraphDoc(number=5, text="This has frightened my children."),
    )
    assert doc.exhibits == (
        ExhibitDoc(mark="AJ/2", description="Screenshot of the post"),
        ExhibitDoc(mark="AJ/1", description="Screenshot of the NSPCC email"),
    )
    assert (doc.kind, doc.title, doc.maker_name, doc.maker_age, doc.maker_occupation) == (
        "witness",
        "Witness statement",
        "Alex Jones",
        "Over 18",
        "",
    )
    assert (doc.references, doc.dated, doc.revision) == (("Crime ref 12/34567/26",), dt.date(2026, 12, 3), 2)


def test_a_removed_paragraph_is_not_in_the_document_and_the_numbers_close_up(case, owner):
    for day in (1, 2, 3):
        log_incident(case, owner, occurred_at=at(day), occurred_precision="day", narrative=f"Post {day}.")
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.paragraph_remove(paragraph=statement.paragraphs.get(position=2), by=owner)
    doc = statement_doc(statement=statement_for_case(case=case, kind="witness"), include_contact=False)
    assert [(p.number, p.text[-7:]) for p in doc.paragraphs] == [(1, "Post 1."), (2, "Post 3.")]


def test_her_own_mention_of_an_exhibit_produces_it_and_a_longer_mark_is_not_mistaken(case, owner):
    incident = log_incident(case, owner, occurred_at=at(5), occurred_precision="day", narrative="A post.")
    for n in range(1, 13):
        attach(case, owner, f"Item {n}", [incident] if n == 12 else [])
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.statement_update(
        statement=statement, opening="I refer to aj/3 and to XAJ/4 and AJ/40.", closing="", by=owner
    )
    doc = statement_doc(statement=statement_for_case(case=case, kind="witness"), include_contact=False)
    assert [p.exhibits for p in doc.paragraphs] == [("AJ/3",), ("AJ/12",)]
    assert [e.mark for e in doc.exhibits] == ["AJ/3", "AJ/12"]


@pytest.mark.parametrize("incidents", [1, 30])
def test_the_document_takes_three_queries_however_long(case, owner, incidents, django_assert_num_queries):
    for n in range(incidents):
        incident = log_incident(case, owner, occurred_at=at(1 + n % 28), narrative=f"Post number {n}.")
        attach(case, owner, f"Screenshot {n}", [incident])
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.statement_maker_update(
        statement=statement,
        name="Alex Jones",
        over_18=True,
        age=None,
        occupation="Nurse",
        address="1 High Street",
        phone="07700 900123",
        by=owner,
    )
    statement = statement_for_case(case=case, kind="witness")
    statement.case = case  # as the gate gives it, with the case's key loaded
    # 1 every exhibit of the case, 2 the paragraphs with their incidents, 3 the case's police references
    with django_assert_num_queries(3):
        doc = statement_doc(statement=statement, include_contact=True)
    assert len(doc.paragraphs) == incidents
    assert len(doc.exhibits) == incidents
    assert doc.maker_phone == "07700 900123"
