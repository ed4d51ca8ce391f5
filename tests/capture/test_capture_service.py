"""A capture's life on the row (capture/services.py): asked for with the guard's reasons, sent on commit to
the worker by name, claimed once, failed with a reason, swept when stuck, re-checked as rows of its own."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from capture import guard, services
from capture.models import Capture
from referral_tracker.celery import TASK_TIME_LIMIT
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db

URL = "https://example.org/thread/123"


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """What would have gone to the broker: the capture ids published (a spy: the shared Redis queue cannot
    tell one test's messages from another's)."""
    calls: list[int] = []

    def publish(task, *, what, args=(), kwargs=None, wait=1.0):
        assert task.name == services.RUN_TASK
        calls.append(args[0])
        return True

    monkeypatch.setattr(services, "publish", publish)
    return calls


@pytest.fixture
def sweep_settings(settings):
    settings.DOSSIER_REQUEUE_SECONDS = 120
    settings.DOSSIER_STALE_SECONDS = 180
    settings.DOSSIER_MAX_ATTEMPTS = 3
    return settings


def ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def new_capture(case, user, **fields) -> Capture:
    return Capture.objects.create(case=case, requested_by=user, url=URL, **fields)


def test_a_request_is_recorded_audited_and_sent_once_on_commit(case, owner, sent, django_capture_on_commit_callbacks):
    incident = log_incident(case, owner)
    with django_capture_on_commit_callbacks(execute=True):
        capture = services.capture_request(
            user=owner, case=case, url=URL, note="  the thread  ", incident=incident, recheck_days=7
        )
    assert sent == [capture.pk]
    capture.refresh_from_db()
    assert (capture.status, capture.incident, capture.note) == (Capture.Status.QUEUED, incident, "the thread")
    assert capture.recheck_until == timezone.localdate(timezone.now(), case.zone) + dt.timedelta(days=7)
    event = AuditEvent.objects.get(action="capture.request", target_type="capture.capture", target_id=capture.pk)
    assert event.details["url"] == URL and event.details["recheck_days"] == 7


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", guard.NOT_WEB),
        ("javascript:alert(1)", guard.NOT_WEB),
        ("https://user:secret@example.org/", guard.CREDENTIALS),
        ("https://example.org/" + "é" * 2000, guard.TOO_LONG),
        ("https://exa mple.org/", guard.SPACES),
    ],
)
def test_an_address_the_guard_refuses_is_refused_with_its_reason_and_nothing_is_sent(
    case, owner, sent, url, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        services.capture_request(user=owner, case=case, url=url)
    assert refused.value.message_dict == {"url": [message]}
    assert (Capture.objects.count(), sent) == (0, [])


def test_recheck_days_other_than_7_or_30_and_another_cases_incident_are_refused(case, owner, sent):
    with pytest.raises(ValidationError) as refused:
        services.capture_request(user=owner, case=case, url=URL, recheck_days=14)
    assert refused.value.message_dict == {"recheck_days": [services.NOT_A_RECHECK_DAYS]}
    other = make_case(owner, title="Another")
    with pytest.raises(ValidationError, match="another case"):
        services.capture_request(user=owner, case=case, url=URL, incident=log_incident(other, owner))
    assert Capture.objects.count() == 0


def test_a_recheck_is_a_row_of_its_own_pointing_at_the_first_capture(case, owner, sent):
    first = new_capture(case, owner)
    again = services.capture_recheck(user=owner, first=first)
    # A re-check of a re-check still belongs to the first capture's history.
    third = services.capture_recheck(user=owner, first=again)
    assert (again.first, third.first, third.url) == (first, first, URL)
    assert set(first.rechecks.all()) == {again, third}


def test_a_capture_is_claimed_once_and_a_lost_claim_writes_nothing(case, owner):
    capture = new_capture(case, owner)
    token = services.capture_claim(capture_id=capture.pk)
    assert token and services.capture_claim(capture_id=capture.pk) is None  # a redelivered task
    assert services.capture_progress(capture_id=capture.pk, token="wrong", percent=50, stage="x") is False
    assert services.capture_progress(capture_id=capture.pk, token=token, percent=150, stage="Saving") is True
    capture.refresh_from_db()
    assert (capture.status, capture.progress, capture.stage, capture.attempts) == ("running", 99, "Saving", 1)
    assert services.capture_fail(capture_id=capture.pk, token="wrong", error="no") is False
    assert services.capture_fail(capture_id=capture.pk, token=token, error="It broke.") is True
    assert services.capture_fail(capture_id=capture.pk, token=token, error="again") is False
    capture.refresh_from_db()
    assert (capture.status, capture.error) == ("failed", "It broke.")
    assert AuditEvent.objects.filter(action="capture.failed", target_id=capture.pk).count() == 1


def test_sweep_requeues_restarts_and_fails_as_the_dossier_sweep_does(case, owner, sweep_settings, sent):
    waiting = new_capture(case, owner, heartbeat_at=ago(130))
    fresh = new_capture(case, owner, heartbeat_at=ago(10))
    stale = new_capture(case, owner)
    services.capture_claim(capture_id=stale.pk)
    Capture.objects.filter(pk=stale.pk).update(heartbeat_at=ago(190), started_at=ago(300))
    tired = new_capture(case, owner, attempts=2)
    services.capture_claim(capture_id=tired.pk)
    Capture.objects.filter(pk=tired.pk).update(heartbeat_at=ago(190), started_at=ago(300))
    too_long = new_capture(case, owner)
    services.capture_claim(capture_id=too_long.pk)
    Capture.objects.filter(pk=too_long.pk).update(started_at=ago(TASK_TIME_LIMIT + 5))

    assert services.capture_sweep() == {"requeued": 1, "restarted": 1, "failed": 2}
    assert sorted(sent) == sorted([waiting.pk, stale.pk])
    for row, status in ((fresh, "queued"), (stale, "queued"), (tired, "failed"), (too_long, "failed")):
        row.refresh_from_db()
        assert row.status == status
    assert "took too long" in too_long.error and "several times" in tired.error
    sent.clear()
    assert services.capture_sweep() == {"requeued": 0, "restarted": 0, "failed": 0}
