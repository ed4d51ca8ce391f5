"""The private calendar feed: the page (signed in) to make the secret address, see that one exists, and turn it
off; and the feed itself, /cases/calendar/<token>.ics, which a calendar app reads without signing in. A revoked
or unknown token is a plain 404. The address is shown once, on the answer to the POST that made it (never
stored, never in the session or a message); making one needs a recent re-authentication, turning it off does
not."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.two_factor import reauth_redirect

from ..services import calendar as services


def _page(request: HttpRequest, *, new_link: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "casework/calendar.html",
        {"feed": services.live_feed(request.user), "new_link": new_link},
        status=status,
    )


@never_cache  # the answer that shows a new address must not be kept by the browser or a proxy
@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    reauth = reauth_redirect(request)
    if reauth is not None:
        return reauth
    token = services.calendar_feed_create(user=request.user)
    link = request.build_absolute_uri(reverse("casework:calendar_feed", args=[token]))
    # Rendered on this answer only: not redirected, not in the session, not in a message.
    return _page(request, new_link=link)


@login_required
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    if services.calendar_feed_revoke(user=request.user):
        messages.success(request, "Your calendar link no longer works. Calendars that used it will stop updating.")
    return redirect("casework:calendar")


@never_cache
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = services.feed_user(token)
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        services.calendar_ics(user, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
