"""The dossier pages: ask for one, follow its progress, download its PDF and evidence pack, and the public
verification page. A statement draft is made into its PDF and Word document here too (statement_request): its
row is on the same list, with its own two downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.two_factor import reauth_redirect_for_download
from casework.queries import letters as letter_queries
from incidents import access
from incidents.pages import case_context
from incidents.services.activity import page_view_record

from . import queries, services, signing
from .downloads import dossier_file_response
from .forms import DossierForm, StatementDocumentForm, VerifyForm
from .models import Dossier
from .rules import STATEMENT_DOCUMENTS


@login_required
@require_http_methods(["GET", "POST"])
def dossier_list(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EXPORT)
    if request.method == "GET":
        page_view_record(user=request.user, case=membership.case, page="dossiers")
    form = DossierForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_request(user=request.user, case=membership.case, options=form.options())
        except ValidationError as error:  # the case as it stands (no draft statement to include)
            form.add_error(None, error)
        else:
            messages.success(request, "Your dossier is being made. This page shows its progress.")
            return redirect("dossiers:dossier_list", case_id=case_id)
    dossiers = queries.dossier_list(membership.case)
    working = any(not d.is_finished for d in dossiers)
    return render(
        request,
        "dossiers/dossier_list.html",
        case_context(membership, form=form, dossiers=dossiers, working=working),
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def statement_request(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """Make the case's witness statement or victim personal statement draft (kind "witness" or "victim") into
    its signed PDF and Word document; the dossier list shows its progress and then its downloads."""
    membership = access.require(request.user, case_id, access.EXPORT)
    if kind not in STATEMENT_DOCUMENTS:
        raise Http404("No such statement.")
    form = StatementDocumentForm(request.POST)
    problem = None
    if form.is_valid():
        try:
            services.dossier_request(
                user=request.user, case=membership.case, options=form.options(), document=STATEMENT_DOCUMENTS[kind]
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
    else:
        problem = " ".join(message for errors in form.errors.values() for message in errors)
    if problem:
        messages.error(request, problem)
        return redirect(reverse("casework:statement", args=[case_id, kind]))
    messages.success(
        request, "Your statement is being made as a PDF and a Word document. This page shows its progress."
    )
    return redirect("dossiers:dossier_list", case_id=case_id)


@login_required
@require_POST
def letter_request(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    """Make a letter into its signed PDF and Word document; the dossier list shows its progress, then its files."""
    membership = access.require(request.user, case_id, access.EXPORT)
    letter = letter_queries.letter_detail(membership.case, letter_id)
    if letter is None:
        raise Http404("No such letter in this case.")
    services.dossier_request(
        user=request.user,
        case=membership.case,
        options={"letter": letter.pk, "title": letter.title},
        document=Dossier.Document.LETTER,
    )
    messages.success(request, "Your letter is being made as a PDF and a Word document. This page shows its progress.")
    return redirect("dossiers:dossier_list", case_id=case_id)


@require_safe
@login_required
@never_cache
def dossier_status(request: HttpRequest, case_id: int, dossier_id: int) -> JsonResponse:
    membership = access.require(request.user, case_id, access.EXPORT)
    dossier = get_object_or_404(queries.case_dossiers(membership.case), pk=dossier_id)
    return JsonResponse(
        {
            "id": dossier.pk,
            "document": dossier.document,
            "document_label": dossier.get_document_display(),
            "status": dossier.status,
            "status_label": dossier.get_status_display(),
            "progress": dossier.progress,
            "stage": dossier.stage,
            "error": dossier.error,
            "pages": dossier.pages,
            "size": dossier.size,
            "sha256": dossier.sha256,
        }
    )


def _download(request, case_id: int, dossier_id: int, what: str) -> HttpResponse:
    """The gate, then a finished dossier of the case (404 otherwise), then the password asked again."""
    membership = access.require(request.user, case_id, access.EXPORT)
    dossier = get_object_or_404(queries.case_dossiers(membership.case, done=True), pk=dossier_id)
    if access.reauthentication_needed(request):
        # Back to the page the download was asked from once the password is given, and it starts there.
        page = reverse("dossiers:dossier_list", args=[case_id])
        return reauth_redirect_for_download(request, page=page)
    if not (dossier.file_name if what == "pdf" else dossier.pack_name):
        raise Http404("Not available.")
    services.dossier_download_record(user=request.user, dossier=dossier, what=what)
    return dossier_file_response(membership.case, dossier, what)


@require_safe
@login_required
def dossier_pdf(request: HttpRequest, case_id: int, dossier_id: int) -> StreamingHttpResponse:
    return _download(request, case_id, dossier_id, "pdf")


@require_safe
@login_required
def dossier_pack(request: HttpRequest, case_id: int, dossier_id: int) -> StreamingHttpResponse:
    return _download(request, case_id, dossier_id, "pack")


@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone holding a dossier's code sees its fingerprint, date and page count, and nothing of its content."""
    form = VerifyForm(request.GET or None)
    dossier = None
    if form.is_bound and form.is_valid():
        dossier = queries.dossier_by_code(form.cleaned_data["code"])
        if dossier is None:
            form.add_error("code", "No finished dossier has this code. Check it against the cover.")
    return render(
        request,
        "dossiers/verify.html",
        # Who signed it: the installation's certificate, the one every dossier is signed with.
        {"form": form, "dossier": dossier, "signer": signing.certificate_subject() if dossier else None},
        status=404 if form.is_bound and dossier is None else 200,
    )
