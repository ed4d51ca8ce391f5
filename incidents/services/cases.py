"""Writes to a case itself: create, change its settings, close and reopen, its children, its two-step rule."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import initials_from_name
from audit import services as audit
from audit.actions import Action

from ..models import Case, Child, Membership, Role
from ..rules import exhibit_prefix_problem


def _check_exhibit_prefix(value: str) -> None:
    problem = exhibit_prefix_problem(value)
    if problem:
        raise ValidationError({"exhibit_prefix": problem})


@transaction.atomic
def case_create(
    *,
    user,
    title: str,
    exhibit_prefix: str = "",
    time_zone: str = "Europe/London",
    nation: str = Case.Nation.ENGLAND,
    subject_name: str = "",
    subject_contact: str = "",
) -> Case:
    if exhibit_prefix:
        _check_exhibit_prefix(exhibit_prefix)
    case = Case.objects.create(
        title=title.strip(),
        exhibit_prefix=(exhibit_prefix or user.initials or initials_from_name(user.full_name)).upper(),
        time_zone=time_zone,
        nation=nation,
        subject_name=subject_name.strip(),
        subject_contact=subject_contact.strip(),
        created_by=user,
    )
    Membership.objects.create(user=user, case=case, role=Role.OWNER)
    audit.event_record(
        actor=user, case_id=case.pk, action=Action.CASE_CREATE, target=case, details={"title": case.title}
    )
    return case


@transaction.atomic
def case_update(
    *,
    user,
    case: Case,
    title: str,
    exhibit_prefix: str,
    time_zone: str,
    nation: str | None = None,
    subject_name: str | None = None,
    subject_contact: str | None = None,
) -> Case:
    """None for the nation or the record's subject leaves it as it is (the API's settings do not carry them)."""
    _check_exhibit_prefix(exhibit_prefix)
    before = {
        "title": case.title,
        "exhibit_prefix": case.exhibit_prefix,
        "time_zone": case.time_zone,
        "nation": case.nation,
    }
    subject_before = (case.subject_name, case.subject_contact)
    case.title, case.exhibit_prefix, case.time_zone = title.strip(), exhibit_prefix.upper(), time_zone
    if nation is not None:
        case.nation = nation
    if subject_name is not None:
        case.subject_name = subject_name.strip()
    if subject_contact is not None:
        case.subject_contact = subject_contact.strip()
    case.save(update_fields=["title", "exhibit_prefix", "time_zone", "nation", "subject_name", "subject_contact"])
    after = {
        "title": case.title,
        "exhibit_prefix": case.exhibit_prefix,
        "time_zone": case.time_zone,
        "nation": case.nation,
    }
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    details = {"changed": changed}
    # Who the record is about and how to reach them stay out of the details, as children's names do: which
    # of them changed, not what they say.
    subject_changed = [
        name
        for name, old, new in zip(
            ("subject_name", "subject_contact"), subject_before, (case.subject_name, case.subject_contact), strict=True
        )
        if old != new
    ]
    if subject_changed:
        details["subject_changed"] = subject_changed
    audit.event_record(actor=user, case_id=case.pk, action=Action.CASE_UPDATE, target=case, details=details)
    return case


@transaction.atomic
def case_set_status(*, user, case: Case, status: str) -> Case:
    case.status = status
    case.closed_at = timezone.now() if status == Case.Status.CLOSED else None
    case.save(update_fields=["status", "closed_at"])
    action = Action.CASE_CLOSE if status == Case.Status.CLOSED else Action.CASE_REOPEN
    audit.event_record(actor=user, case_id=case.pk, action=action, target=case)
    return case


@transaction.atomic
def case_set_two_factor(*, user, case: Case, required: bool) -> Case:
    case.require_two_factor = required
    case.save(update_fields=["require_two_factor"])
    audit.event_record(
        actor=user, case_id=case.pk, action=Action.CASE_TWO_FACTOR, target=case, details={"required": required}
    )
    return case


@transaction.atomic
def child_add(*, user, case: Case, name: str, initials: str = "") -> Child:
    child = Child.objects.create(case=case, name=name.strip(), initials=(initials or initials_from_name(name)).upper())
    # The name itself stays out of the audit details: the log must be safe to show to any member.
    audit.event_record(
        actor=user, case_id=case.pk, action=Action.CHILD_ADD, target=child, details={"initials": child.initials}
    )
    return child


@transaction.atomic
def child_remove(*, user, child: Child) -> None:
    audit.event_record(
        actor=user,
        case_id=child.case_id,
        action=Action.CHILD_REMOVE,
        target=child,
        details={"initials": child.initials},
    )
    child.delete()
