import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_up_creates_account_and_logs_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Alice Jane Smith",
            "email": "Alice@Example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.email == "alice@example.org"
    assert user.initials == "AJS"
    assert client.get(reverse("home")).context["user"] == user


def test_sign_up_refuses_existing_email_with_message(client, user):
    response = client.post(
        reverse("accounts:signup"),
        {"full_name": "X Y", "email": user.email.upper(), "password1": "p" * 12, "password2": "p" * 12},
    )
    assert response.status_code == 200
    assert "already an account" in response.content.decode()
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("short", "short", "too short"),
        ("password123", "password123", "too common"),
        ("a-long-enough-passphrase", "something-else-entirely", "not the same"),
    ],
)
def test_sign_up_explains_bad_passwords(client, password1, password2, message):
    response = client.post(
        reverse("accounts:signup"),
        {"full_name": "Sam Lee", "email": "sam@example.org", "password1": password1, "password2": password2},
    )
    assert message in response.content.decode()
    assert not get_user_model().objects.exists()


def test_login_is_case_insensitive_on_email(client, user, password):
    response = client.post(reverse("accounts:login"), {"username": user.email.upper(), "password": password})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_says_so_without_revealing_account(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()


def test_logout_needs_post(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_email_is_sent_by_the_task(client, user, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()


def test_password_change(client, user, password):
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


def test_profile_update_refuses_non_letter_initials(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "New Name", "initials": "A1", "time_zone": "Europe/London"}
    )
    assert "letters only" in response.content.decode()
    user.refresh_from_db()
    assert user.full_name != "New Name"


def test_account_events_are_in_the_account_chain(client, user, password):
    from audit.models import ACCOUNT_CHAIN, AuditEvent

    client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong-password-here"})
    client.post(reverse("accounts:login"), {"username": user.email, "password": password})
    client.post(reverse("accounts:logout"))
    events = list(AuditEvent.objects.filter(chain=ACCOUNT_CHAIN).order_by("sequence"))
    assert [e.action for e in events] == ["account.login_failed", "account.login", "account.logout"]
    assert events[0].details["username"] == user.email
    assert "password" not in str(events[0].details)


def test_password_reset_still_answers_when_the_broker_is_down(
    client, user, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    from referral_tracker.celery import app
    from tests.factories import point_celery_at

    previous = app.conf.broker_url
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    point_celery_at("redis://127.0.0.1:1/0")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    finally:
        monkeypatch.undo()
        point_celery_at(previous)
    assert response.status_code == 302
    assert "Could not hand the email" in caplog.text
