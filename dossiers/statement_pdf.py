"""A witness statement or victim personal statement laid out as a PDF in the shape of the police form MG11.

The first page opens with the form's header block (title, legal line, URN, who makes the statement, their age,
occupation) and the declaration with the page count written in; the numbered paragraphs follow; every page of the
statement ends with a place to sign, a place for the signature's witness and "Page X of Y". No signature image is
drawn: the maker signs the printed pages. The maker's address and telephone, when she chose to give them, are on a
last page of their own, marked not for disclosure and not counted in the statement's pages, as on the MG11's reverse.

The page count is written in the declaration on page 1 and at the foot of every page, so the statement is laid out
twice: once to count its pages, then with the count (again if writing the count in moved a line to another page).

Every word the maker typed goes through the dossier's typesetting (dossiers/typeset.py, via pdf.plain() and
pdf.labelled()): never read as ReportLab markup (which can load local files), each character in a font that has it,
right-to-left lines in order. The fixed words come from statement_layout.py, which the DOCX uses too.
"""

import io
import shutil
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from casework.documents import StatementDoc

from . import statement_layout as layout
from . import typeset
from .pdf import INK, MUTED, RULE, _Paragraph, labelled, plain

MARGIN_X = 20 * mm
TOP = 16 * mm
BOTTOM = 30 * mm  # room for the signature lines and the page number under the frame
NUMBER_WIDTH = 10 * mm  # the column the paragraph numbers stand in
MAX_PASSES = 4


def _styles() -> dict[str, ParagraphStyle]:
    # No line of a paragraph left alone at the foot or the head of a page.
    body = ParagraphStyle(
        "st-body",
        fontName="Body",
        fontSize=10.5,
        leading=15,
        textColor=INK,
        spaceAfter=7,
        allowWidows=0,
        allowOrphans=0,
    )
    return {
        "body": body,
        "title": ParagraphStyle(
            "st-title", parent=body, fontName="Body-Bold", fontSize=15, leading=19, alignment=TA_CENTER, spaceAfter=2
        ),
        "legal": ParagraphStyle(
            "st-legal", parent=body, fontSize=7.5, leading=10, alignment=TA_CENTER, textColor=MUTED, spaceAfter=0
        ),
        "field": ParagraphStyle("st-field", parent=body, fontSize=10, leading=13.5, spaceAfter=0),
        "urn": ParagraphStyle("st-urn", parent=body, fontSize=10, leading=13.5, alignment=TA_RIGHT, spaceAfter=0),
        "hint": ParagraphStyle("st-hint", parent=body, fontSize=7.5, leading=10, textColor=MUTED, spaceAfter=0),
        "declaration": ParagraphStyle("st-decl", parent=body, fontSize=9.5, leading=13, spaceAfter=6),
        "sign": ParagraphStyle("st-sign", parent=body, fontSize=10, leading=14, spaceAfter=0),
        "h2": ParagraphStyle("st-h2", parent=body, fontName="Body-Bold", fontSize=13, leading=17, spaceAfter=4),
        "marker": ParagraphStyle(
            "st-marker", parent=body, fontName="Body-Bold", fontSize=10, leading=13, alignment=TA_CENTER, spaceAfter=0
        ),
        "note": ParagraphStyle("st-note", parent=body, fontSize=9, leading=12.5, textColor=MUTED, spaceAfter=10),
    }


class Numbered(Flowable):
    """A numbered paragraph: its number in a column on the left, its text beside it; split over pages like a
    paragraph (the number only beside the first part)."""

    def __init__(self, number: str, paragraph, style: ParagraphStyle):
        super().__init__()
        self.number, self.paragraph, self.style = number, paragraph, style
        self.width = self.height = 0

    def wrap(self, availWidth, availHeight):
        _, height = self.paragraph.wrap(availWidth - NUMBER_WIDTH, availHeight)
        self.width, self.height = availWidth, height
        return self.width, self.height

    def split(self, availWidth, availHeight):
        parts = self.paragraph.split(availWidth - NUMBER_WIDTH, availHeight)
        if not parts:
            return []
        first, *rest = parts
        return [Numbered(self.number, first, self.style), *(Numbered("", part, self.style) for part in rest)]

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        if self.number:
            self.canv.setFont("Body", self.style.fontSize)
            self.canv.setFillColor(INK)
            # On the paragraph's first baseline.
            self.canv.drawString(0, self.height - self.style.fontSize, self.number)
        self.paragraph.drawOn(self.canv, NUMBER_WIDTH, 0)


