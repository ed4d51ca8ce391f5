"""Compile a case into a dossier: snapshot, re-check every exhibit, lay out, sign, pack, store.

The task (dossiers.tasks) claims the row, calls dossier_compile with a `progress` callback, and finishes
or fails the row with what this returns. This module writes no row: it reports each stage through the
callback, which answers False once the run has lost its claim (its worker was presumed dead and the
dossier restarted), and then the compile stops. Every read of the case goes through incidents.queries.
"""

import csv
import datetime as dt
import io
import json
import re
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.text import get_valid_filename

from audit.actions import Action
from audit.models import case_chain
from audit.verify import verify_chain
from capture import queries as capture_queries
from casework import offences
from casework.queries import letters as letter_queries
from casework.queries.offences import case_today, checklist_for_party
from casework.queries.statements import statement_doc, statement_for_case
from incidents.models import AgencyReference, Case, Evidence, Incident, Party
from incidents.queries.activity import actor_names, incident_record_events
from incidents.queries.cases import case_children, case_summary
from incidents.queries.evidence import case_exhibits, exhibit_incident_ids
from incidents.queries.incidents import incident_links, incident_rows, when_text, withdrawn_in_period
from incidents.queries.parties import case_parties
from incidents.queries.references import case_references
from incidents.queries.timestamps import case_timestamps
from vault import store
from vault.downloads import spreadsheet_safe  # manifest.csv's cells: no formula runs

from . import exhibit_text, letter_docx, letter_pdf, pdf, signing, statement_docx, statement_pdf
from .models import Dossier

# progress(percent, stage) -> False once this run has lost its claim on the row.
Progress = Callable[[int, str], bool]


class CompileError(Exception):
    """A reason the dossier cannot be made, worded for the person who asked for it."""


@dataclass(frozen=True)
class Compiled:
    """What a compile made and stored, by the names of the Dossier fields that keep it."""

    file_name: str
    sha256: str
    size: int
    pages: int
    pack_name: str
    pack_sha256: str
    pack_size: int
    timings: dict[str, float] = field(default_factory=dict)


def redactor(case: Case, enabled: bool):
    """A function that replaces each child's full name, then each first name, with their initials."""
    if not enabled:
        return lambda text: text or ""
    pairs = []
    for child in case_children(case):
        pairs.append((child.name.strip(), child.initials))
        first = child.name.split()[0] if child.name.split() else ""
        if len(first) >= 2:
            pairs.append((first, child.initials))
    pairs.sort(key=lambda pair: -len(pair[0]))
    if not pairs:
        return lambda text: text or ""
    pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name, _ in pairs) + r")\b", re.IGNORECASE)
    lookup = {name.lower(): initials for name, initials in pairs}
    return lambda text: pattern.sub(lambda m: lookup[m.group(0).lower()], text or "")


def number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5, 7, 8] -> "1–3, 5, 7–8": a suspect linked to hundreds of incidents stays readable."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _local(value: dt.datetime, case: Case) -> dt.datetime:
    return timezone.localtime(value, case.zone)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def withdrawn_entries(case: Case, start: dt.datetime | None, end: dt.datetime | None) -> list[pdf.WithdrawnEntry]:
    """The period's withdrawn incidents, for the statement of record (the chronology leaves them out)."""
    return [
        pdf.WithdrawnEntry(
            number=f"W{n}",
            when=when_text(row["occurred_at"], row["occurred_precision"], case.zone),
            title=Incident.display_title_for(row["title"], row["kind"]),
            reason=row["withdrawn_reason"],
            withdrawn=f"Withdrawn {_local(row['withdrawn_at'], case):%-d %b %Y %H:%M %Z} by "
            f"{row['withdrawn_by_name'] or 'a former member'}",
        )
        for n, row in enumerate(withdrawn_in_period(case, start, end), start=1)
    ]


