"""The record of reading: who looked at which page of a case, and when."""

from audit import services as audit
from audit.actions import Action

from ..models import Case


def page_view_record(*, user, case: Case, page: str, target=None) -> None:
    """Reading a case's pages is itself recorded: who looked at what, and when."""
    audit.event_record(actor=user, case_id=case.pk, action=Action.VIEW, target=target, details={"page": page})


def activity_export_record(*, user, case: Case, filters: dict) -> None:
    """Exporting the activity log is recorded too, with the filters it was exported with."""
    audit.event_record(actor=user, case_id=case.pk, action=Action.ACTIVITY_EXPORT, details={"filters": filters})
