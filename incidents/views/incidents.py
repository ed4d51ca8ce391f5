"""Incident pages: the timeline (filters and search), log one, read one with its history, change one,
withdraw one."""

from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from .. import access
from ..forms.incidents import IncidentEditForm, IncidentForm, IncidentWithdrawForm, TimelineFilterForm
from ..pages import case_context, form_errors, incident_history
from ..queries import incidents as queries
from ..queries.comments import comment_thread
from ..services import incidents as services
from ..services.activity import page_view_record

TIMELINE_PAGE_SIZE = 50
SEARCH_COUNT_CAP = 500  # a text search says "more than 500 match" rather than counting every one


@require_safe
@login_required
def timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    case = membership.case
    page_view_record(user=request.user, case=case, page="timeline")
    form = TimelineFilterForm(request.GET or None, case=case)
    filters = queries.TimelineFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.TimelineFilters(
            kind=data["kind"],
            party=data["party"].pk if data["party"] else None,
            tag=data["tag"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            q=data["q"].strip(),
            include_withdrawn=data["include_withdrawn"],
        )
    incidents = queries.filtered_incidents(case, filters)
    if form.errors:  # the filters say what is wrong with them (dates the wrong way round): no list under them
        incidents = incidents.none()
    elif filters.q:
        incidents = queries.CappedCount(incidents, SEARCH_COUNT_CAP)
    page = Paginator(incidents, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = queries.timeline_entries(case, page.object_list, exhibits=True)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "incidents/timeline.html",
        case_context(
            membership,
            form=form,
            party_choices=form.fields["party"].queryset,
            filters=filters,
            page=page,
            months=[(month, list(rows)) for month, rows in groupby(entries, key=attrgetter("month"))],
            count_capped=bool(filters.q) and page.paginator.count > SEARCH_COUNT_CAP,
            search_count_cap=SEARCH_COUNT_CAP,
            search_note=queries.SEARCH_NOTE,
            filter_problems=[problem for problems in form.errors.values() for problem in problems],
            querystring=query.urlencode(),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    case = membership.case
    form = IncidentForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_log(user=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Saved. It is on your timeline.")
            return redirect(reverse("incidents:timeline", args=[case.pk]) + f"#incident-{incident.pk}")
    status = 400 if form.is_bound else 200
    return render(request, "incidents/incident_form.html", case_context(membership, form=form), status=status)


@require_safe
@login_required
def incident_detail(request: HttpRequest, case_id: int, incident_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    case = membership.case
    incident = get_object_or_404(queries.incidents_with_details(case).select_related("logged_by"), pk=incident_id)
    page_view_record(user=request.user, case=case, page="incident", target=incident)
    return render(
        request,
        "incidents/incident_detail.html",
        case_context(
            membership,
            incident=incident,
            history=incident_history(
                queries.incident_revisions(incident), case.zone, labels=IncidentForm.history_labels()
            ),
            comment_list=comment_thread(case, incident),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, case_id: int, incident_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    case = membership.case
    incident = get_object_or_404(queries.incidents_with_details(case), pk=incident_id)
    if incident.is_withdrawn:
        messages.error(request, services.WITHDRAWN_NO_EDIT)
        return redirect("incidents:incident_detail", case_id=case.pk, incident_id=incident.pk)
    form = IncidentEditForm(
        request.POST if request.method == "POST" else None,
        case=case,
        initial=IncidentForm.initial_for(incident),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_edit(user=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Saved. The earlier version is kept in the history.")
            return redirect("incidents:incident_detail", case_id=case.pk, incident_id=incident.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "incidents/incident_form.html", case_context(membership, form=form, incident=incident), status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_withdraw(request: HttpRequest, case_id: int, incident_id: int) -> HttpResponse:
    """Ask why, then take the incident out of the counts, the chart and the dossier's chronology (never deleted)."""
    membership = access.require(request.user, case_id, access.WITHDRAW)
    case = membership.case
    incident = get_object_or_404(queries.incidents_of(case).select_related("withdrawn_by"), pk=incident_id)
    form = IncidentWithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_withdraw(user=request.user, incident=incident, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Withdrawn. It is no longer counted; it stays in the history, marked.")
            return redirect("incidents:incident_detail", case_id=case.pk, incident_id=incident.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "incidents/incident_withdraw.html",
        case_context(membership, form=form, incident=incident),
        status=status,
    )
