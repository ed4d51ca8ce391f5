"""The dossier's layout, with ReportLab.

ReportLab's paragraph markup can load local files, so no string a user typed is ever read
as markup: most paragraphs are plain() (made without the markup parser, the text redacted
with `redact()`), and the few that mix the user's text with markup get it through `t()`
(redacted, then typeset.markup(): XML-escaped runs in <font> tags).

What text becomes which glyphs (the fonts, a font for each character, control characters made
visible, right-to-left lines) is dossiers/typeset.py's: every string a user typed goes through it.
"""

import io
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from . import typeset
from .exhibit_text import ExhibitText


def register_fonts() -> None:
    """DejaVu Sans and DejaVu Sans Mono from Debian's packages (typeset.FONTS): embedded and subset in the PDF,
    nothing fetched. The fallbacks for other scripts are registered when a text needs them."""
    typeset.register()


INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#4a5460")
RULE = colors.HexColor("#9aa4ad")


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="Body", fontSize=9.5, leading=13, textColor=INK, spaceAfter=3)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "url": ParagraphStyle("url", parent=base, fontSize=7, leading=10, spaceAfter=0),
        "mono": ParagraphStyle("mono", parent=base, fontName="Mono", fontSize=8, leading=10, spaceAfter=0),
        "label": ParagraphStyle(
            "label", parent=base, fontName="Body-Bold", fontSize=8, leading=10, textColor=MUTED, spaceAfter=0
        ),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName="Body-Bold", fontSize=17, leading=22, spaceBefore=4, spaceAfter=10
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName="Body-Bold", fontSize=12, leading=16, spaceBefore=10, spaceAfter=5
        ),
        "entry": ParagraphStyle(
            "entry", parent=base, fontName="Body-Bold", fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=2
        ),
        "cover_title": ParagraphStyle(
            "cover_title", parent=base, fontName="Body-Bold", fontSize=24, leading=30, spaceAfter=14
        ),
        "cover": ParagraphStyle("cover", parent=base, fontSize=11.5, leading=17),
        "body_bold": ParagraphStyle("body_bold", parent=base, fontName="Body-Bold"),
        "th": ParagraphStyle("th", parent=base, fontName="Body-Bold", fontSize=8.5, leading=10.5, spaceAfter=0),
        "code": ParagraphStyle(
            "code",
            parent=base,
            fontName="Body-Bold",
            fontSize=20,
            leading=26,
            alignment=TA_CENTER,
            spaceBefore=6,
            spaceAfter=6,
        ),
    }


# Data handed over by compile.py -------------------------------------------------------------------


@dataclass
class IncidentEntry:
    number: int
    when: str
    precision: str
    kind: str
    title: str
    narrative: str
    impact: str
    where: str
    parties: list[str]
    references: list[str]
    exhibits: list[str]
    outcome: str
    tags: list[str]


@dataclass
class ExhibitEntry:
    mark: str
    description: str
    kind: str
    obtained: str
    content_type: str
    size: str
    sha256: str
    source_url: str
    withdrawn: str
    incidents: str
    image: bytes | None = None  # the downscaled preview, for photos printed inline
    appendix: ExhibitText | None = None  # its text (a letter, an email, a note), for the appendix
    timestamped: str = ""  # "timestamped by <TSA> at <time>": its hash's RFC 3161 token, if it has one
    # A web page captured by the server: each check of it ("4 Mar 2026 14:02 GMT: Gone. The address answered ...").
    web_history: list[str] = field(default_factory=list)


@dataclass
class DossierData:
    case_title: str
    prepared_by: str
    prepared_at: str
    audience: str
    verification_code: str
    verify_url: str
    period: str
    time_zone_note: str
    photos_inline: bool
    redacted: bool
    counts_by_kind: list[tuple[str, int]]
    months: list[tuple[str, dict[str, int]]]
    kinds_in_chart: list[tuple[str, str]]
    suspects: list[tuple[str, str, int]]
    agencies: list[tuple[str, str, str, str, str]]
    incidents: list[IncidentEntry]
    parties: list[tuple[str, str, str, str]]
    exhibits: list[ExhibitEntry]
    record: list[tuple[str, str]]
    audit_statement: str
    # The cover's choices (options cover_subject, cover_contact, cover_references): "" or [] when not shown.
    subject: str = ""
    contact: str = ""
    cover_references: list[tuple[str, str]] = field(default_factory=list)  # ("Police crime reference", "...")
    text: Callable[[str], str] = field(default=lambda s: escape(s or ""))
    # The same without the escaping, for plain() paragraphs, which are never read as markup.
    redact: Callable[[str], str] = field(default=lambda s: s or "")
    # Incidents withdrawn in the period: not in the chronology, listed in the statement of record.
    withdrawn: list["WithdrawnEntry"] = field(default_factory=list)
    # A police dossier's optional sections (options include_statement, include_checklist); None when not asked.
    statement: "StatementSection | None" = None
    checklist: "ChecklistSection | None" = None


@dataclass
class StatementSection:
    """The case's draft witness statement as it stands, without the maker's address and telephone number."""

    maker: str
    age: str  # "Over 18", or the age in years
    occupation: str
    revision: int
    paragraphs: list[tuple[int, str]]  # (its number as the statement prints it, its text)


@dataclass
class ChecklistOffence:
    name: str
    law: str
    incidents: str  # which of the chronology's incidents may bear on it, in words
    checks: list[tuple[str, str, str]]  # (status in words, what is checked, the detail)
    lacks: list[str]  # what the record still lacks for it


@dataclass
class ChecklistPerson:
    name: str
    incidents: str  # this person's incidents, in words, by their numbers in the chronology
    notes: list[str]  # about the dates (known only to the month, approximate)
    offences: list[ChecklistOffence]


@dataclass
class ChecklistSection:
    """casework.offences' checklist for each suspected person. For a case in Scotland, only `notice` (its law
    is not covered) and no people."""

    notice: str
    disclaimer: str
    people: list[ChecklistPerson]


# Page furniture -------------------------------------------------------------------------------------


