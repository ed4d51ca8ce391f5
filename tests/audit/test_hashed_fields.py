"""Which of an audit event's fields its hash covers, written out (not read from audit.models): changing any
one of them changes the hash, the code hashes exactly these, and the canonical form is the one written here.
(Tampering with stored rows and `verify_audit` finding it is tests/audit/test_tamper.py.)"""

import copy
import datetime as dt
import hashlib

import pytest

from audit import models as audit_models
from audit.models import AuditEvent

HASHED = (
    "chain",
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "case_id",
    "action",
    "target_type",
    "target_id",
    "details",
    "prev_hash",
)
NOT_HASHED = ("id", "hash")  # the row's own key, and the hash itself

AT = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)
EVENT = {
    "chain": "case:7",
    "sequence": 3,
    "occurred_at": AT,
    "actor_id": 42,
    "actor_label": "Alex Jones",
    "case_id": 7,
    "action": "incident.log",
    "target_type": "incident",
    "target_id": 99,
    "details": {"kind": "online_post", "é": "ü"},
    "prev_hash": "a" * 64,
}
# The canonical form of EVENT: sorted keys (inside details too), no spaces, UTC time to the microsecond, UTF-8.
CANONICAL = (
    '{"action":"incident.log","actor_id":42,"actor_label":"Alex Jones","case_id":7,"chain":"case:7",'
    '"details":{"kind":"online_post","é":"ü"},"occurred_at":"2026-03-04T05:06:07.890123+00:00",'
    '"prev_hash":"' + "a" * 64 + '","sequence":3,"target_id":99,"target_type":"incident"}'
)
# For each hashed field, other values it could be given: each must give another hash.
CHANGES = {
    "chain": ["case:8", "account", "case:7 "],
    "sequence": [4, 2, 0],
    "occurred_at": [AT + dt.timedelta(microseconds=1), AT + dt.timedelta(seconds=1), AT - dt.timedelta(days=1)],
    "actor_id": [43, None, 0],
    "actor_label": ["Sam Jones", "", "alex jones"],
    "case_id": [8, None, 0],
    "action": ["incident.update", "incident.withdraw", ""],
    "target_type": ["party", "", "Incident"],
    "target_id": [100, None, 0],
    "details": [{}, {"kind": "letter", "é": "ü"}, {"kind": "online_post", "é": "ü", "x": 1}],
    "prev_hash": ["b" * 64, "0" * 64, "a" * 63 + "b"],
}


def event(**overrides) -> AuditEvent:
    return AuditEvent(**{**EVENT, **overrides})


def test_the_list_is_complete():
    assert tuple(EVENT) == HASHED
    assert tuple(CHANGES) == HASHED


def test_every_field_of_the_row_is_hashed_except_its_id_and_its_hash():
    assert {f.attname for f in AuditEvent._meta.concrete_fields} == set(HASHED) | set(NOT_HASHED)


def test_the_code_hashes_exactly_these_fields(monkeypatch):
    seen = {}

    def record(**fields):
        seen.update(fields)
        return "x" * 64

    monkeypatch.setattr(audit_models, "compute_hash", record)
    event().compute_hash()
    assert set(seen) == set(HASHED)
    assert {name: seen[name] for name in HASHED} == EVENT


def test_the_hash_is_sha256_of_the_canonical_form_written_here():
    assert event().compute_hash() == hashlib.sha256(CANONICAL.encode()).hexdigest()


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, values in CHANGES.items() for value in values],
    ids=lambda v: repr(v)[:30],
)
def test_changing_any_hashed_field_changes_the_hash(field, value):
    original = event()
    changed = copy.deepcopy(original)
    setattr(changed, field, value)
    assert getattr(changed, field) != getattr(original, field)
    assert changed.compute_hash() != original.compute_hash()


@pytest.mark.parametrize("field", NOT_HASHED)
def test_the_id_and_the_stored_hash_are_not_part_of_it(field):
    original = event()
    changed = copy.deepcopy(original)
    setattr(changed, field, 12345 if field == "id" else "f" * 64)
    assert changed.compute_hash() == original.compute_hash()


@pytest.mark.django_db
def test_a_recorded_event_is_hashed_over_these_fields(case, owner):
    """A real row, as `event_record` writes it: its stored hash is the one over the fields written here,
    and changing any one of them on a copy of the row gives another."""
    row = AuditEvent.objects.filter(case_id=case.pk).order_by("-sequence").first()
    fields = {name: getattr(row, name) for name in HASHED}
    assert row.hash == row.compute_hash() == audit_models.compute_hash(**fields)
    for field, values in CHANGES.items():
        for value in values:
            if getattr(row, field) == value:
                continue
            changed = copy.deepcopy(row)
            setattr(changed, field, value)
            assert changed.compute_hash() != row.hash, (field, value)
