"""Account events go into the audit trail's account chain.

Django's own log-in and log-out views announce themselves only through the auth
signals, so these receivers are the one place that records them (through accounts.services, which
also keeps the owner's "Recent sign-ins"). Addresses are recorded shortened to the network
("81.2.x.x", accounts.requests.network_of), never in full.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model, signals
from django.db.models.signals import post_save

from audit import services as audit
from audit.actions import Action

from . import services
from .middleware import mark_session_start
from .requests import client_address, network_of

# Set on the request by the quick exit view before it logs out (accounts.views.quick_exit).
QUICK_EXIT_FLAG = "quick_exit"


def on_login(sender, request, user, **kwargs):
    # The audit event and the row of the owner's "Recent sign-ins" (services.login_record).
    services.login_record(user=user, request=request)


def on_logout(sender, request, user, **kwargs):
    # Quick exit records its own event (services.quick_exit_record) before it logs out.
    if user is not None and not getattr(request, QUICK_EXIT_FLAG, False):
        services.logout_record(user=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is kept; the password never reaches here (Django cleanses it).
    services.login_failure_record(username=str(credentials.get("username", "")), request=request)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    # django-axes refused a log-in: this username from this address had too many failures.
    # Sent at the failure that locks, and again for each attempt made during the lock.
    audit.event_record(
        action=Action.ACCOUNT_LOCKED_OUT,
        details={
            "username": str(username or "")[:254],
            "address": network_of(ip_address or "") or client_address(request),
        },
    )


def on_user_saved(sender, instance, created, **kwargs):
    # A new password (changed, or reset by email) cuts off every API token too: whoever knew the old
    # one may have made a token with it.
    if getattr(instance, "_password_changed", False):
        instance._password_changed = False
        if not created:
            services.access_tokens_end_all(user=instance, reason="password_changed")


def connect() -> None:
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="tokens_end_on_new_password")
    signals.user_logged_in.connect(on_login, dispatch_uid="audit_login")
    # Not an audit event: the session's 12-hour limit counts from here (accounts.middleware).
    signals.user_logged_in.connect(mark_session_start, dispatch_uid="session_start")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit_locked_out")
    signals.user_logged_out.connect(on_logout, dispatch_uid="audit_logout")
    signals.user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
