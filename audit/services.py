import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from .actions import Action
from .models import ACCOUNT_CHAIN, AuditEvent, ChainHead, case_chain


def _lock_head(chain: str) -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        try:
            with transaction.atomic():
                ChainHead.objects.create(chain=chain)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        head = ChainHead.objects.select_for_update().get(chain=chain)
    return head


def action_check(action: str) -> str:
    """The stored form of a registered action; ValueError naming it if it is not registered."""
    try:
        return Action(action).value
    except ValueError:
        raise ValueError(
            f"Unregistered audit action {action!r}: add it to audit.actions.Action, with its label"
        ) from None


def event_record(
    *,
    actor=None,
    case_id: int | None = None,
    action: str,
    target=None,
    details: dict | None = None,
    occurred_at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event to the case's chain (or the account chain when there is no case).

    `action` is an audit.actions.Action (or its value); anything else is refused before a row is
    touched, so an action with no label in the activity log cannot be recorded."""
    action = action_check(action)
    with transaction.atomic():
        chain = case_chain(case_id) if case_id is not None else ACCOUNT_CHAIN
        head = _lock_head(chain)
        event = AuditEvent(
            chain=chain,
            sequence=head.sequence + 1,
            occurred_at=(occurred_at or timezone.now()).astimezone(dt.UTC),
            actor_id=getattr(actor, "pk", None),
            actor_label=(actor.get_username() if actor is not None and actor.pk else ""),
            case_id=case_id,
            action=action,
            target_type=(target._meta.label_lower if target is not None else ""),
            target_id=(target.pk if target is not None else None),
            details=details or {},
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
        return event
