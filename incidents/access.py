"""THE gate. Which cases a user may see, and what each role may do there.

Every view, API view, download and task asks here; nothing else decides.
A user who is not an active member of a case gets 404 for everything in it,
so that the case's existence is not revealed. A member whose role does not
allow an action gets 403 with a plain explanation.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.two_factor import TwoFactorRequired

from .models import Case, Membership, Role

VIEW = "view"
EDIT = "edit"  # log and change incidents, parties, references, evidence
COMMENT = "comment"
EXPORT = "export"  # compile and download dossiers
MANAGE = "manage"  # rename, close, reopen, children
SHARE = "share"  # invite, revoke, hand over ownership

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({VIEW, EDIT, COMMENT, EXPORT, MANAGE, SHARE}),
    Role.EDITOR: frozenset({VIEW, EDIT, COMMENT, EXPORT}),
    Role.ADVOCATE: frozenset({VIEW, COMMENT, EXPORT}),
    Role.VIEWER: frozenset({VIEW}),
}

REFUSALS = {
    EDIT: "Your role on this case lets you read it, not change it.",
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


def session_is_verified_user(user) -> bool:
    """True when this request's user gave a second factor (django-otp marks the request's user)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def require(user, case_id, action: str = VIEW) -> Membership:
    """The user's active membership of the case, with the case loaded; 404 or 403 otherwise."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise Http404("No such case.") from None
    membership = memberships_for(user).select_related("case").filter(case_id=case_id).first()
    if membership is None:
        raise Http404("No such case.")
    if membership.case.require_two_factor and not session_is_verified_user(user):
        raise TwoFactorRequired()
    if not can(membership.role, action):
        raise PermissionDenied(REFUSALS.get(action, "Your role on this case does not allow this."))
    return membership
