"""The dossier's life on the row: claimed once, finished once, failed with a reason, swept when stuck."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from dossiers import services
from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from incidents.services import evidence as evidence_services
from referral_tracker.celery import TASK_TIME_LIMIT
from tests.factories import log_incident, png_bytes, upload
from vault import store

pytestmark = pytest.mark.django_db

OPTIONS = {"audience": "police", "date_from": None, "date_to": None, "photos": "inline", "redact": False}


def new_dossier(case, user, **fields) -> Dossier:
    return Dossier.objects.create(case=case, requested_by=user, options=dict(OPTIONS), **fields)


def stored_files(settings, case) -> set[str]:
    folder = settings.EVIDENCE_ROOT / str(case.pk)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def events(dossier: Dossier, action: str) -> int:
    return AuditEvent.objects.filter(action=action, target_type="dossiers.dossier", target_id=dossier.pk).count()


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """What would have gone to the broker: the dossier ids handed to compile_dossier.apply_async."""
    # A spy, not a broker: the suite's Redis queue is shared by every test (and xdist worker) sending there,
    # so what one test sent cannot be told apart; the real journey is tests/dossiers/test_dossier_processes.py.
    calls: list[int] = []
    monkeypatch.setattr(compile_dossier, "apply_async", lambda args, **kwargs: calls.append(args[0]))
    return calls


@pytest.fixture
def sweep_settings(settings):
    settings.DOSSIER_REQUEUE_SECONDS = 120
    settings.DOSSIER_STALE_SECONDS = 180
    settings.DOSSIER_MAX_ATTEMPTS = 3
    return settings


def ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


# Compiling --------------------------------------------------------------------------------------


def test_an_altered_exhibit_fails_the_dossier_naming_its_mark(case, owner, settings):
    incident = log_incident(case, owner, title="A post")
    for name, colour in (("a.png", (1, 2, 3)), ("b.png", (4, 5, 6))):
        evidence_services.evidence_attach(
            user=owner,
            case=case,
            kind="photo",
            description=name,
            uploaded_file=upload(name, png_bytes(colour=colour)),
            incidents=[incident],
        )
    altered = case.evidence.get(mark="AJ/2")
    path = store.stored_path(altered.case_id, altered.storage_name)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    before = stored_files(settings, case)

    dossier = new_dossier(case, owner)
    assert compile_dossier(dossier.pk) == "failed"
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.FAILED
    assert "Exhibit AJ/2 does not match its recorded fingerprint" in dossier.error
    assert "AJ/1" not in dossier.error
    assert (dossier.file_name, dossier.sha256, dossier.pack_name, dossier.pages) == ("", "", "", 0)
    assert stored_files(settings, case) == before  # no PDF, no pack
    assert (events(dossier, "dossier.failed"), events(dossier, "dossier.done")) == (1, 0)


def test_a_second_run_of_the_same_dossier_is_not_claimed_and_changes_nothing(case, owner, settings):
    log_incident(case, owner, title="A post")
    dossier = new_dossier(case, owner)
    assert compile_dossier(dossier.pk) == "done"
    dossier.refresh_from_db()
    first = (dossier.file_name, dossier.sha256, dossier.pack_name, dossier.finished_at, dossier.attempts)

    assert compile_dossier(dossier.pk) == "not claimed"
    dossier.refresh_from_db()
    assert (dossier.file_name, dossier.sha256, dossier.pack_name, dossier.finished_at, dossier.attempts) == first
    assert dossier.attempts == 1
    assert events(dossier, "dossier.done") == 1
    assert stored_files(settings, case) == {dossier.file_name, dossier.pack_name}  # one PDF, one pack


def test_finish_with_a_wrong_token_changes_nothing_and_the_right_one_finishes_once(case, owner):
    dossier = new_dossier(case, owner)
    token = services.dossier_claim(dossier_id=dossier.pk)
    assert token
    assert services.dossier_claim(dossier_id=dossier.pk) is None
    fields = {"file_name": "x.bin", "sha256": "a" * 64, "size": 10, "pages": 3}

    assert services.dossier_progress(dossier_id=dossier.pk, token="0" * 32, percent=50, stage="Nope") is False
    assert services.dossier_finish(dossier_id=dossier.pk, token="0" * 32, **fields) is False
    dossier.refresh_from_db()
    assert (dossier.status, dossier.file_name, dossier.sha256, dossier.progress, dossier.stage) == (
        Dossier.Status.RUNNING,
        "",
        "",
        1,
        "Starting",
    )
    assert dossier.finished_at is None
    assert events(dossier, "dossier.done") == 0

    assert services.dossier_finish(dossier_id=dossier.pk, token=token, **fields) is True
    assert services.dossier_finish(dossier_id=dossier.pk, token=token, **{**fields, "pages": 9}) is False
    dossier.refresh_from_db()
    assert (dossier.status, dossier.pages, dossier.progress) == (Dossier.Status.DONE, 3, 100)
    assert events(dossier, "dossier.done") == 1


def test_without_a_signing_key_the_dossier_fails_and_says_how_to_make_one(case, owner, settings, tmp_path):
    log_incident(case, owner, title="A post")
    settings.SIGNING_KEY_FILE = tmp_path / "nowhere" / "key.pem"
    dossier = new_dossier(case, owner)
    assert compile_dossier(dossier.pk) == "failed"
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.FAILED
    assert "python manage.py make_signing_key" in dossier.error
    assert (dossier.file_name, dossier.pack_name) == ("", "")
    assert stored_files(settings, case) == set()


# The sweep --------------------------------------------------------------------------------------


def test_sweep_enqueues_again_a_dossier_left_queued_too_long(case, owner, sweep_settings, sent):
    old = new_dossier(case, owner, heartbeat_at=ago(130))
    never_sent = new_dossier(case, owner, heartbeat_at=None)
    fresh = new_dossier(case, owner, heartbeat_at=ago(60))
    before = timezone.now()

    counts = services.dossier_sweep()

    assert counts == {"requeued": 2, "restarted": 0, "failed": 0}
    assert sorted(sent) == sorted([old.pk, never_sent.pk])
    for dossier in (old, never_sent):
        dossier.refresh_from_db()
        assert dossier.status == Dossier.Status.QUEUED
        assert dossier.heartbeat_at >= before  # marked sent by this sweep: the next sweep leaves it alone
    fresh_heartbeat = fresh.heartbeat_at
    fresh.refresh_from_db()
    assert fresh.heartbeat_at == fresh_heartbeat

    sent.clear()
    assert services.dossier_sweep() == {"requeued": 0, "restarted": 0, "failed": 0}
    assert sent == []


def test_sweep_keeps_a_queued_dossier_for_the_next_sweep_while_the_broker_is_down(
    case, owner, sweep_settings, broker_stopped, caplog
):
    dossier = new_dossier(case, owner, heartbeat_at=ago(130))
    heartbeat = dossier.heartbeat_at

    assert services.dossier_sweep() == {"requeued": 0, "restarted": 0, "failed": 0}
    dossier.refresh_from_db()
    assert (dossier.status, dossier.heartbeat_at) == (Dossier.Status.QUEUED, heartbeat)
    assert f"Could not hand dossier {dossier.pk} (the sweep will retry) to the broker" in caplog.text


def test_sweep_restarts_a_running_dossier_whose_worker_went_quiet(case, owner, sweep_settings, sent):
    stale = new_dossier(case, owner)
    token = services.dossier_claim(dossier_id=stale.pk)
    Dossier.objects.filter(pk=stale.pk).update(heartbeat_at=ago(190), started_at=ago(300))
    busy = new_dossier(case, owner)
    services.dossier_claim(dossier_id=busy.pk)
    Dossier.objects.filter(pk=busy.pk).update(heartbeat_at=ago(30), started_at=ago(300))

    assert services.dossier_sweep() == {"requeued": 0, "restarted": 1, "failed": 0}

    assert sent == [stale.pk]  # once: the restart sends it, and the queued pass sees it was just sent
    stale.refresh_from_db()
    assert (stale.status, stale.attempts, stale.claim_token, stale.stage) == (
        Dossier.Status.QUEUED,
        1,
        "",
        "Waiting to start again",
    )
    # The run that was presumed dead has lost its claim: it can neither report progress nor finish.
    assert services.dossier_progress(dossier_id=stale.pk, token=token, percent=50, stage="Signing") is False
    assert services.dossier_finish(dossier_id=stale.pk, token=token, file_name="x.bin") is False
    busy.refresh_from_db()
    assert busy.status == Dossier.Status.RUNNING

    # The next run claims it again and counts the attempt.
    assert services.dossier_claim(dossier_id=stale.pk)
    stale.refresh_from_db()
    assert (stale.status, stale.attempts) == (Dossier.Status.RUNNING, 2)


def test_sweep_fails_a_dossier_whose_worker_stopped_too_many_times(case, owner, sweep_settings, sent):
    dossier = new_dossier(case, owner)
    services.dossier_claim(dossier_id=dossier.pk)
    Dossier.objects.filter(pk=dossier.pk).update(attempts=3, heartbeat_at=ago(190), started_at=ago(200))

    assert services.dossier_sweep() == {"requeued": 0, "restarted": 0, "failed": 1}

    assert sent == []
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.FAILED
    assert "The worker stopped while making this dossier, several times" in dossier.error
    assert dossier.finished_at is not None
    assert events(dossier, "dossier.failed") == 1


def test_sweep_fails_a_dossier_running_past_the_task_time_limit(case, owner, sweep_settings, sent):
    dossier = new_dossier(case, owner)
    services.dossier_claim(dossier_id=dossier.pk)
    # Still reporting progress, but started longer ago than the hard limit: the worker was killed mid-way.
    Dossier.objects.filter(pk=dossier.pk).update(heartbeat_at=ago(10), started_at=ago(TASK_TIME_LIMIT + 30))
    within = new_dossier(case, owner)
    services.dossier_claim(dossier_id=within.pk)
    Dossier.objects.filter(pk=within.pk).update(heartbeat_at=ago(10), started_at=ago(TASK_TIME_LIMIT - 30))

    assert services.dossier_sweep() == {"requeued": 0, "restarted": 0, "failed": 1}

    assert sent == []
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.FAILED
    assert f"took longer than {TASK_TIME_LIMIT // 60} minutes" in dossier.error
    within.refresh_from_db()
    assert within.status == Dossier.Status.RUNNING


def test_sweep_leaves_finished_dossiers_alone(case, owner, sweep_settings, sent):
    done = new_dossier(case, owner, status=Dossier.Status.DONE, heartbeat_at=ago(10_000), started_at=ago(10_000))
    failed = new_dossier(case, owner, status=Dossier.Status.FAILED, heartbeat_at=None, started_at=ago(10_000))

    assert services.dossier_sweep() == {"requeued": 0, "restarted": 0, "failed": 0}
    assert sent == []
    assert {d.status for d in Dossier.objects.filter(pk__in=[done.pk, failed.pk])} == {"done", "failed"}


def test_number_ranges_keep_long_lists_short():
    from dossiers.compile import number_ranges

    assert number_ranges([7, 1, 2, 3, 5, 8, 3]) == "1–3, 5, 7–8"
    assert number_ranges([]) == ""


def test_a_party_in_thousands_of_scattered_incidents_does_not_break_the_layout(case, owner, tmp_path):
    """Every other incident (no ranges to shorten it): the index row is taller than a page."""
    from dossiers import pdf

    numbers = ", ".join(str(n) for n in range(1, 6000, 2))
    data = pdf.DossierData(
        case_title="t",
        prepared_by="p",
        prepared_at="now",
        audience="police",
        verification_code="AAAA-BBBB-CCCC",
        verify_url="http://x/verify/",
        period="p",
        time_zone_note="z",
        photos_inline=False,
        redacted=False,
        counts_by_kind=[],
        months=[],
        kinds_in_chart=[],
        suspects=[],
        agencies=[],
        incidents=[],
        parties=[("troll99", "Suspected perpetrator", "", numbers)],
        exhibits=[],
        record=[],
        audit_statement="ok",
    )
    with open(tmp_path / "d.pdf", "wb") as out:
        pages = pdf.render(data, out)
    assert pages >= 4
