"""{% comment_thread %}: a case's comments, or one incident's, with the form to add one. One query."""

from django import template
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from audit.models import AuditEvent
from incidents import access, comment_services
from incidents.comment_forms import CommentForm
from incidents.models import Comment

register = template.Library()


def thread(case, incident=None):
    """The comments on the case itself (incident None) or on one incident, oldest first, with their authors.

    A deleted comment carries the name of whoever deleted it, read from its comment.delete
    event in the audit trail, in the same query."""

    def deletions(comment_id):
        return AuditEvent.objects.filter(
            case_id=case.pk, action="comment.delete", target_type="incidents.comment", target_id=comment_id
        ).order_by("-sequence")

    # Inside the users subquery the comment's id is OuterRef(OuterRef("pk")): a plain OuterRef would be the user's.
    deleter_id = Subquery(deletions(OuterRef(OuterRef("pk"))).values("actor_id")[:1])
    deleter_name = Subquery(get_user_model().objects.filter(pk=deleter_id).values("full_name")[:1])
    deleter_label = Subquery(deletions(OuterRef("pk")).values("actor_label")[:1])  # if the account is gone
    comments = Comment.objects.filter(case=case)
    comments = comments.filter(incident=incident) if incident is not None else comments.filter(incident__isnull=True)
    return (
        comments.select_related("author")
        .annotate(
            deleted_by_name=models.Case(
                When(
                    deleted_at__isnull=False,
                    then=Coalesce(deleter_name, deleter_label),
                ),
                default=Value(""),
                output_field=models.CharField(),
            )
        )
        .order_by("created_at", "id")
    )


@register.inclusion_tag("incidents/_comments.html", takes_context=True)
def comment_thread(context, incident=None):
    case, membership, user = context["case"], context["membership"], context["user"]
    comments = list(thread(case, incident))
    for comment in comments:
        comment.can_edit = comment_services.edit_refusal(user, comment) is None
        comment.can_delete = comment_services.may_delete(user, comment, membership.role)
    if incident is not None:
        add_url = reverse("incidents:comment_add_incident", args=[case.pk, incident.pk])
    else:
        add_url = reverse("incidents:comment_add", args=[case.pk])
    return {
        "case": case,
        "incident": incident,
        "comments": comments,
        "can_comment": access.can(membership.role, access.COMMENT),
        "form": CommentForm(),
        "add_url": add_url,
        "csrf_token": context.get("csrf_token"),
    }
