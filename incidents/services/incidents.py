"""Writes to incidents: log one, edit one (every edit keeps a revision), withdraw one, and the text search
looks in."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action

from .. import access
from ..models import INCIDENT_FIELDS, AgencyReference, Case, Incident, IncidentParty, IncidentRevision, Party, Tag
from ..rules import (
    CONFLICT,
    RULE,
    blank,
    narrative_problem,
    occurred_at_problem,
    party_role_default,
    party_role_problem,
)
from .parties import party_create
from .search import search_text_rebuild


def _check_incident_fields(fields: dict) -> None:
    problem = occurred_at_problem(fields.get("occurred_at"))
    if problem:
        raise ValidationError({"occurred_at": ValidationError(problem, code=RULE)})
    problem = narrative_problem(fields.get("narrative"))
    if problem:
        raise ValidationError({"narrative": problem})


def _tags_for(case: Case, names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in dict.fromkeys(n.strip().lower()[:40] for n in names if n.strip()):
        tag, _ = Tag.objects.get_or_create(case=case, name=name)
        tags.append(tag)
    return tags


def _check_party_roles(roles: dict[int, str] | None) -> None:
    for role in (roles or {}).values():
        problem = party_role_problem(role) if role else None
        if problem:
            raise ValidationError({"parties": problem})


def _set_parties(incident: Incident, parties: Sequence[Party], roles: dict[int, str] | None) -> None:
    """Link these parties, each in the part chosen for it; a new link with none chosen gets the usual part
    for the kind of incident and of party. A link kept without a choice keeps its part."""
    roles = roles or {}
    incident.party_links.exclude(party__in=parties).delete()
    existing = {link.party_id: link for link in incident.party_links.all()}
    for party in parties:
        link = existing.get(party.pk)
        role = roles.get(party.pk) or (link.role if link else party_role_default(incident.kind, party.kind))
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
    _check_party_roles(party_roles)
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


REASON_MAX_LENGTH = 300  # IncidentRevision.reason
NO_CHANGE_FOR_REASON = (
    "Nothing in the record was changed, so the reason was not kept. Change the record, or leave the reason empty."
)


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
    reason: str = "",
    **fields,
) -> Incident:
    """Change an incident; the version before stays in its history. `reason` is why, in the editor's words."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.is_withdrawn:
        raise ValidationError(WITHDRAWN_NO_EDIT, code=CONFLICT)
    case = incident.case
    merged = {name: fields.get(name, getattr(incident, name)) for name in INCIDENT_FIELDS}
    _check_incident_fields(merged)
    _check_party_roles(party_roles)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX_LENGTH} characters."})
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
        if reason:  # a reason for no change would be lost: say so rather than drop it
            raise ValidationError({"reason": ValidationError(NO_CHANGE_FOR_REASON, code=CONFLICT)})
        return incident  # nothing changed: no new revision
    incident.revision_count += 1
    incident.updated_at = timezone.now()
    incident.save(update_fields=[*changed, "revision_count", "updated_at"])
    search_text_rebuild(Incident.objects.filter(pk=incident.pk))
    IncidentRevision.objects.create(
        incident=incident,
        number=incident.revision_count,
        data=after,
        edited_by=user,
        edited_at=incident.updated_at,
        reason=reason,
    )
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action=Action.INCIDENT_EDIT,
        target=incident,
        details={"revision": incident.revision_count, "changed": sorted(k for k in after if after[k] != before[k])},
    )
    return incident


ALREADY_WITHDRAWN = "This incident was already withdrawn."
WITHDRAWN_NO_EDIT = "This incident was withdrawn, so it can no longer be changed."


@transaction.atomic
def incident_withdraw(*, user, incident: Incident, reason: str) -> Incident:
    """Take a wrong or duplicate incident out of the record's counts, charts and chronology. Nothing is
    deleted: the row, its revisions and its audit trail stay, and the dossier lists it as withdrawn."""
    if blank(reason):
        raise ValidationError({"reason": "Say why this incident is being withdrawn."})
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.is_withdrawn:
        raise ValidationError(ALREADY_WITHDRAWN, code=CONFLICT)
    incident.withdrawn_at, incident.withdrawn_by, incident.withdrawn_reason = timezone.now(), user, reason.strip()
    incident.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit.event_record(
        actor=user,
        case_id=incident.case_id,
        action=Action.INCIDENT_WITHDRAW,
        target=incident,
        details={"reason": incident.withdrawn_reason},
    )
    return incident
