"""Reads of who can see a case: its members and the invitations still waiting."""

from django.db.models import QuerySet

from ..models import Case, Invitation, Membership


def members(case: Case) -> QuerySet[Membership]:
    return Membership.objects.filter(case=case, revoked_at__isnull=True).select_related("user").order_by("created_at")


def pending_invitations(case: Case) -> list[Invitation]:
    """Invitations neither accepted nor cancelled, and not yet expired."""
    waiting = Invitation.objects.filter(case=case, accepted_at__isnull=True, cancelled_at__isnull=True)
    return [invitation for invitation in waiting if invitation.is_pending]
