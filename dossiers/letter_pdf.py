"""A letter to an agency laid out as a PDF on A4, as a careful office sends one (layout only, no reads).

The sender's name and address at the top right, the recipient's block at the left, the date, "Dear ...", the subject
in bold, the numbered paragraphs, the sign-off with room to sign and the name under it, then the enclosures. From the
second page a line at the top names the recipient, the date and the subject; "Page X of Y" at the foot of every page
when the letter runs to more than one (laid out twice: once to count the pages). A draft says DRAFT across every page
and at its head: only a final letter is sent.

Every word in it is a person's or a template's text and goes through the dossier's typesetting (pdf.plain()): never
read as ReportLab markup (whose <img> would load a local file), each character in a font that has it.
"""

import io
import shutil
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Spacer

from casework.documents import LetterDoc

from . import typeset
from .pdf import INK, MUTED, RULE, plain
from .statement_pdf import Numbered

MARGIN_X = 25 * mm
TOP = 18 * mm
BOTTOM = 22 * mm
DRAFT = "DRAFT"
DRAFT_NOTE = "DRAFT – not yet sent. Check every detail before you make this letter final."
ENCLOSURES = "Enclosures:"
PAGE = "Page {page} of {pages}"
WATERMARK = colors.Color(0.75, 0.1, 0.1, alpha=0.14)
MAX_PASSES = 3


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "letter-body",
        fontName="Body",
        fontSize=10,
        leading=14,
        textColor=INK,
        spaceAfter=7,
        allowWidows=0,
        allowOrphans=0,
    )
    block = ParagraphStyle("letter-block", parent=body, spaceAfter=0, leading=13.5)
    return {
        "body": body,
        "block": block,
        "block-right": ParagraphStyle("letter-block-right", parent=block, alignment=TA_RIGHT),
        "name-right": ParagraphStyle("letter-name-right", parent=block, fontName="Body-Bold", alignment=TA_RIGHT),
        "name": ParagraphStyle("letter-name", parent=block, fontName="Body-Bold"),
        "subject": ParagraphStyle("letter-subject", parent=body, fontName="Body-Bold", spaceBefore=2, spaceAfter=10),
        "draft": ParagraphStyle(
            "letter-draft",
            parent=body,
            fontName="Body-Bold",
            fontSize=9.5,
            leading=13,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#8a1c1c"),
            borderColor=colors.HexColor("#8a1c1c"),
            borderWidth=0.8,
            borderPadding=5,
            spaceAfter=14,
        ),
    }


def _story(doc: LetterDoc) -> list:
    st = _styles()
    story: list = []
    if doc.draft:
        story.append(plain(DRAFT_NOTE, st["draft"]))
    story.append(plain(doc.sender_name, st["name-right"]))
    story += [plain(line, st["block-right"]) for line in doc.sender_address]
    story.append(Spacer(1, 6 * mm))
    story.append(plain(doc.recipient_name, st["block"]))
    story += [plain(line, st["block"]) for line in doc.recipient_address]
    story.append(Spacer(1, 6 * mm))
    story.append(plain(doc.dated, st["block"]))
    story.append(Spacer(1, 6 * mm))
    story.append(plain(f"{doc.salutation},", st["body"]))
    story.append(plain(doc.subject, st["subject"]))
    numbered = [Numbered(f"{n}.", plain(text, st["body"]), st["body"]) for n, text in enumerate(doc.paragraphs, 1)]
    signature = [
        Spacer(1, 2 * mm),
        plain(doc.sign_off + ",", st["block"]),
        Spacer(1, 15 * mm),
        plain(doc.signature_name, st["name"]),
    ]
    # The sign-off, the room to sign and the name never on a page of their own: with the last paragraph.
    story += [*numbered[:-1], KeepTogether(numbered[-1:] + signature)]
    if doc.enclosures:
        parts = [Spacer(1, 8 * mm), plain(ENCLOSURES, st["name"])]
        parts += [plain(f"– {item}", st["block"]) for item in doc.enclosures]
        story.append(KeepTogether(parts))
    return story


class _Pages:
    def __init__(self, doc: LetterDoc, total: int):
        self.doc, self.total, self.count = doc, total, 0

    def first(self, canvas, _document) -> None:
        self.count += 1
        self._furniture(canvas)

    def later(self, canvas, _document) -> None:
        self.count += 1
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(MUTED)
        y = height - 12 * mm
        typeset.draw_string(canvas, MARGIN_X, y, f"{self.doc.recipient_name} – {self.doc.dated}", "Body", 8)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, y - 2.5 * mm, width - MARGIN_X, y - 2.5 * mm)
        canvas.restoreState()
        self._furniture(canvas)

    def _furniture(self, canvas) -> None:
        width, height = A4
        canvas.saveState()
        if self.total > 1:
            canvas.setFillColor(MUTED)
            canvas.setFont("Body", 8.5)
            canvas.drawCentredString(width / 2, 11 * mm, PAGE.format(page=self.count, pages=self.total))
        if self.doc.draft:
            canvas.setFillColor(WATERMARK)
            canvas.setFont("Body-Bold", 110)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(50)
            canvas.drawCentredString(0, -38, DRAFT)
        canvas.restoreState()


def _build(doc: LetterDoc, out: BinaryIO, total: int) -> int:
    document = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        # The letter's kind only: no names in the file's properties.
        title=doc.title,
        author="",
        subject="",
        creator="Referral Tracker",
        producer="Referral Tracker",
    )
    pages = _Pages(doc, total)
    first = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="first")
    later = Frame(document.leftMargin, document.bottomMargin, document.width, document.height - 6 * mm, id="later")
    document.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first], onPage=pages.first, autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[later], onPage=pages.later),
        ]
    )

    def canvasmaker(*args, **kwargs):
        kwargs["initialFontName"] = "Body"  # not ReportLab's Helvetica, named but never embedded
        return Canvas(*args, **kwargs)

    document.build(_story(doc), canvasmaker=canvasmaker)
    return pages.count


def render_letter_pdf(doc: LetterDoc, out: BinaryIO | str | Path) -> int:
    """Lay the letter out into `out` (a binary file or a path); returns its page count."""
    typeset.register()
    previous_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        total = 1
        for _ in range(MAX_PASSES):
            buffer = io.BytesIO()
            counted = _build(doc, buffer, total)
            if counted == total:
                break
            total = counted
        else:
            raise RuntimeError(f"the letter's page count did not settle: {total} or {counted}")
    finally:
        rl_config.useA85 = previous_a85
    buffer.seek(0)
    if isinstance(out, str | Path):
        with open(out, "wb") as handle:
            shutil.copyfileobj(buffer, handle)
    else:
        shutil.copyfileobj(buffer, out)
    return total
