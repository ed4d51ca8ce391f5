"""Your details: recent sign-ins (browser and device, the network shortened, failures too), current
sessions (end one, not this one), and what is kept of an address. And the quick exit's endpoint,
which ends the session before the page leaves."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignIn
from accounts.requests import browser_and_device, network_of
from accounts.services import personal_data_sweep
from accounts.views.sign_ins import describe_browser
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
WRONG = "not-the-password-at-all"
ADDRESS = "81.2.69.142"
OTHER_ADDRESS = "2a00:23c5:1234:5678:9abc:def0:1234:5678"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.144 Mobile Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Mobile/15E148 Safari/604.1"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"


def log_in(client, email, password=PASSWORD, *, address=ADDRESS, agent=CHROME_ANDROID):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=agent,
    )


def profile_page(client) -> str:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    return response.content.decode()


def logged_in(client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def end_buttons(page: str) -> list[str]:
    """The session each "End this session" form names."""
    return re.findall(r'name="session" value="([0-9a-f]{64})"', page)


@pytest.fixture
def parent():
    return UserFactory(email="alice@example.org", password=PASSWORD, time_zone="Europe/London")


# Reading a User-Agent and shortening an address


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (CHROME_ANDROID, "Chrome on Android"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
            "Safari/537.36 Edg/120.0.2210.91",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
            "Chrome on iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
            "Chrome/115.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.2 Safari/605.1.15",
            "Safari on Mac",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 "
            "Mobile/15E148 Safari/605.1.15",
            "Firefox on iPad",
        ),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox on Linux"),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
            "Safari/537.36",
            "Chrome on Chromebook",
        ),
        ("curl/8.4.0", "An unknown browser"),
        ("", "An unknown browser"),
    ],
)
def test_the_browser_and_device_read_from_the_user_agent(agent, expected):
    assert describe_browser(*browser_and_device(agent)) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("81.2.69.142", "81.2.x.x"),
        ("10.0.0.1", "10.0.x.x"),
        ("2a00:23c5:1234:5678:9abc:def0:1234:5678", "2a00:23c5::…"),
        ("2001:0db8:0000:0000::1", "2001:db8::…"),
        ("::ffff:81.2.69.142", "81.2.x.x"),
        ("", ""),
        ("not an address", ""),
    ],
)
def test_an_address_is_shortened_to_its_network(address, expected):
    assert network_of(address) == expected


# Recent sign-ins


def test_a_sign_in_shows_browser_device_and_the_shortened_network_never_the_address(client, parent):
    assert log_in(client, parent.email).status_code == 302
    page = profile_page(client)

    assert "Recent sign-ins" in page
    assert "Chrome on Android" in page
    assert "81.2.x.x" in page
    assert ADDRESS not in page

    row = SignIn.objects.get()
    assert (row.user, row.succeeded, row.browser, row.device, row.network) == (
        parent,
        True,
        "Chrome",
        "Android",
        "81.2.x.x",
    )
    assert len(row.session_hash) == 64
    for values in SignIn.objects.values_list():
        assert not any(ADDRESS in str(value) for value in values)
    # The audit trail keeps the network too, not the address.
    assert AuditEvent.objects.get(action="account.login").details == {"address": "81.2.x.x"}
    assert not AuditEvent.objects.filter(details__icontains=ADDRESS).exists()


def test_a_failed_attempt_is_listed_and_the_list_is_newest_first(client, parent):
    assert log_in(Client(), parent.email, WRONG, address=OTHER_ADDRESS, agent=FIREFOX_WINDOWS).status_code == 200
    assert log_in(client, parent.email).status_code == 302
    page = profile_page(client)

    sign_ins = page[page.index("Recent sign-ins") :]
    assert sign_ins.count("Failed: wrong password") == 1
    assert "Firefox on Windows" in sign_ins
    assert "2a00:23c5::…" in sign_ins
    assert OTHER_ADDRESS not in page
    assert sign_ins.index("Chrome on Android") < sign_ins.index("Failed: wrong password")  # newest first
    assert list(SignIn.objects.order_by("at").values_list("succeeded", "network")) == [
        (False, "2a00:23c5::…"),
        (True, "81.2.x.x"),
    ]


def test_a_failed_attempt_at_an_email_with_no_account_keeps_no_sign_in(client):
    assert log_in(client, "nobody@example.org", WRONG).status_code == 200
    assert not SignIn.objects.exists()
    assert AuditEvent.objects.get(action="account.login_failed").details == {
        "username": "nobody@example.org",
        "address": "81.2.x.x",
    }


def test_attempts_refused_by_the_lock_are_not_called_wrong_passwords(client, parent):
    for _ in range(5):
        log_in(client, parent.email, WRONG)
    assert log_in(client, parent.email).status_code == 429  # the right password, refused by the lock
    assert SignIn.objects.filter(succeeded=False).count() == 5
    assert not SignIn.objects.filter(succeeded=True).exists()


@pytest.mark.parametrize(
    ("now", "at", "expected"),
    [
        (
            dt.datetime(2026, 7, 2, 9, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 7, 1, 12, 5, tzinfo=dt.UTC),
            "Wed 1 Jul 2026, 13:05 BST",
        ),
        (
            dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 29, 12, 5, tzinfo=dt.UTC),
            "Sun 29 Nov 2026, 12:05 GMT",
        ),
    ],
)
def test_times_are_local_with_gmt_or_bst(client, parent, monkeypatch, now, at, expected):
    # A fixed clock: the test cannot wait for winter or summer time to come round.
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    client.force_login(parent)
    SignIn.objects.all().delete()
    SignIn.objects.create(user=parent, succeeded=True, at=at, browser="Chrome", device="Android")
    assert expected in profile_page(client)


def test_sign_ins_older_than_30_days_are_not_listed(client, parent):
    client.force_login(parent)
    SignIn.objects.all().delete()
    SignIn.objects.create(user=parent, succeeded=False, at=timezone.now() - dt.timedelta(days=31), browser="Firefox")
    page = profile_page(client)
    assert "No sign-ins in the last 30 days." in page
    assert "Failed: wrong password" not in page


# Current sessions


def test_ending_another_session_logs_that_browser_out(parent):
    this, other = Client(), Client()
    log_in(this, parent.email)
    log_in(other, parent.email, address=OTHER_ADDRESS, agent=SAFARI_IPHONE)

    page = profile_page(this)
    sessions = page[page.index("Current sessions") : page.index("Recent sign-ins")]
    assert "Safari on iPhone" in sessions and "Chrome on Android" in sessions
    assert "this browser" in sessions
    buttons = end_buttons(page)
    assert len(buttons) == 1  # the other session's; this one has none

    response = this.post(reverse("accounts:session_end"), {"session": buttons[0]})
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile") + "#sessions"
    assert not logged_in(other)
    assert logged_in(this)

    ended = SignIn.objects.get(network="2a00:23c5::…")
    assert ended.ended_at is not None
    assert SignIn.objects.get(network="81.2.x.x").ended_at is None
    event = AuditEvent.objects.get(action="account.session_end")
    assert event.details == {"address": "127.0.x.x", "browser": "Safari", "device": "iPhone"}  # the test client's
    page = profile_page(this)
    assert end_buttons(page) == []
    assert "Safari on iPhone" not in page[page.index("Current sessions") : page.index("Recent sign-ins")]


def test_the_current_session_cannot_be_ended_there(client, parent):
    log_in(client, parent.email)
    page = profile_page(client)
    assert end_buttons(page) == []
    assert "To end the session in this browser, use Log out." in page

    from accounts.queries import session_hash

    response = client.post(
        reverse("accounts:session_end"), {"session": session_hash(client.session.session_key)}, follow=True
    )
    assert "That is the session in this browser. To end it, use Log out." in response.content.decode()
    assert logged_in(client)
    assert not AuditEvent.objects.filter(action="account.session_end").exists()


def test_another_accounts_session_cannot_be_ended(parent):
    mine, theirs = Client(), Client()
    log_in(mine, parent.email)
    stranger = UserFactory(password=PASSWORD)
    log_in(theirs, stranger.email)
    from accounts.queries import session_hash

    mine.post(reverse("accounts:session_end"), {"session": session_hash(theirs.session.session_key)})
    assert logged_in(theirs)
    assert not AuditEvent.objects.filter(action="account.session_end").exists()


def test_ending_a_session_is_post_only(client, parent):
    client.force_login(parent)
    assert client.get(reverse("accounts:session_end")).status_code == 405


def test_log_out_everywhere_marks_every_sign_in_ended(parent):
    one, two = Client(), Client()
    log_in(one, parent.email)
    log_in(two, parent.email, agent=SAFARI_IPHONE)
    one.post(reverse("accounts:logout_everywhere"))
    assert not logged_in(two)
    assert SignIn.objects.filter(succeeded=True).count() == 2
    assert not SignIn.objects.filter(succeeded=True, ended_at__isnull=True).exists()


def test_log_out_ends_that_sign_in(client, parent):
    log_in(client, parent.email)
    client.post(reverse("accounts:logout"))
    assert SignIn.objects.get().ended_at is not None


# What is kept of an address


def test_no_log_of_successful_log_ins_and_old_attempts_are_swept(client, parent, settings):
    log_in(client, parent.email)
    assert not AccessLog.objects.exists()  # AXES_DISABLE_ACCESS_LOG

    now = timezone.now()
    old = AccessAttempt.objects.create(
        username="a@example.org", ip_address=ADDRESS, user_agent="", failures_since_start=2, get_data="", post_data=""
    )
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=now - dt.timedelta(minutes=16))
    fresh = AccessAttempt.objects.create(
        username="b@example.org", ip_address=ADDRESS, user_agent="", failures_since_start=1, get_data="", post_data=""
    )
    AccessLog.objects.create(username="a@example.org", ip_address=ADDRESS, user_agent="")
    SignIn.objects.create(user=parent, succeeded=False, at=now - dt.timedelta(days=31))

    assert personal_data_sweep() == {"attempts": 1, "access_logs": 1, "sign_ins": 1}
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not AccessLog.objects.exists()
    assert SignIn.objects.count() == 1


# Quick exit: the endpoint


def strict_client(parent) -> Client:
    """Logged in as `parent`, and checking CSRF tokens as a browser's requests are checked."""
    client = Client()
    log_in(client, parent.email)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    return strict


