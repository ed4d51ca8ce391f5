"""The dossier pages: who may ask for, follow and download a dossier, and the public verification page."""

import datetime as dt
import hashlib
import time

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.two_factor import REAUTH_AT
from audit.models import AuditEvent
from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from incidents.services import evidence as evidence_services
from tests.factories import log_incident, make_case, png_bytes, upload
from vault import store

pytestmark = pytest.mark.django_db

MEMBERS = ["owner", "editor", "advocate"]
FORM = {"audience": "police", "date_from": "", "date_to": "", "photos": "inline", "redact": "on"}
NARRATIVE = "A thread on a gossip forum claimed our baby was being neglected."


@pytest.fixture
def done(case, owner) -> Dossier:
    incident = log_incident(case, owner, title="Forum thread about our baby", narrative=NARRATIVE)
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description="Screenshot of the thread",
        uploaded_file=upload("s.png", png_bytes()),
        incidents=[incident],
    )
    dossier = Dossier.objects.create(case=case, requested_by=owner, options={"audience": "police"})
    assert compile_dossier(dossier.pk) == "done"
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def people(owner, editor, advocate, viewer, outsider) -> dict:
    return {"owner": owner, "editor": editor, "advocate": advocate, "viewer": viewer, "outsider": outsider}


def urls(dossier: Dossier) -> dict[str, str]:
    args = [dossier.case_id, dossier.pk]
    return {
        "list": reverse("dossiers:dossier_list", args=[dossier.case_id]),
        "status": reverse("dossiers:dossier_status", args=args),
        "pdf": reverse("dossiers:dossier_pdf", args=args),
        "pack": reverse("dossiers:dossier_pack", args=args),
    }


def log_in(client, user, *, recently: bool = True) -> None:
    """Signed in; with `recently`, the password was also given again just now (downloads ask for that)."""
    client.force_login(user)
    if recently:
        session = client.session
        session[REAUTH_AT] = time.time()
        session.save()


def download_events(user, what: str) -> int:
    return AuditEvent.objects.filter(action=f"dossier.download_{what}", actor_id=user.pk).count()


