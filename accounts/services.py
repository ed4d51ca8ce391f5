"""Every write the accounts app makes: users, API tokens, two-step verification, sessions, emails.

Views and other apps call these; none of them writes an account row itself. Each function that
writes does so in one transaction, with its audit event (audit.services.event_record).
"""

import datetime as dt
import hashlib
import logging
import secrets
from importlib import import_module

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
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

from . import queries
from .models import AccessToken, SignIn, User, initials_from_name
from .requests import client_address, client_browser_and_device
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
def user_profile_update(
    *,
    user,
    full_name: str,
    initials: str,
    time_zone: str,
    digest_enabled: bool | None = None,
    deadline_reminders_enabled: bool | None = None,
):
    user.full_name = full_name.strip()
    user.initials = initials.upper()
    user.time_zone = time_zone
    fields = ["full_name", "initials", "time_zone"]
    if digest_enabled is not None:
        user.digest_enabled = digest_enabled
        fields.append("digest_enabled")
    if deadline_reminders_enabled is not None:
        user.deadline_reminders_enabled = deadline_reminders_enabled
        fields.append("deadline_reminders_enabled")
    user.save(update_fields=fields)
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
def access_tokens_end_all(*, user, reason: str) -> int:
    """End every live API token of `user` at once (a new password, log out everywhere); how many ended."""
    now = timezone.now()
    ended = list(
        AccessToken.objects.select_for_update()
        .filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        .values_list("name", flat=True)
    )
    if ended:
        AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        audit.event_record(
            actor=user,
            action=Action.ACCOUNT_TOKENS_ENDED,
            target=user,
            details={"reason": reason, "count": len(ended), "names": sorted(ended)},
        )
    return len(ended)


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
    _sign_ins_end(SignIn.objects.filter(user=user).exclude(pk=request.session.get(queries.SIGN_IN_SESSION_KEY)))
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
    _sign_ins_end(SignIn.objects.filter(user=user))
    audit.event_record(actor=user, action=Action.ACCOUNT_LOGOUT_EVERYWHERE, target=user, details={"address": address})
    access_tokens_end_all(user=user, reason="logout_everywhere")


def _sign_ins_end(sign_ins) -> None:
    """Mark the successful sign-ins among `sign_ins` that are still open as ended, now."""
    sign_ins.filter(succeeded=True, ended_at__isnull=True).update(ended_at=timezone.now())


def _this_sign_in(request: HttpRequest | None):
    """The SignIn rows of the request's own session (none when it has no note of one)."""
    sign_in_id = getattr(request, "session", {}).get(queries.SIGN_IN_SESSION_KEY)
    return SignIn.objects.filter(pk=sign_in_id if isinstance(sign_in_id, int) else None)


@transaction.atomic
def session_end(*, request: HttpRequest, user: User, session_hash: str) -> bool:
    """End one other session of `user`, named by the hash of its key: it is deleted from the session
    store, so that browser is logged out at its next request. False if there is no such live session
    of this user, or it is the request's own (which ends with Log out)."""
    current = request.session.session_key
    for session in queries.live_sessions(user, current_key=current):
        if session.hash == session_hash and not session.current:
            store = import_module(settings.SESSION_ENGINE).SessionStore
            store(session_key=session.key).delete()
            details = {"address": client_address(request)}
            if session.sign_in is not None:
                _sign_ins_end(SignIn.objects.filter(pk=session.sign_in.pk))
                details.update(browser=session.sign_in.browser, device=session.sign_in.device)
            audit.event_record(actor=user, action=Action.ACCOUNT_SESSION_END, target=user, details=details)
            return True
    return False


# Signing in and out: called by the auth signals' receivers (audit_hooks), which are the only place
# Django's own log-in and log-out views announce themselves.


def _sign_in_create(*, user: User, request: HttpRequest | None, succeeded: bool, session_key: str = "") -> SignIn:
    browser, device = client_browser_and_device(request)
    return SignIn.objects.create(
        user=user,
        succeeded=succeeded,
        browser=browser[:100],
        device=device[:100],
        network=client_address(request)[:50],
        session_hash=queries.session_hash(session_key) if session_key else "",
    )


@transaction.atomic
def login_record(*, user: User, request: HttpRequest) -> SignIn:
    """A log-in: its SignIn row (noted in the session, see accounts.queries) and its audit event."""
    session = request.session
    if session.session_key is None:
        session.save()  # login() flushed another account's session: the new one needs its key now
    sign_in = _sign_in_create(user=user, request=request, succeeded=True, session_key=session.session_key or "")
    session[queries.SIGN_IN_SESSION_KEY] = sign_in.pk
    audit.event_record(
        actor=user, action=Action.ACCOUNT_LOGIN, target=user, details={"address": client_address(request)}
    )
    return sign_in


@transaction.atomic
def login_failure_record(*, username: str, request: HttpRequest | None) -> SignIn | None:
    """A failed log-in: its audit event, and, for an account that exists, a SignIn row its owner sees.

    An attempt that django-axes refused because of a lock is not a wrong password, and the owner's
    list would call it one: it gets no row (axes did not count the failure when it left
    axes_failures_since_start unset; the lock itself is audited as account.locked_out)."""
    refused_by_lock = (
        getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", None) is None
    )
    user = get_user_model().objects.filter(email__iexact=username.strip()).first() if username.strip() else None
    sign_in = None
    if user is not None and not refused_by_lock:
        sign_in = _sign_in_create(user=user, request=request, succeeded=False)
    audit.event_record(
        action=Action.ACCOUNT_LOGIN_FAILED, details={"username": username[:254], "address": client_address(request)}
    )
    return sign_in


@transaction.atomic
def logout_record(*, user: User, request: HttpRequest | None) -> None:
    """A log-out (Log out, or the 12-hour limit): this session's sign-in ends; audited."""
    _sign_ins_end(_this_sign_in(request))
    audit.event_record(
        actor=user, action=Action.ACCOUNT_LOGOUT, target=user, details={"address": client_address(request)}
    )


@transaction.atomic
def quick_exit_record(*, user: User, request: HttpRequest) -> None:
    """Quick exit, just before the view logs the session out: its sign-in ends; audited as
    account.quick_exit (the log-out that follows adds no account.logout of its own)."""
    _sign_ins_end(_this_sign_in(request))
    audit.event_record(
        actor=user, action=Action.ACCOUNT_QUICK_EXIT, target=user, details={"address": client_address(request)}
    )


def personal_data_sweep() -> dict[str, int]:
    """Forget what is no longer needed (beat runs this: accounts.tasks.sweep). Not audited: nothing a
    person did. django-axes' attempts once their cool-off is over (each holds a full address, and
    axes itself clears them only when someone logs in or fails to), any log of its successful log-ins
    (AXES_DISABLE_ACCESS_LOG stops new ones), and sign-ins older than the owner's list shows."""
    now = timezone.now()
    counts = {
        "attempts": AccessAttempt.objects.filter(attempt_time__lte=now - settings.AXES_COOLOFF_TIME).delete()[0],
        "access_logs": AccessLog.objects.all().delete()[0],
        "sign_ins": SignIn.objects.filter(at__lt=now - dt.timedelta(days=queries.RECENT_SIGN_IN_DAYS)).delete()[0],
    }
    return counts
