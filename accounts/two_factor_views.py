import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit

from . import two_factor
from .models import User

RECOVERY_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class ReauthForm(forms.Form):
    secret = forms.CharField(
        label="Your password, or a code from your authenticator app",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label="New email address")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError("Another account uses this address.")
        return email


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


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
        return redirect("two_factor:status")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                static, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
                static.token_set.all().delete()
                codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
                StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
                audit.event_record(actor=user, action="account.two_factor_on", target=user)
            otp_login(request, device)
            two_factor.end_other_sessions(request, user, reason="two_factor_enabled")
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
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            audit.event_record(
                actor=request.user,
                action="account.two_factor_verified",
                target=request.user,
                details={"device": device.__class__.__name__},
            )
            return redirect(two_factor.safe_next(request, "/"))
        audit.event_record(actor=request.user, action="account.two_factor_failed", target=request.user)
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
    if not (form.is_valid() and _secret_ok(request, form.cleaned_data["secret"])):
        messages.error(request, "Enter your password or a current code to turn two-step verification off.")
        return redirect("two_factor:status")
    with transaction.atomic():
        for device in devices_for_user(request.user, confirmed=None):
            device.delete()
        audit.event_record(actor=request.user, action="account.two_factor_off", target=request.user)
    two_factor.end_other_sessions(request, request.user, reason="two_factor_disabled")
    request.session[two_factor.NEEDS_CODE] = False
    messages.success(request, "Two-step verification is off.")
    return redirect("two_factor:status")


def _secret_ok(request, secret: str) -> bool:
    user = request.user
    if user.check_password(secret):
        return True
    return two_factor.has_two_factor(user) and match_token(user, secret.replace(" ", "")) is not None


@login_required
@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    form = ReauthForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _secret_ok(request, form.cleaned_data["secret"]):
            two_factor.mark_reauthenticated(request)
            audit.event_record(actor=request.user, action="account.reauthenticated", target=request.user)
            return redirect(two_factor.safe_next(request, "/"))
        audit.event_record(actor=request.user, action="account.reauth_failed", target=request.user)
        form.add_error("secret", "That is not right. Try again.")
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": two_factor.safe_next(request, "")},
        status=_status(request) if form.is_bound else 200,
    )


@login_required
@two_factor.recent_auth_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        old = user.email
        user.email = form.cleaned_data["email"]
        user.save(update_fields=["email"])
        audit.event_record(
            actor=user, action="account.email_change", target=user, details={"old": old, "new": user.email}
        )
        messages.success(request, "Your email address is changed.")
        return redirect("accounts:profile")
    return render(
        request, "accounts/email_change.html", {"form": form}, status=_status(request) if form.is_bound else 200
    )
