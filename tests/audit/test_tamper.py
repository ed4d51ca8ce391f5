"""Every column the audit hash covers, changed in the database behind the app's back, is caught by
verify_audit, and the broken row is named by its id and sequence.

Someone with database access turns the append-only trigger off and rewrites one column of one event
in the middle of a case's chain. The expected answers (which row, which words) are written out here.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AuditEvent
from audit.verify import verify_chain
from tests.factories import log_incident, make_case

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]

CONTENT = "its content no longer matches its hash"
LINK = "does not follow the event before it"


class Trigger:
    """The append-only trigger turned off for the block, as someone rewriting history would."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


@pytest.fixture
def chain(case, owner, editor):
    """Seven events in the case's chain: 1 case.create, 2-4 membership.add, 5-7 incident.log."""
    first = log_incident(case, owner, kind="online_post")
    second = log_incident(case, editor, kind="police_contact")
    log_incident(case, owner, kind="agency_letter")
    rows = list(AuditEvent.objects.filter(chain=f"case:{case.pk}").order_by("sequence"))
    assert [(e.sequence, e.action) for e in rows] == [
        (1, "case.create"),
        (2, "membership.add"),
        (3, "membership.add"),
        (4, "membership.add"),
        (5, "incident.log"),
        (6, "incident.log"),
        (7, "incident.log"),
    ]
    assert (rows[4].actor_id, rows[4].target_type, rows[4].target_id) == (owner.pk, "incidents.incident", first.pk)
    assert rows[4].details == {"kind": "online_post"}
    assert rows[5].details == {"kind": "police_contact"}
    call_command("verify_audit")  # untouched, it passes: what fails below fails because of the change
    return {"rows": rows, "second_incident": second}


def run_verify(capsys) -> str:
    """verify_audit must fail; what it wrote to stderr."""
    capsys.readouterr()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    assert "chain(s) broken" in str(failure.value)
    return capsys.readouterr().err


# What each column is changed to, for event 5 (owner logged an online post, incident one, 2024 time).
TAMPERS = {
    "actor_id": lambda ctx: {"actor_id": ctx["editor"].pk},
    "actor_label": lambda ctx: {"actor_label": ctx["editor"].email},
    "action": lambda ctx: {"action": "incident.withdraw"},
    "target_type": lambda ctx: {"target_type": "incidents.comment"},
    "target_id": lambda ctx: {"target_id": ctx["second_incident"].pk},
    "details": lambda ctx: {"details": {"kind": "agency_letter"}},
    "occurred_at": lambda ctx: {"occurred_at": ctx["row"].occurred_at - dt.timedelta(days=1)},
    "occurred_at_microsecond": lambda ctx: {"occurred_at": ctx["row"].occurred_at + dt.timedelta(microseconds=1)},
    "case_id": lambda ctx: {"case_id": ctx["other_case"].pk},
    "prev_hash": lambda ctx: {"prev_hash": ctx["rows"][2].hash},  # as if event 4 had never been there
    "hash": lambda ctx: {"hash": "a" * 64},
}
REASONS = {"prev_hash": LINK}


@pytest.mark.parametrize("column", list(TAMPERS))
def test_changing_one_hashed_column_names_that_row(chain, case, editor, outsider, column, capsys):
    rows = chain["rows"]
    row = rows[4]
    ctx = {**chain, "row": row, "editor": editor, "other_case": make_case(outsider, title="Another case")}
    change = TAMPERS[column](ctx)
    with Trigger():
        assert AuditEvent.objects.filter(pk=row.pk).update(**change) == 1
    stored = AuditEvent.objects.get(pk=row.pk)
    for field, value in change.items():
        assert getattr(stored, field) == value  # the change really is in the database

    reason = REASONS.get(column, CONTENT)
    err = run_verify(capsys)
    assert f"BROKEN case:{case.pk}: event id {row.pk} (sequence 5) {reason}" in err
    assert err.count("BROKEN") == 1  # the other case's chain and the account chain are untouched

    checked, problem = verify_chain(f"case:{case.pk}")
    assert (checked, problem.event_id, problem.sequence, problem.reason) == (5, row.pk, 5, reason)


def test_moving_an_event_to_another_chain_names_it_there(chain, case, outsider, capsys):
    rows = chain["rows"]
    other = make_case(outsider, title="Another case")
    with Trigger():
        AuditEvent.objects.filter(pk=rows[6].pk).update(chain=f"case:{other.pk}")  # the last one: no gap in the walk
    err = run_verify(capsys)
    # Event 7 now sits after the other case's one event (its case.create)...
    assert f"BROKEN case:{other.pk}: event id {rows[6].pk} (sequence 7) sequence 2 is missing" in err
    # ...and its own chain's head still records 7 events.
    assert f"BROKEN case:{case.pk}: event id {rows[5].pk} (sequence 6) is not the last: sequence 7 is missing" in err


def test_two_events_swapping_sequence_numbers_is_caught_at_the_first(chain, case, capsys):
    rows = chain["rows"]
    with Trigger():
        AuditEvent.objects.filter(pk=rows[4].pk).update(sequence=1000)
        AuditEvent.objects.filter(pk=rows[5].pk).update(sequence=5)
        AuditEvent.objects.filter(pk=rows[4].pk).update(sequence=6)
    err = run_verify(capsys)
    # The walk meets event 6's row first, now numbered 5: it links to event 5, not to event 4.
    assert f"BROKEN case:{case.pk}: event id {rows[5].pk} (sequence 5) {LINK}" in err