class NumberedCanvas(rl_canvas.Canvas):
    """Draws 'Page N of M' on every page as the page is finished.

    M is not known until the last page, so each footer draws it through a form XObject that is
    defined once, after the last page, with the total in it. Holding every page back until the end
    to write its footer kept the whole document's drawing in memory, and the collector walked it
    over and over: a third of a 1,000-incident build.
    """

    TOTAL_FORM = "pageTotal"
    FOOTER_FONT = ("Body", 7.5)

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.footer = footer
        self.total_pages = 0
        width, _ = A4
        font, size = self.FOOTER_FONT
        # The total sits in room for four digits at the right margin, "Page N of" right-aligned before it.
        self._total_x = width - 18 * mm - pdfmetrics.stringWidth("0000", font, size)
        self._space = pdfmetrics.stringWidth(" ", font, size)
        # The case's title as typed: its runs, each in a font that has it (made once, drawn on every page).
        self._footer_runs = typeset.runs(typeset.display(typeset.visible(footer, keep_newlines=False)), font)

    def showPage(self):
        self.total_pages += 1
        self._draw_footer()
        super().showPage()

    def save(self):
        font, size = self.FOOTER_FONT
        self.beginForm(self.TOTAL_FORM, lowerx=0, lowery=-2 * mm, upperx=20 * mm, uppery=4 * mm)
        self.setFont(font, size)
        self.setFillColor(MUTED)
        self.drawString(0, 0, str(self.total_pages))
        self.endForm()
        super().save()

    def _draw_footer(self) -> None:
        self.saveState()
        self.setFont(*self.FOOTER_FONT)
        self.setFillColor(MUTED)
        width, _ = A4
        x = 18 * mm
        for run_font, part in self._footer_runs:
            self.setFont(run_font, self.FOOTER_FONT[1])
            self.drawString(x, 10 * mm, part)
            x += pdfmetrics.stringWidth(part, run_font, self.FOOTER_FONT[1])
        self.setFont(*self.FOOTER_FONT)
        self.drawRightString(self._total_x - self._space, 10 * mm, f"Page {self._pageNumber} of")
        self.translate(self._total_x, 10 * mm)
        self.doForm(self.TOTAL_FORM)
        self.restoreState()
        self.saveState()
        self.setStrokeColor(RULE)
        self.line(18 * mm, 13.5 * mm, width - 18 * mm, 13.5 * mm)
        self.restoreState()


def _frag(template, text: str, **changes):
    """A fragment like `template` (the style's font, size and colour) holding `text`, with underline and link
    lists of its own: ReportLab reads a fragment's lists as it draws (an empty one: nothing to draw), and
    `clone()` alone would share the template's."""
    return template.clone(text=text, us_lines=[], link=[], **changes)


class _Paragraph(Paragraph):
    """A Paragraph that breaks its lines once per width.

    Platypus wraps most paragraphs more than once at the same width: KeepTogether measures its
    contents and the frame then wraps them again to place them; a table wraps its cells to size its
    rows, again to draw them, and again for every page it is split over (what is left of a long
    table is measured anew on each page). Line breaking depends only on the text, the style and the
    width, so the second answer is the first one. (split() may drop the line breaks it left, and
    then they are made again.)
    """

    _wrapped_at = None
    _bidi_source = None  # right-to-left text (see plain()): its lines are broken here, then each put in order

    def wrap(self, availWidth, availHeight):
        if self._wrapped_at != availWidth or "blPara" not in self.__dict__:
            if self._bidi_source is not None:
                self._lay_bidi(availWidth)
            super().wrap(availWidth, availHeight)
            self._wrapped_at = availWidth
        return self.width, self.height

    def _lay_bidi(self, availWidth) -> None:
        """Right-to-left text's lines: broken in reading order at this width, each then in display order (so
        that the lines of a long paragraph come one under the other as they are read), right-aligned when the
        paragraph reads right to left. ReportLab then only lays out lines that already fit."""
        style = self.style
        source, font = self._bidi_source, _chain_font(style)
        room = availWidth - style.leftIndent - style.rightIndent - 0.5
        template = Paragraph("x", style).frags[0]
        frags = []
        for n, line in enumerate(typeset.lines(source, font, style.fontSize, room)):
            if n:
                frags.append(_frag(template, "", lineBreak=True))
            frags += [_frag(template, part, fontName=run_font) for run_font, part in typeset.runs(line, font)]
        self.frags = frags or [_frag(template, "")]
        if typeset.base_rtl(source) and style.alignment != TA_RIGHT:
            self.style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
        self.__dict__.pop("blPara", None)


def _chain_font(style: ParagraphStyle) -> str:
    """The typeset chain a style's text is set in (its own font first)."""
    return style.fontName if style.fontName in typeset.CHAINS else "Body"


def plain(text: str, style: ParagraphStyle, kind: type | None = None) -> _Paragraph:
    """A paragraph of plain text whose fragments are made here, not by ReportLab's markup parser.

    Nothing in `text` is read as markup (so it is not escaped first: `<img src=...>` typed by a user prints
    as those characters), each line break is kept, runs of spaces become one as in any paragraph, and the
    parser, the costliest step of making a paragraph, is skipped. Every paragraph of the dossier that
    holds only text is made this way; the few with bold or small parts are still parsed.
    """
    kind = kind or _Paragraph
    template = style.__dict__.get("_plain_frag")
    if template is None:
        template = style._plain_frag = Paragraph("x", style).frags[0]
    font = _chain_font(style)
    text = text or ""
    if typeset.is_plain(text, font):  # most text: one fragment a line, as it is
        frags = []
        for n, line in enumerate(text.split("\n")):
            if n:
                frags.append(_frag(template, "", lineBreak=True))
            words = " ".join(NOT_NBSP.split(line)).strip(" ") if NBSP in line else " ".join(line.split())
            if words:
                frags.append(_frag(template, words))
        return kind(text, style, frags=frags or [_frag(template, "")])
    text = typeset.visible(text)
    frags = []
    rtl = typeset.has_rtl(text)
    for n, line in enumerate(text.split("\n")):
        if n:
            frags.append(_frag(template, "", lineBreak=True))
        # A no-break space (keep_whole) is kept: str.split() would take it for a space.
        words = " ".join(NOT_NBSP.split(line)).strip(" ") if NBSP in line else " ".join(line.split())
        if rtl:
            words = typeset.display(words)  # the frags until wrap() breaks the lines
        frags += [_frag(template, part, fontName=run_font) for run_font, part in typeset.runs(words, font)]
    paragraph = kind(text, style, frags=frags or [_frag(template, "")])
    if rtl:
        paragraph._bidi_source = "\n".join(" ".join(NOT_NBSP.split(line)).strip(" ") for line in text.split("\n"))
    return paragraph


