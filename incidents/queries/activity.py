"""Reads of a case's audit trail: the activity log, and when each incident was logged and changed."""

from django.db.models import QuerySet

from audit.actions import Action
from audit.models import AuditEvent, case_chain

from ..models import Case, Membership


def activity(case: Case) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(case_id=case.pk).order_by("-sequence")


def actor_names(case: Case) -> dict[int, str]:
    """Everyone who has been a member, revoked members included, by name: one query, however many events."""
    return {m.user_id: m.user.full_name for m in Membership.objects.filter(case=case).select_related("user")}


def incident_record_events(case: Case, incident_ids: list[int]) -> QuerySet[AuditEvent]:
    """The events that logged or changed these incidents of the case, in the order they were written."""
    return AuditEvent.objects.filter(
        chain=case_chain(case.pk), action__in=[Action.INCIDENT_LOG, Action.INCIDENT_EDIT], target_id__in=incident_ids
    ).order_by("sequence")