def _box(rows: list[list], widths: list[float], spans=()) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Body", 9),  # an empty cell's font: not an unembedded Helvetica
                ("BOX", (0, 0), (-1, -1), 0.9, INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *spans,
            ]
        )
    )
    return table


def _story(doc: StatementDoc, pages: int, width: float) -> list:
    st = _styles()
    p = _Paragraph
    name, age, occupation = layout.header(doc)
    header = _box(
        [
            [p(escape(layout.title(doc)), st["title"]), ""],
            [p(escape(layout.LEGAL_LINE), st["legal"]), ""],
            ["", labelled(layout.URN_LABEL, layout.urn(doc), st["urn"])],
            [labelled(*name, st["field"]), ""],
            [
                [*labelled(*age, st["field"]), p(escape(layout.AGE_HINT), st["hint"])],
                labelled(*occupation, st["field"]),
            ],
        ],
        [width * 0.5, width * 0.5],
        spans=[
            ("SPAN", (0, 0), (1, 0)),
            ("SPAN", (0, 1), (1, 1)),
            ("SPAN", (0, 3), (1, 3)),
            ("TOPPADDING", (0, 0), (-1, 0), 8),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
            ("LINEBELOW", (0, 1), (-1, 1), 0.4, RULE),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
        ],
    )
    declaration = _box(
        [
            [p(escape(layout.declaration(pages)), st["declaration"])],
            [_signature_line(layout.dated(doc), st["sign"], width)],
        ],
        [width],
        spans=[("TOPPADDING", (0, 0), (-1, 0), 7), ("BOTTOMPADDING", (0, -1), (-1, -1), 8)],
    )
    story: list = [header, Spacer(1, 4 * mm), declaration, Spacer(1, 6 * mm)]
    for paragraph in doc.paragraphs:
        text = layout.paragraph_text(paragraph.text, paragraph.exhibits)  # the flag is the parent's, not printed
        story.append(Numbered(f"{paragraph.number}.", plain(text, st["body"]), st["body"]))
    # The maker signs after the last word as well as at the foot of each page.
    story += [Spacer(1, 4 * mm), _signature_line(layout.dated(doc), st["sign"], width)]
    lines = layout.contact(doc)
    if lines:
        marker = _box([[p(escape(layout.NOT_FOR_DISCLOSURE), st["marker"])]], [width * 0.4])
        marker.hAlign = "RIGHT"
        story += [NextPageTemplate("contact"), PageBreak(), marker, Spacer(1, 4 * mm)]
        story += [p(escape(layout.CONTACT_HEADING), st["h2"]), p(escape(layout.CONTACT_NOTE), st["note"])]
        for label, value in [name, *lines]:
            story += labelled(label, value, st["body"])
    return story