@pytest.mark.parametrize("role", MEMBERS)
def test_members_who_may_export_list_ask_follow_and_download(client, case, done, people, role):
    user = people[role]
    log_in(client, user)
    links = urls(done)

    page = client.get(links["list"])
    assert page.status_code == 200
    assert done.verification_code in page.content.decode()

    response = client.post(links["list"], FORM)
    assert response.status_code == 302
    assert response["Location"] == links["list"]
    asked = Dossier.objects.exclude(pk=done.pk).get()
    assert (asked.case_id, asked.requested_by_id, asked.status) == (case.pk, user.pk, Dossier.Status.QUEUED)
    assert asked.options == {
        "audience": "police",
        "date_from": None,
        "date_to": None,
        "photos": "inline",
        "redact": True,
        # FORM ticks none of the cover's boxes (issue 13): a browser sends an unticked box as nothing.
        "cover_subject": False,
        "cover_contact": False,
        "cover_references": False,
    }
    assert AuditEvent.objects.filter(action="dossier.request", actor_id=user.pk, target_id=asked.pk).exists()

    status = client.get(links["status"])
    assert status.status_code == 200
    assert status.json()["status"] == "done"
    assert status.json()["sha256"] == done.sha256

    for what, name, stored, content_type in (
        ("pdf", done.file_name, done.sha256, "application/pdf"),
        ("pack", done.pack_name, done.pack_sha256, "application/zip"),
    ):
        response = client.get(links[what])
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body == store.read_all(case, name)
        assert hashlib.sha256(body).hexdigest() == stored
        assert response["Content-Type"] == content_type
        extension = "pdf" if what == "pdf" else "zip"
        name = f"dossier-{done.verification_code}.{extension}"
        assert response["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
        assert response["Content-Length"] == str(len(body))
        assert "no-store" in response["Cache-Control"]
        assert download_events(user, what) == 1
        event = AuditEvent.objects.get(action=f"dossier.download_{what}", actor_id=user.pk)
        assert (event.case_id, event.target_id) == (case.pk, done.pk)


@pytest.mark.parametrize(("role", "code"), [("viewer", 403), ("outsider", 404)])
def test_viewer_is_refused_and_outsider_sees_nothing(client, done, people, role, code):
    user = people[role]
    log_in(client, user)
    links = urls(done)
    assert client.get(links["list"]).status_code == code
    assert client.post(links["list"], FORM).status_code == code
    assert client.get(links["status"]).status_code == code
    assert client.get(links["pdf"]).status_code == code
    assert client.get(links["pack"]).status_code == code
    assert Dossier.objects.count() == 1
    assert download_events(user, "pdf") == download_events(user, "pack") == 0


def test_anonymous_visitor_is_sent_to_log_in(client, done):
    for url in urls(done).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_downloads_ask_for_the_password_again_first(client, done, owner):
    log_in(client, owner, recently=False)
    for what in ("pdf", "pack"):
        response = client.get(urls(done)[what])
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:reauth"))
        assert download_events(owner, what) == 0
    assert client.get(urls(done)["status"]).status_code == 200  # following progress does not need it


def test_a_dossier_of_another_case_is_404_through_my_case(client, done, outsider):
    mine = make_case(outsider, title="My own case")
    log_in(client, outsider)
    for name in ("dossier_status", "dossier_pdf", "dossier_pack"):
        assert client.get(reverse(f"dossiers:{name}", args=[mine.pk, done.pk])).status_code == 404


def test_a_dossier_not_yet_done_cannot_be_downloaded(client, case, owner):
    running = Dossier.objects.create(case=case, requested_by=owner, status=Dossier.Status.RUNNING)
    log_in(client, owner)
    links = urls(running)
    assert client.get(links["pdf"]).status_code == 404
    assert client.get(links["pack"]).status_code == 404
    assert download_events(owner, "pdf") == 0


def test_end_date_before_start_date_is_refused_with_the_reason(client, case, owner):
    log_in(client, owner)
    response = client.post(
        reverse("dossiers:dossier_list", args=[case.pk]), {**FORM, "date_from": "2025-03-10", "date_to": "2025-03-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert Dossier.objects.count() == 0
    assert not AuditEvent.objects.filter(action="dossier.request").exists()


def test_a_date_after_today_is_refused(client, case, owner):
    log_in(client, owner)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("dossiers:dossier_list", args=[case.pk]), {**FORM, "date_to": tomorrow})
    assert response.status_code == 400
    assert "Enter a date between 1900 and today." in response.content.decode()
    assert Dossier.objects.count() == 0


def test_the_request_is_sent_to_the_worker_only_when_committed(
    client, case, owner, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[int] = []
    # A spy, not a broker: the moment of the send (after the commit) is seen only in-process; the journey
    # through Redis to a worker is tests/dossiers/test_dossier_processes.py.
    monkeypatch.setattr(compile_dossier, "apply_async", lambda args, **kwargs: sent.append(args[0]))
    log_in(client, owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("dossiers:dossier_list", args=[case.pk]), FORM)
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert sent == []  # nothing went before the commit
    dossier = Dossier.objects.get()
    requested_heartbeat = dossier.heartbeat_at

    callbacks[0]()

    assert sent == [dossier.pk]
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.QUEUED
    assert dossier.heartbeat_at >= requested_heartbeat  # marked as sent: the sweep waits before sending again


def test_status_reports_the_progress_and_stage_of_a_running_dossier(client, case, owner):
    dossier = Dossier.objects.create(
        case=case,
        requested_by=owner,
        status=Dossier.Status.RUNNING,
        progress=42,
        stage="Laying out the pages",
    )
    log_in(client, owner)
    response = client.get(urls(dossier)["status"])
    assert response.status_code == 200
    assert response.json() == {
        "id": dossier.pk,
        "document": "dossier",
        "document_label": "Dossier",
        "status": "running",
        "status_label": "Being made",
        "progress": 42,
        "stage": "Laying out the pages",
        "error": "",
        "pages": 0,
        "size": 0,
        "sha256": "",
    }
    assert "no-cache" in response["Cache-Control"]

    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.FAILED, error="Exhibit AJ/1 was altered.")
    failed = client.get(urls(dossier)["status"]).json()
    assert (failed["status"], failed["error"]) == ("failed", "Exhibit AJ/1 was altered.")


def test_the_list_shows_progress_of_a_running_dossier(client, case, owner):
    Dossier.objects.create(
        case=case, requested_by=owner, status=Dossier.Status.RUNNING, progress=42, stage="Laying out the pages"
    )
    log_in(client, owner)
    content = client.get(reverse("dossiers:dossier_list", args=[case.pk])).content.decode()
    assert "Being made: Laying out the pages" in content
    assert 'value="42"' in content


# Verification ------------------------------------------------------------------------------------


def test_verification_page_shows_fingerprint_pages_and_date_but_nothing_of_the_case(client, done, owner):
    response = client.get(reverse("dossiers:verify"), {"code": done.verification_code})
    assert response.status_code == 200
    content = response.content.decode()
    assert done.sha256 in content
    assert f"<dt>Pages</dt><dd>{done.pages}</dd>" in content
    assert dateformat.format(timezone.localtime(done.finished_at), "j F Y") in content
    for secret in (done.case.title, "Forum thread about our baby", NARRATIVE, owner.full_name, "Screenshot of the"):
        assert secret not in content
    assert "AJ/1" not in content


@pytest.mark.parametrize("typed", ["lower", "no dashes", "spaces"])
def test_verification_code_is_normalised(client, done, typed):
    code = done.verification_code
    entered = {
        "lower": code.lower(),
        "no dashes": code.replace("-", "").lower(),
        "spaces": " " + code.replace("-", " ") + " ",
    }[typed]
    response = client.get(reverse("dossiers:verify"), {"code": entered})
    assert response.status_code == 200
    assert done.sha256 in response.content.decode()


def test_unknown_code_is_404_with_a_message(client, done):
    response = client.get(reverse("dossiers:verify"), {"code": "2345-6789-ABCD"})
    assert response.status_code == 404
    content = response.content.decode()
    assert "No finished dossier has this code. Check it against the cover." in content
    assert done.sha256 not in content


def test_code_of_a_dossier_not_done_is_unknown(client, case, owner):
    failed = Dossier.objects.create(case=case, requested_by=owner, status=Dossier.Status.FAILED, sha256="b" * 64)
    response = client.get(reverse("dossiers:verify"), {"code": failed.verification_code})
    assert response.status_code == 404
    assert "b" * 64 not in response.content.decode()


def test_verification_page_without_a_code_shows_the_form(client):
    response = client.get(reverse("dossiers:verify"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
