"""Template context every page may need from the account's session."""

from . import two_factor


def pending_download(request) -> dict:
    """A download asked for before "Confirm it is you", started on the page it was asked from (base.html)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    url = two_factor.pending_download(request)
    return {"pending_download": url} if url else {}
