"""Telling the owner what others did on their cases: the hourly email (the digest) and "My cases"."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

import incidents.tasks
from audit import services as audit
from audit.actions import Action
from audit.models import AuditEvent
from dossiers import services as dossier_services
from incidents.queries import notifications as notification_queries
from incidents.services import comments as comment_services
from incidents.services import notifications as notification_services
from incidents.services import sharing as sharing_services
from incidents.tasks import send_digests
from tests.factories import UserFactory, log_incident, make_case

pytestmark = pytest.mark.django_db

EXPECTED_BODY = """Hello Alex Jones,

What happened on your cases since we last wrote:

Reports about our family
- Sam Advocate accepted your invitation to 'Reports about our family'
- Sam Advocate commented on 'Letter to employer'
- Sam Advocate added exhibit AJ/1
- Sam Advocate made a dossier for the police
Open the case: http://127.0.0.1:8000/cases/{case_id}/

You get this email at most once an hour, only when someone else has done something on a case you own. \
To stop these emails, untick "Email me when others act on my cases" in Your details: \
http://127.0.0.1:8000/accounts/profile/
"""


@pytest.fixture
def alex(db):
    return UserFactory(full_name="Alex Jones", initials="AJ", email="alex@example.org")


@pytest.fixture
def sam(db):
    return UserFactory(full_name="Sam Advocate", email="sam@charity.example")


@pytest.fixture
def busy_case(alex, sam):
    """Alex's case, on which Sam accepted an invitation, commented, added an exhibit and made a dossier,
    and Alex did things too (which the digest must not repeat to Alex)."""
    case = make_case(alex)
    letter = log_incident(case, alex, title="Letter to employer")
    _, token = sharing_services.invitation_create(user=alex, case=case, email=sam.email, role="advocate")
    sharing_services.invitation_accept(user=sam, token=token)
    comment_services.comment_add(user=alex, case=case, body="My own note", incident=letter)
    comment_services.comment_add(user=sam, case=case, body="I will write to them.", incident=letter)
    audit.event_record(
        actor=sam, case_id=case.pk, action=Action.EVIDENCE_ATTACH, details={"mark": "AJ/1", "sha256": "0" * 64}
    )
    dossier = dossier_services.dossier_request(user=sam, case=case, options={"audience": "police"})
    audit.event_record(case_id=case.pk, action=Action.DOSSIER_DONE, target=dossier, details={"pages": 3})
    dossier_services.dossier_request(user=alex, case=case, options={"audience": "social_services"})
    mail.outbox.clear()
    return case


def _run(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return send_digests()


def test_digest_tells_the_owner_in_words_what_others_did_and_not_what_they_did(
    alex, busy_case, eager_tasks, django_capture_on_commit_callbacks
):
    assert _run(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alex@example.org"]
    assert email.subject == "What happened on your cases"
    assert email.body == EXPECTED_BODY.format(case_id=busy_case.pk)
    assert "<li>Sam Advocate commented on &#x27;Letter to employer&#x27;</li>" in email.alternatives[0][0]
    alex.refresh_from_db()
    assert alex.digest_sent_at is not None
    event = AuditEvent.objects.get(action="account.digest_sent")
    assert (event.actor_id, event.details) == (alex.pk, {"events": 4, "cases": 1})


def test_digest_is_sent_to_owners_only_once_an_hour(
    alex, sam, busy_case, eager_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    assert _run(django_capture_on_commit_callbacks) == 1
    comment_services.comment_add(user=sam, case=busy_case, body="One more thing.")
    assert _run(django_capture_on_commit_callbacks) == 0  # within the hour: nothing more
    assert len(mail.outbox) == 1  # and Sam, who owns nothing, got nothing

    later = timezone.now() + dt.timedelta(minutes=61)
    # A double of time: a test cannot wait out the hour between two digests.
    monkeypatch.setattr(incidents.tasks, "timezone", SimpleNamespace(now=lambda: later))
    assert _run(django_capture_on_commit_callbacks) == 1
    assert mail.outbox[1].to == ["alex@example.org"]
    assert "- Sam Advocate commented on the case\n" in mail.outbox[1].body
    assert "accepted your invitation" not in mail.outbox[1].body  # told already


def test_two_workers_with_the_same_reading_send_once(alex, busy_case, eager_tasks, django_capture_on_commit_callbacks):
    now = timezone.now()
    happenings = notification_queries.digest_happenings(user=alex, since=now - dt.timedelta(hours=1), until=now)
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_services.digest_send(user=alex, read_sent_at=None, now=now, happenings=happenings)
        second = notification_services.digest_send(user=alex, read_sent_at=None, now=now, happenings=happenings)
    assert (first, second, len(mail.outbox)) == (True, False, 1)


def test_no_digest_when_the_owner_switched_it_off(
    client, alex, busy_case, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(alex)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Email me when others act on my cases" in page
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Alex Jones", "initials": "AJ", "time_zone": "Europe/London"}
    )
    assert response.status_code == 302
    alex.refresh_from_db()
    assert alex.digest_enabled is False
    assert _run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_nothing_is_sent_when_only_the_owner_did_things(alex, eager_tasks, django_capture_on_commit_callbacks):
    case = make_case(alex)
    log_incident(case, alex, title="Letter to employer")
    assert _run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_my_cases_shows_what_others_did_in_words(client, alex, sam, busy_case):
    client.force_login(alex)
    page = client.get(reverse("home")).content.decode()
    assert "Recently, by others" in page
    assert "Sam Advocate made a dossier for the police" in page
    assert "Sam Advocate added exhibit AJ/1" in page
    assert "Sam Advocate commented on &#x27;Letter to employer&#x27;" in page
    assert "accepted your invitation" not in page  # only the last three
    assert "My own note" not in page and "social services" not in page


def test_my_cases_names_an_untitled_incident_as_the_timeline_does(client, alex):
    case = make_case(alex)
    log_incident(case, alex, kind="direct_message", title="")
    client.force_login(alex)
    page = client.get(reverse("home")).content.decode()
    assert "Latest: Direct message ·" in page
    assert "(untitled)" not in page
    timeline = client.get(reverse("incidents:timeline", args=[case.pk])).content.decode()
    assert ">Direct message</a>" in timeline