def snapshot(dossier: Dossier) -> tuple[pdf.DossierData, list[Evidence]]:
    """Everything the document shows, read through incidents.queries and the audit trail, and the
    exhibits in mark order."""
    case, options = dossier.case, dossier.options
    redact = redactor(case, bool(options.get("redact")))

    def text(value: str) -> str:
        return escape(redact(value))

    start = end = None
    if options.get("date_from"):
        start = dt.datetime.combine(dt.date.fromisoformat(options["date_from"]), dt.time.min, tzinfo=case.zone)
    if options.get("date_to"):
        end = dt.datetime.combine(
            dt.date.fromisoformat(options["date_to"]) + dt.timedelta(days=1), dt.time.min, tzinfo=case.zone
        )
    incidents = incident_rows(case, start, end)
    numbers = {row["id"]: n for n, row in enumerate(incidents, start=1)}
    links = incident_links(case, list(numbers), exhibits=True)
    kinds = dict(Incident.Kind.choices)
    precisions = dict(Incident.Precision.choices)
    titles = {row["id"]: Incident.display_title_for(row["title"], row["kind"]) for row in incidents}
    entries = []
    for row in incidents:
        pk, kind, precision = row["id"], row["kind"], row["occurred_precision"]
        link = links[pk]
        entries.append(
            pdf.IncidentEntry(
                number=numbers[pk],
                when=when_text(row["occurred_at"], precision, case.zone),
                precision=precisions.get(precision, precision),
                kind=kinds.get(kind, kind),
                title=titles[pk],
                narrative=row["narrative"],
                impact=row["impact"],
                where=" ".join(x for x in (row["platform"], row["url"]) if x),
                parties=[f"{party.name} ({party.role})" for party in link.parties],
                references=[
                    f"{pdf.keep_whole(r.number)} ({r.kind}{', ' + r.agency if r.agency else ''})"
                    for r in link.references
                ],
                exhibits=link.exhibits,
                outcome=row["outcome"],
                tags=link.tags,
            )
        )

    exhibits = case_exhibits(case)
    cited_by = exhibit_incident_ids(case)
    stamps = case_timestamps(case)
    histories = capture_queries.case_histories(case)
    exhibit_entries = []
    for ex in exhibits:
        cited = [
            str(numbers[pk])
            for pk in sorted(cited_by.get(ex.pk, ()), key=lambda pk: numbers.get(pk, 0))
            if pk in numbers
        ]
        exhibit_entries.append(
            pdf.ExhibitEntry(
                mark=ex.mark,
                description=ex.description,
                kind=ex.get_kind_display(),
                obtained=", ".join(
                    x for x in (ex.obtained_at.strftime("%-d %b %Y") if ex.obtained_at else "", ex.obtained_from) if x
                ),
                content_type=ex.content_type or "link",
                size=_size(ex.size) if ex.has_file else "",
                sha256=ex.sha256,
                source_url=ex.source_url,
                withdrawn=ex.withdrawn_reason if ex.is_withdrawn else "",
                incidents=", ".join(cited),
                timestamped=_timestamped(stamps.get(ex.sha256) if ex.sha256 else None, case),
                web_history=[_checked(entry, case) for entry in histories.get(ex.pk, ())],
            )
        )

    summary = case_summary(case)
    parties = []
    suspects: list[Party] = []
    party_numbers: dict[int, list[int]] = defaultdict(list)
    for pk, link in links.items():
        for party in link.parties:
            party_numbers[party.id].append(numbers[pk])
    for party in case_parties(case):
        if party.kind == Party.Kind.SUSPECT:
            suspects.append(party)
        names = "; ".join([pdf.keep_whole(h) for h in party.handle_list] + party.alias_list)
        nums = number_ranges(party_numbers.get(party.pk, []))  # "" for none: the layout says so
        parties.append((party.name, party.get_kind_display(), names, nums))

    members = actor_names(case)
    record_lines: dict[int, list[str]] = defaultdict(list)
    for event in incident_record_events(case, list(numbers)):
        who = members.get(event.actor_id, event.actor_label)
        when = _local(event.occurred_at, case).strftime("%-d %b %Y %H:%M %Z")
        verb = "Logged" if event.action == Action.INCIDENT_LOG else f"Changed (version {event.details.get('revision')})"
        record_lines[event.target_id].append(f"{verb} {when} by {who} (audit event {event.sequence})")
    record = [(f"{n}. {redact(titles[pk])}"[:80], "; ".join(record_lines.get(pk, []))) for pk, n in numbers.items()]
    checked, broken = verify_chain(case_chain(case.pk))
    audit_statement = (
        f"This statement lists when each incident was logged and changed, as recorded in the case's audit trail. "
        f"The audit trail is append-only and hash-chained; when this dossier was compiled its {checked} events "
        + ("verified intact." if broken is None else f"did NOT verify: {broken.reason} at event {broken.sequence}.")
    )

    first, last = (incidents[0]["occurred_at"], incidents[-1]["occurred_at"]) if incidents else (None, None)
    period = f"{_local(first, case):%-d %B %Y} to {_local(last, case):%-d %B %Y}" if first else "No incidents"
    now = _local(timezone.now(), case)
    references = list(case_references(case))
    audience = options.get("audience", "")
    # Only a police dossier carries these, whatever its options say (the request was refused otherwise).
    police = audience == Dossier.Audience.POLICE
    data = pdf.DossierData(
        case_title=redact(case.title),
        prepared_by=dossier.requested_by.full_name,
        prepared_at=now.strftime("%-d %B %Y, %H:%M %Z"),
        audience=dict(Dossier.Audience.choices).get(options.get("audience", ""), "Not stated"),
        verification_code=dossier.verification_code,
        verify_url=f"{settings.SITE_URL.rstrip('/')}/verify/",
        period=period,
        time_zone_note=f"Times are in {case.time_zone} time (GMT or BST as marked). Incidents are numbered in date "
        "order; exhibits are cited by their marks.",
        photos_inline=options.get("photos", "inline") == "inline",
        redacted=bool(options.get("redact")),
        counts_by_kind=[(label, n) for _, label, n in summary.counts_by_kind],
        months=[(bar.month.strftime("%b %y"), bar.counts) for bar in summary.months],
        kinds_in_chart=summary.kinds_in_chart,
        suspects=[(p.name, ", ".join(map(pdf.keep_whole, p.handle_list)), p.incident_count) for p in summary.suspects],
        agencies=[
            (r.number, r.get_kind_display(), r.agency.name if r.agency else "", r.officer, r.get_status_display())
            for r in references
        ],
        incidents=entries,
        parties=parties,
        exhibits=exhibit_entries,
        record=record,
        audit_statement=audit_statement,
        withdrawn=withdrawn_entries(case, start, end),
        text=text,
        redact=redact,
        subject=case.subject_name if options.get("cover_subject", True) else "",
        contact=case.subject_contact if options.get("cover_contact", True) else "",
        cover_references=cover_references(references, audience) if options.get("cover_references", True) else [],
        statement=statement_section(case) if police and options.get("include_statement") else None,
        checklist=checklist_section(case, suspects, numbers) if police and options.get("include_checklist") else None,
    )
    return data, exhibits


