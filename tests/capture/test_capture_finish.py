"""A capture's end on the row (capture/services.py capture_finish) and what it reads as (capture/queries.py):
the first capture that reached the page becomes the next exhibit (kind web page, the screenshot as its file),
its files are kept with their hashes, re-checks are kept as rows and read as present / changed (with the lines)
/ gone / unreachable; a page that is gone is a finished capture, never a failed one; the daily re-checks run
once a day however often beat fires."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from capture import queries, services
from capture.models import Capture, CaptureFile
from incidents.models import Evidence
from tests.capture.builders import URL, answer, finish, kept_files, running
from tests.factories import log_incident, png_bytes
from vault import store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(services, "publish", lambda task, **kwargs: True)


def test_the_first_capture_becomes_the_next_exhibit_with_its_files(case, owner):
    incident = log_incident(case, owner)
    capture, token = running(case, owner, incident=incident, note="The post that named us")
    files, screenshot = kept_files(case, "Hello")
    done = services.capture_finish(
        capture_id=capture.pk, token=token, answer=answer(text="Hello"), files=files, screenshot=screenshot
    )
    exhibit = done.evidence
    assert (exhibit.mark, exhibit.kind) == ("AJ/1", Evidence.Kind.WEB_PAGE)
    assert exhibit.content_type == "image/png" and exhibit.preview_name
    assert exhibit.sha256 == hashlib.sha256(png_bytes()).hexdigest()
    assert list(exhibit.incidents.all()) == [incident]
    assert URL in exhibit.description and "The post that named us" in exhibit.description
    assert exhibit.source_url == URL
    assert (done.status, done.outcome, done.http_status, done.progress) == ("done", "captured", 200, 100)
    assert done.text_sha256 == hashlib.sha256(b"Hello").hexdigest()
    kept = {f.role: f for f in CaptureFile.objects.filter(capture=done)}
    assert set(kept) == {"screenshot", "text"}
    assert store.read_all(case, kept["text"].storage_name) == b"Hello"
    assert kept["text"].sha256 == hashlib.sha256(b"Hello").hexdigest()
    event = AuditEvent.objects.filter(action="capture.done").get()
    assert event.details["exhibit"] == "AJ/1" and event.details["files"]["text"] == kept["text"].sha256
    assert AuditEvent.objects.filter(action="evidence.attach", details__mark="AJ/1").exists()


def test_a_lost_claim_finishes_nothing(case, owner):
    capture, _token = running(case, owner)
    files, screenshot = kept_files(case, "x")
    assert (
        services.capture_finish(
            capture_id=capture.pk, token="x" * 32, answer=answer(), files=files, screenshot=screenshot
        )
        is None
    )
    capture.refresh_from_db()
    assert capture.status == "running" and not CaptureFile.objects.exists() and not Evidence.objects.exists()


def test_a_page_that_is_gone_is_a_finished_capture_and_no_exhibit(case, owner):
    done = finish(case, owner, outcome="gone", status=404, message="The address answered 404 Not Found.")
    assert (done.status, done.outcome, done.evidence) == ("done", "gone", None)
    assert not Evidence.objects.exists() and done.error == ""
    assert not AuditEvent.objects.filter(action="capture.failed").exists()
    [entry] = queries.history(done, case=case)
    assert entry.state == "gone" and entry.label == "Gone"


def test_the_history_says_present_changed_gone_and_unreachable(case, owner):
    first = finish(case, owner, text="line one\nline two")
    same = finish(case, owner, first=first, text="line one\nline two", colour=(10, 10, 10))
    changed = finish(case, owner, first=first, text="line one\nline 2, edited", colour=(20, 20, 20))
    gone = finish(case, owner, first=first, outcome="gone", status=410, message="The address answered 410 Gone.")
    down = finish(case, owner, first=first, outcome="unreachable", status=None, message="Not found.")
    waiting = Capture.objects.create(case=case, requested_by=owner, url=URL, first=first)
    entries = queries.history(first, case=case)
    assert [e.state for e in entries] == ["captured", "present", "changed", "gone", "unreachable", "waiting"]
    assert [e.capture.pk for e in entries] == [first.pk, same.pk, changed.pk, gone.pk, down.pk, waiting.pk]
    assert entries[2].diff == [("-", "line two"), ("+", "line 2, edited")]
    # One exhibit for the page: the re-checks keep their own files but make no new exhibit.
    assert Evidence.objects.count() == 1 and first.evidence.mark == "AJ/1"
    assert [e.state for e in queries.exhibit_history(first.evidence)] == [e.state for e in entries]
    # A re-check compares with the last check that reached the page, not with one that did not.
    back = finish(case, owner, first=first, text="line one\nline 2, edited", colour=(30, 30, 30))
    assert queries.history(first, case=case)[-1].state == "present" and back.outcome == "captured"


def test_a_first_capture_that_missed_the_page_gets_its_exhibit_from_the_first_recheck_that_reaches_it(case, owner):
    first = finish(case, owner, outcome="unreachable", status=None, message="Could not connect.")
    assert first.evidence is None
    later = finish(case, owner, first=first, text="back again")
    first.refresh_from_db()
    assert first.evidence is not None and first.evidence == Evidence.objects.get()
    assert later.evidence is None  # the exhibit is the page's, kept on its first row
    assert [e.state for e in queries.history(first, case=case)] == ["unreachable", "captured"]


def test_the_daily_rechecks_run_once_a_day_until_the_last_day(case, owner):
    first = finish(case, owner, text="x")
    zone = case.zone
    asked_on = timezone.localdate(first.requested_at, zone)
    Capture.objects.filter(pk=first.pk).update(recheck_until=asked_on + dt.timedelta(days=7))

    def at(days: int, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(asked_on + dt.timedelta(days=days), dt.time(hour), tzinfo=zone)

    assert services.capture_recheck_due(now=at(0, 23)) == 0  # not on the day it was asked for
    for day in (1, 2, 7):
        assert services.capture_recheck_due(now=at(day)) == 1
        assert services.capture_recheck_due(now=at(day, 10)) == 0  # beat fired again that day
    assert services.capture_recheck_due(now=at(8)) == 0  # past the last day
    rechecks = Capture.objects.filter(first=first)
    assert rechecks.count() == 3
    assert all(r.requested_by == owner for r in rechecks)
    assert AuditEvent.objects.filter(action="capture.recheck", details__scheduled=True).count() == 3
