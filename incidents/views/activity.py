"""The activity log: who did what on the case, newest first."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import access
from ..pages import case_context
from ..queries import activity as queries
from ..services.activity import page_view_record


@login_required
def activity(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    case = membership.case
    page_view_record(user=request.user, case=case, page="activity")
    page = Paginator(queries.activity(case), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/activity.html",
        case_context(membership, page=page, actor_names=queries.actor_names(case)),
    )
