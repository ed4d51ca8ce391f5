"""The audit hash format and the chain walk, with every expected answer written out (docs/mutation.md).

The canonical form of an event is stated here as a literal string and its SHA-256 as a literal hex digest:
a field dropped from the hash, renamed, reordered, re-encoded or re-dated changes the digest and fails here.
"""

import datetime as dt
import hashlib
import time

import pytest
from django.db import connection

from accounts.models import User
from audit import services as audit
from audit.models import AuditEvent, ChainHead, compute_hash
from audit.verify import Break, chains, verify_chain

pytestmark = pytest.mark.django_db

PREV = "a" * 64
FIELDS = {  # given in an order that is not sorted, so that only sort_keys puts them in order
    "chain": "case:7",
    "sequence": 3,
    "occurred_at": dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
    "actor_id": 11,
    "actor_label": "parent@example.org",
    "case_id": 7,
    "action": "incident.log",
    "target_type": "incidents.incident",
    "target_id": 5,
    "details": {"kind": "online_post", "when": dt.date(2026, 1, 1), "note": "café"},
    "prev_hash": PREV,
}
CANONICAL = (
    '{"action":"incident.log","actor_id":11,"actor_label":"parent@example.org","case_id":7,"chain":"case:7",'
    '"details":{"kind":"online_post","note":"café","when":"2026-01-01"},'
    '"occurred_at":"2026-01-02T03:04:05.000006+00:00","prev_hash":"' + PREV + '","sequence":3,'
    '"target_id":5,"target_type":"incidents.incident"}'
)
DIGEST = "f4e752842421cb7541cd69b28dd13190821c66572f345e7146a1322996752e09"
# The same event at a whole second: the timestamp still carries its six zero microseconds.
DIGEST_WHOLE_SECOND = "4ede36491bd251db3946cd43fcbb67e2d6ca61322ffa66345b3d78d921c717b2"


def test_the_canonical_form_and_its_digest():
    assert hashlib.sha256(CANONICAL.encode("utf-8")).hexdigest() == DIGEST
    assert compute_hash(**FIELDS) == DIGEST


def test_a_whole_second_keeps_its_microseconds_in_the_hash():
    fields = dict(FIELDS, occurred_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    canonical = CANONICAL.replace("03:04:05.000006", "03:04:05.000000")
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == DIGEST_WHOLE_SECOND
    assert compute_hash(**fields) == DIGEST_WHOLE_SECOND


def test_compute_hash_leaves_the_callers_fields_alone():
    fields = dict(FIELDS)
    compute_hash(**fields)
    assert fields["occurred_at"] == dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    assert fields["details"]["when"] == dt.date(2026, 1, 1)


def test_the_event_method_hashes_every_column():
    event = AuditEvent(**FIELDS)
    assert event.compute_hash() == DIGEST


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("chain", "case:8"),
        ("sequence", 4),
        ("occurred_at", dt.datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=dt.UTC)),
        ("actor_id", 12),
        ("actor_label", "other@example.org"),
        ("case_id", 8),
        ("action", "incident.update"),
        ("target_type", "incidents.party"),
        ("target_id", 6),
        ("details", {"kind": "online_post", "when": dt.date(2026, 1, 1), "note": "cafe"}),
        ("prev_hash", "b" * 64),
    ],
)
def test_each_column_changes_the_digest(name, value):
    event = AuditEvent(**dict(FIELDS, **{name: value}))
    assert event.compute_hash() != DIGEST
    assert compute_hash(**dict(FIELDS, **{name: value})) != DIGEST


def test_an_unregistered_action_is_refused_with_its_name():
    with pytest.raises(ValueError) as refused:
        audit.event_record(action="incident.teleport")
    assert str(refused.value) == (
        "Unregistered audit action 'incident.teleport': add it to audit.actions.Action, with its label"
    )
    assert AuditEvent.objects.count() == 0
    assert audit.action_check("incident.log") == "incident.log"


def test_an_event_records_who_what_and_when(owner):
    target = owner
    when = dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    first = audit.event_record(
        actor=owner, case_id=990001, action="incident.log", target=target, details={"kind": "x"}, occurred_at=when
    )
    second = audit.event_record(actor=None, case_id=990001, action="view")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.chain, first.sequence, first.prev_hash) == ("case:990001", 1, "0" * 64)
    assert (first.actor_id, first.actor_label, first.case_id, first.action) == (
        owner.pk,
        owner.email,
        990001,
        "incident.log",
    )
    assert (first.target_type, first.target_id, first.details) == ("accounts.user", owner.pk, {"kind": "x"})
    assert first.occurred_at == when
    assert (second.chain, second.sequence, second.prev_hash) == ("case:990001", 2, first.hash)
    assert (second.actor_id, second.actor_label, second.target_type, second.target_id, second.details) == (
        None,
        "",
        "",
        None,
        {},
    )
    head = ChainHead.objects.get(chain="case:990001")
    assert (head.sequence, head.hash) == (2, second.hash)
    assert first.hash == first.compute_hash() and second.hash == second.compute_hash()
    assert len(first.hash) == 64 and first.hash != second.hash


