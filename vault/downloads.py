"""The one response that hands a stored file to a browser or an API client: evidence, previews, dossiers
and evidence packs alike.

A response carrying stored bytes may run nothing, load nothing, be framed by nobody, be read by no other
site and be kept by no cache. It is an attachment unless the caller asks for an inline image (and then
only for a type the vault may show inline), named with an RFC 6266 filename* as well as a plain one.
"""

from collections.abc import Iterable
from urllib.parse import quote

from django.http import StreamingHttpResponse

from .filetypes import is_inline_image

FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'none'; sandbox; frame-ancestors 'none'"
OPAQUE = "application/octet-stream"


def safe_filename(name: str) -> str:
    """The name without anything that could end the header or name a folder: printable ASCII, no quotes."""
    cleaned = "".join(ch for ch in name if 32 < ord(ch) < 127 and ch not in '"\\/;%')
    return cleaned.lstrip(".") or "file"


def file_response(
    chunks: Iterable[bytes],
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    size: int | None = None,
) -> StreamingHttpResponse:
    """Stream `chunks` as a file. `inline` is honoured only for an image type the vault shows inline;
    anything else is sent as an attachment, and anything not named as a file's own type is opaque bytes."""
    inline = inline and is_inline_image(content_type)
    response = StreamingHttpResponse(chunks, content_type=content_type or OPAQUE)
    name = safe_filename(filename)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    if size is not None:
        response["Content-Length"] = str(size)
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell that a spreadsheet shows as text: typed text starting like a formula gets a leading '.

    Whoever opens a CSV we hand over (a dossier's manifest.csv, the activity log) in Excel or LibreOffice
    must not run a formula that someone typed into a field. JSON keeps every value exactly as typed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
