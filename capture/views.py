"""The web capture pages: ask the server to capture a page (from the case or from an incident), follow it,
see what the address answered and the history of every check, ask for a check again, look inside the archive
and download its files. Every look at a capture's files is in the audit trail."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from incidents import access
from incidents.pages import case_context, form_errors
from incidents.services.activity import page_view_record
from vault import store
from vault.downloads import OPAQUE, file_response

from . import queries, services
from .forms import CaptureForm
from .models import Capture

INLINE = frozenset({"image/png"})


def _capture(membership, capture_id: int) -> Capture:
    capture = queries.capture_with_files(membership.case, capture_id)
    if capture is None:
        raise Http404("No such capture in this case.")
    return capture


@login_required
@require_http_methods(["GET", "POST"])
def capture_list(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT if request.method == "POST" else access.VIEW)
    case = membership.case
    initial = {}
    if request.GET.get("incident", "").isdecimal():
        initial["incident"] = int(request.GET["incident"])
    form = CaptureForm(request.POST if request.method == "POST" else None, case=case, initial=initial)
    if request.method == "GET":
        page_view_record(user=request.user, case=case, page="captures")
    elif form.is_valid():
        data = form.cleaned_data
        try:
            capture = services.capture_request(
                user=request.user,
                case=case,
                url=data["url"],
                note=data["note"],
                incident=data["incident"],
                recheck_days=data["recheck_days"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "The server is capturing the page. This page shows how far it has got.")
            return redirect("capture:capture_detail", case_id=case_id, capture_id=capture.pk)
    captures = queries.first_captures(case)
    return render(
        request,
        "capture/capture_list.html",
        case_context(membership, form=form, captures=captures),
        status=400 if form.is_bound else 200,
    )


@require_safe
@login_required
def capture_detail(request: HttpRequest, case_id: int, capture_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    capture = _capture(membership, capture_id)
    first = capture.first or capture
    page_view_record(user=request.user, case=membership.case, page="capture", target=capture)
    history = queries.history(first, case=membership.case)
    working = any(entry.state == "waiting" for entry in history)
    return render(
        request,
        "capture/capture_detail.html",
        case_context(
            membership,
            capture=capture,
            first=first,
            history=history,
            working=working,
            tsa_configured=bool(settings.TSA_URLS),
        ),
    )


@require_safe
@login_required
@never_cache
def capture_status(request: HttpRequest, case_id: int, capture_id: int) -> JsonResponse:
    membership = access.require(request.user, case_id)
    capture = _capture(membership, capture_id)
    return JsonResponse(
        {
            "id": capture.pk,
            "status": capture.status,
            "status_label": capture.get_status_display(),
            "progress": capture.progress,
            "stage": capture.stage,
            "outcome": capture.outcome,
            "message": capture.message,
            "error": capture.error,
        }
    )


@login_required
@require_POST
def capture_recheck(request: HttpRequest, case_id: int, capture_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    capture = _capture(membership, capture_id)
    recheck = services.capture_recheck(user=request.user, first=capture)
    messages.success(request, "The server is checking the page again. The history below shows the result.")
    return redirect("capture:capture_detail", case_id=case_id, capture_id=recheck.first_id)


@require_safe
@login_required
def capture_file(request: HttpRequest, case_id: int, capture_id: int, role: str) -> StreamingHttpResponse:
    """One file of a capture, decrypted: the screenshot may be shown in the page, anything else is a download
    of opaque bytes (an archived page is never served as HTML from this site)."""
    membership = access.require(request.user, case_id)
    capture = _capture(membership, capture_id)
    kept = queries.capture_file(capture, role)
    if kept is None:
        raise Http404("This capture has no such file.")
    inline = request.GET.get("inline") == "1" and kept.content_type in INLINE
    services.capture_access_record(user=request.user, capture=capture, role=role)
    return file_response(
        store.read_chunks(membership.case, kept.storage_name),
        filename=f"capture-{capture.pk}-{kept.name}",
        content_type=kept.content_type if inline else OPAQUE,
        inline=inline,
    )


@require_safe
@login_required
def capture_archive(request: HttpRequest, case_id: int, capture_id: int) -> HttpResponse:
    """What the archive (WACZ) holds: every file in it and every response the page loaded."""
    membership = access.require(request.user, case_id)
    capture = _capture(membership, capture_id)
    kept = queries.capture_file(capture, "wacz")
    if kept is None:
        raise Http404("This capture made no archive.")
    listing = queries.archive_listing(membership.case, kept)
    services.capture_access_record(user=request.user, capture=capture, role="wacz", listing=True)
    return render(request, "capture/capture_archive.html", case_context(membership, capture=capture, listing=listing))
