"""Reads of a case's agency reference numbers."""

from django.db.models import Prefetch, QuerySet

from ..models import AgencyReference, Case, Incident


def case_references(case: Case) -> QuerySet[AgencyReference]:
    return (
        AgencyReference.objects.filter(case=case)
        .select_related("agency")
        .prefetch_related(Prefetch("incidents", queryset=Incident.objects.only("id", "title", "kind", "occurred_at")))
        .order_by("status", "kind", "number")
    )


def references_of(case: Case) -> QuerySet[AgencyReference]:
    """The case's reference numbers, to find one in (its edit form)."""
    return AgencyReference.objects.filter(case=case)
