"""The capture pages and API (capture/views.py, capture/api.py): asked for from the case or an incident with the
guard's reasons on the form and as a 422 in the API, followed, re-checked, the history read, the files
downloaded as opaque bytes and every look at them in the audit trail."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from capture import guard, services
from capture.models import Capture
from tests.capture.builders import URL, finish
from tests.factories import api_client, log_incident, make_case, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sent(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(services, "publish", lambda task, *, args=(), **kwargs: calls.append(args[0]) or True)
    return calls


def list_url(case) -> str:
    return reverse("capture:capture_list", args=[case.pk])


@pytest.mark.attack(category="capture_bad_input")
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/file", guard.NOT_WEB),
        ("javascript:alert(1)", guard.NOT_WEB),
        ("https://user:secret@example.org/", guard.CREDENTIALS),
        ("https://exa mple.org/", guard.SPACES),
        ("https://example.org:99999/", guard.BAD_PORT),
        ("https://" + "é" * 300 + "/" + "x" * 2000, guard.TOO_LONG),
    ],
)
def test_an_address_the_server_would_never_fetch_is_refused_on_the_form_with_its_reason(
    client, case, owner, sent, url, reason, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(list_url(case), {"url": url, "note": "kept as typed"})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert "kept as typed" in response.content.decode()  # nothing typed is lost
    assert not Capture.objects.exists() and sent == []


def test_a_capture_asked_for_from_an_incident_belongs_to_it_and_goes_to_its_page(
    client, case, owner, sent, django_capture_on_commit_callbacks
):
    incident = log_incident(case, owner)
    client.force_login(owner)
    page = client.get(list_url(case) + f"?incident={incident.pk}")
    assert page.status_code == 200 and f'value="{incident.pk}" selected' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(list_url(case), {"url": URL, "incident": incident.pk, "recheck_days": "7"})
    capture = Capture.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("capture:capture_detail", args=[case.pk, capture.pk])
    assert (capture.incident, capture.requested_by, sent) == (incident, owner, [capture.pk])
    assert capture.recheck_until is not None
    detail = client.get(response["Location"]).content.decode()
    assert "Being checked" in detail and "data-capture-status" in detail


def test_an_incident_of_another_case_is_not_offered_nor_taken(client, case, owner):
    other = make_case(owner, title="Another")
    foreign = log_incident(other, owner)
    client.force_login(owner)
    response = client.post(list_url(case), {"url": URL, "incident": foreign.pk})
    assert response.status_code == 400 and not Capture.objects.exists()


def test_a_viewer_sees_the_captures_but_cannot_ask_for_one(client, case, owner, viewer):
    finish(case, owner, text="words")
    client.force_login(viewer)
    page = client.get(list_url(case)).content.decode()
    assert URL in page and "Capture the page" not in page
    assert client.post(list_url(case), {"url": URL}).status_code == 403


def test_the_page_shows_the_history_and_a_recheck_starts_a_new_row(client, case, owner, sent):
    first = finish(case, owner, text="line one\nline two")
    finish(case, owner, first=first, text="line one\nline 2", colour=(1, 2, 3))
    finish(case, owner, first=first, outcome="gone", status=404, message="The address answered 404 Not Found.")
    client.force_login(owner)
    page = client.get(reverse("capture:capture_detail", args=[case.pk, first.pk])).content.decode()
    states = [chunk.split('"', 1)[0] for chunk in page.split('data-state="')[1:]]
    assert states == ["captured", "changed", "gone"]
    assert "line 2" in page and "The address answered 404 Not Found." in page
    assert f"exhibit {first.evidence.mark}" in page
    response = client.post(reverse("capture:capture_recheck", args=[case.pk, first.pk]))
    assert response.status_code == 302 and Capture.objects.filter(first=first).count() == 3
    exhibit = client.get(reverse("incidents:evidence_detail", args=[case.pk, first.evidence.pk])).content.decode()
    assert reverse("capture:capture_detail", args=[case.pk, first.pk]) in exhibit


def test_files_are_downloaded_as_opaque_bytes_and_every_look_is_audited(client, case, owner, viewer):
    capture = finish(case, owner, text="the page's words")
    client.force_login(viewer)
    text = client.get(reverse("capture:capture_file", args=[case.pk, capture.pk, "text"]))
    assert b"".join(text.streaming_content) == b"the page's words"
    assert text["Content-Type"] == "application/octet-stream" and "attachment" in text["Content-Disposition"]
    shot = client.get(reverse("capture:capture_file", args=[case.pk, capture.pk, "screenshot"]) + "?inline=1")
    assert shot["Content-Type"] == "image/png" and b"".join(shot.streaming_content) == png_bytes()
    assert client.get(reverse("capture:capture_file", args=[case.pk, capture.pk, "nothing"])).status_code == 404
    events = AuditEvent.objects.filter(action="capture.download", actor_id=viewer.pk)
    assert sorted(e.details["role"] for e in events) == ["screenshot", "text"]


def test_the_api_asks_for_a_capture_refuses_with_reasons_and_reads_the_history(case, owner, sent):
    api = api_client(owner, scope="write")
    base = f"/api/v1/cases/{case.pk}/captures/"
    refused = api.post(base, {"url": "http://169.254.169.254/latest/meta-data/"}, format="json")
    assert refused.status_code == 201  # the host is judged by the worker when it resolves it (guard.PRIVATE)
    bad = api.post(base, {"url": "https://user:pw@example.org/"}, format="json")
    assert bad.status_code == 422 and guard.CREDENTIALS in json.dumps(bad.json())
    nul = api.post(base, {"url": "https://example.org/\x00"}, format="json")
    assert nul.status_code in (400, 422)
    days = api.post(base, {"url": URL, "recheck_days": 3}, format="json")
    assert days.status_code == 422 and services.NOT_A_RECHECK_DAYS in json.dumps(days.json())
    assert api.post(base, {"url": URL, "recheck_days": 30}, format="json").status_code == 201
    first = finish(case, owner, text="one")
    finish(case, owner, first=first, text="two", colour=(9, 9, 9))
    body = api.get(f"{base}{first.pk}/").json()
    assert [h["state"] for h in body["history"]] == ["captured", "changed"]
    assert body["history"][1]["changed_lines"] == ["- one", "+ two"]
    assert body["exhibit"] == first.evidence.mark and {f["role"] for f in body["files"]} == {"screenshot", "text"}
    again = api.post(f"{base}{first.pk}/recheck/", format="json")
    assert again.status_code == 201 and again.json()["first"] == first.pk
    download = api.get(f"{base}{first.pk}/files/text/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"one"
    assert api.get(f"{base}{first.pk}/files/passwords/").status_code == 404
    assert AuditEvent.objects.filter(action="capture.download", details__role="text").count() == 1
