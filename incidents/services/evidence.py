"""Writes to the evidence vault: attach an exhibit (numbered atomically), describe it, withdraw it, and the
record of every look at one."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from vault import store

from .. import access
from ..models import Case, Evidence, EvidenceNote, Incident
from ..rules import CONFLICT, blank
from . import timestamps as timestamp_services


def clean_file_name(name: str) -> str:
    """The name as the uploader's device gave it, made safe to show: no folders, no control characters, short."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip().lstrip(".")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 120 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:120]
    return name or "file"


@dataclass
class Attached:
    evidence: Evidence
    created: bool  # False: the same bytes were already an exhibit of this case
    # When the same bytes came again with a description of their own, it is kept as a note on the exhibit.
    note: EvidenceNote | None = None


def evidence_attach(
    *,
    user,
    case: Case,
    kind: str,
    description: str,
    uploaded_file=None,
    source_url: str = "",
    obtained_at: dt.date | None = None,
    obtained_from: str = "",
    incidents: Sequence[Incident] = (),
) -> Attached:
    """Store an upload (or record a link with no file) as the case's next exhibit.

    The bytes are stored before the transaction (encrypting a large file must not hold
    the case's lock); the exhibit number is taken inside it, under a row lock on the
    case, so concurrent uploads get distinct numbers with no gaps. Bytes already in
    the case are not stored twice: the existing exhibit is linked instead.
    """
    access.require_same_case(case, incidents, "incident")
    if uploaded_file is None and not source_url:
        raise ValidationError("Choose a file, or give the link where it was.")
    stored = store.store_upload(case, uploaded_file) if uploaded_file is not None else None
    return evidence_from_stored(
        user=user,
        case=case,
        kind=kind,
        description=description,
        stored=stored,
        original_name=uploaded_file.name if stored else "",
        source_url=source_url,
        obtained_at=obtained_at,
        obtained_from=obtained_from,
        incidents=incidents,
    )


def evidence_from_stored(
    *,
    user,
    case: Case,
    kind: str,
    description: str,
    stored: store.Stored | None,
    original_name: str = "",
    source_url: str = "",
    obtained_at: dt.date | None = None,
    obtained_from: str = "",
    incidents: Sequence[Incident] = (),
) -> Attached:
    """Make bytes already in the store (an upload, a web capture's screenshot) the case's next exhibit, or link
    the exhibit that already holds the same bytes. A stored file that does not become an exhibit is removed."""
    access.require_same_case(case, incidents, "incident")
    try:
        with transaction.atomic():
            # The case's row lock serialises uploads to this case: the duplicate check
            # and the number below see every upload that committed before. FOR NO KEY UPDATE,
            # not FOR UPDATE: other transactions' foreign-key checks on the case (their audit
            # events, their incidents) take a KEY SHARE lock, which must not wait on this one,
            # or two writers to one case deadlock (found by schemathesis with 4 workers).
            locked = (
                Case.objects.select_for_update(no_key=True)
                .only("id", "exhibit_prefix", "next_exhibit_number")
                .get(pk=case.pk)
            )
            if stored is not None:
                existing = Evidence.objects.filter(case=case, sha256=stored.sha256).first()
                if existing is not None:
                    existing.incidents.add(*incidents)
                    audit.event_record(
                        actor=user,
                        case_id=case.pk,
                        action=Action.EVIDENCE_DUPLICATE,
                        target=existing,
                        details={"mark": existing.mark, "sha256": stored.sha256},
                    )
                    note = _duplicate_note(user=user, evidence=existing, description=description, incidents=incidents)
                    _discard(case, stored)
                    return Attached(existing, created=False, note=note)
            number = locked.next_exhibit_number
            Case.objects.filter(pk=case.pk).update(next_exhibit_number=number + 1)
            evidence = Evidence.objects.create(
                case=case,
                number=number,
                mark=f"{locked.exhibit_prefix}/{number}",
                kind=kind,
                description=description.strip(),
                source_url=source_url,
                obtained_at=obtained_at,
                obtained_from=obtained_from.strip(),
                uploaded_by=user,
                original_name=clean_file_name(original_name) if stored else "",
                content_type=stored.content_type if stored else "",
                size=stored.size if stored else 0,
                sha256=stored.sha256 if stored else "",
                storage_name=stored.storage_name if stored else "",
                preview_name=stored.preview_name if stored else "",
            )
            evidence.incidents.set(incidents)
            audit.event_record(
                actor=user,
                case_id=case.pk,
                action=Action.EVIDENCE_ATTACH,
                target=evidence,
                details={
                    "mark": evidence.mark,
                    "sha256": evidence.sha256,
                    "size": evidence.size,
                    "content_type": evidence.content_type,
                    "incidents": [i.pk for i in incidents],
                },
            )
            if stored is not None:  # a trusted timestamp of its hash, asked for once this commits (no TSA: none)
                timestamp_services.timestamp_later(case_id=case.pk, sha256=evidence.sha256)
    except BaseException:
        if stored is not None:
            _discard(case, stored)
        raise
    return Attached(evidence, created=True)