def statement_section(case: Case) -> pdf.StatementSection:
    """The case's draft witness statement as it stands, never with the maker's address or telephone number."""
    statement = statement_for_case(case=case, kind="witness")
    if statement is None:
        raise CompileError(
            "This dossier was to include the draft witness statement, but the case has none. "
            "Start it on the statement page, or ask for the dossier without it."
        )
    doc = statement_doc(statement=statement, include_contact=False)
    return pdf.StatementSection(
        maker=doc.maker_name,
        age=doc.maker_age,
        occupation=doc.maker_occupation,
        revision=doc.revision,
        paragraphs=[(paragraph.number, paragraph.text) for paragraph in doc.paragraphs],
    )


def _incidents_in_words(ids: tuple[int, ...], numbers: dict[int, int]) -> str:
    """ "3 incidents: No. 1–2 in the chronology, 1 outside this dossier's period"."""
    if not ids:
        return "No incidents."
    shown = [numbers[pk] for pk in ids if pk in numbers]
    outside = len(ids) - len(shown)
    parts = [f"No. {number_ranges(shown)} in the chronology"] if shown else []
    if outside:
        parts.append(f"{outside} outside this dossier's period")
    return f"{len(ids)} incident{'s' if len(ids) != 1 else ''}: {', '.join(parts)}"


def checklist_section(case: Case, suspects: list[Party], numbers: dict[int, int]) -> pdf.ChecklistSection:
    """The offence checklist (casework.offences) for each suspected person, as of today where the case is. For
    a case in Scotland, only the message that its law is not covered."""
    if case.nation == offences.SCOTLAND:
        return pdf.ChecklistSection(notice=offences.SCOTLAND_NOTICE, disclaimer="", people=[])
    today = case_today(case, timezone.now())
    notices: dict[str, None] = {}
    people = []
    for party in suspects:
        checklist = checklist_for_party(case=case, party=party, today=today)
        if checklist.notice:
            notices[checklist.notice] = None  # the same for every person (the case's nation): said once
        people.append(
            pdf.ChecklistPerson(
                name=party.name,
                incidents=_incidents_in_words(checklist.incident_ids, numbers),
                notes=list(checklist.notes),
                offences=[
                    pdf.ChecklistOffence(
                        name=offence.name,
                        law=offence.law,
                        incidents=_incidents_in_words(offence.incident_ids, numbers),
                        checks=[(check.status_words, check.label, check.detail) for check in offence.checks],
                        lacks=list(offence.lacks),
                    )
                    for offence in checklist.offences
                ],
            )
        )
    return pdf.ChecklistSection(notice=" ".join(notices), disclaimer=offences.DISCLAIMER, people=people)


