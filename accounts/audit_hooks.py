"""Account events go into the audit trail's account chain.

Django's own log-in and log-out views announce themselves only through the auth
signals, so these receivers are the one place that records them.
"""

from axes.signals import user_locked_out
from django.contrib.auth import signals

from audit import services as audit
from audit.actions import Action

from .middleware import mark_session_start
from .requests import client_address


def on_login(sender, request, user, **kwargs):
    audit.event_record(
        actor=user, action=Action.ACCOUNT_LOGIN, target=user, details={"address": client_address(request)}
    )


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.event_record(
            actor=user, action=Action.ACCOUNT_LOGOUT, target=user, details={"address": client_address(request)}
        )


def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is kept; the password never reaches here (Django cleanses it).
    audit.event_record(
        action=Action.ACCOUNT_LOGIN_FAILED,
        details={"username": str(credentials.get("username", ""))[:254], "address": client_address(request)},
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    # django-axes refused a log-in: this username from this address had too many failures.
    # Sent at the failure that locks, and again for each attempt made during the lock.
    audit.event_record(
        action=Action.ACCOUNT_LOCKED_OUT,
        details={"username": str(username or "")[:254], "address": ip_address or client_address(request)},
    )


def connect() -> None:
    signals.user_logged_in.connect(on_login, dispatch_uid="audit_login")
    # Not an audit event: the session's 12-hour limit counts from here (accounts.middleware).
    signals.user_logged_in.connect(mark_session_start, dispatch_uid="session_start")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit_locked_out")
    signals.user_logged_out.connect(on_logout, dispatch_uid="audit_logout")
    signals.user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
