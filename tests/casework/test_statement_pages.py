"""The statement page: the owner drafts (start, opening, maker, change, move, remove, put back, bring up to
date); a viewer or an advocate reads but cannot write; an outsider sees nothing; an opening over its limit
comes back with the limit named and every character she typed; the page's queries do not grow."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Statement, StatementParagraph
from casework.services import statements as services
from tests.factories import log_incident

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, 9, 30, tzinfo=LONDON)


def url(name: str, case, kind: str = "witness", *extra) -> str:
    return reverse(f"casework:{name}", args=[case.pk, kind, *extra])


@pytest.fixture
def started(case, owner):
    log_incident(case, owner, occurred_at=at(3), occurred_precision="day", narrative="A post about us.")
    log_incident(case, owner, occurred_at=at(9), occurred_precision="day", narrative="A second post.")
    return services.statement_get_or_start(case=case, kind="witness", by=owner)


def body(response) -> str:
    return response.content.decode()


def paragraph_texts(statement) -> list[str]:
    return list(
        StatementParagraph.objects.filter(statement=statement, removed_at__isnull=True)
        .order_by("position")
        .values_list("text", flat=True)
    )


def test_the_page_says_once_that_it_is_not_legal_advice(client, case, owner, started):
    client.force_login(owner)
    response = client.get(url("statement", case))
    assert response.status_code == 200
    assert body(response).count("It is not legal advice.") == 1
    assert "On 3 October 2026, a post about my family was published. A post about us." in body(response)
    assert 'aria-current="page">Statement</a>' in body(response)


def test_the_owner_starts_a_draft_from_the_record(client, case, owner):
    log_incident(case, owner, occurred_at=at(3), occurred_precision="day", narrative="A post about us.")
    client.force_login(owner)
    page = client.get(url("statement", case))
    assert "Start my draft" in body(page)
    response = client.post(url("statement_start", case))
    assert response.status_code == 302
    statement = Statement.objects.get(case=case, kind="witness")
    assert paragraph_texts(statement) == ["On 3 October 2026, a post about my family was published. A post about us."]


def test_the_owner_writes_the_opening_and_edits_a_paragraph(client, case, owner, started):
    client.force_login(owner)
    response = client.post(url("statement_opening", case), {"opening": "My name is Alex Jones.\r\n\r\nI am a nurse."})
    assert response.status_code == 302
    assert Statement.objects.get(pk=started.pk).opening == "My name is Alex Jones.\n\nI am a nurse."
    first = started.paragraphs.get(position=1)
    assert client.get(url("paragraph_edit", case, "witness", first.pk)).status_code == 200
    response = client.post(url("paragraph_edit", case, "witness", first.pk), {"text": "On 3 October I saw a post."})
    assert response.status_code == 302
    assert response["Location"] == url("statement", case) + f"#paragraph-{first.pk}"
    page = body(client.get(url("statement", case)))
    assert "On 3 October I saw a post." in page
    assert "Changed by you" in page
    # the opening's two paragraphs come first
    assert "Paragraph 3 · Sat 3 Oct 2026 · Online post · <span" in page
    assert "Paragraph 4 · Fri 9 Oct 2026 · Online post</p>" in page


def test_the_owner_moves_removes_and_puts_back_a_paragraph(client, case, owner, started):
    client.force_login(owner)
    first, second = started.paragraphs.order_by("position")
    client.post(url("paragraph_move", case, "witness", second.pk), {"to": "1"})
    assert paragraph_texts(started) == [second.text, first.text]
    client.post(url("paragraph_remove", case, "witness", second.pk))
    assert paragraph_texts(started) == [first.text]
    page = body(client.get(url("statement", case)))
    assert "Removed paragraphs" in page
    client.post(url("paragraph_restore", case, "witness", second.pk))
    assert paragraph_texts(started) == [second.text, first.text]


def test_bringing_up_to_date_keeps_her_edit_and_adds_the_new_incident(client, case, owner, started):
    client.force_login(owner)
    first = started.paragraphs.get(position=1)
    client.post(url("paragraph_edit", case, "witness", first.pk), {"text": "My words."})
    log_incident(case, owner, occurred_at=at(5), occurred_precision="day", narrative="A message came.")
    response = client.post(url("statement_regenerate", case), follow=True)
    assert "Brought up to date: 1 new paragraph, 0 updated from the record." in body(response)
    assert paragraph_texts(started) == [
        "My words.",
        "On 5 October 2026, a post about my family was published. A message came.",
        "On 9 October 2026, a post about my family was published. A second post.",
    ]


def test_the_makers_details_are_saved_and_a_missing_age_is_asked_for(client, case, owner, started):
    client.force_login(owner)
    data = {
        "name": "Sam Jones",
        "over_18": "no",
        "age": "",
        "occupation": "Student",
        "address": "1 High St",
        "phone": "",
    }
    response = client.post(url("statement_maker", case), data)
    assert response.status_code == 400
    page = body(response)
    assert "Enter your age: the statement asks for it when you are under 18." in page
    assert 'value="Sam Jones"' in page and "1 High St</textarea>" in page
    response = client.post(url("statement_maker", case), {**data, "age": "16"})
    assert response.status_code == 302
    row = Statement.objects.get(pk=started.pk)
    assert (row.maker_name, row.maker_over_18, row.maker_age) == ("Sam Jones", False, 16)


def test_an_opening_over_its_limit_shows_the_error_and_keeps_her_text(client, case, owner, started):
    client.force_login(owner)
    typed = "I want to say this. " * 501  # 10,020 characters
    response = client.post(url("statement_opening", case), {"opening": typed})
    assert response.status_code == 400
    page = body(response)
    assert "Keep the opening to 10,000 characters or fewer. It has 10,020: nothing was saved yet." in page
    assert '<a href="#opening">see what needs changing</a>' in page
    textarea = re.search(r'<textarea name="opening"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert textarea.group(1) == typed
    assert "maxlength" not in textarea.group(0)
    assert Statement.objects.get(pk=started.pk).opening == ""


def test_an_empty_paragraph_is_refused_with_her_page_kept(client, case, owner, started):
    client.force_login(owner)
    first = started.paragraphs.get(position=1)
    response = client.post(url("paragraph_edit", case, "witness", first.pk), {"text": "   "})
    assert response.status_code == 400
    assert "A paragraph cannot be empty. To leave it out of your statement, remove it instead." in body(response)


@pytest.mark.parametrize("role", ["viewer", "advocate"])
def test_a_viewer_or_advocate_reads_but_cannot_write(client, case, owner, started, role, request):
    services.statement_maker_update(
        statement=started,
        name="Alex Jones",
        over_18=True,
        age=None,
        occupation="Nurse",
        address="1 High Street",
        phone="07700 900123",
        by=owner,
    )
    member = request.getfixturevalue(role)
    client.force_login(member)
    page = client.get(url("statement", case))
    assert page.status_code == 200
    assert "A post about us." in body(page)
    assert "<dt>Occupation</dt><dd>Nurse</dd>" in body(page)
    assert "High Street" not in body(page) and "900123" not in body(page)
    assert "Bring up to date with the record" not in body(page)
    assert "Save my details" not in body(page)
    first = started.paragraphs.get(position=1)
    for name, args, data in [
        ("statement_start", (), {}),
        ("statement_opening", (), {"opening": "Not mine to write."}),
        ("statement_closing", (), {"closing": "Not mine to write."}),
        ("statement_maker", (), {"name": "X", "over_18": "yes"}),
        ("statement_regenerate", (), {}),
        ("paragraph_edit", (first.pk,), {"text": "Changed."}),
        ("paragraph_move", (first.pk,), {"to": "2"}),
        ("paragraph_remove", (first.pk,), {}),
        ("paragraph_restore", (first.pk,), {}),
    ]:
        assert client.post(url(name, case, "witness", *args), data).status_code == 403, name
    assert client.get(url("paragraph_edit", case, "witness", first.pk)).status_code == 403
    row = Statement.objects.get(pk=started.pk)
    assert (row.opening, row.revision) == ("", 2)


def test_an_outsider_sees_nothing(client, case, outsider, started):
    client.force_login(outsider)
    first = started.paragraphs.get(position=1)
    assert client.get(url("statement", case)).status_code == 404
    assert client.get(url("statement", case, "victim")).status_code == 404
    assert client.post(url("statement_opening", case), {"opening": "x"}).status_code == 404
    assert client.post(url("paragraph_remove", case, "witness", first.pk)).status_code == 404
    assert client.post(url("paragraph_move", case, "witness", first.pk), {"to": "x"}).status_code == 404


def test_a_paragraph_of_another_case_is_not_found(client, case, owner, started):
    from tests.factories import make_case

    other = make_case(owner, title="Another case")
    client.force_login(owner)
    first = started.paragraphs.get(position=1)
    assert client.post(url("paragraph_remove", other, "witness", first.pk)).status_code == 404
    assert client.post(url("paragraph_remove", case, "victim", first.pk)).status_code == 404


def test_the_victim_personal_statement_is_the_same_page(client, case, owner):
    log_incident(case, owner, occurred_at=at(3), occurred_precision="day", impact="We were frightened")
    client.force_login(owner)
    client.post(url("statement_start", case, "victim"))
    page = body(client.get(url("statement", case, "victim")))
    assert "<h1>Victim personal statement</h1>" in page
    assert "After what happened on 3 October 2026 (Online post): We were frightened." in page
    assert client.get(url("statement", case, "letter")).status_code == 404


def test_a_flagged_paragraph_shows_its_flag(client, case, owner, started):
    from incidents.services import incidents as incident_services

    incident = started.paragraphs.get(position=1).incident
    incident_services.incident_withdraw(user=owner, incident=incident, reason="Logged twice.")
    client.force_login(owner)
    page = body(client.get(url("statement", case)))
    assert "1 paragraph needs a look" in page
    assert "The incident this paragraph is about was withdrawn from the record." in page


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_queries_do_not_grow_with_its_paragraphs(client, case, owner):
    log_incident(case, owner, occurred_at=at(1), narrative="Only one.")
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    client.force_login(owner)
    # gate 3 (session, user, membership with its case) + the page view's audit event 5 + the statement
    # + the case's exhibits + the paragraphs with their incidents
    assert _count(client, url("statement", case)) == 11
    for n in range(25):
        log_incident(case, owner, occurred_at=at(2 + n % 27), narrative=f"Post {n}.")
    services.statement_regenerate(statement=statement, by=owner)
    assert _count(client, url("statement", case)) == 11


@pytest.mark.parametrize(
    ("role", "offered"), [("owner", True), ("editor", True), ("advocate", True), ("viewer", False)]
)
def test_making_the_documents_is_offered_to_those_who_may_export(client, case, started, role, offered, request):
    client.force_login(request.getfixturevalue(role))
    page = body(client.get(url("statement", case)))
    action = f'action="/cases/{case.pk}/statements/witness/document/"'
    assert (action in page, "Make the PDF and Word document" in page) == (offered, offered)
    if offered:  # the form's own ids, not the maker form's
        assert 'id="document_include_contact"' in page and 'id="document_dated"' in page
