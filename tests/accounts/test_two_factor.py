"""Two-step verification with TOTP and recovery codes; re-authentication before sensitive actions."""

import re
import time

import pyotp
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.factories import confirm_recent_login

pytestmark = pytest.mark.django_db


def _turn_on(client, user) -> tuple[pyotp.TOTP, list[str]]:
    client.force_login(user)
    confirm_recent_login(client)
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page).group(1).replace(" ", "")
    totp = pyotp.TOTP(secret)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": totp.now()})
    assert response.status_code == 200 and "Your recovery codes" in response.content.decode()
    codes = re.findall(r'<li class="hash">(\w+)</li>', response.content.decode())
    return totp, codes


def _next_code(totp: pyotp.TOTP) -> str:
    """A code from the next 30-second step: a code is accepted once, and the set-up just used this step's."""
    return totp.at(time.time() + 30)


def _log_in(client, user, password):
    client.post(reverse("accounts:login"), {"username": user.email, "password": password})


def test_turning_on_needs_a_right_code(client, user):
    client.force_login(user)
    confirm_recent_login(client)
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert response.status_code == 400 and "not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_login_then_needs_the_code_before_anything_else(client, user, password):
    totp, codes = _turn_on(client, user)
    assert len(codes) == 10
    client.logout()
    _log_in(client, user, password)
    blocked = client.get(reverse("home"))
    assert blocked.status_code == 302 and blocked.url.startswith(reverse("accounts:two_factor_verify"))
    assert client.post(reverse("accounts:two_factor_verify"), {"code": "123456"}).status_code == 400
    time.sleep(1.1)  # django-otp refuses every code for a second after a wrong one (brute-force throttle)
    assert (
        client.post(reverse("accounts:two_factor_verify"), {"code": _next_code(totp), "next": "/"}).status_code == 302
    )
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(client, user, password):
    _, codes = _turn_on(client, user)
    client.logout()
    _log_in(client, user, password)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 302
    client.logout()
    _log_in(client, user, password)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 400


def test_turning_it_on_ends_other_sessions(client, user):
    other = client.__class__()
    other.force_login(user)
    assert other.get(reverse("home")).context["user"].is_authenticated
    _turn_on(client, user)
    assert not other.get(reverse("home")).context["user"].is_authenticated  # logged out
    assert client.get(reverse("home")).context["user"].is_authenticated


def test_case_requiring_two_factor_sends_members_to_set_it_up(client, case, owner, advocate):
    _turn_on(client, owner)
    confirm_recent_login(client)
    response = client.post(reverse("incidents:two_factor_requirement", args=[case.pk]), {"required": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.require_two_factor
    client.force_login(advocate)
    response = client.get(reverse("incidents:timeline", args=[case.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor_setup"))
    _turn_on(client, advocate)
    assert client.get(reverse("incidents:timeline", args=[case.pk])).status_code == 200


def test_owner_without_two_factor_cannot_require_it(client, case, owner):
    client.force_login(owner)
    client.post(reverse("incidents:two_factor_requirement", args=[case.pk]), {"required": "1"})
    case.refresh_from_db()
    assert not case.require_two_factor


def test_reauthentication_with_password_or_code_lasts_ten_minutes(client, user, password, settings):
    totp, _ = _turn_on(client, user)
    session = client.session
    session.pop("reauth_at", None)
    session.save()
    target = reverse("accounts:email_change")
    assert client.get(target).url.startswith(reverse("accounts:reauth"))
    assert client.post(reverse("accounts:reauth"), {"secret": "wrong"}).status_code == 400
    time.sleep(1.1)  # the wrong secret was also tried as a code: django-otp's one-second throttle
    assert client.post(reverse("accounts:reauth"), {"secret": _next_code(totp), "next": target}).url == target
    assert client.get(target).status_code == 200
    settings.REAUTH_SECONDS = 0
    assert client.get(target).status_code == 302
    settings.REAUTH_SECONDS = 600
    assert client.post(reverse("accounts:reauth"), {"secret": password, "next": target}).url == target


def test_email_change_is_audited_and_refuses_a_taken_address(client, user, owner):
    client.force_login(user)
    confirm_recent_login(client)
    assert "Another account" in client.post(reverse("accounts:email_change"), {"email": owner.email}).content.decode()
    assert client.post(reverse("accounts:email_change"), {"email": "New@Example.org"}).status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert AuditEvent.objects.filter(action="account.email_change", actor_id=user.pk).exists()


def test_turning_off_needs_the_password(client, user, password):
    _turn_on(client, user)
    client.post(reverse("accounts:two_factor_disable"), {"secret": "nope"})
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post(reverse("accounts:two_factor_disable"), {"secret": password})
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_setting_up_needs_the_password_again_and_does_not_count_as_it(client, user, password):
    client.force_login(user)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:reauth"))
    _turn_on(client, user)
    session = client.session
    session.pop("reauth_at")
    session.save()
    client.get(reverse("accounts:two_factor_status"))
    assert client.get(reverse("accounts:email_change")).url.startswith(reverse("accounts:reauth"))
