"""Account safety: log-in throttling (django-axes), the session's limits, no-store on signed-in pages,
log out everywhere, and other sessions ending on a password change or other_sessions_end()."""

import datetime as dt
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_STARTED_KEY, NoStoreMiddleware
from accounts.services import other_sessions_end
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.20"
WRONG = "not-the-password-at-all"
LOCKED = "Too many attempts"


class Clock:
    """A stand-in for timezone.now that only moves when told to."""

    def __init__(self):
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Time travel for sessions, the audit trail and django-axes (which imported `now` for itself)."""
    clock = Clock()
    # A double of time: a test cannot wait out the 12-hour log-in limit or the lock-out's cool-off.
    monkeypatch.setattr("django.utils.timezone.now", clock)
    monkeypatch.setattr("axes.handlers.proxy.now", clock)
    return clock


def attempt(client, username, password, address=ADDRESS):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def lock(client, user):
    for _ in range(4):
        response = attempt(client, user.email, WRONG)
        assert response.status_code == 200
        assert "correct email address and password" in response.content.decode()
    return attempt(client, user.email, WRONG)


# Log-in throttling


def test_five_failures_lock_the_username_from_that_address_even_with_the_right_password(client, user, password):
    fifth = lock(client, user)
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    assert "accounts/locked_out.html" in [t.name for t in fifth.templates]

    sixth = attempt(client, user.email, password)
    assert sixth.status_code == 429
    assert "paused for 15 minutes" in sixth.content.decode()
    assert "_auth_user_id" not in client.session
    assert not logged_in(client)

    # Log-in ignores the case of the address, so the lock does too.
    assert attempt(client, user.email.upper(), password).status_code == 429


def test_lockout_is_an_audit_event(client, user):
    lock(client, user)
    event = AuditEvent.objects.filter(action="account.locked_out").first()
    assert event is not None
    assert event.details == {"username": user.email, "address": "203.0.x.x"}  # the network, not the address
    assert "password" not in str(event.details)


def test_lockout_leaves_other_usernames_and_other_addresses_alone(user, password):
    locked_client = Client()
    lock(locked_client, user)

    other = UserFactory(password=password)
    assert attempt(Client(), other.email, password).status_code == 302  # same address, another account
    assert attempt(Client(), user.email, password, address=OTHER_ADDRESS).status_code == 302  # another address

    # Those log-ins did not lift the lock on this username from the first address.
    assert attempt(locked_client, user.email, password).status_code == 429


def test_lock_lifts_after_15_minutes(client, user, password, clock):
    lock(client, user)
    clock.advance(minutes=15, seconds=1)
    response = attempt(client, user.email, password)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in(client)


def test_failures_more_than_15_minutes_apart_do_not_add_up(client, user, clock):
    for _ in range(4):
        attempt(client, user.email, WRONG)
    clock.advance(minutes=16)
    response = attempt(client, user.email, WRONG)
    assert response.status_code == 200
    assert LOCKED not in response.content.decode()


def test_success_clears_the_count(client, user, password):
    for _ in range(4):
        attempt(client, user.email, WRONG)
    assert attempt(client, user.email, password).status_code == 302
    client.post(reverse("accounts:logout"))
    assert attempt(client, user.email, WRONG).status_code == 200  # a fresh count, not the fifth failure


# Session limits


def test_log_in_gives_a_new_session_key_and_notes_when_it_began(client, user, password, clock):
    session = client.session
    session["before"] = "anonymous"
    session.save()
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    assert attempt(client, user.email, password).status_code == 302
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session[SESSION_STARTED_KEY] == clock.now.timestamp()


def test_idle_session_ends_after_30_minutes(client, user, clock):
    client.force_login(user)
    assert logged_in(client)
    clock.advance(minutes=29)
    assert logged_in(client)  # each request moves the expiry on
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).expire_date == clock.now + dt.timedelta(minutes=30)
    clock.advance(minutes=29)
    assert logged_in(client)

    clock.advance(minutes=31)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_session_ends_12_hours_after_log_in_however_active(client, user, clock):
    client.force_login(user)
    for _ in range(28):  # a request every 25 minutes: never idle, 11 hours 40 minutes in all
        clock.advance(minutes=25)
        assert logged_in(client)

    clock.advance(minutes=25)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={reverse('accounts:profile')}"
    assert "_auth_user_id" not in client.session

    page = client.get(response.url)
    assert "You were logged out after 12 hours. Please log in again." in page.content.decode()


def test_session_started_13_hours_ago_is_logged_out_from_a_case_page(client, case, owner):
    client.force_login(owner)
    session = client.session
    session[SESSION_STARTED_KEY] = (timezone.now() - dt.timedelta(hours=13)).timestamp()
    session.save()

    summary = reverse("incidents:case_summary", args=[case.pk])
    response = client.get(summary, follow=True)
    assert response.redirect_chain == [(f"{reverse('accounts:login')}?next={summary}", 302)]
    assert "You were logged out after 12 hours." in response.content.decode()
    assert case.title not in response.content.decode()
    event = AuditEvent.objects.get(action="account.session_expired")
    assert event.actor_id == owner.pk
    assert AuditEvent.objects.filter(action="account.logout", actor_id=owner.pk).exists()


def test_session_under_12_hours_carries_on(client, user):
    client.force_login(user)
    session = client.session
    session[SESSION_STARTED_KEY] = (timezone.now() - dt.timedelta(hours=11, minutes=59)).timestamp()
    session.save()
    assert logged_in(client)


def test_htmx_request_after_12_hours_redirects_the_whole_page(client, user):
    client.force_login(user)
    session = client.session
    session[SESSION_STARTED_KEY] = (timezone.now() - dt.timedelta(hours=13)).timestamp()
    session.save()
    response = client.get(reverse("accounts:profile"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


# No-store


def test_case_page_is_never_stored(client, case, owner):
    client.force_login(owner)
    response = client.get(reverse("incidents:case_summary", args=[case.pk]))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    for directive in ("no-store", "no-cache", "private", "max-age=0"):
        assert directive in cache_control
    assert response["Pragma"] == "no-cache"


def test_anonymous_page_is_not_made_no_store(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response


def _through_no_store(user, response):
    request = RequestFactory().get("/")
    request.user = user
    return NoStoreMiddleware(lambda request: response)(request)


def test_no_store_makes_a_weaker_header_strict(user):
    response = HttpResponse()
    response["Cache-Control"] = "public, max-age=3600"
    response = _through_no_store(user, response)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "max-age=0"} <= directives
    assert "public" not in directives


def test_no_store_keeps_what_a_view_set_already(user):
    response = HttpResponse()
    response["Cache-Control"] = "private, no-store, max-age=0, no-transform"
    response["Pragma"] = "no-cache, x-custom"
    response = _through_no_store(user, response)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "max-age=0", "no-transform"} <= directives
    assert response["Pragma"] == "no-cache, x-custom"


# Log out everywhere


def test_profile_links_to_log_out_everywhere(client, user):
    client.force_login(user)
    assert reverse("accounts:logout_everywhere") in client.get(reverse("accounts:profile")).content.decode()


def test_log_out_everywhere_needs_a_log_in(client):
    response = client.get(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_log_out_everywhere_asks_first(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:logout_everywhere"))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    user.refresh_from_db()
    assert user.session_epoch == 0
    assert logged_in(client)


def test_log_out_everywhere_ends_every_session(user):
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)

    response = here.post(reverse("accounts:logout_everywhere"), follow=True)
    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "You are logged out on every device and browser, this one too." in response.content.decode()
    assert not logged_in(here)
    assert not logged_in(elsewhere)
    user.refresh_from_db()
    assert user.session_epoch == 1
    event = AuditEvent.objects.get(action="account.logout_everywhere")
    assert event.actor_id == user.pk

    again = Client()
    again.force_login(user)
    assert logged_in(again)  # a new log-in works as before


# Other sessions ending


def test_password_change_ends_other_sessions_but_not_this_one(user, password):
    changer, other = Client(), Client()
    changer.force_login(user)
    other.force_login(user)

    response = changer.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert logged_in(changer)
    assert not logged_in(other)


def test_end_other_sessions_keeps_this_session_only(user):
    this, other = Client(), Client()
    this.force_login(user)
    other.force_login(user)

    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    request = RequestFactory().post("/", REMOTE_ADDR=ADDRESS)
    request.session = store(this.cookies[django_settings.SESSION_COOKIE_NAME].value)
    request.user = user
    other_sessions_end(request=request, user=user, reason="two_factor_enabled")
    request.session.save()
    this.cookies[django_settings.SESSION_COOKIE_NAME] = request.session.session_key  # it was given a new key

    assert logged_in(this)
    assert not logged_in(other)
    user.refresh_from_db()
    assert user.session_epoch == 1
    event = AuditEvent.objects.get(action="account.other_sessions_ended")
    assert event.details == {"address": "203.0.x.x", "reason": "two_factor_enabled"}


def test_the_session_is_saved_at_most_once_a_minute(client, user, clock):
    client.force_login(user)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    first = Session.objects.get(session_key=key).expire_date
    clock.advance(seconds=30)
    assert logged_in(client)
    assert Session.objects.get(session_key=key).expire_date == first  # no write within the minute
    clock.advance(seconds=31)
    assert logged_in(client)
    assert Session.objects.get(session_key=key).expire_date == clock.now + dt.timedelta(minutes=30)
