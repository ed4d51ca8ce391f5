"""Comments: a member's note on a case, or on one incident of it. Each write appends its audit event.

Who may do what is decided in incidents/access.py (the views gate membership and role with
access.require first; edit and delete are checked again here, under the row's lock):

* Add: any member whose role includes COMMENT (owner, editor, advocate). An incident
  commented on must belong to the case.
* Edit: only the author, only within access.COMMENT_EDIT_SECONDS (15 minutes) of
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
from audit.actions import Action

from .. import access
from ..models import Case, Comment, Incident

MAX_LENGTH = Comment._meta.get_field("body").max_length


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


def _details(comment: Comment, **extra) -> dict:
    # Never the text: the audit log must be safe to show to any member, and a deleted comment must stay deleted.
    return {"incident": comment.incident_id, "length": len(comment.body), **extra}


@transaction.atomic
def comment_add(*, user, case: Case, body: str, incident: Incident | None = None) -> Comment:
    access.require_same_case(case, [incident] if incident is not None else [], "incident")
    comment = Comment.objects.create(case=case, incident=incident, author=user, body=clean_body(body))
    audit.event_record(
        actor=user, case_id=case.pk, action=Action.COMMENT_ADD, target=comment, details=_details(comment)
    )
    return comment


@transaction.atomic
def comment_edit(*, user, comment: Comment, body: str) -> Comment:
    # Under the row's lock: an edit racing a deletion cannot bring the text back.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    refusal = access.comment_edit_refusal(user, comment)
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
        action=Action.COMMENT_EDIT,
        target=comment,
        details=_details(comment, previous_length=previous_length),
    )
    return comment


@transaction.atomic
def comment_delete(*, user, comment: Comment) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_deleted:
        raise ValidationError("This comment was already deleted.")
    access.comment_require_delete(user, comment)
    details = _details(comment, by="author" if comment.author_id == user.pk else "owner")
    comment.body, comment.deleted_at = "", timezone.now()
    comment.save(update_fields=["body", "deleted_at"])
    audit.event_record(
        actor=user, case_id=comment.case_id, action=Action.COMMENT_DELETE, target=comment, details=details
    )
    return comment
