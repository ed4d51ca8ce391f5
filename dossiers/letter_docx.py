"""A letter to an agency as a Word document (python-docx), for a parent who wants to change it in her own word
processor: the same blocks, words and order as the PDF (letter_pdf.py).

Word lays the pages out, so "Page X of Y" is Word's fields, in the footer of every page (a one-page letter says
"Page 1 of 1": Word cannot know the count before it lays the pages out); from the second page the header names the
recipient and the date. A draft says DRAFT at its head and in the header
of every page. Each text is made visible as in the PDF (typeset.visible()) and set as plain text, never as markup.
"""

import re
from pathlib import Path
from typing import BinaryIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from casework.documents import LetterDoc

from . import typeset
from .letter_pdf import DRAFT, DRAFT_NOTE, ENCLOSURES, PAGE
from .statement_docx import _field, _rtl

FONT = "Arial"  # LibreOffice reads it as its metric twin, Liberation Sans
MUTED = RGBColor(0x4A, 0x54, 0x60)
DRAFT_RED = RGBColor(0x8A, 0x1C, 0x1C)
NUMBER_INDENT = Mm(8)


def _text(value: str) -> str:
    return typeset.visible(value or "")


# A reference number or code with hyphens ("CR-26-998877", "RT-7Q4M-9K2D"): LibreOffice and Word would break a line
# after a hyphen, printing half a reference at a line's end. Its hyphens are written as Word's no-break hyphen.
REFERENCE = re.compile(r"(?<!\S)(?=\S*\d)\S+-\S+")


def _put(run, text: str) -> None:
    """`text` (already visible()) into `run`: its line breaks as Word's, a reference's hyphens not breaking."""
    for n, line in enumerate(text.split("\n")):
        if n:
            run.add_break()
        at = 0
        for match in REFERENCE.finditer(line):
            _words(run, line[at : match.start()])
            for k, piece in enumerate(match.group(0).split("-")):
                if k:
                    run._r.append(OxmlElement("w:noBreakHyphen"))
                _words(run, piece)
            at = match.end()
        _words(run, line[at:])


def _words(run, text: str) -> None:
    """Text and tabs (add_text alone would put a tab character inside the text, which Word does not lay out)."""
    for k, part in enumerate(text.split("\t")):
        if k:
            run.add_tab()
        if part:
            run.add_text(part)


def _line(document, text: str, *, bold: bool = False, right: bool = False, after: float = 0):
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    run.bold = bold
    _put(run, _text(text))
    paragraph.paragraph_format.space_after = Pt(after)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if typeset.base_rtl(text):
        _rtl(paragraph)
    return paragraph


def _gap(document, mm: float) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Mm(mm)
    paragraph.paragraph_format.line_spacing = Pt(1)


def _page_footer(section, doc: LetterDoc) -> None:
    """ "Page X of Y" at the foot of every page; from page 2, the recipient and date at the top."""
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    run = header.add_run(_text(f"{doc.recipient_name} – {doc.dated}"))
    run.font.size, run.font.color.rgb = Pt(8), MUTED
    before, after = PAGE.split("{page}")
    between, end = after.split("{pages}")
    for container in (section.first_page_footer, section.footer):
        footer = container.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for part in (before, ("PAGE",), between, ("NUMPAGES",), end):
            if isinstance(part, tuple):
                _field(footer, part[0])
            elif part:
                footer.add_run(part)
        for run in footer.runs:
            run.font.size, run.font.color.rgb = Pt(8.5), MUTED
    if doc.draft:
        for container in (section.first_page_header, section.header):
            paragraph = container.add_paragraph() if container.paragraphs[0].text else container.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(DRAFT)
            run.bold, run.font.size, run.font.color.rgb = True, Pt(14), DRAFT_RED


def render_letter_docx(doc: LetterDoc, out: BinaryIO | str | Path) -> None:
    """Write the letter as a .docx into `out` (a binary file or a path)."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(8)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    section.footer_distance = Mm(9)

    properties = document.core_properties  # the letter's kind only: no names (python-docx's template names itself)
    properties.title = doc.title
    properties.author = properties.last_modified_by = ""
    properties.comments = properties.subject = properties.keywords = properties.category = ""

    _page_footer(section, doc)
    if doc.draft:
        paragraph = _line(document, DRAFT_NOTE, bold=True, after=12)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.runs[0].font.color.rgb = DRAFT_RED
    _line(document, doc.sender_name, bold=True, right=True)
    for line in doc.sender_address:
        _line(document, line, right=True)
    _gap(document, 10)
    _line(document, doc.recipient_name)
    for line in doc.recipient_address:
        _line(document, line)
    _gap(document, 8)
    _line(document, doc.dated)
    _gap(document, 8)
    _line(document, f"{doc.salutation},", after=8)
    _line(document, doc.subject, bold=True, after=10)
    for number, text in enumerate(doc.paragraphs, start=1):
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.first_line_indent = NUMBER_INDENT, -NUMBER_INDENT
        fmt.tab_stops.add_tab_stop(NUMBER_INDENT)
        fmt.widow_control = True
        _put(paragraph.add_run(), f"{number}.\t{_text(text)}")
        if typeset.base_rtl(text):
            _rtl(paragraph)
    if doc.paragraphs:
        paragraph.paragraph_format.keep_with_next = True  # the last words and the signature on one page
    # The sign-off, the room to sign and the name as one paragraph whose lines stay together.
    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Pt(4)
    signature.paragraph_format.keep_together = True
    run = signature.add_run()
    _put(run, _text(f"{doc.sign_off},") + "\n\n\n\n")
    _put(signature.add_run(), _text(doc.signature_name))
    signature.runs[-1].bold = True
    if doc.enclosures:
        _gap(document, 6)
        _line(document, ENCLOSURES, bold=True).paragraph_format.keep_with_next = True
        for item in doc.enclosures:
            _line(document, f"– {item}")
    document.save(str(out) if isinstance(out, str | Path) else out)
