"""Reads for telling a member what others did on their cases: the hourly email to an owner (the digest) and
the recent activity on "My cases". Each event is read with who did it, the case's and the incident's titles
and, for a dossier, who asked for it and for whom, so the sentence needs no further query."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models import Case as CaseWhen
from django.db.models.expressions import Window
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, RowNumber

from audit.actions import Action, describe
from audit.models import AuditEvent

from .. import access
from ..models import Case, Incident, Membership, Role

# What an owner wants to hear about when someone else does it.
KINDS = (
    Action.INVITATION_ACCEPT,
    Action.COMMENT_ADD,
    Action.DOSSIER_REQUEST,
    Action.DOSSIER_DONE,
    Action.INCIDENT_LOG,
    Action.INCIDENT_EDIT,
    Action.EVIDENCE_ATTACH,
)

# Who a dossier is for, as the sentence says it ("made a dossier for the police").
AUDIENCES = {"police": "the police", "social_services": "social services", "own_record": "your own record"}


@dataclass(frozen=True)
class Happening:
    """One thing someone else did on a case, in words."""

    case_id: int
    case_title: str
    at: dt.datetime
    action: str
    target_id: int | None
    text: str


def _events_by_others(user, case_ids) -> QuerySet[AuditEvent]:
    """The events of KINDS on these cases done by someone other than the user, annotated for sentence()."""
    users = get_user_model().objects
    # A finished dossier's event has no actor (the worker made it): it is the requester's, as is its audience.
    request = AuditEvent.objects.filter(
        case_id=OuterRef("case_id"), action=Action.DOSSIER_REQUEST, target_id=OuterRef("target_id")
    ).order_by("sequence")
    incident_ref = CaseWhen(
        When(target_type="incidents.incident", then=F("target_id")),
        When(action=Action.COMMENT_ADD, then=Cast(KT("details__incident"), BigIntegerField())),
        default=None,
        output_field=BigIntegerField(),
    )
    incident = Incident.objects.filter(pk=OuterRef("incident_ref"))
    return (
        AuditEvent.objects.filter(case_id__in=case_ids, action__in=KINDS)
        .annotate(
            who=Coalesce(
                "actor_id",
                CaseWhen(
                    When(action=Action.DOSSIER_DONE, then=Subquery(request.values("actor_id")[:1])),
                    default=None,
                    output_field=BigIntegerField(),
                ),
            )
        )
        .filter(who__isnull=False)
        .exclude(who=user.pk)
        # A dossier asked for and since made is said once, as made.
        .exclude(
            Q(action=Action.DOSSIER_REQUEST)
            & Exists(
                AuditEvent.objects.filter(
                    case_id=OuterRef("case_id"), action=Action.DOSSIER_DONE, target_id=OuterRef("target_id")
                )
            )
        )
        .annotate(
            who_name=Subquery(users.filter(pk=OuterRef("who")).values("full_name")[:1]),
            audience=Subquery(request.values(value=KT("details__options__audience"))[:1]),
            case_title=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("title")[:1]),
            incident_ref=incident_ref,
            incident_title=Subquery(incident.values("title")[:1]),
            incident_kind=Subquery(incident.values("kind")[:1]),
        )
    )


def _happening(event: AuditEvent) -> Happening:
    return Happening(
        case_id=event.case_id,
        case_title=event.case_title,
        at=event.occurred_at,
        action=event.action,
        target_id=event.target_id,
        text=sentence(event),
    )


def sentence(event: AuditEvent) -> str:
    """What someone else did, said to the case's owner: "Sam Advocate commented on 'Letter to employer'"."""
    who = event.who_name or "Someone"
    incident = None
    if event.incident_ref is not None and event.incident_kind:
        incident = Incident.display_title_for(event.incident_title, event.incident_kind)
    audience = AUDIENCES.get(event.audience or "")
    details = event.details if isinstance(event.details, dict) else {}
    match event.action:
        case Action.INVITATION_ACCEPT:
            return f"{who} accepted your invitation to '{event.case_title}'"
        case Action.COMMENT_ADD if incident:
            return f"{who} commented on '{incident}'"
        case Action.COMMENT_ADD:
            return f"{who} commented on the case"
        case Action.INCIDENT_LOG if incident:
            return f"{who} logged an incident: '{incident}'"
        case Action.INCIDENT_EDIT if incident:
            return f"{who} changed '{incident}'"
        case Action.EVIDENCE_ATTACH if details.get("mark"):
            return f"{who} added exhibit {details['mark']}"
        case Action.DOSSIER_REQUEST if audience:
            return f"{who} asked for a dossier for {audience}"
        case Action.DOSSIER_DONE if audience:
            return f"{who} made a dossier for {audience}"
        case Action.DOSSIER_DONE:
            return f"{who} made a dossier"
    return f"{who} {describe(event.action, details)}"


def digest_happenings(*, user, since: dt.datetime, until: dt.datetime) -> list[Happening]:
    """What others did on the cases the user owns, after `since` and up to `until`, oldest first."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER, revoked_at__isnull=True).values("case_id")
    events = (
        _events_by_others(user, owned)
        .filter(occurred_at__gt=since, occurred_at__lte=until)
        .order_by("occurred_at", "id")
    )
    return [_happening(event) for event in events]


def digest_recipients(*, sent_before: dt.datetime) -> QuerySet:
    """The users to tell: the digest switched on, owner of an open membership, and not sent one since `sent_before`."""
    owners = Membership.objects.filter(role=Role.OWNER, revoked_at__isnull=True).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, digest_enabled=True, pk__in=owners)
        .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=sent_before))
        .order_by("pk")
    )


def recent_by_case(user, *, per_case: int = 3) -> dict[int, list[Happening]]:
    """The last few things others did on each of the user's cases, newest first: one query, however many cases."""
    events = (
        _events_by_others(user, access.cases_for(user).values("pk"))
        .annotate(rank=Window(RowNumber(), partition_by=[F("case_id")], order_by=F("sequence").desc()))
        .filter(rank__lte=per_case)
        .order_by("case_id", "-sequence")
    )
    recent: dict[int, list[Happening]] = {}
    for event in events:
        recent.setdefault(event.case_id, []).append(_happening(event))
    return recent
