"""The audit trail: append-only, hash-chained per case, re-walkable by verify_audit."""

import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit import services as audit
from audit.models import ACCOUNT_CHAIN, GENESIS_HASH, AuditEvent, case_chain
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db


def test_every_write_appends_a_chained_event(case, owner):
    log_incident(case, owner)
    events = list(AuditEvent.objects.filter(chain=case_chain(case.pk)).order_by("sequence"))
    assert [e.action for e in events] == [
        "case.create",
        "membership.add",
        "membership.add",
        "membership.add",
        "incident.log",
    ]
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert after.sequence == before.sequence + 1
    assert all(e.hash == e.compute_hash() for e in events)


def test_each_case_has_its_own_chain(owner, outsider):
    first = make_case(owner, title="A")
    second = make_case(outsider, title="B")
    assert AuditEvent.objects.get(chain=case_chain(first.pk)).sequence == 1
    assert AuditEvent.objects.get(chain=case_chain(second.pk)).sequence == 1


def test_account_events_have_their_own_chain(owner):
    event = audit.event_record(actor=owner, action="account.login")
    assert event.chain == ACCOUNT_CHAIN and event.case_id is None


def test_verify_audit_passes_on_an_untouched_log(case, owner, capsys):
    log_incident(case, owner)
    call_command("verify_audit")
    assert "OK:" in capsys.readouterr().out


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_database_refuses_update_and_delete():
    event = audit.event_record(action="account.login_failed", details={"username": "test"})
    for statement in (
        "UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "account.login_failed"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_verify_audit_names_the_row_changed_in_sql(case, owner, capsys):
    log_incident(case, owner)
    log_incident(case, owner)
    target = AuditEvent.objects.filter(chain=case_chain(case.pk), action="incident.log").order_by("sequence").first()
    with connection.cursor() as cursor:
        # Someone with database access turns the trigger off and rewrites history.
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute('UPDATE audit_auditevent SET details = \'{"kind": "other"}\' WHERE id = %s', [target.pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    with pytest.raises(CommandError, match="1 chain"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"event id {target.pk} (sequence {target.sequence})" in err
    assert "no longer matches its hash" in err


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_verify_audit_notices_a_deleted_row(case, owner, capsys):
    log_incident(case, owner)
    victim = AuditEvent.objects.filter(chain=case_chain(case.pk)).order_by("sequence")[1]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"sequence {victim.sequence} is missing" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_to_one_chain_leave_no_gap_or_repeat(owner):
    case = make_case(owner)
    errors = []

    def append(n):
        try:
            for _ in range(10):
                audit.event_record(actor=owner, case_id=case.pk, action="view", details={"page": f"thread {n}"})
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sequences = list(AuditEvent.objects.filter(chain=case_chain(case.pk)).values_list("sequence", flat=True))
    assert sorted(sequences) == list(range(1, 42))
    call_command("verify_audit", chain=case_chain(case.pk))
