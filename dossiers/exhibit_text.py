"""The text of text-like exhibits, for the dossier's appendix: plain text, emails and PDF letters.

compile.py hands over the bytes it has just decrypted and re-checked for the evidence pack; nothing here reads
the store. What comes back is plain text (printed by pdf.plain(), never read as markup) or, for a PDF with no
text in it (a scanned letter), pictures of its first pages. A file that cannot be read gives a note, never a
failed dossier. PDFs are read by poppler's pdftotext and pdftoppm, in a child process with a time limit and a
page limit, as the other PDF tools are run.
"""

import email
import email.policy
import html
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.html import strip_tags

TEXT_TYPES = frozenset({"text/plain", "message/rfc822", "application/pdf"})
MAX_BYTES = 20 * 1024 * 1024  # a bigger file is only listed: the pack has it
MAX_CHARS = 40_000  # of text per exhibit; the rest is in the pack
MAX_PAGES = 20  # of a PDF read as text
MAX_PICTURES = 3  # pages of a scanned PDF printed as pictures
# Of text in the whole appendix (about 150 pages): the exhibits after that are in the list and the pack only.
MAX_TOTAL_CHARS = 400_000
TIMEOUT = 30  # seconds for each poppler run
HEADERS = ("From", "To", "Cc", "Date", "Subject")
# Control characters but tab and line break: they print as boxes. The invisible format characters (direction
# overrides, zero-width spaces) are kept: the layout shows each as "⟨U+202E⟩" (dossiers/typeset.py), so that a
# disguised name in a letter reads as it is. A byte-order mark at the start is not text.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class ExhibitText:
    how: str  # "Text of the file", "Email", "Letter (PDF), 2 pages: its text"
    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    pictures: list[bytes] = field(default_factory=list)  # JPEGs of a scanned PDF's first pages
    note: str = ""  # what was left out, or why nothing could be read


def wanted(content_type: str, size: int) -> bool:
    """Whether an exhibit's bytes should be kept as they are copied into the pack, for its text."""
    return content_type in TEXT_TYPES and 0 < size <= MAX_BYTES


def clean(text: str) -> str:
    text = CONTROL.sub("", text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    return text.strip("\n")


def capped(text: str) -> tuple[str, str]:
    text = clean(text)
    if len(text) <= MAX_CHARS:
        return text, ""
    return text[:MAX_CHARS], f"Only the first {MAX_CHARS:,} characters are printed here; the evidence pack has it all."


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def plain_text(data: bytes) -> ExhibitText:
    text, note = capped(decode(data))
    return ExhibitText(how="The text of the file", text=text, note=note)


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a header the parser cannot make sense of prints as missing
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def email_text(data: bytes) -> ExhibitText:
    """The headers a reader needs (From, To, Cc, Date, Subject), the plain body (or the HTML one as text),
    and the names of its attachments."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    headers = [(name, clean(_header(message, name))) for name in HEADERS]
    headers = [(name, value) for name, value in headers if value]
    body, note = "", ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is not None:
            body = part.get_content()
            if part.get_content_type() == "text/html":
                body = html.unescape(strip_tags(re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", body)))
        attachments = [a.get_filename() or "(no name)" for a in message.iter_attachments()]
    except Exception:  # noqa: BLE001 - a malformed message: its headers, and the pack has the rest
        body, attachments = "", []
        note = "The body of this email could not be read; the evidence pack has the original."
    text, cap_note = capped(body) if isinstance(body, str) else ("", "")
    if attachments:
        headers.append(("Attachments", clean(", ".join(attachments)) + " (in the original, in the evidence pack)"))
    return ExhibitText(how="Email", headers=headers, text=text, note=note or cap_note)


def _run(args: list[str]) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(args, capture_output=True, timeout=TIMEOUT, check=False)  # noqa: S603 - poppler, fixed arguments
    except (subprocess.TimeoutExpired, OSError):
        return None


def pdf_text(data: bytes, folder: Path | None = None) -> ExhibitText:
    """The text of a PDF's first MAX_PAGES pages, page by page; for a PDF without text, pictures of its first
    pages."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "exhibit.pdf"
        path.write_bytes(data)
        info = _run(["pdfinfo", str(path)])
        pages = 0
        if info is not None and info.returncode == 0:
            found = re.search(rb"^Pages:\s+(\d+)", info.stdout, re.M)
            pages = int(found.group(1)) if found else 0
        result = _run(["pdftotext", "-l", str(MAX_PAGES), "-enc", "UTF-8", "-eol", "unix", str(path), "-"])
        if result is None or result.returncode != 0:
            return ExhibitText(how="PDF", note="The text could not be read from this PDF; the evidence pack has it.")
        texts = [clean(page) for page in result.stdout.decode("utf-8", "replace").split("\f")]
        counted = f", {pages} page{'s' if pages != 1 else ''}" if pages else ""
        notes = []
        if pages > MAX_PAGES:
            notes.append(f"Only the first {MAX_PAGES} pages are printed here; the evidence pack has them all.")
        if any(texts):
            text = "\n\n".join(f"[Page {n}]\n{page}" for n, page in enumerate(texts, start=1) if page)
            text, note = capped(text)
            return ExhibitText(how=f"PDF{counted}: its text", text=text, note=" ".join([*notes, note]).strip())
        # No text: a scan. Pictures of its first pages, small enough to print at the width of the page.
        prefix = Path(tmp) / "page"
        shots = _run(
            [
                "pdftoppm",
                "-jpeg",
                "-jpegopt",
                "quality=75",
                "-scale-to",
                "1000",
                "-f",
                "1",
                "-l",
                str(MAX_PICTURES),
                str(path),
                str(prefix),
            ]
        )
        pictures = []
        if shots is not None and shots.returncode == 0:
            pictures = [shot.read_bytes() for shot in sorted(Path(tmp).glob("page*.jpg"))][:MAX_PICTURES]
        if not pictures:
            return ExhibitText(how=f"PDF{counted}", note="This PDF has no text that could be read; see the pack.")
        if pages > len(pictures):
            notes = [f"The first {len(pictures)} of its {pages} pages are shown; the evidence pack has them all."]
        return ExhibitText(how=f"PDF{counted}: pictures of its pages", pictures=pictures, note=" ".join(notes))


def exhibit_text(content_type: str, data: bytes, folder: Path | None = None) -> ExhibitText | None:
    """What the appendix prints for an exhibit of this type, or None for a type it does not read."""
    if content_type == "text/plain":
        return plain_text(data)
    if content_type == "message/rfc822":
        return email_text(data)
    if content_type == "application/pdf":
        return pdf_text(data, folder)
    return None
