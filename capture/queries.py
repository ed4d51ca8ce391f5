"""The reads of web captures: a case's captures, one capture with its files, and an exhibit's history (the
first capture and every re-check of it, each said as what the page was then: present, changed, gone,
unreachable), with the text that changed."""

import difflib
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from vault import store
from vault.models import Timestamp

from .models import Capture, CaptureFile

DIFF_LINES = 200  # at most this many changed lines are shown; the text files hold the rest


def case_captures(case) -> QuerySet[Capture]:
    return Capture.objects.filter(case=case).select_related("incident", "evidence", "requested_by", "first")


def first_captures(case) -> QuerySet[Capture]:
    """A case's captures as they are listed: first captures, newest first, with their re-checks counted."""
    return (
        case_captures(case)
        .filter(first__isnull=True)
        .prefetch_related(Prefetch("rechecks", queryset=Capture.objects.order_by("requested_at", "pk")))
    )


def capture_with_files(case, capture_id: int) -> Capture | None:
    return (
        case_captures(case)
        .prefetch_related(Prefetch("files", queryset=CaptureFile.objects.order_by("pk")))
        .filter(pk=capture_id)
        .first()
    )


@dataclass
class Listing:
    files: list[tuple[str, int]]  # each file in the WACZ: its name and size
    records: list[dict]  # each WARC record: type, uri, status, content_type, length
    more: int = 0
    problem: str = ""


LISTED_RECORDS = 2000


def archive_listing(case, kept: CaptureFile) -> Listing:
    """What a WACZ holds, read from the stored copy (decrypted into a private temporary file)."""
    from warcio.archiveiterator import ArchiveIterator  # the worker's package; imported when a listing is read

    with tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as handle:
        for chunk in store.read_chunks(case, kept.storage_name):
            handle.write(chunk)
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as wacz:
                files = [(info.filename, info.file_size) for info in wacz.infolist()]
                records, count = [], 0
                for name, _size in files:
                    if not name.startswith("archive/") or not name.endswith((".warc", ".warc.gz")):
                        continue
                    with wacz.open(name) as warc:
                        for record in ArchiveIterator(warc):
                            count += 1
                            if len(records) >= LISTED_RECORDS:
                                continue
                            http = record.http_headers
                            records.append(
                                {
                                    "type": record.rec_type,
                                    "uri": record.rec_headers.get_header("WARC-Target-URI") or "",
                                    "status": http.get_statuscode() if http is not None else "",
                                    "content_type": (http.get_header("Content-Type") if http is not None else None)
                                    or record.rec_headers.get_header("Content-Type")
                                    or "",
                                    "length": int(record.rec_headers.get_header("Content-Length") or 0),
                                }
                            )
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            return Listing(files=[], records=[], problem=f"The archive could not be read ({error}).")
    return Listing(files=files, records=records, more=max(0, count - len(records)))


def capture_file(capture: Capture, role: str) -> CaptureFile | None:
    return CaptureFile.objects.filter(capture=capture, role=role).first()


@dataclass
class Entry:
    """One line of an exhibit's history."""

    capture: Capture
    state: str  # captured (the first), present, changed, gone, unreachable, timed_out, refused, waiting, failed
    label: str
    diff: list[tuple[str, str]] = field(default_factory=list)  # ("+" or "-", line)
    diff_more: int = 0  # changed lines not shown
    archive_timestamp: object = None  # vault.models.Timestamp of the archive's manifest, once it has one

    @property
    def when(self):
        return self.capture.captured_at or self.capture.finished_at or self.capture.requested_at


LABELS = {
    "captured": "Captured",
    "present": "Present, unchanged",
    "changed": "Changed",
    "gone": "Gone",
    "unreachable": "Could not be reached",
    "timed_out": "Did not finish loading",
    "refused": "Refused",
    "waiting": "Being checked",
    "failed": "Check did not run",
}


def chain(first: Capture) -> list[Capture]:
    """The first capture and its re-checks, oldest first."""
    first = first.first or first
    rechecks = Capture.objects.filter(first=first).select_related("requested_by").order_by("requested_at", "pk")
    return [first, *rechecks]


def _text(capture: Capture, case) -> str:
    kept = capture_file(capture, "text")
    if kept is None:
        return ""
    return store.read_all(case, kept.storage_name).decode("utf-8", "replace")


def history(first: Capture, *, case, diffs: bool = True) -> list[Entry]:
    """What the page was at each check. "Present" and "changed" compare the page's text with the last check
    that reached it (its SHA-256); a changed entry carries the lines that went and came (`diffs`), and each
    check's archive its trusted timestamp, if it has one."""
    entries = _read(chain(first), case=case, diffs=diffs)
    hashes = [e.capture.manifest_sha256 for e in entries if e.capture.manifest_sha256]
    if hashes:
        stamps = {
            row.sha256: row
            for row in Timestamp.objects.filter(case_id=case.pk, sha256__in=hashes, status=Timestamp.Status.DONE)
        }
        for entry in entries:
            entry.archive_timestamp = stamps.get(entry.capture.manifest_sha256)
    return entries


def _read(checks: list[Capture], *, case, diffs: bool) -> list[Entry]:
    entries: list[Entry] = []
    last_seen: Capture | None = None
    for capture in checks:
        if capture.status == Capture.Status.FAILED:
            state = "failed"
        elif capture.status != Capture.Status.DONE:
            state = "waiting"
        elif capture.outcome != Capture.Outcome.CAPTURED:
            state = capture.outcome
        elif last_seen is None:
            state = "captured"
        elif capture.text_sha256 == last_seen.text_sha256:
            state = "present"
        else:
            state = "changed"
        entry = Entry(capture=capture, state=state, label=LABELS[state])
        if state == "changed" and diffs:
            before, after = _text(last_seen, case).splitlines(), _text(capture, case).splitlines()
            lines = [
                (line[0], line[1:])
                for line in difflib.unified_diff(before, after, lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))
            ]
            entry.diff, entry.diff_more = lines[:DIFF_LINES], max(0, len(lines) - DIFF_LINES)
        if capture.status == Capture.Status.DONE and capture.outcome == Capture.Outcome.CAPTURED:
            last_seen = capture
        entries.append(entry)
    return entries


def case_histories(case) -> dict[int, list[Entry]]:
    """Every web exhibit's history in the case, by exhibit id, without the changed lines (for the dossier)."""
    checks: dict[int, list[Capture]] = {}
    exhibit_of: dict[int, int] = {}
    for capture in Capture.objects.filter(case=case).order_by("requested_at", "pk"):
        first_id = capture.first_id or capture.pk
        checks.setdefault(first_id, []).append(capture)
        if capture.first_id is None and capture.evidence_id:
            exhibit_of[first_id] = capture.evidence_id
    return {exhibit: _read(checks[first_id], case=case, diffs=False) for first_id, exhibit in exhibit_of.items()}


def exhibit_history(evidence, *, diffs: bool = True) -> list[Entry]:
    """The history of the web page an exhibit was captured from ([] for any other exhibit)."""
    first = Capture.objects.filter(evidence=evidence, first__isnull=True).first()
    return history(first, case=evidence.case, diffs=diffs) if first else []