def quick_exit_token(client) -> str:
    page = profile_page(client)
    match = re.search(r'data-csrf-token="([^"]+)"', page)
    assert match, "no quick exit with a CSRF token on the page"
    return match.group(1)


def test_quick_exit_is_on_every_signed_in_page_and_not_on_the_log_in_page(client, parent):
    assert "data-quick-exit" not in client.get(reverse("accounts:login")).content.decode()
    log_in(client, parent.email)
    for name in ("home", "accounts:profile", "accounts:tokens"):
        page = client.get(reverse(name)).content.decode()
        assert 'class="quick-exit"' in page, name
        assert f'data-end-session="{reverse("accounts:quick_exit")}"' in page, name


def test_quick_exit_ends_the_session(parent):
    client = strict_client(parent)
    token = quick_exit_token(client)

    response = client.post(
        reverse("accounts:quick_exit"), {"csrfmiddlewaretoken": token}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action="account.quick_exit", actor_id=parent.pk).count() == 1
    assert not AuditEvent.objects.filter(action="account.logout").exists()  # one event for one exit
    assert SignIn.objects.get().ended_at is not None


def test_quick_exit_refuses_a_post_without_the_csrf_token(parent):
    client = strict_client(parent)
    quick_exit_token(client)  # the page was loaded: the CSRF cookie is there, but not sent as a token

    response = client.post(reverse("accounts:quick_exit"), {}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert logged_in(client)
    assert not AuditEvent.objects.filter(action="account.quick_exit").exists()


def test_quick_exit_refuses_a_cross_site_request_even_with_a_token(parent):
    client = strict_client(parent)
    token = quick_exit_token(client)

    response = client.post(
        reverse("accounts:quick_exit"), {"csrfmiddlewaretoken": token}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 403
    assert logged_in(client)


def test_quick_exit_is_post_only(client, parent):
    log_in(client, parent.email)
    assert client.get(reverse("accounts:quick_exit")).status_code == 405
    assert logged_in(client)


def test_quick_exit_works_before_the_two_step_code_is_given(client, parent):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=parent, name="Authenticator app", confirmed=True)
    log_in(client, parent.email)
    page = client.get(reverse("accounts:two_factor_verify")).content.decode()
    assert 'class="quick-exit"' in page  # the code page is a signed-in page too

    response = client.post(reverse("accounts:quick_exit"))
    assert response.status_code == 204  # not sent to the code page first
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="account.quick_exit").count() == 1
