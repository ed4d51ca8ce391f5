"""Every write to the case file. Each function runs in one transaction and appends its audit event."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import initials_from_name
from accounts.services import email_render_and_queue
from audit import services as audit

from . import evidence_store
from .models import (
    AgencyReference,
    Case,
    Child,
    Evidence,
    Incident,
    IncidentParty,
    IncidentRevision,
    Invitation,
    Membership,
    Party,
    Role,
    Tag,
    occurred_at_problem,
)


def _same_case(case: Case, objects: Iterable, what: str) -> None:
    for obj in objects:
        if obj.case_id != case.pk:
            raise ValidationError(f"That {what} belongs to another case.")


# Cases -------------------------------------------------------------------------------------------


@transaction.atomic
def case_create(*, user, title: str, exhibit_prefix: str = "", time_zone: str = "Europe/London") -> Case:
    case = Case.objects.create(
        title=title.strip(),
        exhibit_prefix=(exhibit_prefix or user.initials or initials_from_name(user.full_name)).upper(),
        time_zone=time_zone,
        created_by=user,
    )
    Membership.objects.create(user=user, case=case, role=Role.OWNER)
    audit.event_record(actor=user, case_id=case.pk, action="case.create", target=case, details={"title": case.title})
    return case


@transaction.atomic
def case_update(*, user, case: Case, title: str, exhibit_prefix: str, time_zone: str) -> Case:
    before = {"title": case.title, "exhibit_prefix": case.exhibit_prefix, "time_zone": case.time_zone}
    case.title, case.exhibit_prefix, case.time_zone = title.strip(), exhibit_prefix.upper(), time_zone
    case.save(update_fields=["title", "exhibit_prefix", "time_zone"])
    after = {"title": case.title, "exhibit_prefix": case.exhibit_prefix, "time_zone": case.time_zone}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit.event_record(actor=user, case_id=case.pk, action="case.update", target=case, details={"changed": changed})
    return case


@transaction.atomic
def case_set_status(*, user, case: Case, status: str) -> Case:
    case.status = status
    case.closed_at = timezone.now() if status == Case.Status.CLOSED else None
    case.save(update_fields=["status", "closed_at"])
    action = "case.close" if status == Case.Status.CLOSED else "case.reopen"
    audit.event_record(actor=user, case_id=case.pk, action=action, target=case)
    return case


@transaction.atomic
def child_add(*, user, case: Case, name: str, initials: str = "") -> Child:
    child = Child.objects.create(case=case, name=name.strip(), initials=(initials or initials_from_name(name)).upper())
    # The name itself stays out of the audit details: the log must be safe to show to any member.
    audit.event_record(
        actor=user, case_id=case.pk, action="child.add", target=child, details={"initials": child.initials}
    )
    return child


@transaction.atomic
def child_remove(*, user, child: Child) -> None:
    audit.event_record(
        actor=user, case_id=child.case_id, action="child.remove", target=child, details={"initials": child.initials}
    )
    child.delete()


@transaction.atomic
def membership_add(*, case: Case, user, role: str, added_by=None) -> Membership:
    membership = Membership.objects.create(case=case, user=user, role=role, invited_by=added_by)
    audit.event_record(
        actor=added_by, case_id=case.pk, action="membership.add", target=membership, details={"role": role}
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, revoked_by) -> Membership:
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    audit.event_record(
        actor=revoked_by,
        case_id=membership.case_id,
        action="membership.revoke",
        target=membership,
        details={"role": membership.role, "user_id": membership.user_id},
    )
    return membership


# Parties -----------------------------------------------------------------------------------------

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
    audit.event_record(actor=user, case_id=case.pk, action="party.create", target=party, details={"kind": kind})
    return party


@transaction.atomic
def party_update(*, user, party: Party, **fields) -> Party:
    changed = [name for name in PARTY_FIELDS if name in fields and getattr(party, name) != fields[name]]
    for name in changed:
        setattr(party, name, fields[name])
    if changed:
        party.save(update_fields=changed)
        _reindex(Incident.objects.filter(party_links__party=party))
    audit.event_record(
        actor=user, case_id=party.case_id, action="party.update", target=party, details={"fields": changed}
    )
    return party


# Agency references -------------------------------------------------------------------------------

REFERENCE_FIELDS = ("kind", "number", "agency", "officer", "opened_on", "closed_on", "status", "outcome")


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
    _same_case(case, [agency] if agency else [], "agency")
    _same_case(case, incidents, "incident")
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
    _reindex(Incident.objects.filter(pk__in=[i.pk for i in incidents]))
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action="reference.create",
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
        _same_case(case, [fields["agency"]], "agency")
    changed = [name for name in REFERENCE_FIELDS if name in fields and getattr(reference, name) != fields[name]]
    for name in changed:
        setattr(reference, name, fields[name])
    if changed:
        reference.save(update_fields=changed)
    affected = set(reference.incidents.values_list("pk", flat=True))
    if incidents is not None:
        _same_case(case, incidents, "incident")
        reference.incidents.set(incidents)
        affected |= {i.pk for i in incidents}
    _reindex(Incident.objects.filter(pk__in=affected))
    audit.event_record(
        actor=user, case_id=case.pk, action="reference.update", target=reference, details={"fields": changed}
    )
    return reference


# Incidents ---------------------------------------------------------------------------------------

INCIDENT_FIELDS = (
    "kind",
    "occurred_at",
    "occurred_precision",
    "title",
    "narrative",
    "impact",
    "platform",
    "url",
    "outcome",
)


def _check_incident_fields(fields: dict) -> None:
    problem = occurred_at_problem(fields.get("occurred_at"))
    if problem:
        raise ValidationError({"occurred_at": problem})
    if not (fields.get("narrative") or "").strip():
        raise ValidationError({"narrative": "Say what happened."})


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


def _reindex(incidents) -> None:
    """Rebuild the text that full-text search looks in."""
    incidents = incidents.prefetch_related("party_links__party", "tags", "references")
    for incident in incidents:
        parts = [incident.title, incident.narrative, incident.impact, incident.platform, incident.url, incident.outcome]
        for link in incident.party_links.all():
            parts += [link.party.name, link.party.handles, link.party.aliases]
        parts += [tag.name for tag in incident.tags.all()]
        parts += [ref.number for ref in incident.references.all()]
        text = "\n".join(p for p in parts if p)
        if text != incident.search_text:
            Incident.objects.filter(pk=incident.pk).update(search_text=text)


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
    _same_case(case, parties, "person or organisation")
    _same_case(case, references, "reference")
    parties = list(parties)
    if new_suspect.strip():
        parties.append(party_create(user=user, case=case, kind=Party.Kind.SUSPECT, name=new_suspect))
    now = timezone.now()
    incident = Incident.objects.create(case=case, logged_by=user, logged_at=now, updated_at=now, **fields)
    _set_parties(incident, parties, party_roles)
    incident.tags.set(_tags_for(case, tags))
    incident.references.set(references)
    _reindex(Incident.objects.filter(pk=incident.pk))
    IncidentRevision.objects.create(
        incident=incident, number=1, data=_snapshot(incident), edited_by=user, edited_at=now
    )
    audit.event_record(actor=user, case_id=case.pk, action="incident.log", target=incident, details={"kind": kind})
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
        _same_case(case, parties, "person or organisation")
        if new_suspect.strip():
            parties.append(party_create(user=user, case=case, kind=Party.Kind.SUSPECT, name=new_suspect))
        _set_parties(incident, parties, party_roles)
    if tags is not None:
        incident.tags.set(_tags_for(case, tags))
    if references is not None:
        _same_case(case, references, "reference")
        incident.references.set(references)
    after = _snapshot(incident)
    if after == before:
        return incident  # nothing changed: no new revision
    incident.revision_count += 1
    incident.updated_at = timezone.now()
    incident.save(update_fields=[*changed, "revision_count", "updated_at"])
    _reindex(Incident.objects.filter(pk=incident.pk))
    IncidentRevision.objects.create(
        incident=incident, number=incident.revision_count, data=after, edited_by=user, edited_at=incident.updated_at
    )
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action="incident.edit",
        target=incident,
        details={"revision": incident.revision_count, "changed": sorted(k for k in after if after[k] != before[k])},
    )
    return incident


def page_view_record(*, user, case: Case, page: str, target=None) -> None:
    """Reading a case's pages is itself recorded: who looked at what, and when."""
    audit.event_record(actor=user, case_id=case.pk, action="view", target=target, details={"page": page})


