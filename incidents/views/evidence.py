"""Evidence pages and downloads. Every look at an exhibit is in the audit trail."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vault import filetypes, store
from vault.downloads import OPAQUE, file_response
from vault.uploads import TOO_LARGE_FLAG

from .. import access
from ..forms.evidence import EvidenceEditForm, EvidenceForm, WithdrawForm
from ..models import Evidence
from ..pages import case_context, form_errors
from ..queries import evidence as queries
from ..queries import timestamps as timestamp_queries
from ..services import evidence as services
from ..services.activity import page_view_record


def _evidence(membership, evidence_id: int) -> Evidence:
    return get_object_or_404(queries.evidence_with_details(membership.case), pk=evidence_id)


@require_safe
@login_required
def evidence_list(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    page_view_record(user=request.user, case=membership.case, page="evidence")
    items = queries.evidence_list(membership.case)
    return render(request, "incidents/evidence_list.html", case_context(membership, items=items))


@login_required
@require_http_methods(["GET", "POST"])
def evidence_new(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    case = membership.case
    initial = {}
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if request.GET.get("incident", "").isdecimal():
        initial["incidents"] = [int(request.GET["incident"])]
    form = EvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        case=case,
        initial=initial,
    )
    if request.method == "POST" and getattr(request, TOO_LARGE_FLAG, False):
        limit_mb = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        form.add_error(None, f"A file was larger than {limit_mb} MB and was not uploaded. Nothing was saved.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = {key: data[key] for key in ("kind", "description", "source_url", "obtained_at", "obtained_from")}
        results, failures = [], []
        for uploaded in data["files"] or [None]:
            try:
                results.append(
                    services.evidence_attach(
                        user=request.user, case=case, uploaded_file=uploaded, incidents=data["incidents"], **details
                    )
                )
            except (store.EvidenceError, ValidationError) as error:
                name = services.clean_file_name(uploaded.name) if uploaded else "The link"
                failures.append(f"{name}: {error.messages[0] if hasattr(error, 'messages') else error}")
        for result in results:
            if result.created:
                messages.success(request, f"Saved as exhibit {result.evidence.mark}.")
            else:
                kept = " What you wrote about it is kept as a note on it." if result.note else ""
                messages.info(
                    request, f"This file is already exhibit {result.evidence.mark}. It has been linked.{kept}"
                )
        if not failures:
            return redirect("incidents:evidence_list", case_id=case.pk)
        for failure in failures:
            form.add_error("files", failure)
    status = 400 if form.is_bound else 200
    return render(request, "incidents/evidence_form.html", case_context(membership, form=form), status=status)


@require_safe
@login_required
def evidence_detail(request: HttpRequest, case_id: int, evidence_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    evidence = _evidence(membership, evidence_id)
    services.evidence_access_record(user=request.user, evidence=evidence, action="view")
    return render(
        request,
        "incidents/evidence_detail.html",
        case_context(
            membership,
            evidence=evidence,
            withdraw_form=WithdrawForm(),
            timestamp=timestamp_queries.exhibit_timestamp(evidence),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request: HttpRequest, case_id: int, evidence_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    evidence = _evidence(membership, evidence_id)
    initial = {
        "description": evidence.description,
        "source_url": evidence.source_url,
        "obtained_at": evidence.obtained_at,
        "obtained_from": evidence.obtained_from,
        "incidents": [i.pk for i in evidence.incidents.all()],
    }
    form = EvidenceEditForm(request.POST if request.method == "POST" else None, case=membership.case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(user=request.user, evidence=evidence, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Saved. The file itself is unchanged.")
            return redirect("incidents:evidence_detail", case_id=case_id, evidence_id=evidence.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "incidents/evidence_form.html", case_context(membership, form=form, evidence=evidence), status=status
    )


@login_required
@require_POST
def evidence_withdraw(request: HttpRequest, case_id: int, evidence_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    evidence = _evidence(membership, evidence_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.evidence_withdraw(user=request.user, evidence=evidence, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Exhibit {evidence.mark} is withdrawn. It stays in the record, marked.")
            return redirect("incidents:evidence_detail", case_id=case_id, evidence_id=evidence.pk)
    return render(
        request,
        "incidents/evidence_detail.html",
        case_context(membership, evidence=evidence, withdraw_form=form),
        status=400,
    )


@require_safe
@login_required
def evidence_download(request: HttpRequest, case_id: int, evidence_id: int) -> StreamingHttpResponse:
    """The original file, decrypted. Inline only for images sniffed as PNG, JPEG, GIF or WebP. With ?token=1,
    its trusted timestamp instead: `<mark>.tsr`, the RFC 3161 reply that `openssl ts -verify` reads."""
    membership = access.require(request.user, case_id)
    evidence = _evidence(membership, evidence_id)
    if not evidence.has_file:
        raise Http404("This exhibit is a link with no file.")
    if request.GET.get("token") == "1":
        reply = timestamp_queries.exhibit_token_reply(evidence)
        if reply is None:
            raise Http404("This exhibit has no trusted timestamp yet.")
        services.evidence_access_record(user=request.user, evidence=evidence, action="download_timestamp")
        return file_response(
            [reply],
            filename=f"{evidence.mark.replace('/', '-')}.tsr",
            content_type="application/timestamp-reply",
            size=len(reply),
        )
    inline = request.GET.get("inline") == "1" and filetypes.is_inline_image(evidence.content_type)
    services.evidence_access_record(user=request.user, evidence=evidence, action="download")
    return file_response(
        store.read_chunks(evidence.case, evidence.storage_name),
        filename=evidence.file_name,
        # Anything but an inline image is sent as opaque bytes: never HTML, SVG or script.
        content_type=evidence.content_type if inline else OPAQUE,
        inline=inline,
    )


@require_safe
@login_required
def evidence_preview(request: HttpRequest, case_id: int, evidence_id: int) -> StreamingHttpResponse:
    membership = access.require(request.user, case_id)
    evidence = _evidence(membership, evidence_id)
    if not evidence.preview_name:
        raise Http404("No preview.")
    services.evidence_access_record(user=request.user, evidence=evidence, action="preview")
    return file_response(
        store.read_chunks(evidence.case, evidence.preview_name),
        filename=f"{evidence.mark.replace('/', '-')}-preview.jpg",
        content_type="image/jpeg",
        inline=True,
    )
