"""Exhibit numbering and what an attached exhibit records, with every answer written out (docs/mutation.md)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from audit.models import AuditEvent
from incidents.models import Case, Evidence
from incidents.services import evidence as evidence_services
from tests.factories import log_incident, make_case, png_bytes, upload
from vault import store

pytestmark = pytest.mark.django_db

HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"


def _attach(case, user, data=b"hello", name="note.txt", **fields):
    fields.setdefault("kind", "screenshot")
    fields.setdefault("description", "  What was sent  ")
    return evidence_services.evidence_attach(
        user=user, case=case, uploaded_file=upload(name, data) if data is not None else None, **fields
    )


def _last_event(case):
    return AuditEvent.objects.filter(case_id=case.pk).order_by("-sequence").first()


def test_the_first_exhibit_and_what_it_records(case, owner):
    Case.objects.filter(pk=case.pk).update(exhibit_prefix="AJ")
    incident = log_incident(case, owner)
    attached = _attach(case, owner, name="C:\\Users\\me\\<note>.txt", obtained_from="  School  ", incidents=[incident])
    ex = Evidence.objects.get(pk=attached.evidence.pk)
    assert attached.created is True and attached.note is None
    assert (ex.number, ex.mark, ex.kind) == (1, "AJ/1", "screenshot")
    assert (ex.description, ex.obtained_from, ex.original_name) == ("What was sent", "School", "note.txt")
    assert (ex.content_type, ex.size, ex.sha256, ex.preview_name) == ("text/plain", 5, HELLO_SHA256, "")
    assert ex.storage_name.endswith(".bin") and ex.uploaded_by_id == owner.pk and ex.case_id == case.pk
    assert list(ex.incidents.all()) == [incident]
    assert store.read_all(case, ex.storage_name) == b"hello"
    event = _last_event(case)
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        "evidence.attach",
        owner.pk,
        "incidents.evidence",
        ex.pk,
    )
    assert event.details == {
        "mark": "AJ/1",
        "sha256": HELLO_SHA256,
        "size": 5,
        "content_type": "text/plain",
        "incidents": [incident.pk],
    }
    case.refresh_from_db()
    assert case.next_exhibit_number == 2


def test_numbers_follow_on_without_gaps(case, owner, editor):
    Case.objects.filter(pk=case.pk).update(exhibit_prefix="SJ")
    marks = [
        _attach(case, owner, data=b"one").evidence.mark,
        _attach(case, editor, data=b"two").evidence.mark,
        _attach(case, owner, data=None, source_url="https://example.org/post").evidence.mark,
        _attach(case, owner, data=b"four").evidence.mark,
    ]
    assert marks == ["SJ/1", "SJ/2", "SJ/3", "SJ/4"]
    case.refresh_from_db()
    assert case.next_exhibit_number == 5


def test_each_case_numbers_its_own(owner, outsider):
    first, second = make_case(owner, title="A"), make_case(outsider, title="B")
    assert _attach(first, owner, data=b"same note\n").evidence.number == 1
    # The same bytes in another case are a new exhibit of that case, never a link to the first case's.
    theirs = _attach(second, outsider, data=b"same note\n")
    assert (theirs.created, theirs.evidence.case_id, theirs.evidence.number) == (True, second.pk, 1)
    assert Evidence.objects.filter(case=second).count() == 1
    assert _attach(first, owner, data=b"another note\n").evidence.number == 2


def test_a_link_with_no_file(case, owner):
    attached = _attach(case, owner, data=None, source_url="https://example.org/post", description="")
    ex = Evidence.objects.get(pk=attached.evidence.pk)
    assert (ex.source_url, ex.original_name, ex.content_type, ex.size, ex.sha256, ex.storage_name) == (
        "https://example.org/post",
        "",
        "",
        0,
        "",
        "",
    )
    assert (ex.obtained_from, ex.preview_name, ex.obtained_at) == ("", "", None)
    assert _last_event(case).details["size"] == 0
    assert store.stored_files() == []


def test_neither_a_file_nor_a_link(case, owner):
    with pytest.raises(ValidationError) as refused:
        _attach(case, owner, data=None)
    assert refused.value.messages == ["Choose a file, or give the link where it was."]
    assert Evidence.objects.count() == 0


def test_an_incident_of_another_case_is_refused_and_nothing_is_kept(case, owner, outsider):
    other = make_case(outsider, title="Other")
    stranger = log_incident(other, outsider)
    with pytest.raises(ValidationError) as refused:
        _attach(case, owner, incidents=[stranger])
    assert refused.value.messages == ["That incident belongs to another case."]
    assert Evidence.objects.count() == 0 and store.stored_files() == []


def test_the_same_bytes_again_link_the_existing_exhibit(case, owner, editor):
    Case.objects.filter(pk=case.pk).update(exhibit_prefix="AJ")
    first = _attach(case, owner, description="The message")
    files = store.stored_files()
    incident = log_incident(case, editor)
    again = _attach(case, editor, description="The message", incidents=[incident])
    assert again.created is False and again.note is None
    assert again.evidence.pk == first.evidence.pk
    assert store.stored_files() == files  # the second copy was not kept
    assert list(first.evidence.incidents.all()) == [incident]
    event = AuditEvent.objects.filter(case_id=case.pk, action="evidence.duplicate").get()
    assert (event.actor_id, event.target_id, event.details) == (
        editor.pk,
        first.evidence.pk,
        {"mark": "AJ/1", "sha256": HELLO_SHA256},
    )
    case.refresh_from_db()
    assert case.next_exhibit_number == 2
    with_words = _attach(case, editor, description="Sent at 9pm")
    assert with_words.created is False and with_words.note.body == "Sent at 9pm"


def test_a_failure_after_storing_keeps_no_bytes_and_no_number(case, owner, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(evidence_services.audit, "event_record", broken)
    with pytest.raises(RuntimeError, match=r"^the audit trail is down$"):
        _attach(case, owner, data=png_bytes())
    assert store.stored_files() == []  # neither the original nor its preview
    assert Evidence.objects.count() == 0
    case.refresh_from_db()
    assert case.next_exhibit_number == 1


@pytest.mark.django_db(transaction=True)
def test_the_number_lock_does_not_wait_on_a_foreign_key_check(owner):
    """Another transaction holding FOR KEY SHARE on the case (what inserting a row that refers to it takes)
    must not block the exhibit number's lock: FOR NO KEY UPDATE, not FOR UPDATE."""
    case = make_case(owner, title="Locks")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM incidents_case WHERE id = %s FOR KEY SHARE", [case.pk])
            with connection.cursor() as mine:
                mine.execute("SET lock_timeout = '2s'")
            try:
                attached = _attach(case, owner, data=b"a note\n")
            finally:
                with connection.cursor() as mine:
                    mine.execute("SET lock_timeout = 0")
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert attached.evidence.number == 1