def test_an_unsaved_actor_has_no_label():
    event = audit.event_record(actor=User(email="nobody@example.org"), action="account.login")
    assert (event.chain, event.actor_id, event.actor_label) == ("account", None, "")


def test_the_time_is_stored_in_utc_whatever_the_zone_given(monkeypatch):
    # The process's own zone is not UTC here, so "the local zone" and UTC are told apart.
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        london_summer = dt.datetime(2026, 7, 1, 13, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        event = audit.event_record(action="account.login", occurred_at=london_summer)
        assert event.occurred_at.utcoffset() == dt.timedelta(0)
        assert event.occurred_at.isoformat() == "2026-07-01T12:00:00+00:00"
        fields = {f: getattr(event, f) for f in FIELDS}
        assert event.hash == compute_hash(**fields)
        stored = {f: getattr(event, f) for f in FIELDS}
        stored["occurred_at"] = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
        assert event.hash == compute_hash(**stored)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def _three(case_id: int) -> list[AuditEvent]:
    return [audit.event_record(case_id=case_id, action="view", details={"page": str(n)}) for n in (1, 2, 3)]


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(statement, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_an_untouched_chain_walks_to_the_end():
    _three(990002)
    audit.event_record(action="account.login")
    assert verify_chain("case:990002") == (3, None)
    assert verify_chain("account") == (1, None)
    assert verify_chain("case:404") == (0, None)
    assert sorted(chains()) == ["account", "case:990002"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_missing_event_is_named_by_the_one_after_it():
    events = _three(990003)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert verify_chain("case:990003") == (2, Break(events[2].pk, "case:990003", 3, "sequence 2 is missing"))


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_missing_first_event_is_found():
    events = _three(990004)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
    assert verify_chain("case:990004") == (1, Break(events[1].pk, "case:990004", 2, "sequence 1 is missing"))


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_broken_link_is_named():
    events = _three(990005)
    _sql("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", ["c" * 64, events[1].pk])
    assert verify_chain("case:990005") == (
        2,
        Break(events[1].pk, "case:990005", 2, "does not follow the event before it"),
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_first_event_that_does_not_start_from_genesis_is_named():
    events = _three(990006)
    _sql("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", ["c" * 64, events[0].pk])
    assert verify_chain("case:990006") == (
        1,
        Break(events[0].pk, "case:990006", 1, "does not follow the event before it"),
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_changed_content_in_the_last_event_is_named():
    events = _three(990007)
    _sql("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"page": "9"}', events[2].pk])
    assert verify_chain("case:990007") == (
        3,
        Break(events[2].pk, "case:990007", 3, "its content no longer matches its hash"),
    )


def test_an_append_to_an_existing_chain_takes_five_queries(django_assert_num_queries):
    """Its savepoint, the head row locked and read, the event inserted, the head moved on, the savepoint
    released: no attempt to make the head again."""
    audit.event_record(case_id=990008, action="view")
    with django_assert_num_queries(5):
        audit.event_record(case_id=990008, action="view")
    assert ChainHead.objects.get(chain="case:990008").sequence == 2


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_last_event_deleted_is_found_by_the_head():
    events = _three(990009)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    assert verify_chain("case:990009") == (
        2,
        Break(events[1].pk, "case:990009", 2, "is not the last: sequence 3 is missing at the end"),
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_every_event_deleted_is_found_by_the_head():
    events = _three(990010)
    _sql("DELETE FROM audit_auditevent WHERE id IN (%s, %s, %s)", [e.pk for e in events])
    assert verify_chain("case:990010") == (
        0,
        Break(0, "case:990010", 0, "is not the last: sequences 1 to 3 are missing at the end"),
    )


def test_a_last_event_that_is_not_the_one_the_head_records():
    events = _three(990011)
    ChainHead.objects.filter(chain="case:990011").update(hash="d" * 64)
    assert verify_chain("case:990011") == (
        3,
        Break(events[2].pk, "case:990011", 3, "is not the event the chain's head records"),
    )
