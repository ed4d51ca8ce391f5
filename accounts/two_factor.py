"""Two-factor authentication (TOTP with single-use recovery codes) and re-authentication.

- After the password, an account with a confirmed device must give a code before anything else
  (TwoFactorMiddleware). Whether it has one is noted in the session at log-in, so pages pay no query.
- A case whose owner requires two-factor refuses members without it (incidents.access raises
  TwoFactorRequired; the middleware sends them to set it up).
- Sensitive actions (downloading a dossier or evidence pack, changing the email address, sharing)
  need a password or code given in the last REAUTH_SECONDS (recent_auth_required).
"""

import functools
import re
import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device

NEEDS_CODE = "two_factor_needs_code"
REAUTH_AT = "reauth_at"


class TwoFactorRequired(PermissionDenied):
    """Raised by the case gate when the case requires two-factor and this session has none.

    A PermissionDenied, so that the API answers 403; pages are sent to the set-up page instead
    (TwoFactorMiddleware.process_exception)."""

    def __init__(self):
        super().__init__("The owner of this case requires two-step verification. Turn it on in your account.")


def has_two_factor(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def user_is_verified(user) -> bool:
    """True when this request's user gave a second factor (django-otp's middleware marks request.user)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def session_is_verified(request) -> bool:
    return user_is_verified(request.user)


def on_login(sender, request, user, **kwargs) -> None:
    note_login(request, user)


def note_login(request, user) -> None:
    """At log-in: remember whether this account must give a code before going on."""
    request.session[NEEDS_CODE] = has_two_factor(user)


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: anything else ("home", "-1") would be taken by redirect() for a URL name,
    # and a name that does not exist is a 500.
    ok = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ok else default


def recently_authenticated(request) -> bool:
    at = request.session.get(REAUTH_AT)
    return at is not None and time.time() - at <= settings.REAUTH_SECONDS


def mark_reauthenticated(request) -> None:
    request.session[REAUTH_AT] = time.time()


# Coming back after "Confirm it is you": a form posted just before is kept (minus its secrets) until the
# page shows it again, and a download asked for is started on the page it was asked from.
REAUTH_FORM = "reauth_form"
REAUTH_DOWNLOAD = "reauth_download"
NOT_KEPT = re.compile(r"password|secret|csrf|token|otp|^code$", re.IGNORECASE)


def _to_reauth(request, next_url: str):
    return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': next_url})}")


def _keep_posted_form(request) -> None:
    if request.method == "POST":
        fields = {name: request.POST.getlist(name) for name in request.POST if not NOT_KEPT.search(name)}
        request.session[REAUTH_FORM] = {"path": request.path, "fields": fields}


def form_typed_before_reauth(request) -> QueryDict | None:
    """What was posted to this page when the password was asked for, once, on the page's next GET."""
    kept = request.session.get(REAUTH_FORM)
    if request.method != "GET" or not kept or kept.get("path") != request.path:
        return None
    del request.session[REAUTH_FORM]
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    return data


def reauth_redirect(request):
    """None if the password or a code was given in the last 10 minutes, else the redirect to give it.

    A form posted here is kept (form_typed_before_reauth gives it back). Views call this after the case
    gate, so that a stranger still gets 404, not a password prompt."""
    if recently_authenticated(request):
        return None
    _keep_posted_form(request)
    return _to_reauth(request, request.get_full_path())


def _same_site_page(request, url: str) -> str:
    """The path (and query) of a URL on this site, or "" for anything else."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != request.get_host()):
        return ""
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/") and not path.startswith("//") else ""


def reauth_redirect_for_download(request, *, page: str):
    """Like reauth_redirect, for a download: after the password, back to the page the download was asked
    from (the Referer, if it is on this site, else `page`), where it then starts (pending_download)."""
    if recently_authenticated(request):
        return None
    back = _same_site_page(request, request.headers.get("Referer", "")) or page
    if back == request.get_full_path():
        back = page
    request.session[REAUTH_DOWNLOAD] = {"url": request.get_full_path(), "page": back}
    return _to_reauth(request, back)


def pending_download(request) -> str:
    """The download to start on this page, asked for before the password was given again: once."""
    kept = request.session.get(REAUTH_DOWNLOAD)
    if not kept or kept.get("page") != request.get_full_path() or not recently_authenticated(request):
        return ""
    del request.session[REAUTH_DOWNLOAD]
    return kept["url"]


def recent_auth_required(view):
    """Ask for the password or a code again unless it was given in the last 10 minutes."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not recently_authenticated(request):
            _keep_posted_form(request)
            return _to_reauth(request, request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


ALWAYS_ALLOWED = ("accounts:two_factor_verify", "accounts:logout", "accounts:quick_exit")


class TwoFactorMiddleware:
    """Holds a signed-in session that still owes its code at the code page; sends members of a case
    that requires two-factor to set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.session.get(NEEDS_CODE)
            and not session_is_verified(request)
            and not request.path.startswith((settings.STATIC_URL, "/healthz", "/verify/"))
        ):
            allowed = {reverse(name) for name in ALWAYS_ALLOWED}
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Enter your two-step verification code in the browser first."}, status=403
                )
            if request.path not in allowed:
                return redirect(
                    f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TwoFactorRequired):
            messages.info(request, "The owner of this case asks everyone who can see it to use two-step verification.")
            return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': request.get_full_path()})}")
        return None
