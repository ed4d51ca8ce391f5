"""Pages for a case's agency reference numbers: the list, add, change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .. import access
from ..forms.references import ReferenceForm
from ..pages import case_context, form_errors
from ..queries import references as queries
from ..services import references as services
from ..services.activity import page_view_record


@require_safe
@login_required
def reference_list(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    page_view_record(user=request.user, case=membership.case, page="references")
    return render(
        request,
        "incidents/reference_list.html",
        case_context(membership, references=queries.case_references(membership.case)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reference_new(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    form = ReferenceForm(request.POST if request.method == "POST" else None, case=membership.case)
    if request.method == "POST" and form.is_valid():
        try:
            services.reference_create(user=request.user, case=membership.case, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Reference saved.")
            return redirect("incidents:reference_list", case_id=case_id)
    status = 400 if form.is_bound else 200
    return render(request, "incidents/reference_form.html", case_context(membership, form=form), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reference_edit(request: HttpRequest, case_id: int, reference_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    reference = get_object_or_404(queries.references_of(membership.case), pk=reference_id)
    initial = {name: getattr(reference, name) for name in services.REFERENCE_FIELDS}
    initial["incidents"] = list(reference.incidents.values_list("pk", flat=True))
    form = ReferenceForm(request.POST if request.method == "POST" else None, case=membership.case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reference_update(user=request.user, reference=reference, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Reference saved.")
            return redirect("incidents:reference_list", case_id=case_id)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "incidents/reference_form.html",
        case_context(membership, form=form, reference=reference),
        status=status,
    )