def test_renumbering_an_event_leaves_a_gap_that_is_named(chain, case, capsys):
    rows = chain["rows"]
    with Trigger():
        AuditEvent.objects.filter(pk=rows[4].pk).update(sequence=8)
    err = run_verify(capsys)
    # verify_audit names the first break of a chain: the row after the hole, and the number that is missing.
    assert f"BROKEN case:{case.pk}: event id {rows[5].pk} (sequence 6) sequence 5 is missing" in err


def test_deleting_an_event_in_the_middle_names_the_row_after_the_hole(chain, case, capsys):
    rows = chain["rows"]
    with Trigger(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [rows[3].pk])
    err = run_verify(capsys)
    assert f"BROKEN case:{case.pk}: event id {rows[4].pk} (sequence 5) sequence 4 is missing" in err
    checked, problem = verify_chain(f"case:{case.pk}")
    assert (checked, problem.event_id, problem.sequence) == (4, rows[4].pk, 5)


@pytest.mark.parametrize("deleted", [1, 2])
def test_deleting_events_at_the_end_is_caught_by_the_chains_head(chain, case, capsys, deleted):
    rows = chain["rows"]  # 7 events; the head records sequence 7
    with Trigger(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = ANY(%s)", [[r.pk for r in rows[-deleted:]]])
    err = run_verify(capsys)
    last = rows[-deleted - 1]
    missing = "sequence 7 is" if deleted == 1 else "sequences 6 to 7 are"
    line = f"BROKEN case:{case.pk}: event id {last.pk} (sequence {last.sequence}) is not the last: {missing} missing"
    assert f"{line} at the end" in err
    checked, problem = verify_chain(f"case:{case.pk}")
    assert (checked, problem.event_id) == (7 - deleted, last.pk)


def test_the_last_event_rewritten_and_resealed_differs_from_the_head(chain, case, capsys):
    rows = chain["rows"]
    last = rows[-1]
    last.details = {"kind": "changed"}
    resealed = last.compute_hash()
    with Trigger():
        AuditEvent.objects.filter(pk=last.pk).update(details={"kind": "changed"}, hash=resealed)
    err = run_verify(capsys)
    assert f"BROKEN case:{case.pk}: event id {last.pk} (sequence 7) is not the event the chain's head records" in err


def test_swapping_two_events_details_names_the_first_of_them(chain, case, capsys):
    rows = chain["rows"]
    with Trigger(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET details = CASE id WHEN %s THEN %s::jsonb ELSE %s::jsonb END "
            "WHERE id IN (%s, %s)",
            [rows[4].pk, '{"kind": "police_contact"}', '{"kind": "online_post"}', rows[4].pk, rows[5].pk],
        )
    assert AuditEvent.objects.get(pk=rows[4].pk).details == {"kind": "police_contact"}
    assert AuditEvent.objects.get(pk=rows[5].pk).details == {"kind": "online_post"}
    err = run_verify(capsys)
    assert f"BROKEN case:{case.pk}: event id {rows[4].pk} (sequence 5) {CONTENT}" in err


def test_rewriting_an_event_and_resealing_it_is_caught_at_the_next_event(chain, case, capsys):
    """Event 5 rewritten with its own hash recomputed, and event 6 relinked to it: event 6's hash covers the
    link it had, so the chain breaks there."""
    rows = chain["rows"]
    forged = AuditEvent.objects.get(pk=rows[4].pk)
    forged.details = {"kind": "agency_visit"}
    forged.hash = forged.compute_hash()
    with Trigger():
        AuditEvent.objects.filter(pk=forged.pk).update(details=forged.details, hash=forged.hash)
        AuditEvent.objects.filter(pk=rows[5].pk).update(prev_hash=forged.hash)
    err = run_verify(capsys)
    assert f"BROKEN case:{case.pk}: event id {rows[5].pk} (sequence 6) {CONTENT}" in err
    assert f"event id {rows[4].pk} " not in err


def test_two_cases_first_events_trading_chains_are_caught(owner, outsider, capsys):
    """Each of two new cases has one event (sequence 1, after the genesis hash): only the hash's cover of
    the chain name tells them apart once their chain columns are swapped."""
    first, second = make_case(owner, title="First"), make_case(outsider, title="Second")
    one = AuditEvent.objects.get(chain=f"case:{first.pk}")
    two = AuditEvent.objects.get(chain=f"case:{second.pk}")
    with Trigger():
        AuditEvent.objects.filter(pk=one.pk).update(chain="swapping")
        AuditEvent.objects.filter(pk=two.pk).update(chain=f"case:{first.pk}")
        AuditEvent.objects.filter(pk=one.pk).update(chain=f"case:{second.pk}")
    err = run_verify(capsys)
    assert f"BROKEN case:{first.pk}: event id {two.pk} (sequence 1) {CONTENT}" in err
    assert f"BROKEN case:{second.pk}: event id {one.pk} (sequence 1) {CONTENT}" in err
