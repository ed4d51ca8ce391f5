"""Two-step verification pages (status, set up, the code at log-in, turn off) and re-authentication."""

import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from .. import services, two_factor
from ..forms import CodeForm, ReauthForm


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


@require_safe
@login_required
def status(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/two_factor_status.html", {"enabled": two_factor.has_two_factor(request.user)})


@login_required
@two_factor.recent_auth_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Needs the password again first: with a stolen session cookie alone, nobody may add a device
    (which would also end the owner's other sessions)."""
    user = request.user
    if two_factor.has_two_factor(user):
        return redirect("accounts:two_factor_status")
    device = services.two_factor_device_prepare(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_enable(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            services.other_sessions_end(request=request, user=user, reason="two_factor_enabled")
            two_factor.note_login(request, user)
            messages.success(request, "Two-step verification is on.")
            return render(
                request, "accounts/two_factor_codes.html", {"codes": codes, "next": two_factor.safe_next(request, "")}
            )
        form.add_error("code", "That code is not right. Check the time on your phone and try the newest code.")
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1b1f24", title="QR code to scan")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": qr,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": two_factor.safe_next(request, ""),
        },
        status=_status(request) if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in."""
    if two_factor.session_is_verified(request) or not request.session.get(two_factor.NEEDS_CODE):
        return redirect(two_factor.safe_next(request, "/"))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_code_check(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(two_factor.safe_next(request, "/"))
        form.add_error("code", "That code is not right.")
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": two_factor.safe_next(request, "")},
        status=_status(request) if form.is_bound else 200,
    )


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    form = ReauthForm(request.POST)
    if not (form.is_valid() and services.user_secret_check(user=request.user, secret=form.cleaned_data["secret"])):
        messages.error(request, "Enter your password or a current code to turn two-step verification off.")
        return redirect("accounts:two_factor_status")
    services.two_factor_disable(user=request.user)
    services.other_sessions_end(request=request, user=request.user, reason="two_factor_disabled")
    request.session[two_factor.NEEDS_CODE] = False
    messages.success(request, "Two-step verification is off.")
    return redirect("accounts:two_factor_status")


@login_required
@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    form = ReauthForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.user_reauthenticate(user=request.user, secret=form.cleaned_data["secret"]):
            two_factor.mark_reauthenticated(request)
            return redirect(two_factor.safe_next(request, "/"))
        form.add_error("secret", "That is not right. Try again.")
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": two_factor.safe_next(request, "")},
        status=_status(request) if form.is_bound else 200,
    )
