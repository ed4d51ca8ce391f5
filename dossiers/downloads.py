"""A finished dossier's two files as the page and the API hand them over: the signed PDF and the evidence
pack, each named after the dossier's code and streamed through the vault's one file response."""

from django.http import StreamingHttpResponse

from incidents.models import Case
from vault import store
from vault.downloads import file_response

from .models import Dossier


def dossier_file_response(case: Case, dossier: Dossier, what: str) -> StreamingHttpResponse:
    """The PDF (`what` "pdf") or the evidence pack ("pack") of a finished dossier of the case (the one the
    gate loaded), as an attachment named dossier-<code>.pdf or .zip, with its length from the row."""
    if what == "pdf":
        name, content_type, extension, size = dossier.file_name, "application/pdf", "pdf", dossier.size
    else:
        name, content_type, extension, size = dossier.pack_name, "application/zip", "zip", dossier.pack_size
    return file_response(
        store.read_chunks(case, name),
        filename=f"dossier-{dossier.verification_code}.{extension}",
        content_type=content_type,
        size=size,
    )
