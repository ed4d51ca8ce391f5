"""Writes to who can see a case: members added and removed, invitations, handing over ownership."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import email_render_and_queue
from audit import services as audit
from audit.actions import Action

from ..models import Case, Invitation, Membership, Role


@transaction.atomic
def membership_add(*, case: Case, user, role: str, added_by=None) -> Membership:
    membership = Membership.objects.create(case=case, user=user, role=role, invited_by=added_by)
    audit.event_record(
        actor=added_by, case_id=case.pk, action=Action.MEMBERSHIP_ADD, target=membership, details={"role": role}
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, revoked_by) -> Membership:
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    audit.event_record(
        actor=revoked_by,
        case_id=membership.case_id,
        action=Action.MEMBERSHIP_REVOKE,
        target=membership,
        details={"role": membership.role, "user_id": membership.user_id},
    )
    return membership


INVITATION_DAYS = 7


class InvitationInvalid(Exception):
    """The link was used already, cancelled, expired, or never existed."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def invitation_create(*, user, case: Case, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by email. Returns the invitation and its token (the only copy is in the email)."""
    email = email.strip().lower()
    if role not in (Role.EDITOR, Role.ADVOCATE, Role.VIEWER):
        raise ValidationError({"role": "Choose editor, advocate or viewer."})
    if Membership.objects.filter(case=case, user__email__iexact=email, revoked_at__isnull=True).exists():
        raise ValidationError({"email": "This person can already see the case."})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        case=case,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=user,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action=Action.INVITATION_CREATE,
        target=invitation,
        details={"email": email, "role": role},
    )
    email_render_and_queue(
        to=[email],
        template="incidents/email/invitation",
        context={
            "inviter": user.full_name,
            "role": invitation.get_role_display(),
            "days": INVITATION_DAYS,
            "link": _site_url(reverse("incidents:invitation_accept", args=[token])),
        },
    )
    return invitation, token


@transaction.atomic
def invitation_cancel(*, user, invitation: Invitation) -> Invitation:
    if invitation.accepted_at or invitation.cancelled_at:
        raise ValidationError("This invitation was already used or cancelled.")
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    audit.event_record(
        actor=user,
        case_id=invitation.case_id,
        action=Action.INVITATION_CANCEL,
        target=invitation,
        details={"email": invitation.email},
    )
    return invitation


def invitation_pending(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("case", "invited_by").filter(token_hash=_token_hash(token)).first()
    if invitation is None or not invitation.is_pending:
        raise InvitationInvalid()
    return invitation


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    """Bind the invitation to the account that accepts it: single use."""
    invitation = (
        Invitation.objects.select_for_update().select_related("case").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or not invitation.is_pending:
        raise InvitationInvalid()
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    membership = Membership.objects.filter(case=invitation.case, user=user, revoked_at__isnull=True).first()
    if membership is None:
        membership = Membership.objects.create(
            case=invitation.case, user=user, role=invitation.role, invited_by=invitation.invited_by
        )
    audit.event_record(
        actor=user,
        case_id=invitation.case_id,
        action=Action.INVITATION_ACCEPT,
        target=invitation,
        details={"role": invitation.role, "membership_id": membership.pk},
    )
    email_render_and_queue(
        to=[user.email],
        template="incidents/email/added",
        context={
            "role": membership.get_role_display(),
            "inviter": invitation.invited_by.full_name,
            "link": _site_url(reverse("home")),
        },
    )
    return membership


@transaction.atomic
def membership_remove(*, user, membership: Membership) -> Membership:
    """The owner removes a member; their access ends on their next request."""
    if membership.role == Role.OWNER:
        raise ValidationError("Hand the case to someone else before removing its owner.")
    membership_revoke(membership=membership, revoked_by=user)
    email_render_and_queue(
        to=[membership.user.email],
        template="incidents/email/removed",
        context={"owner": user.full_name},
    )
    return membership


@transaction.atomic
def ownership_transfer(*, user, case: Case, to: Membership) -> Membership:
    """Hand the case to another member. The old owner stays on as an editor."""
    if to.case_id != case.pk or to.revoked_at is not None:
        raise ValidationError("That person is not a member of this case.")
    current = Membership.objects.select_for_update().get(case=case, user=user, revoked_at__isnull=True)
    if current.role != Role.OWNER or to.pk == current.pk:
        raise ValidationError("Only the owner can hand the case to another member.")
    current.role, to.role = Role.EDITOR, Role.OWNER
    current.save(update_fields=["role"])
    to.save(update_fields=["role"])
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action=Action.MEMBERSHIP_TRANSFER,
        target=to,
        details={"from_user": user.pk, "to_user": to.user_id},
    )
    return to
