"""Account events go into the audit trail's account chain.

Django's own log-in and log-out views announce themselves only through the auth
signals, so these receivers are the one place that records them.
"""

from django.contrib.auth import signals

from audit import services as audit


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def on_login(sender, request, user, **kwargs):
    audit.event_record(actor=user, action="account.login", target=user, details={"address": _address(request)})


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.event_record(actor=user, action="account.logout", target=user, details={"address": _address(request)})


def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is kept; the password never reaches here (Django cleanses it).
    audit.event_record(
        action="account.login_failed",
        details={"username": str(credentials.get("username", ""))[:254], "address": _address(request)},
    )


def connect() -> None:
    signals.user_logged_in.connect(on_login, dispatch_uid="audit_login")
    signals.user_logged_out.connect(on_logout, dispatch_uid="audit_logout")
    signals.user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
