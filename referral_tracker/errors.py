"""The answers to errors that no view handled (urls.handler400/403/404/500).

Under /api/ every answer is JSON, errors included: an address no route matches (one with a control
character in it, say) is a JSON 404, never the HTML page.

While the database cannot be reached (it is restarting, or the connection dropped) every
page would fail: the site answers 503 with a calm page and Retry-After instead of the
"something went wrong" 500, so that people know to try again in a minute and a proxy or
monitor sees a dependency outage, not a bug. Django calls this handler inside its except
block, for errors raised in any middleware as well as in views, so sys.exc_info() holds
the error.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = "The site cannot reach its records for a moment. Please try again in a minute."


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "The request could not be read."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        if _is_api(request):
            return JsonResponse({"detail": "Something went wrong on our side. Please try again."}, status=500)
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        # Rendered without the request: the context processors would ask the database for the user.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
