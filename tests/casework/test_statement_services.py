"""Writing the statement drafts: starting one from the record, her edits kept through bringing it up to date,
removed paragraphs staying removed, withdrawn incidents flagged, every save a numbered revision with its audit
event, the maker's address and phone sealed, and limits refused with nothing lost."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from casework.models import Statement, StatementParagraph, StatementRevision
from casework.queries.statements import (
    NO_IMPACT_NOW,
    WITHDRAWN_EDITED,
    WITHDRAWN_UNEDITED,
    paragraph_rows,
    statement_doc,
    statement_for_case,
)
from casework.services import statements as services
from incidents.models import Party
from incidents.services import evidence as evidence_services
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.factories import log_incident

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")

POST = (
    "On 9 October 2026 at 14:05, a post about my family was published on Facebook. "
    "A post said we hurt our children. This affected me and my family. I could not sleep."
)
REFERRAL = (
    "On 20 October 2026, a referral was made about my family to Kent Children's Services. "
    "Someone called the council about us. The social services case number (Kent Children's Services) is CS-114. "
    "I produce a letter from the council as exhibit AJ/1."
)
MESSAGE = "In October 2026, I received a message. He said he would report us again."


def at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def record(case, owner):
    """Two incidents: a post on 9 October (exact), a referral on 20 October (the day) with its reference and
    an exhibit."""
    post = log_incident(
        case,
        owner,
        occurred_at=at(9, 14, 5),
        platform="Facebook",
        narrative="A post said we hurt our children.",
        impact="I could not sleep.",
    )
    council = party_services.party_create(
        user=owner, case=case, kind=Party.Kind.SOCIAL_SERVICES, name="Kent Children's Services"
    )
    referral = log_incident(
        case,
        owner,
        kind="referral_social_services",
        occurred_at=at(20),
        occurred_precision="day",
        narrative="Someone called the council about us.",
        parties=[council],
    )
    reference_services.reference_create(
        user=owner, case=case, kind="social_services", number="CS-114", agency=council, incidents=[referral]
    )
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="document",
        description="Letter from the council",
        source_url="https://example.org/letter",
        incidents=[referral],
    )
    return post, referral


def texts(statement) -> list[str]:
    return list(
        StatementParagraph.objects.filter(statement=statement).order_by("position").values_list("text", flat=True)
    )


def test_starting_a_statement_writes_a_paragraph_for_each_incident_in_date_order(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    assert texts(statement) == [POST, REFERRAL]
    assert statement.maker_name == "Alex Jones"
    assert statement.revision == 1
    again = services.statement_get_or_start(case=case, kind="witness", by=owner)
    assert again.pk == statement.pk
    assert StatementRevision.objects.filter(statement=statement).count() == 1


def test_a_kind_that_is_not_a_statement_is_refused(case, owner):
    with pytest.raises(ValidationError) as error:
        services.statement_get_or_start(case=case, kind="letter", by=owner)
    assert error.value.message_dict == {"kind": ["Choose a witness statement or a victim personal statement."]}
    assert not Statement.objects.exists()


def test_bringing_it_up_to_date_keeps_her_edit_and_adds_the_new_incident_by_date(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    first = statement.paragraphs.get(position=1)
    services.paragraph_edit(
        paragraph=first, text="On 9 October a post on Facebook said we hurt our children.", by=owner
    )
    log_incident(
        case,
        owner,
        kind="direct_message",
        occurred_at=at(15),
        occurred_precision="month",
        narrative="He said he would report us again",
    )
    result = services.statement_regenerate(statement=statement, by=owner)
    assert (result.added, result.refreshed) == (1, 0)
    assert texts(statement) == ["On 9 October a post on Facebook said we hurt our children.", MESSAGE, REFERRAL]


def test_bringing_it_up_to_date_rewrites_only_the_paragraphs_she_has_not_changed(case, owner, record):
    post, referral = record
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    first = statement.paragraphs.get(incident=post)
    services.paragraph_edit(paragraph=first, text="My own words about the post.", by=owner)
    incident_services.incident_edit(user=owner, incident=post, narrative="The post was changed later.")
    incident_services.incident_edit(user=owner, incident=referral, narrative="A neighbour called the council.")
    result = services.statement_regenerate(statement=statement, by=owner)
    assert (result.added, result.refreshed) == (0, 1)
    assert texts(statement) == [
        "My own words about the post.",
        REFERRAL.replace("Someone called the council about us.", "A neighbour called the council."),
    ]
    edited = StatementParagraph.objects.get(pk=first.pk)
    assert edited.generated == POST  # what the record said when she changed it, untouched
    assert edited.edited is True


def test_nothing_to_bring_up_to_date_keeps_no_revision(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    result = services.statement_regenerate(statement=statement, by=owner)
    assert (result.added, result.refreshed, result.revision) == (0, 0, None)
    assert Statement.objects.get(pk=statement.pk).revision == 1


def test_a_removed_paragraph_stays_removed_and_comes_back_in_its_place(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    first = statement.paragraphs.get(position=1)
    services.paragraph_remove(paragraph=first, by=owner)
    log_incident(case, owner, occurred_at=at(1), occurred_precision="day", narrative="An early post.")
    services.statement_regenerate(statement=statement, by=owner)
    rows = paragraph_rows(statement=statement)
    assert [(row.text[:28], row.removed, row.number) for row in rows] == [
        ("On 1 October 2026, a post ab", False, 1),
        ("On 9 October 2026 at 14:05, ", True, None),
        ("On 20 October 2026, a referr", False, 2),
    ]
    with pytest.raises(ValidationError) as error:
        services.paragraph_remove(paragraph=first, by=owner)
    assert error.value.messages == ["This paragraph was already removed."]
    services.paragraph_restore(paragraph=first, by=owner)
    assert [row.number for row in paragraph_rows(statement=statement)] == [1, 2, 3]


def test_a_withdrawn_incidents_paragraphs_stay_flagged(case, owner, record):
    post, referral = record
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.paragraph_edit(paragraph=statement.paragraphs.get(incident=post), text="My words on the post.", by=owner)
    incident_services.incident_withdraw(user=owner, incident=post, reason="Logged twice.")
    incident_services.incident_withdraw(user=owner, incident=referral, reason="Wrong family.")
    services.statement_regenerate(statement=statement, by=owner)
    rows = paragraph_rows(statement=statement)
    assert [(row.text, row.flag) for row in rows] == [
        ("My words on the post.", WITHDRAWN_EDITED),
        (REFERRAL, WITHDRAWN_UNEDITED),
    ]
    doc = statement_doc(statement=statement, include_contact=False)
    assert [(p.number, p.text, p.flag) for p in doc.paragraphs] == [
        (1, "My words on the post.", WITHDRAWN_EDITED),
        (2, REFERRAL, WITHDRAWN_UNEDITED),
    ]


def test_an_exhibit_withdrawn_later_is_flagged_where_it_is_produced(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    exhibit = case.evidence.get()
    evidence_services.evidence_withdraw(user=owner, evidence=exhibit, reason="Wrong letter.")
    rows = paragraph_rows(statement=statement)
    assert [row.flag for row in rows] == [
        "",
        "Exhibit AJ/1 was withdrawn from the record, but this paragraph still produces it.",
    ]


def test_every_save_is_a_numbered_revision_of_the_whole_draft(case, owner, record):
    post, referral = record
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    first, second = statement.paragraphs.order_by("position")
    services.statement_update(statement=statement, opening="My name is Alex Jones.", closing="", by=owner)
    services.paragraph_remove(paragraph=second, by=owner)
    revisions = list(StatementRevision.objects.filter(statement=statement).order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    maker = {
        "name": "Alex Jones",
        "over_18": True,
        "age": None,
        "occupation": "",
        "has_address": False,
        "has_phone": False,
    }
    paragraphs = [
        {"id": first.pk, "incident": post.pk, "text": POST, "edited": False, "removed": False},
        {"id": second.pk, "incident": referral.pk, "text": REFERRAL, "edited": False, "removed": False},
    ]
    assert revisions[0].data == {
        "kind": "witness",
        "opening": "",
        "closing": "",
        "maker": maker,
        "paragraphs": paragraphs,
    }
    assert revisions[1].data["opening"] == "My name is Alex Jones."
    assert revisions[1].data["paragraphs"] == paragraphs
    assert revisions[2].data["paragraphs"][1] == {**paragraphs[1], "removed": True}
    assert all(r.edited_by == owner for r in revisions)
    assert Statement.objects.get(pk=statement.pk).revision == 3


def test_each_save_records_its_audit_event(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.statement_update(statement=statement, opening="I am a mother of two.", closing="", by=owner)
    services.statement_maker_update(
        statement=statement,
        name="Alex Jones",
        over_18=True,
        age=None,
        occupation="Nurse",
        address="1 High Street, Maidstone",
        phone="07700 900123",
        by=owner,
    )
    events = list(AuditEvent.objects.filter(case_id=case.pk, action__startswith="statement.").order_by("sequence"))
    assert [(e.action, e.details, e.actor_id, e.target_id) for e in events] == [
        (
            "statement.regenerate",
            {"kind": "witness", "revision": 1, "started": True, "added": 2},
            owner.pk,
            statement.pk,
        ),
        ("statement.edit", {"kind": "witness", "revision": 2, "changed": ["opening"]}, owner.pk, statement.pk),
        (
            "statement.maker",
            {"kind": "witness", "revision": 3, "changed": ["occupation", "address", "phone"]},
            owner.pk,
            statement.pk,
        ),
    ]


def test_the_makers_address_and_phone_are_sealed_and_kept_out_of_revisions(case, owner):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.statement_maker_update(
        statement=statement,
        name="  Alex   Jones ",
        over_18=True,
        age=None,
        occupation="Nurse",
        address="1 High Street\r\nMaidstone",
        phone="07700 900123",
        by=owner,
    )
    row = Statement.objects.get(pk=statement.pk)
    assert b"High Street" not in bytes(row.maker_address_sealed)
    assert b"900123" not in bytes(row.maker_phone_sealed)
    revision = StatementRevision.objects.get(statement=statement, number=2)
    assert revision.data["maker"] == {
        "name": "Alex Jones",
        "over_18": True,
        "age": None,
        "occupation": "Nurse",
        "has_address": True,
        "has_phone": True,
    }
    assert "High Street" not in str(revision.data) and "900123" not in str(revision.data)
    row.case = case
    assert statement_doc(statement=row, include_contact=False).maker_address == ""
    doc = statement_doc(statement=row, include_contact=True)
    assert (doc.maker_address, doc.maker_phone, doc.maker_age) == (
        "1 High Street\nMaidstone",
        "07700 900123",
        "Over 18",
    )
    # The same details again change nothing: no revision.
    assert (
        services.statement_maker_update(
            statement=row,
            name="Alex Jones",
            over_18=True,
            age=None,
            occupation="Nurse",
            address="1 High Street\nMaidstone",
            phone="07700 900123",
            by=owner,
        )
        is None
    )


@pytest.mark.parametrize(
    ("age", "problem"),
    [
        (None, "Enter your age: the statement asks for it when you are under 18."),
        (9, "Enter an age from 10 to 17. If you are 18 or over, choose “Over 18”."),
        (18, "Enter an age from 10 to 17. If you are 18 or over, choose “Over 18”."),
    ],
)
def test_a_maker_under_18_gives_a_sensible_age(case, owner, age, problem):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    with pytest.raises(ValidationError) as error:
        services.statement_maker_update(
            statement=statement, name="Sam", over_18=False, age=age, occupation="", address="", phone="", by=owner
        )
    assert error.value.message_dict == {"age": [problem]}
    assert Statement.objects.get(pk=statement.pk).revision == 1


def test_a_maker_of_16_is_printed_as_16(case, owner):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.statement_maker_update(
        statement=statement, name="Sam", over_18=False, age=16, occupation="Student", address="", phone="", by=owner
    )
    row = statement_for_case(case=case, kind="witness")
    assert statement_doc(statement=row, include_contact=True).maker_age == "16"


def test_an_opening_over_its_limit_is_refused_and_nothing_is_lost(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.statement_update(statement=statement, opening="My first words.", closing="My closing.", by=owner)
    with pytest.raises(ValidationError) as error:
        services.statement_update(statement=statement, opening="x" * 10_001, closing="A new closing.", by=owner)
    assert error.value.message_dict == {
        "opening": ["Keep the opening to 10,000 characters or fewer. It has 10,001: nothing was saved yet."]
    }
    row = Statement.objects.get(pk=statement.pk)
    assert (row.opening, row.closing, row.revision) == ("My first words.", "My closing.", 2)
    assert StatementRevision.objects.filter(statement=statement).count() == 2


def test_an_opening_of_exactly_10000_characters_with_windows_line_ends_is_kept(case, owner):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    opening = ("a" * 98 + "\r\n") * 100  # 9,900 characters once the line ends are plain
    services.statement_update(statement=statement, opening=opening + "b" * 100, closing="", by=owner)
    assert len(Statement.objects.get(pk=statement.pk).opening) == 10_000


def test_a_closing_over_its_limit_is_refused(case, owner):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    with pytest.raises(ValidationError) as error:
        services.statement_update(statement=statement, opening="", closing="y" * 12_000, by=owner)
    assert error.value.message_dict == {
        "closing": ["Keep the closing to 10,000 characters or fewer. It has 12,000: nothing was saved yet."]
    }


def test_an_empty_paragraph_is_refused(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    paragraph = statement.paragraphs.get(position=1)
    with pytest.raises(ValidationError) as error:
        services.paragraph_edit(paragraph=paragraph, text=" \r\n ", by=owner)
    assert error.value.message_dict == {
        "text": ["A paragraph cannot be empty. To leave it out of your statement, remove it instead."]
    }
    assert StatementParagraph.objects.get(pk=paragraph.pk).text == POST


def test_her_words_back_to_the_records_are_no_longer_an_edit(case, owner, record):
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    paragraph = statement.paragraphs.get(position=1)
    services.paragraph_edit(paragraph=paragraph, text="Changed.", by=owner)
    services.paragraph_edit(paragraph=paragraph, text=POST + "\r\n", by=owner)
    assert StatementParagraph.objects.get(pk=paragraph.pk).edited is False


def test_moving_paragraphs_up_and_down(case, owner, record):
    log_incident(case, owner, occurred_at=at(25), occurred_precision="day", narrative="A third post.")
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    a, b, c = statement.paragraphs.order_by("position")
    services.paragraph_remove(paragraph=b, by=owner)
    services.paragraph_move(paragraph=c, to_position=1, by=owner)  # c before a; b (removed) keeps its place
    order = list(
        StatementParagraph.objects.filter(statement=statement).order_by("position").values_list("pk", flat=True)
    )
    assert order == [c.pk, a.pk, b.pk]
    services.paragraph_move(paragraph=c, to_position=2, by=owner)
    order = list(
        StatementParagraph.objects.filter(statement=statement).order_by("position").values_list("pk", flat=True)
    )
    assert order == [a.pk, b.pk, c.pk]
    assert services.paragraph_move(paragraph=c, to_position=2, by=owner) is None  # already there: no revision
    assert services.paragraph_move(paragraph=c, to_position=99, by=owner) is None  # past the end: last
    with pytest.raises(ValidationError):
        services.paragraph_move(paragraph=b, to_position=1, by=owner)
    assert Statement.objects.get(pk=statement.pk).revision == 4


def test_a_victim_statement_has_a_paragraph_for_each_incident_that_says_its_impact(case, owner, record):
    _post, referral = record
    statement = services.statement_get_or_start(case=case, kind="victim", by=owner)
    assert texts(statement) == ["After what happened on 9 October 2026 (Online post): I could not sleep."]
    incident_services.incident_edit(
        user=owner, incident=referral, impact="My daughter asked if she would be taken away"
    )
    services.statement_regenerate(statement=statement, by=owner)
    assert texts(statement) == [
        "After what happened on 9 October 2026 (Online post): I could not sleep.",
        "After what happened on 20 October 2026 (False referral to social services): "
        "My daughter asked if she would be taken away.",
    ]
    assert statement_for_case(case=case, kind="witness") is None


def test_a_victim_paragraph_whose_incident_no_longer_says_its_impact_is_flagged_not_emptied(case, owner, record):
    post, _referral = record
    statement = services.statement_get_or_start(case=case, kind="victim", by=owner)
    incident_services.incident_edit(user=owner, incident=post, impact="")
    services.statement_regenerate(statement=statement, by=owner)
    rows = paragraph_rows(statement=statement)
    assert [(row.text, row.flag) for row in rows] == [
        ("After what happened on 9 October 2026 (Online post): I could not sleep.", NO_IMPACT_NOW)
    ]