NBSP = "\u00a0"  # in DejaVu Sans, and ReportLab never breaks a line at it
NOT_NBSP = re.compile(r"[^\S\u00a0]+")  # whitespace but the no-break space
# A telephone number typed with spaces ("07700 900 123", "+44 (0)20 7946 0000"): kept on one line too.
PHONE = re.compile(r"\+?\(?\d[\d ()-]{5,}\d")


def keep_whole(token: str) -> str:
    """A reference number, username, email address or exhibit mark as one word that no line breaks inside:
    its spaces made non-breaking."""
    return NBSP.join((token or "").split())


def phones_whole(text: str) -> str:
    """Free text (how to contact someone) with each telephone number's spaces made non-breaking."""
    return PHONE.sub(lambda m: m.group(0).replace(" ", NBSP), text or "")


class _Unbroken(_Paragraph):
    """A paragraph that never breaks inside a word: reference numbers, usernames, email addresses, marks.

    ReportLab breaks a word wider than its line wherever the room runs out ("HCC/CSC/2026/04", then "8213" on the
    next line). Here the type is made smaller instead, down to MIN_SIZE, until the widest word fits the width it
    is given. Only a word too long even then (a 100-character reference in a narrow column) is still broken,
    rather than printed over the next column.
    """

    MIN_SIZE = 5.0
    _fitted_at = None

    def wrap(self, availWidth, availHeight):
        if self._fitted_at != availWidth:
            self._fit(availWidth)
            self._fitted_at = availWidth
        return super().wrap(availWidth, availHeight)

    def _fit(self, width: float) -> None:
        if not all(hasattr(frag, "text") for frag in self.frags):
            return  # a part of a paragraph a table split over two pages: already laid out, at its size
        base = self.__dict__.setdefault("_base_style", self.style)
        widest = max(
            (
                pdfmetrics.stringWidth(word, frag.fontName, base.fontSize)
                for frag in self.frags
                for word in (frag.text or "").split(" ")
            ),
            default=0,
        )
        size = base.fontSize
        if widest > width > 0:
            size = max(self.MIN_SIZE, base.fontSize * width / widest * 0.99)
        if size == self.style.fontSize:
            return
        self.style = ParagraphStyle(
            f"{base.name}-{size:.2f}", parent=base, fontSize=size, leading=base.leading * size / base.fontSize
        )
        for frag in self.frags:
            frag.fontSize = size
        self.__dict__.pop("blPara", None)  # measured at the old size
        self._wrapped_at = None


def unbroken(text: str, style: ParagraphStyle) -> _Unbroken:
    """plain(), never broken inside a word (see _Unbroken)."""
    return plain(text, style, kind=_Unbroken)


def labelled(label: str, value: str, style: ParagraphStyle) -> list:
    """ "<b>label</b> value" as one parsed paragraph (the value typeset and escaped); a right-to-left value on a
    line of its own under its label, a plain() paragraph whose lines are broken in reading order."""
    if typeset.has_rtl(value):
        return [_Paragraph(f"<b>{escape(label)}</b>", style), plain(value, style)]
    return [_Paragraph(f"<b>{escape(label)}</b> {typeset.markup(value)}", style)]


class Stack(Flowable):
    """Flowables one under the other, as one: a table cell of several paragraphs (see Row)."""

    def __init__(self, parts: list):
        super().__init__()
        self.parts = parts
        self.width = self.height = 0

    def wrap(self, availWidth, availHeight):
        sizes = [part.wrap(availWidth, availHeight) for part in self.parts]
        self.width = max((w for w, _ in sizes), default=0)
        self.height = sum(h for _, h in sizes)
        return self.width, self.height

    def draw(self):
        top = self.height
        for part in self.parts:
            top -= part.height
            part.drawOn(self.canv, 0, top)


class Bookmark(Flowable):
    """An invisible mark that adds an entry to the PDF's outline (its bookmarks)."""

    def __init__(self, title: str, level: int = 0):
        super().__init__()
        self.title, self.level = title, level
        self.width = self.height = 0

    def draw(self):
        key = f"bm{id(self)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(self.title, key, level=self.level, closed=self.level == 0)


class Row(Flowable):
    """One row of a long list laid out as a table: paragraphs in fixed columns, a rule below.

    Each band is a list of (flowable, column width) drawn side by side, top-aligned; the bands sit one
    under the other (an exhibit's details, then its SHA-256 across the whole width). platypus' Table
    measures, restyles and splits the rows that are left again on every page a long table covers: the
    1,000-row statement of record cost as much as all the chronology's paragraphs. A row only measures
    its own paragraphs, and moves to the next page whole. A row taller than a page (an incident changed
    hundreds of times) is given back as its paragraphs, one under the other, so that they can flow on.
    """

    PAD_X, PAD_Y = 6, 3

    def __init__(self, bands, *, page_height: float, rule=(0.25, RULE), header: bool = False):
        super().__init__()
        self.bands, self.page_height, self.rule = bands, page_height, rule
        self.keepWithNext = header  # a header row never ends a page on its own
        self.width = sum(width for _, width in bands[0])
        self.height = 0
        self._band_heights: list[float] = []

    def wrap(self, availWidth, availHeight):
        self._band_heights = []
        for n, band in enumerate(self.bands):
            top = self.PAD_Y if n == 0 else 0
            tallest = max(cell.wrap(width - 2 * self.PAD_X, self.page_height)[1] for cell, width in band)
            self._band_heights.append(top + tallest + self.PAD_Y)
        self.height = sum(self._band_heights)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        if self.height <= self.page_height:
            return []  # the next page
        return [cell for band in self.bands for cell, _ in band if not isinstance(cell, str)]

    def draw(self):
        top = self.height
        for n, (band, band_height) in enumerate(zip(self.bands, self._band_heights, strict=True)):
            x, pad_top = 0, self.PAD_Y if n == 0 else 0
            for cell, width in band:
                cell.drawOn(self.canv, x + self.PAD_X, top - pad_top - cell.height)
                x += width
            top -= band_height
        width, colour = self.rule
        self.canv.setStrokeColor(colour)
        self.canv.setLineWidth(width)
        self.canv.line(0, 0, self.width, 0)


