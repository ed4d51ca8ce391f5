"""Pages for the people and bodies of a case: the list, one with their incidents, add, change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from casework import offences
from casework.queries.offences import case_today, checklist_for_party

from .. import access
from ..forms.parties import PartyForm
from ..models import Party
from ..pages import case_context
from ..queries import parties as queries
from ..queries.incidents import timeline_entries
from ..services import parties as services
from ..services.activity import page_view_record


@require_safe
@login_required
def party_list(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    page_view_record(user=request.user, case=membership.case, page="people")
    return render(
        request, "incidents/party_list.html", case_context(membership, parties=queries.case_parties(membership.case))
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_new(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
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


@require_safe
@login_required
def party_detail(request: HttpRequest, case_id: int, party_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    case = membership.case
    party = get_object_or_404(queries.parties_of(case), pk=party_id)
    page_view_record(user=request.user, case=case, page="person", target=party)
    incidents = timeline_entries(case, queries.party_incidents(case, party), summary_words=30)
    # A suspected person's page carries the offence checklist and the gaps between their incidents.
    checklist = None
    if party.kind == Party.Kind.SUSPECT:
        checklist = checklist_for_party(case=case, party=party, today=case_today(case, timezone.now()))
    gaps = {gap.to_id: gap.words for gap in checklist.gaps} if checklist else {}
    return render(
        request,
        "incidents/party_detail.html",
        case_context(
            membership,
            party=party,
            incidents=incidents,
            timeline=[(entry, gaps.get(entry.id, "")) for entry in incidents],
            checklist=checklist,
            course_of_conduct=bool(checklist) and offences.is_course_of_conduct(len(checklist.incident_ids)),
            course_count=len(checklist.incident_ids) if checklist else 0,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, case_id: int, party_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.EDIT)
    party = get_object_or_404(queries.parties_of(membership.case), pk=party_id)
    initial = {name: getattr(party, name) for name in services.PARTY_FIELDS}
    form = PartyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.party_update(user=request.user, party=party, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("incidents:party_detail", case_id=case_id, party_id=party.pk)
    status = 400 if form.is_bound else 200
    return render(request, "incidents/party_form.html", case_context(membership, form=form, party=party), status=status)
