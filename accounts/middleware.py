"""Session safety: the 12-hour limit on a log-in, no-store on every signed-in response, and the
username django-axes counts log-in failures against.

The 30-minute idle timeout: a session expires SESSION_COOKIE_AGE after it was last saved, and a
signed-in request saves it again once at least SESSION_RENEW_SECONDS have passed (not on every
request: a write per page was a measurable part of the timeline's time). Idle for 30 minutes,
give or take a minute, and the session is gone from the store.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect

from audit import services as audit
from audit.actions import Action

from .requests import client_address

# When this log-in began, and when the session's expiry was last moved on (POSIX timestamps).
SESSION_STARTED_KEY = "session_started_at"
SESSION_RENEWED_KEY = "session_renewed_at"


def _now() -> float:
    return timezone.now().timestamp()


def _absolute_limit_message() -> str:
    hours = settings.SESSION_ABSOLUTE_SECONDS / 3600
    limit = f"{hours:g} hours" if hours != 1 else "1 hour"
    return f"You were logged out after {limit}. Please log in again."


def mark_session_start(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the 12 hours count from each log-in (also a re-authentication's)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = request.session[SESSION_RENEWED_KEY] = _now()


class SessionLimitsMiddleware:
    """Logs a session out once SESSION_ABSOLUTE_SECONDS have passed since its log-in, however busy it is.

    The log-out happens before any view (or later middleware) sees the request, so the request goes on
    as anonymous. The view is then replaced by a redirect to the log-in page with a message; that part
    runs in process_view, where the message middleware is ready. A session from before this middleware
    existed (no start recorded) starts counting now.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = _now()
            renewed = request.session.get(SESSION_RENEWED_KEY)
            if not isinstance(renewed, int | float) or now - renewed >= settings.SESSION_RENEW_SECONDS:
                request.session[SESSION_RENEWED_KEY] = now  # saved at the end of the request: expiry moves on
            if not isinstance(started, int | float):
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                user = request.user
                audit.event_record(
                    actor=user,
                    action=Action.ACCOUNT_SESSION_EXPIRED,
                    target=user,
                    details={"address": client_address(request), "after_seconds": int(now - started)},
                )
                logout(request)
                request.session_absolute_expired = True
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(request, "session_absolute_expired", False):
            return None
        messages.info(request, _absolute_limit_message())
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(redirect_to_login(request.get_full_path()).url)
        return redirect_to_login(request.get_full_path())


class NoStoreMiddleware:
    """Every response to a signed-in user may show case data: no cache, browser or shared, may keep it.

    Uses Django's never-cache headers (Cache-Control: max-age=0, no-cache, no-store, must-revalidate,
    private) merged into whatever the view set, so a stricter directive already there stays, plus
    Pragma: no-cache for old HTTP/1.0 caches. Anonymous pages are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            if "Pragma" not in response:
                response["Pragma"] = "no-cache"
        return response


def axes_username(request, credentials=None) -> str | None:
    """The username django-axes counts failures against (settings.AXES_USERNAME_CALLABLE).

    Our log-in form posts the email address as "username", which is what Django passes on in the
    user_login_failed signal, while axes' own backend puts it under AXES_USERNAME_FORM_FIELD (our
    USERNAME_FIELD, "email"); both are read here. Log-in ignores the case of the address, so the
    count does too: otherwise each spelling (Alice@, ALICE@) would get its own five attempts.
    """
    if credentials:
        value = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD)
    else:
        value = getattr(request, "data", request.POST).get("username")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()
