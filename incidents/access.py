"""THE gate. Which cases a user may see, and what each role may do there.

Every face asks here, through one entry, `require(user, case_id, action)`: the pages, the API, the
downloads and the dossier pages; nothing else decides. A user who is not an active member of a case gets
404 for everything in it, so that the case's existence is not revealed. A member whose role does not allow
an action gets 403 with a plain explanation. The rules that refine a role live here too: a case that
requires two-step verification, the password asked again before downloads and sharing, who may change or
delete a comment, and that whatever a write links to belongs to the same case.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.two_factor import TwoFactorRequired, recently_authenticated, user_is_verified

from .models import Case, Comment, Membership, Role

VIEW = "view"
EDIT = "edit"  # log and change incidents, parties, references, evidence
COMMENT = "comment"
EXPORT = "export"  # compile and download dossiers
MANAGE = "manage"  # rename, close, reopen, children
SHARE = "share"  # invite, revoke, hand over ownership
WITHDRAW = "withdraw"  # withdraw a wrong or duplicate incident (kept, marked): whoever may edit incidents

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({VIEW, EDIT, WITHDRAW, COMMENT, EXPORT, MANAGE, SHARE}),
    Role.EDITOR: frozenset({VIEW, EDIT, WITHDRAW, COMMENT, EXPORT}),
    Role.ADVOCATE: frozenset({VIEW, COMMENT, EXPORT}),
    Role.VIEWER: frozenset({VIEW}),
}

REFUSALS = {
    EDIT: "Your role on this case lets you read it, not change it.",
    WITHDRAW: "Your role on this case lets you read it, not withdraw an incident.",
    COMMENT: "Your role on this case does not include commenting.",
    EXPORT: "Your role on this case does not include making a dossier.",
    MANAGE: "Only the case owner can change the case's settings.",
    SHARE: "Only the case owner can share this case.",
}


def can(role: str, action: str) -> bool:
    return action in PERMISSIONS.get(role, frozenset())


def memberships_for(user) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, revoked_at__isnull=True)


def cases_for(user) -> QuerySet[Case]:
    """Every case the user is an active member of."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(memberships__user=user, memberships__revoked_at__isnull=True)


def require(user, case_id, action: str = VIEW) -> Membership:
    """The user's active membership of the case, with the case loaded; 404 or 403 otherwise.

    It records nothing: a page that is read records the view itself (services.activity.page_view_record)."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise Http404("No such case.") from None
    membership = memberships_for(user).select_related("case").filter(case_id=case_id).first()
    if membership is None:
        raise Http404("No such case.")
    if membership.case.require_two_factor and not user_is_verified(user):
        raise TwoFactorRequired()
    if not can(membership.role, action):
        raise PermissionDenied(REFUSALS.get(action, "Your role on this case does not allow this."))
    return membership


def require_same_case(case: Case, objects: Iterable, what: str) -> None:
    """Everything a write links to (people, incidents, references, agencies) belongs to the same case."""
    for obj in objects:
        if obj.case_id != case.pk:
            raise ValidationError(f"That {what} belongs to another case.")


# Re-authentication -------------------------------------------------------------------------------

REAUTH_REFUSAL = "Confirm your password at /accounts/confirm/ first, then try again."


def reauthentication_needed(request) -> bool:
    """Downloading a dossier or evidence pack, and sharing, need the password (or a code) given in the last
    REAUTH_SECONDS by a browser session. An API token is itself the credential (DRF sets request.auth)."""
    return getattr(request, "auth", None) is None and not recently_authenticated(request)


# Comments ----------------------------------------------------------------------------------------

COMMENT_EDIT_SECONDS = 15 * 60

NOT_AUTHOR = "Only the person who wrote a comment can change it."
WINDOW_CLOSED = "A comment can only be changed in the 15 minutes after it was posted."
ALREADY_DELETED = "This comment was deleted."
NOT_ALLOWED_TO_DELETE = "Only the person who wrote a comment, or the case owner, can delete it."


def comment_edit_refusal(user, comment: Comment) -> str | None:
    """Why the user may not change this comment now, or None if they may: only its author, only in the
    15 minutes after posting, never once deleted."""
    if comment.is_deleted:
        return ALREADY_DELETED
    if comment.author_id != user.pk:
        return NOT_AUTHOR
    if (timezone.now() - comment.created_at).total_seconds() > COMMENT_EDIT_SECONDS:
        return WINDOW_CLOSED
    return None


def comment_may_delete(user, comment: Comment, role: str) -> bool:
    """The author always; the owner of the case (whose role may MANAGE it) too. `role` is the user's role here."""
    return not comment.is_deleted and (comment.author_id == user.pk or can(role, MANAGE))


def comment_require_delete(user, comment: Comment) -> None:
    """PermissionDenied unless the user may delete this comment, by their role on its case now."""
    membership = memberships_for(user).filter(case_id=comment.case_id).only("role").first()
    if membership is None or not comment_may_delete(user, comment, membership.role):
        raise PermissionDenied(NOT_ALLOWED_TO_DELETE)
