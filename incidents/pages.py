"""What every case page view starts with: the gate, the template context, form errors from services."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from . import access, services


def gate(request: HttpRequest, case_id: int, action: str = access.VIEW, *, page: str | None = None, target=None):
    """Check membership and role; record the view of a case page in the audit trail."""
    membership = access.require(request.user, case_id, action)
    if page is not None:
        services.page_view_record(user=request.user, case=membership.case, page=page, target=target)
    return membership


def case_context(membership, **extra) -> dict:
    case = membership.case
    return {
        "case": case,
        "case_path": reverse("incidents:case_summary", args=[case.pk]),
        "membership": membership,
        "can_edit": access.can(membership.role, access.EDIT),
        "can_manage": access.can(membership.role, access.MANAGE),
        "can_export": access.can(membership.role, access.EXPORT),
        "can_share": access.can(membership.role, access.SHARE),
        **extra,
    }


def form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
