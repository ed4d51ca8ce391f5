"""A witness statement or victim personal statement as a Word document (python-docx), for an officer to take into
their own system: the same header block, declaration, numbered paragraphs and page furniture as the PDF
(statement_pdf.py), from the same words (statement_layout.py).

Word lays the pages out, so the page numbers are Word's fields: "Page {PAGE} of {NUMPAGES}" at the foot of every
page and NUMPAGES in the declaration ("consisting of 3 page(s)"). The maker's address and telephone are not in this
document: it is the statement an officer files, which may be disclosed; they are on the PDF's separate page.

Each text the maker typed is made visible as in the PDF (typeset.visible(): a control or direction character shows
as ⟨U+XXXX⟩) and set as plain text, never as markup; a paragraph that reads right to left is marked so (w:bidi).
"""

from pathlib import Path
from typing import BinaryIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt, RGBColor

from casework.documents import StatementDoc

from . import statement_layout as layout
from . import typeset

FONT = "Arial"  # what an MG11 is typed in; LibreOffice reads it as its metric twin, Liberation Sans
MUTED = RGBColor(0x4A, 0x54, 0x60)
TEXT_WIDTH = Mm(170)  # A4 less the two 20 mm margins
NUMBER_INDENT = Mm(10)


def _text(value: str) -> str:
    return typeset.visible(value or "")


def _field(paragraph, instruction: str, shown: str = "1", bold: bool = False) -> None:
    """A Word field (PAGE, NUMPAGES) as Word writes one: begin, instruction, separate, the last shown value, end."""

    def char(kind: str):
        run = paragraph.add_run()
        run.bold = bold  # a reader that works the field out again sets it in the begin run's format
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    run.bold = bold
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run(shown).bold = bold
    char("end")


def _right_tab(paragraph) -> None:
    """One tab stop, at the right margin: the Header and Footer styles' own (centre 3.25", right 6.5") cleared."""
    stops = paragraph.paragraph_format.tab_stops
    for inches in (3.25, 6.5):
        stops.add_tab_stop(Inches(inches), WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


def _rtl(paragraph) -> None:
    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))


def _labelled(cell_or_doc, label: str, value: str, size: float = 10.5, align=None):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.add_run(f"{label} ").bold = True
    paragraph.add_run(_text(value))
    paragraph.paragraph_format.space_after = Pt(2)
    if align is not None:
        paragraph.alignment = align
    for run in paragraph.runs:
        run.font.size = Pt(size)
    return paragraph


def _borders(table, size: int = 8) -> None:
    """A box round the table (no rules inside), as the form's blocks are drawn."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:color"), "1B1F24")
        borders.append(element)
    for side in ("insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _first(cell):
    """A new cell's own empty paragraph, to write in first (python-docx gives every cell one)."""
    return cell.paragraphs[0]


def _signature_line(container, date_text: str) -> None:
    paragraph = container.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(100))
    paragraph.add_run(f"{layout.SIGNATURE}\t{layout.DATE_LABEL} {date_text}")
    paragraph.paragraph_format.space_before = Pt(6)


def _header_block(document, doc: StatementDoc) -> None:
    table = document.add_table(rows=5, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table, size=10)
    rows = table.rows
    title = rows[0].cells[0].merge(rows[0].cells[1])
    paragraph = _first(title)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(layout.title(doc))
    run.bold, run.font.size = True, Pt(15)
    legal = rows[1].cells[0].merge(rows[1].cells[1])
    paragraph = _first(legal)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(layout.LEGAL_LINE)
    run.font.size, run.font.color.rgb = Pt(7.5), MUTED
    urn = rows[2].cells[0].merge(rows[2].cells[1])
    (name, age, occupation) = layout.header(doc)
    for cell, (label, value), align in (
        (urn, (layout.URN_LABEL, layout.urn(doc)), WD_ALIGN_PARAGRAPH.RIGHT),
        (rows[3].cells[0].merge(rows[3].cells[1]), name, None),
        (rows[4].cells[0], age, None),
        (rows[4].cells[1], occupation, None),
    ):
        _labelled(cell, label, value, size=10, align=align)
        cell._tc.remove(cell.paragraphs[0]._p)  # the cell's own empty paragraph, before the one just added
    hint = rows[4].cells[0].add_paragraph()
    run = hint.add_run(layout.AGE_HINT)
    run.font.size, run.font.color.rgb = Pt(7.5), MUTED


def _declaration(document, doc: StatementDoc) -> None:
    table = document.add_table(rows=1, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    cell = table.rows[0].cells[0]
    paragraph = _first(cell)
    paragraph.add_run(layout.DECLARATION_BEFORE)
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(f" page(s){layout.DECLARATION_AFTER}")
    for run in paragraph.runs:
        run.font.size = Pt(10)
    _signature_line(cell, layout.dated(doc))


def _footers(section, doc: StatementDoc) -> None:
    """The signature lines and "Page X of Y" at the foot of every page; from page 2, whose statement it is at the
    top (Word's first page has its own header and footer: the same footer, no header)."""
    section.different_first_page_header_footer = True
    for footer in (section.first_page_footer, section.footer):
        signature = footer.paragraphs[0]
        _right_tab(signature)
        signature.add_run(f"{layout.SIGNATURE}\t{layout.WITNESSED}").font.size = Pt(9.5)
        page = footer.add_paragraph()
        page.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        before, after = layout.PAGE.split("{page}")
        between, end = after.split("{pages}")
        page.add_run(before).bold = True
        _field(page, "PAGE", bold=True)
        page.add_run(between).bold = True
        _field(page, "NUMPAGES", bold=True)
        page.add_run(end).bold = True
    header = section.header.paragraphs[0]
    _right_tab(header)
    header.paragraph_format.space_after = Pt(10)
    run = header.add_run(f"{layout.CONTINUATION_LABEL} {_text(doc.maker_name)}\t{layout.title(doc)}")
    run.font.size, run.font.color.rgb = Pt(8), MUTED


def render_statement_docx(doc: StatementDoc, out: BinaryIO | str | Path) -> None:
    """Write the statement as a .docx into `out` (a binary file or a path)."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(16), Mm(22)
    section.footer_distance = Mm(8)

    # The document's title only: no name of the maker in the file's properties (python-docx's template names itself).
    properties = document.core_properties
    properties.title = layout.title(doc).capitalize()
    properties.author = properties.last_modified_by = ""
    properties.comments = properties.subject = properties.keywords = properties.category = ""

    _footers(section, doc)
    _header_block(document, doc)
    document.add_paragraph()
    _declaration(document, doc)
    document.add_paragraph()
    for n, item in enumerate(doc.paragraphs, start=1):  # the flag is the parent's note, not printed
        text = _text(layout.paragraph_text(item.text, item.exhibits))
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.first_line_indent = NUMBER_INDENT, -NUMBER_INDENT
        fmt.tab_stops.add_tab_stop(NUMBER_INDENT)
        fmt.space_after = Pt(8)
        fmt.keep_with_next = n == len(doc.paragraphs)  # the last words and the signature after them on one page
        paragraph.add_run(f"{item.number}.\t{text}")
        if typeset.base_rtl(text):
            _rtl(paragraph)
    _signature_line(document, layout.dated(doc))
    document.save(str(out) if isinstance(out, str | Path) else out)