def _duplicate_note(
    *, user, evidence: Evidence, description: str, incidents: Sequence[Incident]
) -> EvidenceNote | None:
    """Keep what was typed for a file that was already an exhibit, unless it says what the exhibit already says."""
    body = description.strip()
    if not body or body == evidence.description.strip():
        return None
    note = EvidenceNote.objects.create(
        evidence=evidence, incident=incidents[0] if len(incidents) == 1 else None, body=body, added_by=user
    )
    audit.event_record(
        actor=user,
        case_id=evidence.case_id,
        action=Action.EVIDENCE_NOTE,
        target=evidence,
        details={"mark": evidence.mark, "note": note.pk, "length": len(body), "incident": note.incident_id},
    )
    return note


def _discard(case: Case, stored) -> None:
    store.discard(case.pk, stored.storage_name)
    if stored.preview_name:
        store.discard(case.pk, stored.preview_name)


@transaction.atomic
def evidence_update(
    *,
    user,
    evidence: Evidence,
    description: str,
    obtained_at: dt.date | None,
    obtained_from: str,
    source_url: str,
    incidents: Sequence[Incident],
) -> Evidence:
    """Change what is said about an exhibit. The file, its hash and its mark never change."""
    access.require_same_case(evidence.case, incidents, "incident")
    evidence.description, evidence.obtained_at = description.strip(), obtained_at
    evidence.obtained_from, evidence.source_url = obtained_from.strip(), source_url
    evidence.save(update_fields=["description", "obtained_at", "obtained_from", "source_url"])
    evidence.incidents.set(incidents)
    audit.event_record(
        actor=user,
        case_id=evidence.case_id,
        action=Action.EVIDENCE_UPDATE,
        target=evidence,
        details={"mark": evidence.mark},
    )
    return evidence


@transaction.atomic
def evidence_withdraw(*, user, evidence: Evidence, reason: str) -> Evidence:
    if blank(reason):
        raise ValidationError({"reason": "Say why this item is being withdrawn."})
    if evidence.is_withdrawn:
        raise ValidationError("This item was already withdrawn.", code=CONFLICT)
    evidence.withdrawn_at, evidence.withdrawn_by, evidence.withdrawn_reason = timezone.now(), user, reason.strip()
    evidence.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit.event_record(
        actor=user,
        case_id=evidence.case_id,
        action=Action.EVIDENCE_WITHDRAW,
        target=evidence,
        details={"mark": evidence.mark, "reason": evidence.withdrawn_reason},
    )
    return evidence


def evidence_access_record(*, user, evidence: Evidence, action: str) -> None:
    """Every look at an exhibit, its preview or its file goes in the audit trail."""
    audit.event_record(
        actor=user,
        case_id=evidence.case_id,
        action=f"evidence.{action}",
        target=evidence,
        details={"mark": evidence.mark},
    )
