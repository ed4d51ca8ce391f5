"""A finished dossier's two files as the page and the API hand them over: the signed PDF and the evidence
pack, each named after the dossier's code and streamed through the vault's one file response."""

from django.http import StreamingHttpResponse

from incidents.models import Case
from vault import store
from vault.downloads import file_response

from .models import Dossier

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def dossier_file_response(case: Case, dossier: Dossier, what: str) -> StreamingHttpResponse:
    """The PDF (`what` "pdf") or the evidence pack ("pack") of a finished dossier of the case (the one the
    gate loaded), as an attachment named dossier-<code>.pdf or .zip, with its length from the row. For a
    statement, its PDF and ("pack") its Word document: witness-statement-<code>.pdf or .docx."""
    if what == "pdf":
        name, content_type, extension, size = dossier.file_name, "application/pdf", "pdf", dossier.size
    elif dossier.is_statement:  # a statement keeps its Word document where a dossier keeps its evidence pack
        name, content_type, extension, size = dossier.pack_name, DOCX, "docx", dossier.pack_size
    else:
        name, content_type, extension, size = dossier.pack_name, "application/zip", "zip", dossier.pack_size
    stem = dossier.document.replace("_", "-") if dossier.is_statement else "dossier"  # witness-statement-<code>
    return file_response(
        store.read_chunks(case, name),
        filename=f"{stem}-{dossier.verification_code}.{extension}",
        content_type=content_type,
        size=size,
    )
