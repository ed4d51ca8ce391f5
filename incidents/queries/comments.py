"""Reads of comments: a case's thread, or one incident's, in one query."""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from audit.actions import Action
from audit.models import AuditEvent

from ..models import Case, Comment, Incident


def comment_thread(case: Case, incident: Incident | None = None) -> QuerySet[Comment]:
    """The comments on the case itself (incident None) or on one incident, oldest first, with their authors.

    A deleted comment carries the name of whoever deleted it, read from its comment.delete
    event in the audit trail, in the same query."""

    def deletions(comment_id):
        return AuditEvent.objects.filter(
            case_id=case.pk, action=Action.COMMENT_DELETE, target_type="incidents.comment", target_id=comment_id
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


def comments_of(case: Case) -> QuerySet[Comment]:
    """The case's comments with the incident each is on, to find one in (change, delete)."""
    return Comment.objects.filter(case=case).select_related("incident")
