"""Reads of the people and bodies of a case."""

from django.db.models import Count, QuerySet

from ..models import Case, Incident, Party


def case_parties(case: Case) -> QuerySet[Party]:
    return Party.objects.filter(case=case).annotate(incident_count=Count("incident_links")).order_by("kind", "name")


def party_incidents(case: Case, party: Party) -> QuerySet[Incident]:
    """The party's incidents in date order, nothing prefetched (timeline_entries makes them rows)."""
    return Incident.objects.filter(case=case, party_links__party=party).order_by("occurred_at", "id")


def parties_of(case: Case) -> QuerySet[Party]:
    """The case's people and bodies, to find one in (a page of one, its edit form)."""
    return Party.objects.filter(case=case)
