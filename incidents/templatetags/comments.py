"""{% comment_thread %}: a case's comments, or one incident's, with the form to add one.

The view reads the thread (queries.comments.comment_thread) and passes it as `comment_list`; the tag only
marks what this member may do with each comment, by the rules in incidents/access.py."""

from django import template
from django.urls import reverse

from incidents import access
from incidents.forms.comments import CommentForm

register = template.Library()


@register.inclusion_tag("incidents/_comments.html", takes_context=True)
def comment_thread(context, incident=None):
    case, membership, user = context["case"], context["membership"], context["user"]
    comments = list(context["comment_list"])
    for comment in comments:
        comment.can_edit = access.comment_edit_refusal(user, comment) is None
        comment.can_delete = access.comment_may_delete(user, comment, membership.role)
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