# The references a cover names, by kind; the audience's own first.
COVER_REFERENCE_KINDS = (AgencyReference.Kind.POLICE, AgencyReference.Kind.SOCIAL_SERVICES)


def cover_references(references: list[AgencyReference], audience: str) -> list[tuple[str, str]]:
    """("Police crime reference", "HCC/1, HCC/2"), ("Social services case number", ...): each kind the case has."""
    kinds = sorted(COVER_REFERENCE_KINDS, key=lambda kind: kind != audience)
    lines = []
    for kind in kinds:
        numbers = [pdf.keep_whole(r.number) for r in references if r.kind == kind]
        if numbers:
            lines.append((kind.label, ", ".join(numbers)))
    return lines


def _tee(write: Callable[[bytes], object], kept: bytearray) -> Callable[[bytes], None]:
    def both(chunk: bytes) -> None:
        write(chunk)
        kept.extend(chunk)

    return both


def pack_exhibits(archive: zipfile.ZipFile, exhibits: list[Evidence], data: pdf.DossierData, progress) -> list[dict]:
    """Copy every original into the evidence pack, named by its mark, re-hashing it as it is copied.

    This is the check that runs before the pages are laid out: an exhibit whose stored bytes no longer
    match its recorded SHA-256 fails the dossier with a message naming it. A dossier never silently
    includes altered evidence. Returns the manifest's rows.
    """
    cited = {entry.mark: entry.incidents for entry in data.exhibits}
    entries = {entry.mark: entry for entry in data.exhibits}
    appendix_left = exhibit_text.MAX_TOTAL_CHARS  # the appendix's room, so that a case of many letters stays printable
    rows = []
    total = max(1, len(exhibits))
    for n, ex in enumerate(exhibits, start=1):
        row = {
            "mark": ex.mark,
            "file": "",
            "size": ex.size,
            "sha256": ex.sha256,
            "obtained": " ".join(
                x for x in (ex.obtained_at.isoformat() if ex.obtained_at else "", ex.obtained_from) if x
            ),
            "uploaded": ex.uploaded_at.isoformat(),
            "incidents": cited.get(ex.mark, ""),
            "withdrawn": ex.withdrawn_reason if ex.is_withdrawn else "",
            "source_url": ex.source_url,
        }
        if ex.has_file:
            # The name it has in every download too ("AJ-3.png": the mark and its sniffed type).
            row["file"] = f"exhibits/{get_valid_filename(ex.file_name)}"
            # A letter, an email or a note is kept as it is copied, for the appendix that prints its text.
            kept = (
                bytearray()
                if appendix_left > 0 and not ex.is_withdrawn and exhibit_text.wanted(ex.content_type, ex.size)
                else None
            )
            with archive.open(row["file"], "w", force_zip64=True) as member:
                problem = store.copy_checked(ex, member.write if kept is None else _tee(member.write, kept))
            if problem:
                raise CompileError(
                    f"Exhibit {ex.mark} does not match its recorded fingerprint: {problem}. The dossier was not made."
                )
            if kept is not None and ex.mark in entries:
                entries[ex.mark].appendix = read = exhibit_text.exhibit_text(ex.content_type, bytes(kept))
                appendix_left -= len(read.text) + 2000 * len(read.pictures) if read else 0
        rows.append(row)
        if n % 20 == 0:
            progress(n / total)
    return rows


def finish_pack(archive: zipfile.ZipFile, pdf_path: Path, pdf_name: str, rows: list[dict], code: str) -> None:
    """The signed PDF and the manifests, after the originals (pack_exhibits)."""
    archive.write(pdf_path, pdf_name)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]) if rows else ["mark"])
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    archive.writestr("manifest.csv", text.getvalue())
    archive.writestr("manifest.json", json.dumps({"verification_code": code, "exhibits": rows}, indent=2))


