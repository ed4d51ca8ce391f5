"""Writes to incidents: log one, edit one (every edit keeps a revision), and the text search looks in."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action

from .. import access
from ..models import INCIDENT_FIELDS, AgencyReference, Case, Incident, IncidentParty, IncidentRevision, Party, Tag
from ..rules import narrative_problem, occurred_at_problem
from .parties import party_create
from .search import search_text_rebuild


def _check_incident_fields(fields: dict) -> None:
    problem = occurred_at_problem(fields.get("occurred_at"))
    if problem:
        raise ValidationError({"occurred_at": problem})
    problem = narrative_problem(fields.get("narrative"))
    if problem:
        raise ValidationError({"narrative": problem})


def _tags_for(case: Case, names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in dict.fromkeys(n.strip().lower()[:40] for n in names if n.strip()):
        tag, _ = Tag.objects.get_or_create(case=case, name=name)
        tags.append(tag)
    return tags


def _set_parties(incident: Incident, parties: Sequence[Party], roles: dict[int, str] | None) -> None:
    roles = roles or {}
    incident.party_links.exclude(party__in=parties).delete()
    existing = {link.party_id: link for link in incident.party_links.all()}
    for party in parties:
        role = roles.get(party.pk) or IncidentParty.default_role(party)
        link = existing.get(party.pk)
        if link is None:
            IncidentParty.objects.create(incident=incident, party=party, role=role)
        elif link.role != role:
            link.role = role
            link.save(update_fields=["role"])


def _snapshot(incident: Incident) -> dict:
    data = {name: getattr(incident, name) for name in INCIDENT_FIELDS}
    data["occurred_at"] = incident.occurred_at.astimezone(dt.UTC).isoformat()
    data["parties"] = sorted(
        ([link.party_id, link.party.name, link.role] for link in incident.party_links.select_related("party")),
    )
    data["tags"] = sorted(incident.tags.values_list("name", flat=True))
    data["references"] = sorted(incident.references.values_list("number", flat=True))
    return data


@transaction.atomic
def incident_log(
    *,
    user,
    case: Case,
    kind: str,
    occurred_at: dt.datetime,
    narrative: str,
    occurred_precision: str = Incident.Precision.EXACT,
    title: str = "",
    impact: str = "",
    platform: str = "",
    url: str = "",
    outcome: str = "",
    parties: Sequence[Party] = (),
    party_roles: dict[int, str] | None = None,
    tags: Iterable[str] = (),
    references: Sequence[AgencyReference] = (),
    new_suspect: str = "",
) -> Incident:
    fields = {
        "kind": kind,
        "occurred_at": occurred_at,
        "occurred_precision": occurred_precision,
        "title": title,
        "narrative": narrative,
        "impact": impact,
        "platform": platform,
        "url": url,
        "outcome": outcome,
    }
    _check_incident_fields(fields)
    access.require_same_case(case, parties, "person or organisation")
    access.require_same_case(case, references, "reference")
    parties = list(parties)
    if new_suspect.strip():
        parties.append(party_create(user=user, case=case, kind=Party.Kind.SUSPECT, name=new_suspect))
    now = timezone.now()
    incident = Incident.objects.create(case=case, logged_by=user, logged_at=now, updated_at=now, **fields)
    _set_parties(incident, parties, party_roles)
    incident.tags.set(_tags_for(case, tags))
    incident.references.set(references)
    search_text_rebuild(Incident.objects.filter(pk=incident.pk))
    IncidentRevision.objects.create(
        incident=incident, number=1, data=_snapshot(incident), edited_by=user, edited_at=now
    )
    audit.event_record(actor=user, case_id=case.pk, action=Action.INCIDENT_LOG, target=incident, details={"kind": kind})
    return incident


@transaction.atomic
def incident_edit(
    *,
    user,
    incident: Incident,
    parties: Sequence[Party] | None = None,
    party_roles: dict[int, str] | None = None,
    tags: Iterable[str] | None = None,
    references: Sequence[AgencyReference] | None = None,
    new_suspect: str = "",
    **fields,
) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    case = incident.case
    merged = {name: fields.get(name, getattr(incident, name)) for name in INCIDENT_FIELDS}
    _check_incident_fields(merged)
    before = _snapshot(incident)
    changed = [name for name in INCIDENT_FIELDS if merged[name] != getattr(incident, name)]
    for name in changed:
        setattr(incident, name, merged[name])
    if parties is not None or new_suspect.strip():
        parties = list(parties if parties is not None else incident.parties.all())
        access.require_same_case(case, parties, "person or organisation")
        if new_suspect.strip():
            parties.append(party_create(user=user, case=case, kind=Party.Kind.SUSPECT, name=new_suspect))
        _set_parties(incident, parties, party_roles)
    if tags is not None:
        incident.tags.set(_tags_for(case, tags))
    if references is not None:
        access.require_same_case(case, references, "reference")
        incident.references.set(references)
    after = _snapshot(incident)
    if after == before:
        return incident  # nothing changed: no new revision
    incident.revision_count += 1
    incident.updated_at = timezone.now()
    incident.save(update_fields=[*changed, "revision_count", "updated_at"])
    search_text_rebuild(Incident.objects.filter(pk=incident.pk))
    IncidentRevision.objects.create(
        incident=incident, number=incident.revision_count, data=after, edited_by=user, edited_at=incident.updated_at
    )
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action=Action.INCIDENT_EDIT,
        target=incident,
        details={"revision": incident.revision_count, "changed": sorted(k for k in after if after[k] != before[k])},
    )
    return incident
