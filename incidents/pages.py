"""What every case page shares once the gate has let it through: the template context and form errors
from services. (The gate itself is incidents.access.require; recording a page view is
services.activity.page_view_record, called by each page that is read.)"""

from django.core.exceptions import ValidationError
from django.urls import reverse

from . import access


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
