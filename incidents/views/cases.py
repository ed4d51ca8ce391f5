"""A case's own pages: start one, its summary, its settings, close and reopen it, its children."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import access, charts
from ..forms.cases import CaseForm, ChildForm
from ..models import Case, Child
from ..pages import case_context
from ..queries import cases as queries
from ..queries.comments import comment_thread
from ..queries.sharing import members
from ..services import cases as services
from ..services.activity import page_view_record


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    form = CaseForm(
        request.POST if request.method == "POST" else None, initial={"exhibit_prefix": request.user.initials}
    )
    if request.method == "POST" and form.is_valid():
        case = services.case_create(user=request.user, **form.cleaned_data)
        messages.success(request, "Your case is ready. Log the first thing that happened.")
        return redirect("incidents:incident_new", case_id=case.pk)
    return render(request, "incidents/case_new.html", {"form": form}, status=400 if form.is_bound else 200)


@require_safe
@login_required
def case_summary(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    case = membership.case
    page_view_record(user=request.user, case=case, page="summary")
    summary = queries.case_summary(case)
    return render(
        request,
        "incidents/case_summary.html",
        case_context(
            membership,
            summary=summary,
            chart=charts.monthly_chart(summary),
            members=members(case),
            comment_list=comment_thread(case),
        ),
    )


def _settings_page(request, membership, *, form, child_form, status: int) -> HttpResponse:
    case = membership.case
    return render(
        request,
        "incidents/case_settings.html",
        case_context(membership, form=form, child_form=child_form, children=queries.case_children(case)),
        status=status,
    )


def _settings_initial(case: Case) -> dict:
    return {
        "title": case.title,
        "exhibit_prefix": case.exhibit_prefix,
        "time_zone": case.time_zone,
        "nation": case.nation or Case.Nation.ENGLAND,
        "subject_name": case.subject_name,
        "subject_contact": case.subject_contact,
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_settings(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.MANAGE)
    case = membership.case
    page_view_record(user=request.user, case=case, page="settings")
    form = CaseForm(request.POST if request.method == "POST" else None, initial=_settings_initial(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.case_update(
            user=request.user,
            case=case,
            title=data["title"],
            exhibit_prefix=data["exhibit_prefix"] or case.exhibit_prefix,
            time_zone=data["time_zone"],
            nation=data["nation"],
            subject_name=data["subject_name"],
            subject_contact=data["subject_contact"],
        )
        messages.success(request, "Saved.")
        return redirect("incidents:case_settings", case_id=case.pk)
    return _settings_page(request, membership, form=form, child_form=ChildForm(), status=400 if form.is_bound else 200)


@login_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.MANAGE)
    status = request.POST.get("status")
    if status not in Case.Status.values:
        messages.error(request, "Choose open or closed.")
    else:
        services.case_set_status(user=request.user, case=membership.case, status=status)
        messages.success(request, "Case closed." if status == Case.Status.CLOSED else "Case reopened.")
    return redirect("incidents:case_summary", case_id=case_id)


@login_required
@require_POST
def child_add(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.MANAGE)
    form = ChildForm(request.POST)
    if form.is_valid():
        services.child_add(user=request.user, case=membership.case, **form.cleaned_data)
        messages.success(request, "Child added.")
        return redirect("incidents:case_settings", case_id=case_id)
    case_form = CaseForm(initial=_settings_initial(membership.case))
    return _settings_page(request, membership, form=case_form, child_form=form, status=400)


@login_required
@require_POST
def child_remove(request: HttpRequest, case_id: int, child_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.MANAGE)
    child = get_object_or_404(Child, pk=child_id, case=membership.case)
    services.child_remove(user=request.user, child=child)
    messages.success(request, "Removed.")
    return redirect("incidents:case_settings", case_id=case_id)