# Evidence ----------------------------------------------------------------------------------------


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
    _same_case(case, incidents, "incident")
    if uploaded_file is None and not source_url:
        raise ValidationError("Choose a file, or give the link where it was.")
    stored = evidence_store.store_upload(case, uploaded_file) if uploaded_file is not None else None
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
                        action="evidence.duplicate",
                        target=existing,
                        details={"mark": existing.mark, "sha256": stored.sha256},
                    )
                    _discard(case, stored)
                    return Attached(existing, created=False)
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
                original_name=clean_file_name(uploaded_file.name) if stored else "",
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
                action="evidence.attach",
                target=evidence,
                details={
                    "mark": evidence.mark,
                    "sha256": evidence.sha256,
                    "size": evidence.size,
                    "content_type": evidence.content_type,
                    "incidents": [i.pk for i in incidents],
                },
            )
    except BaseException:
        if stored is not None:
            _discard(case, stored)
        raise
    return Attached(evidence, created=True)


def _discard(case: Case, stored) -> None:
    evidence_store.discard(case.pk, stored.storage_name)
    if stored.preview_name:
        evidence_store.discard(case.pk, stored.preview_name)


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
    _same_case(evidence.case, incidents, "incident")
    evidence.description, evidence.obtained_at = description.strip(), obtained_at
    evidence.obtained_from, evidence.source_url = obtained_from.strip(), source_url
    evidence.save(update_fields=["description", "obtained_at", "obtained_from", "source_url"])
    evidence.incidents.set(incidents)
    audit.event_record(
        actor=user, case_id=evidence.case_id, action="evidence.update", target=evidence, details={"mark": evidence.mark}
    )
    return evidence


