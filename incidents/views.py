"""The case file's pages. Each view: gate, parse, call a service, choose a response."""

from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import access, charts, queries, services
from .forms import CaseForm, ChildForm, IncidentForm, PartyForm, ReferenceForm, TimelineFilterForm
from .models import AgencyReference, Case, Child, Party
from .pages import case_context, form_errors, gate

TIMELINE_PAGE_SIZE = 50
SEARCH_COUNT_CAP = 500  # a text search says "more than 500 match" rather than counting every one


# Cases -------------------------------------------------------------------------------------------


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


@login_required
def case_summary(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, page="summary")
    case = membership.case
    summary = queries.case_summary(case)
    return render(
        request,
        "incidents/case_summary.html",
        case_context(
            membership,
            summary=summary,
            chart=charts.monthly_chart(summary),
            members=queries.members(case),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_settings(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, access.MANAGE, page="settings")
    case = membership.case
    form = CaseForm(
        request.POST if request.method == "POST" else None,
        initial={"title": case.title, "exhibit_prefix": case.exhibit_prefix, "time_zone": case.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.case_update(
            user=request.user,
            case=case,
            title=data["title"],
            exhibit_prefix=data["exhibit_prefix"] or case.exhibit_prefix,
            time_zone=data["time_zone"],
        )
        messages.success(request, "Saved.")
        return redirect("incidents:case_settings", case_id=case.pk)
    return render(
        request,
        "incidents/case_settings.html",
        case_context(membership, form=form, child_form=ChildForm(), children=case.children.all()),
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, access.MANAGE)
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
    membership = gate(request, case_id, access.MANAGE)
    form = ChildForm(request.POST)
    if form.is_valid():
        services.child_add(user=request.user, case=membership.case, **form.cleaned_data)
        messages.success(request, "Child added.")
        return redirect("incidents:case_settings", case_id=case_id)
    case_form = CaseForm(
        initial={
            "title": membership.case.title,
            "exhibit_prefix": membership.case.exhibit_prefix,
            "time_zone": membership.case.time_zone,
        }
    )
    return render(
        request,
        "incidents/case_settings.html",
        case_context(membership, form=case_form, child_form=form, children=membership.case.children.all()),
        status=400,
    )


@login_required
@require_POST
def child_remove(request: HttpRequest, case_id: int, child_id: int) -> HttpResponse:
    membership = gate(request, case_id, access.MANAGE)
    child = get_object_or_404(Child, pk=child_id, case=membership.case)
    services.child_remove(user=request.user, child=child)
    messages.success(request, "Removed.")
    return redirect("incidents:case_settings", case_id=case_id)


# Timeline and incidents ----------------------------------------------------------------------------


@login_required
def timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, page="timeline")
    case = membership.case
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
        )
    incidents = queries.filtered_incidents(case, filters)
    if filters.q:
        incidents = queries.CappedCount(incidents, SEARCH_COUNT_CAP)
    page = Paginator(incidents, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = queries.timeline_entries(case, page.object_list)
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
            querystring=query.urlencode(),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, access.EDIT)
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


@login_required
def incident_detail(request: HttpRequest, case_id: int, incident_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    incident = get_object_or_404(
        queries.incidents_with_details(membership.case).select_related("logged_by"), pk=incident_id
    )
    services.page_view_record(user=request.user, case=membership.case, page="incident", target=incident)
    revisions = incident.revisions.select_related("edited_by").order_by("-number")
    return render(
        request, "incidents/incident_detail.html", case_context(membership, incident=incident, revisions=revisions)
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, case_id: int, incident_id: int) -> HttpResponse:
    membership = gate(request, case_id, access.EDIT)
    case = membership.case
    incident = get_object_or_404(queries.incidents_with_details(case), pk=incident_id)
    form = IncidentForm(
        request.POST if request.method == "POST" else None, case=case, initial=IncidentForm.initial_for(incident)
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


# Parties -----------------------------------------------------------------------------------------


@login_required
def party_list(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, page="people")
    return render(
        request, "incidents/party_list.html", case_context(membership, parties=queries.case_parties(membership.case))
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_new(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, access.EDIT)
    form = PartyForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": request.GET.get("kind", Party.Kind.SUSPECT)},
    )
    if request.method == "POST" and form.is_valid():
        party = services.party_create(user=request.user, case=membership.case, **form.cleaned_data)
        messages.success(request, "Added.")
        return redirect("incidents:party_detail", case_id=case_id, party_id=party.pk)
    status = 400 if form.is_bound else 200
    return render(request, "incidents/party_form.html", case_context(membership, form=form), status=status)


@login_required
def party_detail(request: HttpRequest, case_id: int, party_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    case = membership.case
    party = get_object_or_404(Party.objects.filter(case=case), pk=party_id)
    services.page_view_record(user=request.user, case=case, page="person", target=party)
    incidents = queries.timeline_entries(case, queries.party_incidents(case, party), summary_words=30)
    return render(
        request,
        "incidents/party_detail.html",
        case_context(
            membership,
            party=party,
            incidents=incidents,
            course_of_conduct=party.kind == Party.Kind.SUSPECT and len(incidents) >= 2,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, case_id: int, party_id: int) -> HttpResponse:
    membership = gate(request, case_id, access.EDIT)
    party = get_object_or_404(Party.objects.filter(case=membership.case), pk=party_id)
    initial = {name: getattr(party, name) for name in services.PARTY_FIELDS}
    form = PartyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.party_update(user=request.user, party=party, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("incidents:party_detail", case_id=case_id, party_id=party.pk)
    status = 400 if form.is_bound else 200
    return render(request, "incidents/party_form.html", case_context(membership, form=form, party=party), status=status)


# Agency references -------------------------------------------------------------------------------


@login_required
def reference_list(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, page="references")
    return render(
        request,
        "incidents/reference_list.html",
        case_context(membership, references=queries.case_references(membership.case)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reference_new(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, access.EDIT)
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
    membership = gate(request, case_id, access.EDIT)
    reference = get_object_or_404(AgencyReference.objects.filter(case=membership.case), pk=reference_id)
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


# Activity ----------------------------------------------------------------------------------------


@login_required
def activity(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = gate(request, case_id, page="activity")
    page = Paginator(queries.activity(membership.case), 100).get_page(request.GET.get("page"))
    # Everyone who has been a member, revoked members included, by name: one query, however many events.
    actor_names = {m.user_id: m.user.full_name for m in membership.case.memberships.select_related("user")}
    return render(request, "incidents/activity.html", case_context(membership, page=page, actor_names=actor_names))
