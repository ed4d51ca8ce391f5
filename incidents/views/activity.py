"""The activity log: who did what on the case, newest first, in words; filtered by person and kind of
action; and the same log as a spreadsheet (CSV) for an advocate or an auditor."""

import csv
import io
from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from vault.downloads import file_response, spreadsheet_safe

from .. import access
from ..forms.activity import ActivityFilterForm
from ..pages import case_context
from ..queries import activity as queries
from ..services.activity import activity_export_record, page_view_record

PAGE_SIZE = 100
EXPORT_NEEDS = access.VIEW  # the spreadsheet holds what the page shows: whoever may read the log may export it
CSV_COLUMNS = ("when", "who", "what", "target", "action")


def _filters(request: HttpRequest, case, names: queries.People):
    """The form and the filters it gives; an invalid value filters nothing and the form says why."""
    form = ActivityFilterForm(request.GET or None, case=case, people=names.choices)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, queries.ActivityFilters(actor=data["person"], group=data["kind"])
    return form, queries.ActivityFilters()


def _querystring(filters: queries.ActivityFilters) -> str:
    query = {}
    if filters.actor is not None:
        query["person"] = filters.actor
    if filters.group:
        query["kind"] = filters.group
    return urlencode(query)


@require_safe
@login_required
def activity(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id)
    case = membership.case
    page_view_record(user=request.user, case=case, page="activity")
    names = queries.people(case)
    form, filters = _filters(request, case, names)
    page = Paginator(queries.folded(case, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/activity.html",
        case_context(
            membership,
            form=form,
            people=names.choices,
            filters=filters,
            page=page,
            rows=queries.folded_rows(case, page.object_list, names),
            querystring=_querystring(filters),
            can_export_activity=access.can(membership.role, EXPORT_NEEDS),
        ),
    )


def _csv_chunks(case, filters: queries.ActivityFilters, names: queries.People) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff".encode() + take()  # the byte-order mark: a spreadsheet then reads the names right
    for n, row in enumerate(queries.export_rows(case, filters, names), start=1):
        when = timezone.localtime(row.at, case.zone).isoformat(timespec="seconds")
        writer.writerow([spreadsheet_safe(cell) for cell in (when, row.who, row.what, row.target, row.action)])
        if n % 200 == 0:
            yield take()
    yield take()


@login_required
@require_GET
def activity_csv(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, EXPORT_NEEDS)
    case = membership.case
    names = queries.people(case)
    form, filters = _filters(request, case, names)
    if form.is_bound and not form.is_valid():
        # The page says what is wrong with the filter; nothing is exported until it is put right. Only the
        # filter's own fields go back, cut short: the rest of a hostile query string stays behind.
        query = {name: request.GET[name][:100] for name in ("person", "kind") if name in request.GET}
        return redirect(reverse("incidents:activity", args=[case.pk]) + "?" + urlencode(query))
    activity_export_record(user=request.user, case=case, filters={"person": filters.actor, "kind": filters.group})
    today = timezone.localdate(timezone=case.zone).isoformat()
    return file_response(
        _csv_chunks(case, filters, names),
        filename=f"activity-{case.pk}-{today}.csv",
        content_type="text/csv; charset=utf-8",
    )