@transaction.atomic
def evidence_withdraw(*, user, evidence: Evidence, reason: str) -> Evidence:
    if not reason.strip():
        raise ValidationError({"reason": "Say why this item is being withdrawn."})
    if evidence.is_withdrawn:
        raise ValidationError("This item was already withdrawn.")
    evidence.withdrawn_at, evidence.withdrawn_by, evidence.withdrawn_reason = timezone.now(), user, reason.strip()
    evidence.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit.event_record(
        actor=user,
        case_id=evidence.case_id,
        action="evidence.withdraw",
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


# Sharing -----------------------------------------------------------------------------------------

INVITATION_DAYS = 7


class InvitationInvalid(Exception):
    """The link was used already, cancelled, expired, or never existed."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def invitation_create(*, user, case: Case, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by email. Returns the invitation and its token (the only copy is in the email)."""
    email = email.strip().lower()
    if role not in (Role.EDITOR, Role.ADVOCATE, Role.VIEWER):
        raise ValidationError({"role": "Choose editor, advocate or viewer."})
    if Membership.objects.filter(case=case, user__email__iexact=email, revoked_at__isnull=True).exists():
        raise ValidationError({"email": "This person can already see the case."})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        case=case,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=user,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action="invitation.create",
        target=invitation,
        details={"email": email, "role": role},
    )
    email_render_and_queue(
        to=[email],
        template="incidents/email/invitation",
        context={
            "inviter": user.full_name,
            "role": invitation.get_role_display(),
            "days": INVITATION_DAYS,
            "link": _site_url(reverse("incidents:invitation_accept", args=[token])),
        },
    )
    return invitation, token


@transaction.atomic
def invitation_cancel(*, user, invitation: Invitation) -> Invitation:
    if invitation.accepted_at or invitation.cancelled_at:
        raise ValidationError("This invitation was already used or cancelled.")
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    audit.event_record(
        actor=user,
        case_id=invitation.case_id,
        action="invitation.cancel",
        target=invitation,
        details={"email": invitation.email},
    )
    return invitation


def invitation_pending(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("case", "invited_by").filter(token_hash=_token_hash(token)).first()
    if invitation is None or not invitation.is_pending:
        raise InvitationInvalid()
    return invitation


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    """Bind the invitation to the account that accepts it: single use."""
    invitation = (
        Invitation.objects.select_for_update().select_related("case").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or not invitation.is_pending:
        raise InvitationInvalid()
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    membership = Membership.objects.filter(case=invitation.case, user=user, revoked_at__isnull=True).first()
    if membership is None:
        membership = Membership.objects.create(
            case=invitation.case, user=user, role=invitation.role, invited_by=invitation.invited_by
        )
    audit.event_record(
        actor=user,
        case_id=invitation.case_id,
        action="invitation.accept",
        target=invitation,
        details={"role": invitation.role, "membership_id": membership.pk},
    )
    email_render_and_queue(
        to=[user.email],
        template="incidents/email/added",
        context={
            "role": membership.get_role_display(),
            "inviter": invitation.invited_by.full_name,
            "link": _site_url(reverse("home")),
        },
    )
    return membership


@transaction.atomic
def member_remove(*, user, membership: Membership) -> Membership:
    """The owner removes a member; their access ends on their next request."""
    if membership.role == Role.OWNER:
        raise ValidationError("Hand the case to someone else before removing its owner.")
    membership_revoke(membership=membership, revoked_by=user)
    email_render_and_queue(
        to=[membership.user.email],
        template="incidents/email/removed",
        context={"owner": user.full_name},
    )
    return membership


@transaction.atomic
def ownership_transfer(*, user, case: Case, to: Membership) -> Membership:
    """Hand the case to another member. The old owner stays on as an editor."""
    if to.case_id != case.pk or to.revoked_at is not None:
        raise ValidationError("That person is not a member of this case.")
    current = Membership.objects.select_for_update().get(case=case, user=user, revoked_at__isnull=True)
    if current.role != Role.OWNER or to.pk == current.pk:
        raise ValidationError("Only the owner can hand the case to another member.")
    current.role, to.role = Role.EDITOR, Role.OWNER
    current.save(update_fields=["role"])
    to.save(update_fields=["role"])
    audit.event_record(
        actor=user,
        case_id=case.pk,
        action="membership.transfer",
        target=to,
        details={"from_user": user.pk, "to_user": to.user_id},
    )
    return to


@transaction.atomic
def case_set_two_factor(*, user, case: Case, required: bool) -> Case:
    case.require_two_factor = required
    case.save(update_fields=["require_two_factor"])
    audit.event_record(
        actor=user, case_id=case.pk, action="case.two_factor", target=case, details={"required": required}
    )
    return case
