"""Ending sessions: "log out everywhere", and end_other_sessions for code that changes how an account
signs in (a new password does this by itself; a two-factor change calls it).

Every session's auth hash includes User.session_epoch, so raising it ends every session of the account
at its next request.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit import services as audit


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _bump_session_epoch(user) -> None:
    # In the database, not from the copy in memory: a copy loaded before another bump would write
    # back the value that bump already wrote, and the sessions started since would survive.
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def end_other_sessions(request: HttpRequest, user, *, reason: str = "") -> None:
    """End every session of `user` except this request's, which carries on (with a new key).

    For a change to how the account signs in, such as a two-factor device added or removed. `reason`
    goes into the audit event ("two_factor_enabled", say).
    """
    _bump_session_epoch(user)
    update_session_auth_hash(request, user)
    audit.event_record(
        actor=user,
        action="account.other_sessions_ended",
        target=user,
        details={"address": _address(request), "reason": reason},
    )


@login_required
@require_http_methods(["GET", "POST"])
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; POST ends every session of the account, this one too."""
    if request.method == "GET":
        return render(request, "accounts/security_logout_everywhere.html")
    user = request.user
    with transaction.atomic():
        _bump_session_epoch(user)
        audit.event_record(
            actor=user, action="account.logout_everywhere", target=user, details={"address": _address(request)}
        )
    logout(request)
    messages.success(request, "You are logged out on every device and browser, this one too.")
    return redirect("accounts:login")
