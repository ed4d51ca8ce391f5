"""What the account code reads off a request."""

from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """The address the request came from, as recorded in account audit events ("" when there is no request)."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
