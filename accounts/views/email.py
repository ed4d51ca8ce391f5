"""Changing the account's email address (after giving the password or a code again)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms import EmailChangeForm
from ..two_factor import recent_auth_required


@login_required
@recent_auth_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_email_change(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Your email address is changed.")
        return redirect("accounts:profile")
    # A bound form here was posted and refused.
    return render(request, "accounts/email_change.html", {"form": form}, status=400 if form.is_bound else 200)