def _file_chunks(path: Path, size: int = 1024 * 1024):
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def dossier_compile(dossier: Dossier, progress: Progress) -> Compiled:
    """Make the dossier's signed PDF and evidence pack and store both; what was stored, for the task to
    finish the row with (or to discard, if the row is no longer this run's). A statement row is made by
    statement_compile(), through the same task, claim and finish."""
    if dossier.document == Dossier.Document.LETTER:
        return letter_compile(dossier, progress)
    if dossier.is_statement:
        return statement_compile(dossier, progress)
    case = dossier.case
    step = _Stages(progress, "This dossier was restarted elsewhere.")

    step(5, "Reading the case")
    data, exhibits = snapshot(dossier)
    step(15, "Checking every exhibit")
    pdf_name = f"dossier-{dossier.verification_code}.pdf"
    with tempfile.TemporaryDirectory(prefix="dossier-") as tmp:
        tmp = Path(tmp)
        unsigned, signed, pack = tmp / "unsigned.pdf", tmp / "dossier.pdf", tmp / "pack.zip"
        # The evidence pack is begun with the originals: copying each one re-hashes it, which is the
        # check that runs before anything is laid out (one pass over the evidence, not two).
        with zipfile.ZipFile(pack, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            rows = pack_exhibits(
                archive, exhibits, data, lambda f: progress(15 + int(20 * f), "Checking every exhibit")
            )
            if data.photos_inline:
                for entry, ex in zip(data.exhibits, exhibits, strict=True):
                    if ex.preview_name and not ex.is_withdrawn:
                        entry.image = store.read_all(case, ex.preview_name)
            step(35, "Laying out the pages")
            with open(unsigned, "wb") as out:
                pages = pdf.render(data, out, progress=lambda f: progress(35 + int(40 * f), "Laying out the pages"))
            step(75, "Signing")
            _sign(unsigned, signed, reason=f"Dossier {dossier.verification_code}")
            step(85, "Packing the evidence")
            finish_pack(archive, signed, pdf_name, rows, dossier.verification_code)
        step(95, "Saving")
        stored_pdf = store.store_stream(case, _file_chunks(signed))
        stored_pack = store.store_stream(case, _file_chunks(pack))
    return _compiled(stored_pdf, stored_pack, pages=pages, timings=step.finish())


class _Stages:
    """A run's stages: `step(percent, stage)` records how long the stage before took and tells the page which
    stage is running now (a run whose row was claimed elsewhere stops); `finish()` the timings of them all."""

    def __init__(self, progress, restarted: str):
        self._progress, self._restarted = progress, restarted
        self.timings: dict[str, float] = {}
        self._clock, self._current = time.perf_counter(), ""

    def __call__(self, percent: int, stage: str) -> None:
        self._lap()
        self._clock, self._current = time.perf_counter(), stage
        if not self._progress(percent, stage):
            raise CompileError(self._restarted)

    def _lap(self) -> None:
        if self._current:
            self.timings[self._current] = round(time.perf_counter() - self._clock, 3)

    def finish(self) -> dict[str, float]:
        self._lap()
        return self.timings


def _checked(entry, case: Case) -> str:
    """One check of a captured web page, for the exhibit list: when, what it was, what the address answered."""
    when = _local(entry.when, case).strftime("%-d %b %Y %H:%M %Z")
    message = entry.capture.error if entry.state == "failed" else entry.capture.message
    return f"{when}: {entry.label}." + (f" {message}" if message and entry.state != "waiting" else "")


def _timestamped(stamp, case: Case) -> str:
    """The exhibit list's line for a trusted timestamp of an exhibit's hash ("" for none)."""
    if stamp is None:
        return ""
    when = _local(stamp.timestamped_at, case).strftime("%-d %b %Y %H:%M:%S %Z")
    return f"timestamped by {stamp.tsa_name or stamp.tsa_url} at {when}"


def _sign(unsigned: Path, signed: Path, *, reason: str) -> None:
    """The PDF signed (signing.py), or the run failed with the reason a person can act on."""
    try:
        with open(unsigned, "rb") as source, open(signed, "wb") as destination:
            signing.sign_pdf(source, destination, reason=reason)
    except signing.SigningUnavailable as error:
        raise CompileError(str(error)) from None


def _compiled(pdf_file, second, *, pages: int, timings: dict) -> Compiled:
    """What a run made: the signed PDF and the file beside it (a dossier's evidence pack, a statement's DOCX)."""
    return Compiled(
        file_name=pdf_file.storage_name,
        sha256=pdf_file.sha256,
        size=pdf_file.size,
        pages=pages,
        pack_name=second.storage_name,
        pack_sha256=second.sha256,
        pack_size=second.size,
        timings=timings,
    )


# Statements ------------------------------------------------------------------------------------------------

STATEMENT_KINDS = {
    Dossier.Document.WITNESS_STATEMENT: "witness",
    Dossier.Document.VICTIM_STATEMENT: "victim",
}
DOCX_NAME = "statement.docx"


def statement_compile(dossier: Dossier, progress: Progress) -> Compiled:
    """Make a statement draft's signed PDF (MG11 shape) and its DOCX, and store both: the PDF as the row's file,
    the DOCX where a dossier keeps its evidence pack. Every exhibit the statement produces is re-hashed first, as
    for a dossier: a statement never produces an exhibit whose bytes have changed.

    The row's options: include_contact (print the maker's address and telephone on the PDF's separate
    contact page; default no), dated (an ISO date printed beside the signatures; default none, to be written
    by hand)."""
    case, options = dossier.case, dossier.options
    step = _Stages(progress, "This statement was restarted elsewhere.")

    step(5, "Reading the statement")
    kind = STATEMENT_KINDS[Dossier.Document(dossier.document)]
    statement = statement_for_case(case=case, kind=kind)
    if statement is None:
        raise CompileError("There is no draft of this statement yet. Start it on the statement page first.")
    dated = dt.date.fromisoformat(options["dated"]) if options.get("dated") else None
    doc = statement_doc(statement=statement, include_contact=bool(options.get("include_contact")), dated=dated)
    if not doc.paragraphs:
        raise CompileError("The statement has no paragraphs yet: write an opening or log an incident first.")

    step(15, "Checking every exhibit")
    produced = {exhibit.mark for exhibit in doc.exhibits}
    for ex in case_exhibits(case):
        if ex.mark in produced and ex.has_file:
            problem = store.copy_checked(ex, lambda _chunk: None)
            if problem:
                raise CompileError(
                    f"Exhibit {ex.mark} does not match its recorded fingerprint: {problem}. The statement was not made."
                )

    with tempfile.TemporaryDirectory(prefix="statement-") as tmp:
        tmp = Path(tmp)
        unsigned, signed, docx = tmp / "unsigned.pdf", tmp / "statement.pdf", tmp / DOCX_NAME
        step(40, "Laying out the pages")
        pages = statement_pdf.render_statement_pdf(doc, unsigned)
        step(65, "Signing")
        _sign(unsigned, signed, reason=f"{doc.title} {dossier.verification_code}")
        step(80, "Writing the Word document")
        statement_docx.render_statement_docx(doc, docx)
        step(95, "Saving")
        stored_pdf = store.store_stream(case, _file_chunks(signed))
        stored_docx = store.store_stream(case, _file_chunks(docx))
    return _compiled(stored_pdf, stored_docx, pages=pages, timings=step.finish())


LETTER_DOCX_NAME = "letter.docx"


def letter_compile(dossier: Dossier, progress: Progress) -> Compiled:
    """Make a letter's signed PDF and its Word document, and store both (as a statement's are). The row's
    options: {"letter": id, "title": the letter's title}. A draft is printed marked DRAFT on every page."""
    case = dossier.case
    step = _Stages(progress, "This letter was restarted elsewhere.")
    step(10, "Reading the letter")
    letter = letter_queries.letter_detail(case, dossier.options.get("letter"))
    if letter is None:
        raise CompileError("This letter is no longer in the case.")
    doc = letter_queries.letter_document(letter)
    with tempfile.TemporaryDirectory(prefix="letter-") as tmp:
        tmp = Path(tmp)
        unsigned, signed, docx = tmp / "unsigned.pdf", tmp / "letter.pdf", tmp / LETTER_DOCX_NAME
        step(30, "Laying out the letter")
        pages = letter_pdf.render_letter_pdf(doc, unsigned)
        step(60, "Signing")
        _sign(unsigned, signed, reason=f"Letter {dossier.verification_code}")
        step(80, "Writing the Word document")
        letter_docx.render_letter_docx(doc, docx)
        step(95, "Saving")
        stored_pdf = store.store_stream(case, _file_chunks(signed))
        stored_docx = store.store_stream(case, _file_chunks(docx))
    return _compiled(stored_pdf, stored_docx, pages=pages, timings=step.finish())
