from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.two_factor import NEEDS_CODE
from dossiers import queries as dossier_queries
from incidents.models import Incident
from incidents.queries import cases as case_queries
from incidents.queries import notifications as notification_queries


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "welcome.html")
    # The dashboard joins the case file and the dossiers, which only the project may do
    # (incidents never imports dossiers).
    cases = list(case_queries.dashboard_cases(request.user).annotate(dossier_count=dossier_queries.finished_count()))
    recent = notification_queries.recent_by_case(request.user)
    for case in cases:
        case.recent_by_others = recent.get(case.pk, [])
        if case.latest_incident_kind:
            case.latest_incident_display = Incident.display_title_for(
                case.latest_incident_title, case.latest_incident_kind
            )
    # Owners and advocates hold or read whole case files: ask them to protect their account.
    has_two_factor = bool(request.session.get(NEEDS_CODE))
    prompt_two_factor = not has_two_factor and any(case.my_role in ("owner", "advocate") for case in cases)
    return render(request, "dashboard.html", {"cases": cases, "prompt_two_factor": prompt_two_factor})
