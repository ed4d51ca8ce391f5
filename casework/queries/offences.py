"""The read behind the offence checklist: a suspected person's incidents as plain facts, handed to the rules.

The gate (incidents.access) is asked by the page or the API before this runs; here the person must belong to
the case, and every row read is filtered by that case.
"""

import datetime as dt

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from incidents.models import Case, Evidence, Incident, IncidentParty, Party

from .. import offences


def incident_facts(case: Case, party: Party) -> list[offences.IncidentFact]:
    """The case's standing incidents that link this person as the one suspected, as IncidentFacts. One query."""
    if party.case_id != case.pk:
        raise ValueError("This person is not in this case.")
    zone = case.zone
    exhibit = Evidence.objects.filter(case=case, incidents=OuterRef("pk"), withdrawn_at__isnull=True)
    rows = (
        Incident.objects.filter(
            case=case,
            withdrawn_at__isnull=True,
            party_links__party=party,
            party_links__role=IncidentParty.Role.SUSPECTED,
        )
        .annotate(
            has_impact=ExpressionWrapper(~Q(impact=""), output_field=BooleanField()),
            has_evidence=Exists(exhibit),
        )
        .order_by("occurred_at", "id")
        .values_list("id", "occurred_at", "occurred_precision", "kind", "has_impact", "has_evidence")
    )
    return [
        offences.IncidentFact(
            id=pk,
            occurred_on=occurred_at.astimezone(zone).date(),
            precision=precision,
            kind=kind,
            suspect_ids=frozenset({party.pk}),
            has_impact=has_impact,
            has_evidence=has_evidence,
            communication=offences.is_communication(kind),
        )
        for pk, occurred_at, precision, kind, has_impact, has_evidence in rows
    ]


def case_today(case: Case, now: dt.datetime) -> dt.date:
    """Today's date where the case is (its time zone), for the time limits."""
    return now.astimezone(case.zone).date()


def checklist_for_party(*, case: Case, party: Party, today: dt.date) -> offences.Checklist:
    """The offence checklist for one person of the case (one query)."""
    return offences.checklist(nation=case.nation, today=today, party_id=party.pk, facts=incident_facts(case, party))
