"""Sessions: log out everywhere (accounts.services.all_sessions_end), end one other session from
"Your details" (services.session_end), and quick exit (the session ends, then the page leaves).
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import queries, services
from ..audit_hooks import QUICK_EXIT_FLAG
from ..requests import client_address


@login_required
@require_http_methods(["GET", "POST"])
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; POST ends every session of the account, this one too."""
    if request.method == "GET":
        return render(request, "accounts/security_logout_everywhere.html")
    services.all_sessions_end(user=request.user, address=client_address(request))
    logout(request)
    messages.success(request, "You are logged out on every device and browser, this one too.")
    return redirect("accounts:login")


@login_required
@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    """End one other session of the account (the button under "Current sessions" on Your details)."""
    chosen = request.POST.get("session", "")
    if services.session_end(request=request, user=request.user, session_hash=chosen):
        messages.success(request, "That session has ended. Anyone using it will have to log in again.")
    elif request.session.session_key and chosen == queries.session_hash(request.session.session_key):
        messages.info(request, "That is the session in this browser. To end it, use Log out.")
    else:
        messages.info(request, "That session had already ended.")
    return redirect(reverse("accounts:profile") + "#sessions")


# Same-site requests only: a browser names where a request came from in Sec-Fetch-Site. (The CSRF
# token is required as well, by the CSRF middleware, as for every POST.)
SAME_SITE = {None, "same-origin"}


@never_cache
@require_POST
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Quick exit ends the session here, at once: quick-exit.js sends this (with the page's CSRF token)
    as it leaves for the neutral site, so Back finds the log-in page. No confirmation and no page: 204."""
    if request.headers.get("Sec-Fetch-Site") not in SAME_SITE:
        raise PermissionDenied("Quick exit only from this site's own pages.")
    if request.user.is_authenticated:
        services.quick_exit_record(user=request.user, request=request)
        setattr(request, QUICK_EXIT_FLAG, True)  # the log-out is not audited again (audit_hooks.on_logout)
        logout(request)
    return HttpResponse(status=204)
