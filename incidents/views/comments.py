"""Comment pages: post, change and delete. Comments are shown by the {% comment_thread %} tag.

The gate first, always: a non-member gets 404 for everything, a viewer 403 for posting.
Who may change or delete a given comment is decided in incidents/access.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import access
from ..forms.comments import CommentForm
from ..models import Comment
from ..pages import case_context, form_errors
from ..queries.comments import comments_of
from ..queries.incidents import incidents_of
from ..services import comments as services


def thread_url(case_id: int, incident_id: int | None) -> str:
    """Where a comment is shown: the incident's page, or the case summary for a comment on the case."""
    if incident_id is not None:
        return reverse("incidents:incident_detail", args=[case_id, incident_id]) + "#comments"
    return reverse("incidents:case_summary", args=[case_id]) + "#comments"


def _comment(membership, comment_id: int) -> Comment:
    return get_object_or_404(comments_of(membership.case), pk=comment_id)


def _form_page(request, membership, form, *, incident, comment=None, status: int) -> HttpResponse:
    """The form on a page of its own: for changing a comment, and to explain a comment that could not be posted."""
    return render(
        request,
        "incidents/comment_form.html",
        case_context(
            membership,
            form=form,
            incident=incident,
            comment=comment,
            form_action=request.path,
            back_url=thread_url(membership.case.pk, incident.pk if incident else None),
        ),
        status=status,
    )


@login_required
@require_POST
def comment_add(request: HttpRequest, case_id: int, incident_id: int | None = None) -> HttpResponse:
    membership = access.require(request.user, case_id, access.COMMENT)
    incident = None
    if incident_id is not None:
        # Only an incident of this case: another case's incident is not found here, and nothing is saved.
        incident = get_object_or_404(incidents_of(membership.case), pk=incident_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                user=request.user, case=membership.case, incident=incident, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Comment posted.")
            return redirect(thread_url(membership.case.pk, incident_id))
    return _form_page(request, membership, form, incident=incident, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, case_id: int, comment_id: int) -> HttpResponse:
    membership = access.require(request.user, case_id, access.COMMENT)
    comment = _comment(membership, comment_id)
    refusal = access.comment_edit_refusal(request.user, comment)
    if refusal:
        raise PermissionDenied(refusal)
    form = CommentForm(request.POST if request.method == "POST" else None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(user=request.user, comment=comment, body=form.cleaned_data["body"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Comment saved.")
            return redirect(thread_url(membership.case.pk, comment.incident_id))
    status = 400 if form.is_bound else 200
    return _form_page(request, membership, form, incident=comment.incident, comment=comment, status=status)


@login_required
@require_POST
def comment_delete(request: HttpRequest, case_id: int, comment_id: int) -> HttpResponse:
    # Any member may get this far; the service lets through only the author and the case owner (else 403).
    membership = access.require(request.user, case_id)
    comment = _comment(membership, comment_id)
    try:
        services.comment_delete(user=request.user, comment=comment)
    except ValidationError as error:
        messages.info(request, error.messages[0])
    else:
        messages.success(request, "Comment deleted. A note shows where it was.")
    return redirect(thread_url(membership.case.pk, comment.incident_id))