def _signature_line(date_text: str, style: ParagraphStyle, width: float) -> Table:
    """ "Signature ......  Date ......" on one line, the date at the right."""
    table = Table(
        [[_Paragraph(escape(layout.SIGNATURE), style), _Paragraph(escape(f"{layout.DATE_LABEL} {date_text}"), style)]],
        colWidths=[width * 0.6, width * 0.4 - 14],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Body", 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


class _Pages:
    """What a pass counted: the statement's pages (not the contact page)."""

    def __init__(self, doc: StatementDoc, total: int):
        self.doc, self.total, self.statement = doc, total, 0

    def first(self, canvas, _document) -> None:
        self.statement += 1
        self._footer(canvas)

    def later(self, canvas, _document) -> None:
        self.statement += 1
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(MUTED)
        y = height - 10 * mm
        canvas.setFont("Body", 8)
        label = f"{layout.CONTINUATION_LABEL} "
        canvas.drawString(MARGIN_X, y, label)
        typeset.draw_string(canvas, MARGIN_X + typeset.width(label, "Body", 8), y, self.doc.maker_name, "Body", 8)
        typeset.draw_string(canvas, width - MARGIN_X, y, layout.title(self.doc), "Body-Bold", 8, anchor="end")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, y - 2.5 * mm, width - MARGIN_X, y - 2.5 * mm)
        canvas.restoreState()
        self._footer(canvas)

    def _footer(self, canvas) -> None:
        width, _ = A4
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, 24 * mm, width - MARGIN_X, 24 * mm)
        canvas.setFillColor(INK)
        canvas.setFont("Body", 9.5)
        canvas.drawString(MARGIN_X, 17.5 * mm, layout.SIGNATURE)
        canvas.drawRightString(width - MARGIN_X, 17.5 * mm, layout.WITNESSED)
        canvas.setFont("Body-Bold", 9)
        canvas.drawRightString(
            width - MARGIN_X, 10 * mm, layout.PAGE.format(page=self.statement, pages=self.total or self.statement)
        )
        canvas.restoreState()

    def contact(self, canvas, _document) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setFont("Body", 8)
        canvas.drawString(MARGIN_X, 10 * mm, f"{layout.CONTACT_HEADING}. {layout.NOT_PART}")
        canvas.restoreState()


def _build(doc: StatementDoc, out: BinaryIO, pages: int) -> tuple[int, int]:
    """One pass with `pages` written in; gives (the statement's pages, the PDF's pages)."""
    document = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        # The document's title only: no name of the maker in the file's properties.
        title=layout.title(doc).capitalize(),
        author="",
        subject="",
        creator="Referral Tracker",
        producer="Referral Tracker",
    )
    counter = _Pages(doc, pages)
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="body")
    later = Frame(document.leftMargin, document.bottomMargin, document.width, document.height - 6 * mm, id="later")
    document.addPageTemplates(
        [
            PageTemplate(id="first", frames=[frame], onPage=counter.first, autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[later], onPage=counter.later),
            PageTemplate(id="contact", frames=[frame], onPage=counter.contact),
        ]
    )
    made = {}

    def canvasmaker(*args, **kwargs):
        kwargs["initialFontName"] = "Body"  # not ReportLab's Helvetica, which would be named but not embedded
        made["canvas"] = Canvas(*args, **kwargs)
        return made["canvas"]

    document.build(_story(doc, pages, document.width), canvasmaker=canvasmaker)
    return counter.statement, made["canvas"].getPageNumber() - 1  # the number the next page would have had


def render_statement_pdf(doc: StatementDoc, out: BinaryIO | str | Path) -> int:
    """Lay the statement out into `out` (a binary file or a path); returns the PDF's page count (the statement's
    pages, and the contact page when there is one)."""
    typeset.register()
    previous_a85, rl_config.useA85 = rl_config.useA85, 0  # as the dossier: binary streams, smaller and faster
    try:
        pages = 1
        for _ in range(MAX_PASSES):
            buffer = io.BytesIO()
            counted, total = _build(doc, buffer, pages)
            if counted == pages:
                break
            pages = counted
        else:
            # Writing the count in kept moving it (in theory: a longer number pushing a line over a page). A
            # statement must not state a wrong count of its own pages.
            raise RuntimeError(f"the statement's page count did not settle: {pages} or {counted}")
    finally:
        rl_config.useA85 = previous_a85
    buffer.seek(0)
    if isinstance(out, str | Path):
        with open(out, "wb") as handle:
            shutil.copyfileobj(buffer, handle)
    else:
        shutil.copyfileobj(buffer, out)
    return total
