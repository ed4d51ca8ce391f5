"""Log out everywhere: every session of the account ends, this one too (accounts.services.all_sessions_end)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import services
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
