"""Writes to the people and bodies of a case."""

from django.db import transaction

from audit import services as audit
from audit.actions import Action

from ..models import Case, Incident, Party
from .search import search_text_rebuild

PARTY_FIELDS = ("kind", "name", "handles", "aliases", "contact", "notes")


@transaction.atomic
def party_create(
    *, user, case: Case, kind: str, name: str, handles: str = "", aliases: str = "", contact: str = "", notes: str = ""
) -> Party:
    party = Party.objects.create(
        case=case,
        kind=kind,
        name=name.strip(),
        handles=handles,
        aliases=aliases,
        contact=contact,
        notes=notes,
        created_by=user,
    )
    audit.event_record(actor=user, case_id=case.pk, action=Action.PARTY_CREATE, target=party, details={"kind": kind})
    return party


@transaction.atomic
def party_update(*, user, party: Party, **fields) -> Party:
    changed = [name for name in PARTY_FIELDS if name in fields and getattr(party, name) != fields[name]]
    for name in changed:
        setattr(party, name, fields[name])
    if changed:
        party.save(update_fields=changed)
        search_text_rebuild(Incident.objects.filter(party_links__party=party))
    audit.event_record(
        actor=user, case_id=party.case_id, action=Action.PARTY_UPDATE, target=party, details={"fields": changed}
    )
    return party
