"""Writes to a case's agency reference numbers."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from audit import services as audit
from audit.actions import Action

from .. import access
from ..models import AgencyReference, Case, Incident, Party
from ..rules import reference_dates_problem
from .search import search_text_rebuild

REFERENCE_FIELDS = ("kind", "number", "agency", "officer", "opened_on", "closed_on", "status", "outcome")


def _check_dates(opened_on: dt.date | None, closed_on: dt.date | None) -> None:
    problem = reference_dates_problem(opened_on, closed_on)
    if problem:
        raise ValidationError({"closed_on": problem})


@transaction.atomic
def reference_create(
    *,
    user,
    case: Case,
    kind: str,
    number: str,
    agency: Party | None = None,
    officer: str = "",
    opened_on: dt.date | None = None,
    closed_on: dt.date | None = None,
    status: str = "open",
    outcome: str = "",
    incidents: Sequence[Incident] = (),
) -> AgencyReference:
    access.require_same_case(case, [agency] if agency else [], "agency")
    access.require_same_case(case, incidents, "incident")
    _check_dates(opened_on, closed_on)
    reference = AgencyReference.objects.create(
        case=case,
        kind=kind,
        number=number.strip(),
        agency=agency,
        officer=officer,
        opened_on=opened_on,
        closed_on=closed_on,
        status=status,
        outcome=outcome,
        created_by=user,
    )
    reference.incidents.set(incidents)
    search_text_rebuild(Incident.objects.filter(pk__in=[i.pk for i in incidents]))
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action=Action.REFERENCE_CREATE,
        target=reference,
        details={"kind": kind, "number": reference.number},
    )
    return reference


@transaction.atomic
def reference_update(
    *, user, reference: AgencyReference, incidents: Sequence[Incident] | None = None, **fields
) -> AgencyReference:
    case = reference.case
    if fields.get("agency"):
        access.require_same_case(case, [fields["agency"]], "agency")
    _check_dates(fields.get("opened_on", reference.opened_on), fields.get("closed_on", reference.closed_on))
    changed = [name for name in REFERENCE_FIELDS if name in fields and getattr(reference, name) != fields[name]]
    for name in changed:
        setattr(reference, name, fields[name])
    if changed:
        reference.save(update_fields=changed)
    affected = set(reference.incidents.values_list("pk", flat=True))
    if incidents is not None:
        access.require_same_case(case, incidents, "incident")
        reference.incidents.set(incidents)
        affected |= {i.pk for i in incidents}
    search_text_rebuild(Incident.objects.filter(pk__in=affected))
    audit.event_record(
        actor=user, case_id=case.pk, action=Action.REFERENCE_UPDATE, target=reference, details={"fields": changed}
    )
    return reference