# Sections ----------------------------------------------------------------------------------------


# Fill patterns for the chart: (base grey, marks, colour of the marks). Told apart by tone and by pattern, so
# that a greyscale print or a photocopy still shows which kind is which (the web chart's patterns, in grey).
PATTERNS = [
    ("#1b1f24", "solid", None),
    ("#ffffff", "diagonal", "#1b1f24"),
    ("#9aa4ad", "dots", "#ffffff"),
    ("#ffffff", "cross", "#1b1f24"),
    ("#5c6670", "horizontal", "#ffffff"),
    ("#ffffff", "checks", "#1b1f24"),
    ("#d0d5da", "vertical", "#1b1f24"),
    ("#3d4650", "backslash", "#ffffff"),
    ("#ffffff", "grid", "#1b1f24"),
    ("#ffffff", "dots", "#1b1f24"),
    ("#ffffff", "solid", None),
]
PATTERN_STEP = 3.2  # points between the lines or dots of a pattern


def _clip(x0, y0, x1, y1, box):
    """The part of the segment (x0, y0)-(x1, y1) inside box (x, y, w, h), or None (Liang-Barsky)."""
    bx, by, bw, bh = box
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - bx), (dx, bx + bw - x0), (-dy, y0 - by), (dy, by + bh - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return None
    return x0 + low * dx, y0 + low * dy, x0 + high * dx, y0 + high * dy


def _lines(box, direction: str):
    """Segments of one family of parallel lines across the box, PATTERN_STEP apart, anchored at its corner."""
    x, y, w, h = box
    s = PATTERN_STEP
    if direction == "horizontal":
        return [(x, y + t, x + w, y + t) for t in _steps(s / 2, h)]
    if direction == "vertical":
        return [(x + t, y, x + t, y + h) for t in _steps(s / 2, w)]
    # 45 degrees: lines x - y = c ("/") or x + y = c ("\"), spaced s apart along the box's edge.
    span = w + h
    out = []
    for t in _steps(s / 2, span):
        if direction == "diagonal":
            segment = _clip(x + t - h, y, x + t, y + h, box)
        else:
            segment = _clip(x + t, y, x + t - h, y + h, box)
        if segment:
            out.append(segment)
    return out


def _steps(start: float, stop: float) -> list[float]:
    out, t = [], start
    while t < stop:
        out.append(t)
        t += PATTERN_STEP
    return out


def patterned(x: float, y: float, w: float, h: float, index: int, stroke=None) -> list:
    """The shapes that fill the box with pattern `index`: its base, then its marks clipped to the box."""
    base, marks, ink = PATTERNS[index % len(PATTERNS)]
    shapes = [Rect(x, y, w, h, fillColor=colors.HexColor(base), strokeColor=None)]
    box = (x, y, w, h)
    if marks in ("diagonal", "backslash", "horizontal", "vertical"):
        segments = _lines(box, marks)
    elif marks == "cross":
        segments = _lines(box, "diagonal") + _lines(box, "backslash")
    elif marks == "grid":
        segments = _lines(box, "horizontal") + _lines(box, "vertical")
    else:
        segments = []
    colour = colors.HexColor(ink) if ink else None
    for x0, y0, x1, y1 in segments:
        shapes.append(Line(x0, y0, x1, y1, strokeColor=colour, strokeWidth=0.7))
    if marks in ("dots", "checks"):
        s = PATTERN_STEP
        for row, cy in enumerate(_steps(s / 2, h)):
            for col, cx in enumerate(_steps(s / 2, w)):
                if marks == "dots":
                    r = 0.75
                    if cx + r <= w and cy + r <= h:
                        shapes.append(Circle(x + cx, y + cy, r, fillColor=colour, strokeColor=None))
                elif (row + col) % 2 == 0:
                    left, bottom = x + cx - s / 2, y + cy - s / 2
                    shapes.append(
                        Rect(
                            left,
                            bottom,
                            min(s, x + w - left),
                            min(s, y + h - bottom),
                            fillColor=colour,
                            strokeColor=None,
                        )
                    )
    if stroke is not None:
        shapes.append(Rect(x, y, w, h, fillColor=None, strokeColor=stroke, strokeWidth=0.4))
    return shapes


def _ticks(peak: int) -> list[int]:
    """0 to at least `peak` in whole steps of 1, 2 or 5 times a power of ten: six ticks at most."""
    step = next(m * 10**e for e in range(12) for m in (1, 2, 5) if peak <= 5 * m * 10**e)
    top = -(-peak // step) * step
    return list(range(0, top + 1, step))


def chart(data: DossierData, width: float) -> Drawing:
    """Incidents per month, stacked by kind: each kind its own pattern and tone (readable printed in grey),
    a labelled axis from 0, every bar labelled with its total, and a legend naming each kind."""
    if not data.months:
        return Drawing(width, 0, initialFontName="Body")
    kinds = [kind for kind, _ in data.kinds_in_chart]
    names = [name for _, name in data.kinds_in_chart]
    # The legend first, above the plot: as many rows as the names need.
    swatch_w, swatch_h, font = 16, 10, ("Body", 7)
    rows, lx = [[]], 0.0
    for k, name in enumerate(names):
        item = swatch_w + 4 + typeset.width(typeset.visible(name, keep_newlines=False), *font) + 12
        if rows[-1] and lx + item > width:
            rows.append([])
            lx = 0.0
        rows[-1].append((k, name, lx))
        lx += item
    legend_h = len(rows) * (swatch_h + 4)
    plot_h, bottom, left = 52 * mm, 14 * mm, 14 * mm
    height = bottom + plot_h + 18 + legend_h + 4
    # initialFontName: the state a drawing starts in names a font; ReportLab's default is an unembedded Helvetica.
    drawing = Drawing(width, height, initialFontName="Body")
    for r, row in enumerate(rows):
        ly = height - (r + 1) * (swatch_h + 4)
        for k, name, x in row:
            for shape in patterned(x, ly, swatch_w, swatch_h, k, stroke=INK):
                drawing.add(shape)
            for label in typeset.strings(x + swatch_w + 4, ly + 2, name, font[0], font[1], fillColor=INK):
                drawing.add(label)
    peak = max(sum(counts.values()) for _, counts in data.months) or 1
    ticks = _ticks(peak)
    top = ticks[-1] or 1
    # The axis: its label above it, a tick and figure at each step, a light rule across the plot.
    drawing.add(String(0, bottom + plot_h + 9, "Number of incidents", fontName="Body-Bold", fontSize=7, fillColor=INK))
    drawing.add(Line(left, bottom, left, bottom + plot_h, strokeColor=INK, strokeWidth=0.5))
    for value in ticks:
        y = bottom + plot_h * value / top
        drawing.add(Line(left - 2.5, y, left, y, strokeColor=INK, strokeWidth=0.5))
        if value:
            drawing.add(Line(left, y, width, y, strokeColor=RULE, strokeWidth=0.25, strokeDashArray=[1, 2]))
        drawing.add(
            String(left - 4, y - 2.3, str(value), fontName="Body", fontSize=6.5, textAnchor="end", fillColor=INK)
        )
    drawing.add(Line(left, bottom, width, bottom, strokeColor=INK, strokeWidth=0.5))
    slot = (width - left - 4) / len(data.months)
    bar_w = max(1.5, min(14 * mm, slot * 0.7))
    label_every = max(1, round(len(data.months) / 12))
    for i, (label, counts) in enumerate(data.months):
        x = left + 4 + i * slot + (slot - bar_w) / 2
        y = bottom
        for k, kind in enumerate(kinds):
            n = counts.get(kind, 0)
            if n:
                h = plot_h * n / top
                for shape in patterned(x, y, bar_w, h, k, stroke=INK):
                    drawing.add(shape)
                y += h
        total = sum(counts.values())
        if total:
            drawing.add(String(x + bar_w / 2, y + 2, str(total), fontName="Body", fontSize=6.5, textAnchor="middle"))
        if i % label_every == 0:
            for shape in typeset.strings(x + bar_w / 2, bottom - 9, label, "Body", 6.5, "middle", fillColor=INK):
                drawing.add(shape)
    drawing.add(
        String(
            (left + width) / 2,
            bottom - 22,
            "Month",
            fontName="Body-Bold",
            fontSize=7,
            textAnchor="middle",
            fillColor=INK,
        )
    )
    return drawing


MEASURE_ROWS = 250


def _row_heights(rows, widths, style, first: int) -> list | None:
    """The heights of rows[first:], measured by ReportLab itself in tables of MEASURE_ROWS rows.

    ReportLab measures a table's unsized rows in time that grows with the square of their number (for
    every row it searches and sums the rows before it), and measures a long table twice before its
    first page: the statement of record of a 10,000-incident case took seconds on its own. Row heights
    do not depend on the other rows of a table without spans, so measuring a few hundred rows at a
    time gives the same heights, and a table handed its rows' heights uses them as they are. None
    (and the table measures itself, as before) if this ReportLab does not say what it measured.
    """
    heights: list = []
    for start in range(first, len(rows), MEASURE_ROWS):
        some = [list(row) for row in rows[start : start + MEASURE_ROWS]]  # a table may rewrite its rows' cells
        part = Table(some, colWidths=widths)
        part.setStyle(TableStyle(style))
        part.wrap(sum(widths), 1 << 30)
        measured = getattr(part, "_rowHeights", None)
        if not isinstance(measured, list) or len(measured) != len(some) or None in measured:
            return None
        heights += measured
    return heights


def _table(rows, widths, st, header=True) -> Table:
    """A plain table with a light rule below every row."""
    style = [
        ("FONT", (0, 0), (-1, -1), "Body", 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    heights = None
    if len(rows) > MEASURE_ROWS:  # long: see _row_heights
        first = 1 if header else 0
        body = _row_heights(rows, widths, style, first)
        heights = None if body is None else [None] * first + body  # the header: measured by the table
    # splitInRow: a row taller than a page (a party cited by thousands of scattered incidents)
    # continues on the next page instead of failing the whole dossier.
    table = LongTable(rows, colWidths=widths, repeatRows=1 if header else 0, rowHeights=heights, splitInRow=1)
    style.append(("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE))
    if header:
        style += [("FONT", (0, 0), (-1, 0), "Body-Bold", 8.5), ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK)]
    table.setStyle(TableStyle(style))
    return table


def _header_row(labels, widths, st, height: float) -> Row:
    cells = [plain(label, st["th"]) for label in labels]
    return Row([list(zip(cells, widths, strict=True))], page_height=height, rule=(0.8, INK), header=True)


def _image_source(image: bytes, image_dir: str | None, n: int):
    """What to hand ReportLab's Image for a preview: a .jpg file when it is a JPEG and there is a folder.

    ReportLab embeds a JPEG file's bytes as they are and reads only its header for the size. Given a
    file object instead, it decodes the picture to pixels just to name it (an MD5 of the pixels), and
    those pixels (about 2 MB for a 640 px preview) stayed in memory until the document was finished.
    The picture in the PDF is the same either way: the JPEG itself, DCT-encoded.
    """
    if image_dir is None or not image.startswith(b"\xff\xd8\xff"):
        return io.BytesIO(image)
    path = os.path.join(image_dir, f"photo-{n}.jpg")
    with open(path, "wb") as handle:
        handle.write(image)
    return path


def build_story(
    data: DossierData,
    width: float,
    progress: Callable[[float], None],
    image_dir: str | None = None,
    height: float = A4[1],
) -> list:
    st, r = styles(), data.redact

    def t(value: str) -> str:
        """A user's text inside paragraph markup: redacted, then typeset (escaped runs in <font> tags)."""
        return typeset.markup(r(value))

    p = _Paragraph
    story: list = [Bookmark("Cover")]

    # Cover
    story += [
        Spacer(1, 30 * mm),
        p("Chronology of incidents and evidence", st["cover_title"]),
        *labelled("Case:", r(data.case_title), st["cover"]),
    ]
    if data.subject:
        story += labelled("This record is about:", r(data.subject), st["cover"])
    if data.contact:
        lines = [phones_whole(line) for line in data.contact.splitlines() if line.strip()]
        if typeset.has_rtl(data.contact):
            story += [p("<b>How to contact them:</b>", st["cover"]), plain(r("\n".join(lines)), st["cover"])]
        else:
            story.append(p(f"<b>How to contact them:</b><br/>{'<br/>'.join(t(line) for line in lines)}", st["cover"]))
    for label, numbers in data.cover_references:
        story += labelled(f"{label}:", r(numbers), st["cover"])
    story += [
        *labelled("Prepared by:", r(data.prepared_by), st["cover"]),
        p(f"<b>Prepared on:</b> {escape(data.prepared_at)}", st["cover"]),
        p(f"<b>Prepared for:</b> {escape(data.audience)}", st["cover"]),
        p(f"<b>Period covered:</b> {escape(data.period)}", st["cover"]),
        p(f"<b>Incidents:</b> {len(data.incidents)} &nbsp; <b>Exhibits:</b> {len(data.exhibits)}", st["cover"]),
        Spacer(1, 14 * mm),
        p("Verification code", ParagraphStyle("vc", parent=st["label"], alignment=TA_CENTER)),
        p(escape(data.verification_code), st["code"]),
        p(
            f"To check that a copy of this document is unaltered, go to {escape(data.verify_url)} and enter this "
            "code: the page shows the SHA-256 fingerprint, date and page count of the original. The document is "
            "also digitally signed.",
            st["small"],
        ),
        Spacer(1, 8 * mm),
        p(escape(data.time_zone_note), st["small"]),
    ]
    if data.redacted:
        story.append(p("Children's names are shown as their initials.", st["small"]))
    story.append(PageBreak())

    # Summary
    story += [Bookmark("Summary"), p("Summary", st["h1"]), p(f"Period: {escape(data.period)}", st["body"])]
    story += [p("Incidents per month, by kind", st["h2"]), chart(data, width)]
    story += [p("Incidents by kind", st["h2"])]
    story.append(
        _table(
            [["Kind", "Incidents"]] + [[k, str(n)] for k, n in data.counts_by_kind], [width * 0.75, width * 0.25], st
        )
    )
    story.append(p("Suspected perpetrators", st["h2"]))
    if data.suspects:
        story.append(
            _table(
                [["Name", "Usernames", "Incidents"]]
                + [
                    [plain(r(name), st["body"]), unbroken(r(handles), st["small"]), str(n)]
                    for name, handles, n in data.suspects
                ],
                [width * 0.4, width * 0.45, width * 0.15],
                st,
            )
        )
    else:
        story.append(p("None named.", st["body"]))
    story.append(p("Agencies and reference numbers", st["h2"]))
    if data.agencies:
        story.append(
            _table(
                [["Reference", "Kind", "Agency", "Officer", "Status"]]
                + [
                    [unbroken(keep_whole(r(number)), st["body"]), *(plain(r(a), st["body"]) for a in rest)]
                    for number, *rest in data.agencies
                ],
                [width * 0.26, width * 0.2, width * 0.22, width * 0.17, width * 0.15],
                st,
            )
        )
    else:
        story.append(p("None recorded.", st["body"]))
    story.append(PageBreak())

    # Chronology
    story += [Bookmark("Chronology"), p("Chronology", st["h1"])]
    total = max(1, len(data.incidents))
    for index, entry in enumerate(data.incidents):
        head = [
            Bookmark(f"{entry.number}. {entry.when}", level=1),
            plain(f"{entry.number}. {entry.when} — {r(entry.title)}", st["entry"]),
            plain(f"{entry.kind} · {entry.precision}", st["small"]),
        ]
        fields = [
            ("What happened", r(entry.narrative)),
            ("Impact on the family", r(entry.impact)),
            ("Where", r(entry.where)),
            ("People and organisations", "; ".join(r(x) for x in entry.parties)),
            ("Reference numbers", "; ".join(r(x) for x in entry.references)),
            ("Exhibits", ", ".join(entry.exhibits)),
            ("Outcome", r(entry.outcome)),
        ]
        body = []
        for n, (label, value) in enumerate(fields):
            if value or n == 0:
                body += [plain(label, st["label"]), plain(value, st["body"])]
        if entry.tags:
            body.append(plain("Tags: " + ", ".join(r(x) for x in entry.tags), st["small"]))
        # A new entry starts on a new page unless 30 mm are left: room for its heading, the first label and
        # at least two lines of what happened (a paragraph never leaves one line behind). Measuring each
        # entry's first block as one KeepTogether cost a tenth of the whole build.
        story += [CondPageBreak(30 * mm), *head, *body]
        if index % 100 == 0:
            progress(index / total)

    # Parties
    story += [PageBreak(), Bookmark("People and organisations"), p("Index of people and organisations", st["h1"])]
    story.append(
        _table(
            [["Name", "Role", "Usernames and other names", "Incidents"]]
            + [
                [
                    plain(r(name), st["body"]),
                    plain(kind, st["body"]),
                    unbroken(r(names), st["small"]),
                    plain(f"No. {nums}" if nums else "None in this period", st["small"]),
                ]
                for name, kind, names, nums in data.parties
            ],
            [width * 0.27, width * 0.2, width * 0.3, width * 0.23],
            st,
        )
    )

    # Exhibits
    story += [PageBreak(), Bookmark("Exhibits"), p("Exhibit list", st["h1"])]
    # Each exhibit takes two rows: its details, then its SHA-256 on one unbroken line across the table,
    # so that the fingerprint can be read, copied and compared whole (a 5th column was too narrow for it).
    widths = [width * 0.1, width * 0.48, width * 0.19, width * 0.23]
    story.append(_header_row(("Mark", "Description", "Obtained", "Type and size"), widths, st, height))
    for ex in data.exhibits:
        if (ex.withdrawn or ex.source_url) and typeset.has_rtl(ex.description + ex.withdrawn + ex.source_url):
            # Right-to-left text: each part a paragraph of its own, whose lines plain() breaks in reading order.
            parts = [p("<b>WITHDRAWN:</b>", st["body"]), plain(r(ex.withdrawn), st["body"])] if ex.withdrawn else []
            parts.append(plain(r(ex.description), st["body"]))
            if ex.source_url:
                parts.append(plain(r(ex.source_url), st["url"]))
            description_cell = Stack(parts)
        elif ex.withdrawn or ex.source_url:  # a bold or small part: parsed, the typed text escaped
            description = t(ex.description)
            if ex.withdrawn:
                description = f"<b>WITHDRAWN:</b> {t(ex.withdrawn)}<br/>{description}"
            if ex.source_url:
                description += f"<br/><font size='7'>{t(ex.source_url)}</font>"
            description_cell = p(description, st["body"])
        else:
            description_cell = plain(r(ex.description), st["body"])
        sha = ex.sha256 or "(link only, no file)"
        details = [
            unbroken(ex.mark, st["body_bold"]),
            description_cell,
            plain(r(ex.obtained), st["small"]),
            plain(f"{ex.kind}\n{ex.content_type}\n{ex.size}", st["small"]),
        ]
        fingerprint = p(f"<font name='Body-Bold'>SHA-256</font> {escape(sha)}", st["mono"])
        rows = [list(zip(details, widths, strict=True)), [(fingerprint, width)]]
        if ex.timestamped:
            rows.append([(plain(ex.timestamped, st["small"]), width)])
        if ex.web_history:
            lines = "\n".join(ex.web_history)
            rows.append(
                [(plain(r(f"History of this web page, as checked by the server:\n{lines}"), st["small"]), width)]
            )
        story.append(Row(rows, page_height=height))

    # Photos
    photos = [ex for ex in data.exhibits if ex.image and not ex.withdrawn]
    if photos and data.photos_inline:
        story += [PageBreak(), Bookmark("Photos"), p("Photographs and screenshots", st["h1"])]
        for n, ex in enumerate(photos):
            reader = ImageReader(io.BytesIO(ex.image))
            iw, ih = reader.getSize()
            scale = min(width / iw, 110 * mm / ih, 1.5)
            story.append(
                KeepTogether(
                    [
                        plain(f"Exhibit {ex.mark}", st["entry"]),
                        Image(_image_source(ex.image, image_dir, n), width=iw * scale, height=ih * scale),
                        plain(r(ex.description), st["small"]),
                    ]
                )
            )

    # A police dossier's draft statement and offence checklist, when asked for
    story += statement_section(data, st)
    story += checklist_section(data, st)

    # Statement of record
    story += [PageBreak(), Bookmark("Statement of record"), p("Statement of record", st["h1"])]
    story.append(p(escape(data.audit_statement), st["body"]))
    widths = [width * 0.25, width * 0.75]
    story.append(_header_row(("Incident", "Logged and changed (from the audit trail)"), widths, st, height))
    story += [
        Row([[(plain(a, st["body"]), widths[0]), (plain(r(b), st["small"]), widths[1])]], page_height=height)
        for a, b in data.record
    ]
    story += withdrawn_section(data, width, st, height)
    story += appendix(data, width, st)
    return story


# A police dossier's optional sections -------------------------------------------------------------

NO_SUSPECTS = "Nobody is named in this case as a suspected perpetrator, so there is no one to check the record for."


def statement_section(data: DossierData, st: dict[str, ParagraphStyle]) -> list:
    """The draft witness statement: who makes it, then its numbered paragraphs, each plain() (never read as
    markup) and redacted as everywhere else."""
    part, r = data.statement, data.redact
    if part is None:
        return []
    numbered = ParagraphStyle("numbered", parent=st["body"], leftIndent=8 * mm, firstLineIndent=-8 * mm, spaceAfter=5)
    story: list = [
        PageBreak(),
        Bookmark("Draft witness statement"),
        plain("Draft witness statement", st["h1"]),
        plain(
            f"The witness statement being prepared from this record, as its draft stood when this dossier was made "
            f"(version {part.revision}). It is not signed here: the statement itself is a separate document, with "
            "the declaration and a signature on every page. The maker's address and telephone number are not "
            "included.",
            st["body"],
        ),
        *labelled("Statement of:", r(part.maker), st["body"]),
        *labelled("Age if under 18:", part.age, st["body"]),
        *labelled("Occupation:", r(part.occupation), st["body"]),
        Spacer(1, 4),
    ]
    if not part.paragraphs:
        return [*story, plain("The draft has no paragraphs yet.", st["body"])]
    return story + [plain(f"{number}. {r(text)}", numbered) for number, text in part.paragraphs]


def checklist_section(data: DossierData, st: dict[str, ParagraphStyle]) -> list:
    """The offence checklist: the disclaimer once, then each suspected person's offences, each with its checks
    and what the record still lacks; for a case in Scotland, the message only."""
    part, r = data.checklist, data.redact
    if part is None:
        return []
    story: list = [PageBreak(), Bookmark("Offence checklist"), plain("Offence checklist", st["h1"])]
    if part.notice:
        story.append(plain(part.notice, st["body"]))
    if part.disclaimer:
        story.append(plain(part.disclaimer, st["small"]))
        story.append(
            plain(
                'It is worded for the family who keep this record: "you" is them. Incidents are numbered as in the '
                "chronology.",
                st["small"],
            )
        )
    if not part.people and part.disclaimer:
        story.append(plain(NO_SUSPECTS, st["body"]))
    for person in part.people:
        story += [
            CondPageBreak(40 * mm),
            Bookmark(person.name, level=1),
            plain(r(person.name), st["h2"]),
            plain(person.incidents, st["small"]),
            *(plain(note, st["small"]) for note in person.notes),
        ]
        for offence in person.offences:
            story += [
                CondPageBreak(25 * mm),
                plain(offence.name, st["entry"]),
                plain(f"{offence.law} · {offence.incidents}", st["small"]),
            ]
            for status, label, detail in offence.checks:
                story += labelled(f"{status}:", f"{label}. {detail}", st["body"])
            if offence.lacks:
                story.append(plain("What the record still lacks", st["label"]))
                story += [plain(f"• {lack}", st["body"]) for lack in offence.lacks]
    return story


# Withdrawn incidents (statement of record) ------------------------------------------------------


@dataclass
class WithdrawnEntry:
    """An incident withdrawn as wrong or a duplicate: it is in no count and not in the chronology."""

    number: str  # "W1", "W2", ...: in date order, apart from the chronology's numbers
    when: str  # when it happened, as the chronology would say it
    title: str
    reason: str
    withdrawn: str  # when and by whom it was withdrawn


def withdrawn_section(data: DossierData, width: float, st: dict, height: float) -> list:
    """The statement of record's list of withdrawn incidents, each with its reason, who and when."""
    story: list = [Bookmark("Withdrawn incidents", level=1), _Paragraph("Withdrawn incidents", st["h2"])]
    if not data.withdrawn:
        return [*story, plain("No incident in this period was withdrawn.", st["body"])]
    story.append(
        plain(
            "These incidents were logged and later withdrawn (logged by mistake or twice). They are not in the "
            "chronology or in any count. Nothing was deleted: each stays in the case's audit trail.",
            st["body"],
        )
    )
    r = data.redact
    widths = [width * 0.08, width * 0.42, width * 0.5]
    story.append(_header_row(("No.", "Incident", "Withdrawn: when, by whom and why"), widths, st, height))
    story += [
        Row(
            [
                [
                    (plain(entry.number, st["body"]), widths[0]),
                    (plain(f"{entry.when}\n{r(entry.title)}", st["body"]), widths[1]),
                    (plain(f"{entry.withdrawn}\nReason: {r(entry.reason)}", st["small"]), widths[2]),
                ]
            ],
            page_height=height,
        )
        for entry in data.withdrawn
    ]
    return story


def render(data: DossierData, out, progress: Callable[[float], None] = lambda _f: None) -> int:
    """Lay the dossier out into `out` (a binary file); returns the page count."""
    register_fonts()
    margin = 18 * mm
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=f"Dossier {data.verification_code}",
        author=data.prepared_by,
        subject="Chronology of incidents and evidence",
        creator="Referral Tracker",
        keywords=f"verification code {data.verification_code}",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    pages: dict = {}

    def canvasmaker(*args, **kwargs):
        # initialFontName: the font every page's text state starts in, not ReportLab's Helvetica (which the
        # PDF would then name without embedding it).
        kwargs["initialFontName"] = "Body"
        c = NumberedCanvas(*args, footer=f"Dossier {data.verification_code} · {data.case_title[:60]}", **kwargs)
        pages["canvas"] = c
        return c

    # No ASCII85 armour on the streams (images, pages, fonts): ReportLab's default of 1 encodes every
    # JPEG in pure Python, the slowest part of the build, and makes the file a quarter larger. What the
    # PDF shows is the same; it is a binary file either way (it is signed, zipped and stored as bytes).
    previous_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        with tempfile.TemporaryDirectory(prefix="dossier-photos-") as image_dir:
            # The frame's own padding (6 pt at top and bottom) is not room for a row.
            story = build_story(data, doc.width, progress, image_dir=image_dir, height=doc.height - 12)
            doc.build(story, canvasmaker=canvasmaker)
    finally:
        rl_config.useA85 = previous_a85
    return pages["canvas"].total_pages


def appendix(data: DossierData, width: float, st: dict[str, ParagraphStyle]) -> list:
    """The text of each letter, email and note, so that the reader need not open the evidence pack: plain()
    paragraphs (never read as markup), children's names redacted as everywhere else."""
    r = data.redact
    shown = [ex for ex in data.exhibits if ex.appendix is not None and not ex.withdrawn]
    if not shown:
        return []
    story: list = [
        PageBreak(),
        Bookmark("Appendix: text of exhibits"),
        plain("Appendix: text of exhibits", st["h1"]),
        plain(
            "The text of each letter, email and note among the exhibits, as read from the original file when this "
            "dossier was made. The originals, which this text does not replace, are in the evidence pack.",
            st["body"],
        ),
    ]
    for ex in shown:
        item = ex.appendix
        head = [
            Bookmark(f"Exhibit {ex.mark}", level=1),
            plain(f"Exhibit {ex.mark}: {r(ex.description)}", st["entry"]),
            plain(f"{item.how} · SHA-256 {ex.sha256}", st["small"]),
        ]
        story.append(CondPageBreak(30 * mm))
        if not item.pictures:
            story += head
        for name, value in item.headers:
            cells = [(plain(name, st["label"]), width * 0.18), (plain(r(value), st["body"]), width * 0.82)]
            story.append(Row([cells], page_height=A4[1] / 2, rule=(0, colors.white)))
        if item.headers:
            story.append(Spacer(1, 4))
        for block in re.split(r"\n\s*\n", item.text):
            if block.strip():
                story.append(plain(r(block), st["body"]))
        for n, picture in enumerate(item.pictures):
            # A scanned page, framed (its white margins would not show on the white page), the first one on
            # the same page as the exhibit's heading.
            reader = ImageReader(io.BytesIO(picture))
            iw, ih = reader.getSize()
            scale = min((width - 2) / iw, 170 * mm / ih)
            framed = Table([[Image(io.BytesIO(picture), width=iw * scale, height=ih * scale)]])
            framed.setStyle(
                TableStyle(
                    [("BOX", (0, 0), (-1, -1), 0.5, RULE)]
                    + [(side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING")]
                    + [("BOTTOMPADDING", (0, 0), (-1, -1), 0)]
                )
            )
            story.append(KeepTogether([*head, framed]) if n == 0 else framed)
            story.append(Spacer(1, 6))
        if item.note:
            story.append(plain(item.note, st["small"]))
    return story
