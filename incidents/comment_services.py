"""Comments: a member's note on a case, or on one incident of it. Each write appends its audit event.

Who may do what (the views gate membership and role with access.require first):

* Add: any member whose role includes COMMENT (owner, editor, advocate). An incident
  commented on must belong to the case.
* Edit: only the author, only within Comment.EDIT_WINDOW_SECONDS (15 minutes) of
  posting, and never once deleted. The page marks an edited comment as edited.
* Delete: the author, at any time; and the case owner (whoever may MANAGE the case),
  since it is their case. A deletion leaves a marker, "Comment deleted by <name> on
  <date>": the row stays, deleted_at is set and the body is blanked, so the words are
  gone from the case file. The audit trail never holds a comment's text (only its
  length), so the text is not kept anywhere else either; who deleted it, and when,
  is recorded in the comment.delete event, which is where the marker takes the name from.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit

from . import access
from .models import Case, Comment, Incident

MAX_LENGTH = Comment._meta.get_field("body").max_length

NOT_AUTHOR = "Only the person who wrote a comment can change it."
WINDOW_CLOSED = "A comment can only be changed in the 15 minutes after it was posted."
ALREADY_DELETED = "This comment was deleted."
NOT_ALLOWED_TO_DELETE = "Only the person who wrote a comment, or the case owner, can delete it."


def normalise_body(body: str) -> str:
    """The text as it will be stored: line endings as a browser's textarea counts them, trimmed."""
    return (body or "").replace("\r\n", "\n").strip()


def body_problem(body: str) -> str | None:
    """What is wrong with a (normalised) comment's text, said plainly; None if nothing."""
    if not body:
        return "Write your comment."
    if len(body) > MAX_LENGTH:
        return f"A comment can be at most {MAX_LENGTH} characters long. This one has {len(body)}."
    return None


def clean_body(body: str) -> str:
    body = normalise_body(body)
    problem = body_problem(body)
    if problem:
        raise ValidationError({"body": problem})
    return body


def edit_refusal(user, comment: Comment) -> str | None:
    """Why the user may not change this comment now, or None if they may."""
    if comment.is_deleted:
        return ALREADY_DELETED
    if comment.author_id != user.pk:
        return NOT_AUTHOR
    if not comment.editable_by(user):
        return WINDOW_CLOSED
    return None


def may_delete(user, comment: Comment, role: str) -> bool:
    """The author always; the owner of the case (whose role may MANAGE it) too. `role` is the user's role here."""
    return not comment.is_deleted and (comment.author_id == user.pk or access.can(role, access.MANAGE))


def _details(comment: Comment, **extra) -> dict:
    # Never the text: the audit log must be safe to show to any member, and a deleted comment must stay deleted.
    return {"incident": comment.incident_id, "length": len(comment.body), **extra}


@transaction.atomic
def comment_add(*, user, case: Case, body: str, incident: Incident | None = None) -> Comment:
    if incident is not None and incident.case_id != case.pk:
        raise ValidationError("That incident belongs to another case.")
    comment = Comment.objects.create(case=case, incident=incident, author=user, body=clean_body(body))
    audit.event_record(actor=user, case_id=case.pk, action="comment.add", target=comment, details=_details(comment))
    return comment


@transaction.atomic
def comment_edit(*, user, comment: Comment, body: str) -> Comment:
    # Under the row's lock: an edit racing a deletion cannot bring the text back.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    refusal = edit_refusal(user, comment)
    if refusal:
        raise PermissionDenied(refusal)
    body = clean_body(body)
    if body == comment.body:
        return comment  # nothing changed: not marked as edited
    previous_length = len(comment.body)
    comment.body, comment.edited_at = body, timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    audit.event_record(
        actor=user,
        case_id=comment.case_id,
        action="comment.edit",
        target=comment,
        details=_details(comment, previous_length=previous_length),
    )
    return comment


@transaction.atomic
def comment_delete(*, user, comment: Comment) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_deleted:
        raise ValidationError("This comment was already deleted.")
    membership = access.memberships_for(user).filter(case_id=comment.case_id).first()
    if membership is None or not may_delete(user, comment, membership.role):
        raise PermissionDenied(NOT_ALLOWED_TO_DELETE)
    details = _details(comment, by="author" if comment.author_id == user.pk else "owner")
    comment.body, comment.deleted_at = "", timezone.now()
    comment.save(update_fields=["body", "deleted_at"])
    audit.event_record(actor=user, case_id=comment.case_id, action="comment.delete", target=comment, details=details)
    return comment
