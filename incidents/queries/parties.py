"""Reads of the people and bodies of a case."""

from django.db.models import Count, Q, QuerySet

from ..models import Case, Incident, Party


def case_parties(case: Case) -> QuerySet[Party]:
    """The case's people and bodies, each with the number of its incidents (withdrawn ones not counted: the
    course of conduct is counted from this)."""
    standing = Count("incident_links", filter=Q(incident_links__incident__withdrawn_at__isnull=True))
    return Party.objects.filter(case=case).annotate(incident_count=standing).order_by("kind", "name")


def party_incidents(case: Case, party: Party) -> QuerySet[Incident]:
    """The party's incidents in date order, withdrawn ones left out, nothing prefetched (timeline_entries
    makes them rows)."""
    return Incident.objects.filter(case=case, party_links__party=party, withdrawn_at__isnull=True).order_by(
        "occurred_at", "id"
    )


def parties_of(case: Case) -> QuerySet[Party]:
    """The case's people and bodies, to find one in (a page of one, its edit form)."""
    return Party.objects.filter(case=case)
