"""Every write the accounts app makes: users, API tokens, two-step verification, sessions, emails.

Views and other apps call these; none of them writes an account row itself. Each function that
writes does so in one transaction, with its audit event (audit.services.event_record).
"""

import datetime as dt
import hashlib
import logging
import secrets

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.template import loader
from django.utils import timezone
from django_otp import devices_for_user, match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit
from audit.actions import Action
from referral_tracker.celery import publish

from .models import AccessToken, User, initials_from_name
from .requests import client_address
from .tasks import send_email
from .two_factor import has_two_factor

logger = logging.getLogger(__name__)


# Emails


def email_queue(*, to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """Hand an email to the worker once the current transaction has committed.

    If the broker cannot be reached, what was saved stays saved and the page still answers:
    the failure is logged with the recipient and subject, so the email can be sent again."""

    def send() -> None:
        publish(
            send_email,
            kwargs={"to": to, "subject": subject, "body": body, "html": html},
            what=f"the email {subject!r} to {to}",
        )

    transaction.on_commit(send)


def email_render_and_queue(*, to: list[str], template: str, context: dict) -> None:
    """Render templates/<template>_subject.txt, _body.txt and (if present) _body.html."""
    subject = "".join(loader.render_to_string(f"{template}_subject.txt", context).splitlines())
    body = loader.render_to_string(f"{template}_body.txt", context)
    try:
        html = loader.render_to_string(f"{template}_body.html", context)
    except loader.TemplateDoesNotExist:
        html = None
    email_queue(to=to, subject=subject, body=body, html=html)


# Users


@transaction.atomic
def user_sign_up(*, email: str, full_name: str, password: str, initials: str = "", time_zone: str = "Europe/London"):
    user = get_user_model().objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        initials=(initials or initials_from_name(full_name)).upper(),
        time_zone=time_zone,
    )
    audit.event_record(actor=user, action=Action.ACCOUNT_SIGN_UP, target=user)
    return user


@transaction.atomic
def user_profile_update(*, user, full_name: str, initials: str, time_zone: str):
    user.full_name = full_name.strip()
    user.initials = initials.upper()
    user.time_zone = time_zone
    user.save(update_fields=["full_name", "initials", "time_zone"])
    audit.event_record(actor=user, action=Action.ACCOUNT_PROFILE_UPDATE, target=user)
    return user


@transaction.atomic
def user_email_change(*, user: User, email: str) -> User:
    """The address is checked by the form (EmailChangeForm: free, lower-case); the old and new go in the event."""
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    audit.event_record(
        actor=user, action=Action.ACCOUNT_EMAIL_CHANGE, target=user, details={"old": old, "new": user.email}
    )
    return user


@transaction.atomic
def user_secret_check(*, user: User, secret: str) -> bool:
    """True if `secret` is the account's password or, with two-step verification on, a current code or
    an unused recovery code. Not audited here. It writes: a recovery code is used up, a code moves the
    device's counter on (or its throttle, when wrong), and a password hash may be upgraded."""
    if user.check_password(secret):
        return True
    return has_two_factor(user) and match_token(user, secret.replace(" ", "")) is not None


@transaction.atomic
def user_reauthenticate(*, user: User, secret: str) -> bool:
    """Check the password or a code given again before a sensitive action, and record how it went.

    The caller marks the session (two_factor.mark_reauthenticated) when this returns True."""
    if user_secret_check(user=user, secret=secret):
        audit.event_record(actor=user, action=Action.ACCOUNT_REAUTHENTICATED, target=user)
        return True
    audit.event_record(actor=user, action=Action.ACCOUNT_REAUTH_FAILED, target=user)
    return False


# API tokens

TOKEN_DAYS_CHOICES = (7, 30, 90, 365)


@transaction.atomic
def access_token_create(*, user, name: str, scope: str, days: int):
    """A new API token. Returns (row, the token itself): the token is shown once and never stored."""
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.event_record(
        actor=user,
        action=Action.ACCOUNT_TOKEN_CREATE,
        target=token,
        details={"name": token.name, "scope": scope, "days": days},
    )
    return token, f"rt_{prefix}_{secret}"


@transaction.atomic
def access_token_revoke(*, user, token):
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.event_record(actor=user, action=Action.ACCOUNT_TOKEN_REVOKE, target=token, details={"name": token.name})
    return token


def access_token_mark_used(*, token: AccessToken, at: dt.datetime) -> None:
    """Note when a token was last used (accounts.api_auth, at most once a minute per token). Not audited.

    One UPDATE by primary key, which is a transaction by itself; the row in memory is left as it was."""
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=at)


# Two-step verification

RECOVERY_CODES = 10


@transaction.atomic
def two_factor_device_prepare(*, user: User) -> TOTPDevice:
    """The authenticator device being set up: the account's unconfirmed one, made if there is none."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )


@transaction.atomic
def two_factor_enable(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm `device` with a code from it and give the account new recovery codes.

    Returns the recovery codes (to be shown once), or None if the code is not right. The caller then
    ends the account's other sessions (other_sessions_end)."""
    if not device.verify_token(code.replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    static, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    audit.event_record(actor=user, action=Action.ACCOUNT_TWO_FACTOR_ON, target=user)
    return codes


@transaction.atomic
def two_factor_code_check(*, user: User, code: str) -> Device | None:
    """The second step of logging in: the device that `code` (a current code or a recovery code) belongs
    to, or None. Audited either way; a recovery code is used up."""
    device = match_token(user, code.replace(" ", ""))
    if device is None:
        audit.event_record(actor=user, action=Action.ACCOUNT_TWO_FACTOR_FAILED, target=user)
        return None
    audit.event_record(
        actor=user,
        action=Action.ACCOUNT_TWO_FACTOR_VERIFIED,
        target=user,
        details={"device": device.__class__.__name__},
    )
    return device


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove every device of the account, confirmed or not, recovery codes too. The caller then ends
    the account's other sessions (other_sessions_end)."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit.event_record(actor=user, action=Action.ACCOUNT_TWO_FACTOR_OFF, target=user)


# Sessions
#
# Every session's auth hash includes User.session_epoch, so raising it ends every session of the
# account at its next request.


def _session_epoch_raise(user: User) -> None:
    # In the database, not from the copy in memory: a copy loaded before another bump would write
    # back the value that bump already wrote, and the sessions started since would survive.
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def other_sessions_end(*, request: HttpRequest, user: User, reason: str = "") -> None:
    """End every session of `user` except this request's, which carries on (with a new key).

    For a change to how the account signs in, such as a two-factor device added or removed (a new
    password does this by itself). `reason` goes into the audit event ("two_factor_enabled", say).
    """
    _session_epoch_raise(user)
    update_session_auth_hash(request, user)
    audit.event_record(
        actor=user,
        action=Action.ACCOUNT_OTHER_SESSIONS_ENDED,
        target=user,
        details={"address": client_address(request), "reason": reason},
    )


@transaction.atomic
def all_sessions_end(*, user: User, address: str) -> None:
    """Log out everywhere: every session of `user` ends, the caller's too (the caller then logs it out)."""
    _session_epoch_raise(user)
    audit.event_record(actor=user, action=Action.ACCOUNT_LOGOUT_EVERYWHERE, target=user, details={"address": address})
