"""From the text a person typed to glyphs on a PDF page: the one place every document's text goes through.

The dossier (and, later, witness statements and letters) draws its text with ReportLab, which draws each
string in one font and shows a blank or a box for any character that font lacks. Here:

- the fonts: every one a TrueType file from a Debian package (each Font names its package and path; the list
  of packages is debian-packages.txt at the top of the project), registered with ReportLab, embedded and
  subset in the PDF. Four styles ("Body", "Body-Bold", "Mono", "Mono-Bold"), each a chain (CHAINS): the
  style's own font, then fonts for the scripts it lacks. Only the fonts of EAGER are loaded at once; each
  fallback when a text first needs it, the large CJK font only for a character of its ranges.
- visible(): what must be seen and not obeyed: direction overrides and isolates, zero-width and other
  invisible format characters (Unicode category Cf) and control characters become "⟨U+202E⟩", so that a
  name like "file\\u202egnp.exe" reads as what it is: "file⟨U+202E⟩gnp.exe".
- runs(): the text cut into runs of one font each, by which font of the chain has a glyph for each
  character (the fonts' own cmaps). A character that no font has becomes a visible placeholder: an emoji
  its name ("[emoji: melting face]"), anything else "⟨U+XXXX⟩". Nothing is dropped, nothing is a box.
- right-to-left text (Arabic, Urdu, Hebrew): Arabic letters joined into their contextual forms
  (arabic_reshaper), each line put in display order by the Unicode bidirectional algorithm (python-bidi),
  after the lines are broken in reading order (lines(), for paragraphs), so that a long paragraph's lines
  follow each other as they are read.

Nothing here reads the text as markup: markup() gives the escaped runs inside <font> tags, for the few
paragraphs that are parsed.
"""

import re
import threading
import unicodedata
from collections.abc import KeysView
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU = "/usr/share/fonts/truetype/dejavu"
NOTO = "/usr/share/fonts/truetype/noto"


@dataclass(frozen=True)
class Font:
    name: str  # the name registered with ReportLab
    path: str
    package: str  # the Debian package that installs `path`
    ranges: tuple[tuple[int, int], ...] = ()  # if set: only tried (and only loaded) for these code points
    subfont: int = 0  # the face in a .ttc collection


ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
CJK = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x31FF),  # bopomofo, compatibility jamo, kanbun, katakana extensions
    (0x3200, 0x33FF),  # enclosed, compatibility
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),  # Hangul syllables and jamo extended B
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x2FA1F),
)

# Each style's chain, in the order tried. The Arabic-script font comes first for Arabic letters (one face for a
# whole word, Urdu's letters included); DejaVu Sans has Latin, Greek, Cyrillic, Hebrew, Arabic; Symbola has
# WenQuanYi Zen Hei Chinese, Japanese and Korean (before Symbola, which has a few ideographs of its own: one face
# for a whole line of Chinese); Symbola emoji and symbols (monochrome).
SYMBOLA = Font("Fallback-Symbols", "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", "fonts-symbola")
CJK_FONT = Font("Fallback-CJK", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei", ranges=CJK)
CHAINS: dict[str, tuple[Font, ...]] = {
    "Body": (
        Font("Fallback-Arabic", f"{NOTO}/NotoNaskhArabic-Regular.ttf", "fonts-noto-core", ranges=ARABIC),
        Font("Body", f"{DEJAVU}/DejaVuSans.ttf", "fonts-dejavu-core"),
        Font("Fallback-Hebrew", f"{NOTO}/NotoSansHebrew-Regular.ttf", "fonts-noto-core"),
        CJK_FONT,
        SYMBOLA,
    ),
    "Body-Bold": (
        Font("Fallback-Arabic-Bold", f"{NOTO}/NotoNaskhArabic-Bold.ttf", "fonts-noto-core", ranges=ARABIC),
        Font("Body-Bold", f"{DEJAVU}/DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
        Font("Fallback-Hebrew-Bold", f"{NOTO}/NotoSansHebrew-Bold.ttf", "fonts-noto-core"),
        CJK_FONT,
        SYMBOLA,
    ),
    "Mono": (
        Font("Mono", f"{DEJAVU}/DejaVuSansMono.ttf", "fonts-dejavu-core"),
        Font("Fallback-Arabic", f"{NOTO}/NotoNaskhArabic-Regular.ttf", "fonts-noto-core", ranges=ARABIC),
        Font("Body", f"{DEJAVU}/DejaVuSans.ttf", "fonts-dejavu-core"),
        Font("Fallback-Hebrew", f"{NOTO}/NotoSansHebrew-Regular.ttf", "fonts-noto-core"),
        CJK_FONT,
        SYMBOLA,
    ),
    "Mono-Bold": (
        Font("Mono-Bold", f"{DEJAVU}/DejaVuSansMono-Bold.ttf", "fonts-dejavu-core"),
        Font("Fallback-Arabic-Bold", f"{NOTO}/NotoNaskhArabic-Bold.ttf", "fonts-noto-core", ranges=ARABIC),
        Font("Body-Bold", f"{DEJAVU}/DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
        Font("Fallback-Hebrew-Bold", f"{NOTO}/NotoSansHebrew-Bold.ttf", "fonts-noto-core"),
        CJK_FONT,
        SYMBOLA,
    ),
}
# Not in a chain: the family's italics, registered so that <i> in markup finds a font of the family.
ITALICS = (
    Font("Body-Italic", f"{DEJAVU}/DejaVuSans-Oblique.ttf", "fonts-dejavu-extra"),
    Font("Body-BoldItalic", f"{DEJAVU}/DejaVuSans-BoldOblique.ttf", "fonts-dejavu-extra"),
)
# What register() loads at once: the fonts the dossier's own text is set in. Each DejaVu face parsed costs a
# few MiB, so the others (Mono-Bold, the italics, every fallback) wait until a text needs them.
EAGER = ("Body", "Body-Bold", "Mono")


def all_fonts() -> list[Font]:
    """Every font this module can load, once each."""
    seen: dict[str, Font] = {}
    for chain in CHAINS.values():
        for font in chain:
            seen.setdefault(font.name, font)
    for font in ITALICS:
        seen.setdefault(font.name, font)
    return list(seen.values())


class FontMissing(RuntimeError):
    """A font file is not on this machine: its Debian package is not installed."""


_lock = threading.Lock()
_cmaps: dict[str, KeysView[int]] = {}
_ASCII_FONTS: set[str] = set()


def _load(font: Font) -> KeysView[int]:
    """Register `font` with ReportLab (once) and give the code points it has glyphs for."""
    cmap = _cmaps.get(font.name)
    if cmap is None:
        with _lock:
            cmap = _cmaps.get(font.name)
            if cmap is None:
                try:
                    tt = TTFont(font.name, font.path, subfontIndex=font.subfont)
                except (OSError, ttfonts.TTFError) as error:
                    raise FontMissing(
                        f"{font.path} ({font.name}) could not be read: install Debian's {font.package} "
                        "(make system-deps installs debian-packages.txt)"
                    ) from error
                pdfmetrics.registerFont(tt)
                cmap = _cmaps[font.name] = tt.face.charToGlyph.keys()  # a view: no copy of the font's cmap
                if cmap >= set(range(0x20, 0x7F)):
                    _ASCII_FONTS.add(font.name)  # runs() need not look at an ASCII text in this font
    return cmap


def _to_unicode_fixed(original):
    """ReportLab's ToUnicode map writes a character beyond U+FFFF (an emoji, a rare ideograph) as 5 or 6 hex
    digits, which is not the UTF-16BE a PDF reader expects: pdftotext read U+1F476 (baby) as U+1F47. The same
    map, with each such character written as its surrogate pair: copying text out of the PDF gives it back."""

    def pair(match: re.Match) -> str:
        cp = int(match.group(2), 16) - 0x10000
        return f"{match.group(1)}<{0xD800 + (cp >> 10):04X}{0xDC00 + (cp & 0x3FF):04X}>"

    def make(fontname, subset):
        return re.sub(r"^(<[0-9A-F]{2}> )<([0-9A-F]{5,6})>$", pair, original(fontname, subset), flags=re.M)

    make.fixed = True
    return make


if not getattr(ttfonts.makeToUnicodeCMap, "fixed", False):
    ttfonts.makeToUnicodeCMap = _to_unicode_fixed(ttfonts.makeToUnicodeCMap)


def register(*, italics: bool = False) -> None:
    """The fonts of EAGER and the families (so that <b> in markup finds Body-Bold); with italics, the obliques
    too, for <i> (without, <i> is set upright). Every other font is loaded when a text needs it (runs())."""
    for name in EAGER:
        _load(next(f for chain in CHAINS.values() for f in chain if f.name == name))
    if italics:
        for font in ITALICS:
            _load(font)
    italic, bold_italic = ("Body-Italic", "Body-BoldItalic") if "Body-Italic" in _cmaps else ("Body", "Body-Bold")
    pdfmetrics.registerFontFamily("Body", normal="Body", bold="Body-Bold", italic=italic, boldItalic=bold_italic)
    mono_bold = "Mono-Bold" if "Mono-Bold" in _cmaps else "Body-Bold"
    pdfmetrics.registerFontFamily("Mono", normal="Mono", bold=mono_bold, italic="Mono", boldItalic=mono_bold)


# Visible control and format characters ------------------------------------------------------------------------

ZWJ, VS15, VS16 = "\u200d", "\ufe0e", "\ufe0f"


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return unicodedata.category(ch) == "So" and (cp >= 0x1F000 or 0x2600 <= cp < 0x2800 or 0x2B00 <= cp < 0x2C00)


def code(ch: str) -> str:
    return f"⟨U+{ord(ch):04X}⟩"


def _hidden(ch: str) -> bool:
    """A character that would act on the text rather than be seen: format (Cf), control (Cc), separators of
    lines and paragraphs inside a line, surrogates."""
    return unicodedata.category(ch) in ("Cf", "Cc", "Cs", "Zl", "Zp")


_ASCII_HIDDEN = re.compile("[\x00-\x1f\x7f]")
_ASCII_HIDDEN_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """`text` in NFC with every invisible format or control character shown as ⟨U+XXXX⟩.

    Kept: line breaks (when keep_newlines: CR LF, CR, LF, and the Unicode line and paragraph separators), and a
    tab as a space. Inside an emoji sequence, the zero-width joiner and the emoji/text variation selectors are
    dropped: the emoji are drawn one by one, in one colour, and the joiner between them means nothing on paper.
    Anywhere else a joiner is shown like any other.
    """
    text = text or ""
    if text.isascii():  # most text: only the C0 controls and DEL to look for, nothing to normalise
        if keep_newlines and "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not (_ASCII_HIDDEN_BUT_NEWLINE if keep_newlines else _ASCII_HIDDEN).search(text):
            return text
    else:
        text = unicodedata.normalize("NFC", text)
        if keep_newlines:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        distinct = set(text)  # each character looked at once
        if VS16 not in distinct and VS15 not in distinct and not any(_hidden(ch) for ch in distinct):
            return text
    out = []
    for i, ch in enumerate(text):
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in "\u2028\u2029" and keep_newlines:  # line and paragraph separators: a line break
            out.append("\n")
        elif ch == "\t":
            out.append(" ")
        elif ch in (ZWJ, VS15, VS16) and _in_emoji_sequence(text, i):
            continue
        elif _hidden(ch):
            out.append(code(ch))
        else:
            out.append(ch)
    return "".join(out)


def _in_emoji_sequence(text: str, i: int) -> bool:
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if text[i] == ZWJ:
        # An emoji before it (or a variation selector or skin tone after one), an emoji after it.
        j = i - 1
        while j >= 0 and (text[j] in (VS15, VS16) or 0x1F3FB <= ord(text[j]) <= 0x1F3FF):
            j -= 1
        return j >= 0 and _is_emoji(text[j]) and bool(after) and _is_emoji(after)
    return bool(before) and (_is_emoji(before) or before in "#*0123456789")


# Font runs ---------------------------------------------------------------------------------------------------


def placeholder(ch: str) -> str:
    """What a character no font has a glyph for is printed as."""
    if _is_emoji(ch) or 0x1F3FB <= ord(ch) <= 0x1F3FF:
        name = unicodedata.name(ch, "")
        if name:
            return f"[emoji: {name.lower()}]"
    if unicodedata.category(ch) == "Zs":
        return " "
    return code(ch)


def _class_of(cps: KeysView[int]) -> str:
    """A regex character class matching every code point NOT in cps."""
    parts, start, prev = [], None, None
    for cp in sorted(cps):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            parts.append((start, prev))
            start = prev = cp
    if start is not None:
        parts.append((start, prev))
    return "[^" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in parts) + "\n]"


@cache
def _outside(style_font: str) -> re.Pattern:
    """Matches any character that is not simply the style's own font's: one it lacks, or one of the ranges of a
    font tried before it (Arabic letters, which DejaVu Sans has too, go to the Arabic font)."""
    chain = CHAINS[style_font]
    own = next(n for n, f in enumerate(chain) if f.name == style_font)
    preferred = [f"\\U{a:08x}-\\U{b:08x}" for font in chain[:own] for a, b in font.ranges]
    pattern = _class_of(_load(chain[own]))
    return re.compile(pattern + ("|[" + "".join(preferred) + "]" if preferred else ""))


def _font_for(ch: str, style_font: str) -> str | None:
    cp = ord(ch)
    for font in CHAINS[style_font]:
        if font.ranges and not any(a <= cp <= b for a, b in font.ranges):
            continue
        if cp in _load(font):
            return font.name
    return None


@cache
def _plain_chars(style_font: str) -> frozenset[str]:
    """The characters a text may be made of and need nothing done to it: in the style's own font, not hidden,
    not right to left, not of a range another font of the chain is tried first for, unchanged by NFC and not
    combining with a neighbour."""
    chain = CHAINS[style_font]
    own = next(n for n, f in enumerate(chain) if f.name == style_font)
    preferred = [r for font in chain[:own] for r in font.ranges]
    out = {"\n"}
    for cp in _load(chain[own]):
        ch = chr(cp)
        if (
            0xD800 <= cp <= 0xDFFF
            or _hidden(ch)
            or _RTL.match(ch)
            or any(a <= cp <= b for a, b in preferred)
            or unicodedata.category(ch).startswith("M")
            or unicodedata.normalize("NFC", ch) != ch
            or 0x1100 <= cp <= 0x11FF
            or ch in (VS15, VS16)
        ):
            continue
        out.add(ch)
    return frozenset(out)


def is_plain(text: str, style_font: str = "Body") -> bool:
    """Whether `text` is drawn as it is, in the style's own font: visible() and runs() would change nothing and
    it has no right-to-left letter. The quick test every paragraph is put to first."""
    if text.isascii():
        return "\r" not in text and not _ASCII_HIDDEN_BUT_NEWLINE.search(text) and style_font in _ASCII_FONTS
    return set(text) <= _plain_chars(style_font)


def runs(text: str, style_font: str = "Body") -> list[tuple[str, str]]:
    """`text` (already visible()) as [(font name, text)], each run in the first font of the style's chain that
    has all of its characters; a character no font has replaced by placeholder() (in the style's font)."""
    if not text:
        return []
    if (text.isascii() and style_font in _ASCII_FONTS) or not _outside(style_font).search(text):
        return [(style_font, text)]
    out: list[list[str]] = []
    for ch in text:
        # A space stays with the run it is in.
        font = (out[-1][0] if out else style_font) if ch in "\n " else _font_for(ch, style_font)
        if font is None:  # drawn in the first font that has the placeholder's first character
            ch = placeholder(ch)
            font = _font_for(ch[0], style_font) or style_font
        if out and out[-1][0] == font:
            out[-1][1] += ch
        else:
            out.append([font, ch])
    return [(font, part) for font, part in out]


def markup(text: str, style_font: str = "Body") -> str:
    """Paragraph markup for `text`: each run XML-escaped, the ones not in the style's font in <font name>.
    The text itself is never read as markup. Right-to-left text put in display order (one line's worth)."""
    text = visible(text)
    if has_rtl(text):
        text = "\n".join(display(line) for line in text.split("\n"))
    return "".join(
        escape(part) if font == style_font else f'<font name="{font}">{escape(part)}</font>'
        for font, part in runs(text, style_font)
    ).replace("\n", "<br/>")


def width(text: str, style_font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs(text, style_font))


# Right to left -----------------------------------------------------------------------------------------------

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")


def has_rtl(text: str) -> bool:
    return bool(text) and not text.isascii() and bool(_RTL.search(text))


def base_rtl(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strong character is (the bidi rules P2 and P3)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def shape(text: str) -> str:
    """Arabic letters in their joined (initial, medial, final, isolated) forms: logical order kept."""
    if not has_rtl(text):
        return text
    return _reshaper().reshape(text)


@cache
def _reshaper():
    """Lam-alef ligatures made, harakat kept: the presentation forms are in the Arabic font of the chain."""
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True})


def display(line: str, rtl: bool | None = None) -> str:
    """One line in display order (left to right on the page), its Arabic letters joined."""
    if not has_rtl(line):
        return line
    from bidi import get_display

    shaped = shape(line)
    direction = "R" if (base_rtl(line) if rtl is None else rtl) else "L"
    return get_display(shaped, base_dir=direction)


def lines(text: str, style_font: str, size: float, max_width: float) -> list[str]:
    """`text` (visible(), with line breaks) broken into lines no wider than max_width, in reading order, then
    each put in display order: what a right-to-left paragraph's lines are, top to bottom. A word wider than the
    line is cut where the room runs out."""
    out = []
    space = pdfmetrics.stringWidth(" ", style_font, size)
    for source in shape(text).split("\n"):
        rtl = base_rtl(source)  # each line of the text is a paragraph of its own to the bidi algorithm
        words = [w for w in re.split(r"[^\S\u00a0]+", source) if w]
        line: list[str] = []
        used = 0.0
        for word in words:
            w = width(word, style_font, size)
            while w > max_width and not line:  # a word longer than a whole line
                cut = _fit(word, style_font, size, max_width)
                out.append(display(word[:cut], rtl))
                word = word[cut:]
                w = width(word, style_font, size)
            if line and used + space + w > max_width:
                out.append(display(" ".join(line), rtl))
                line, used = [], 0.0
                while w > max_width:
                    cut = _fit(word, style_font, size, max_width)
                    out.append(display(word[:cut], rtl))
                    word = word[cut:]
                    w = width(word, style_font, size)
            used = used + space + w if line else w
            line.append(word)
        out.append(display(" ".join(line), rtl))
    return out


def _fit(word: str, style_font: str, size: float, max_width: float) -> int:
    n = 1
    while n < len(word) and width(word[: n + 1], style_font, size) <= max_width:
        n += 1
    return n


# Drawing on a canvas or in a chart ---------------------------------------------------------------------------


def draw_string(canvas, x: float, y: float, text: str, style_font: str, size: float, anchor: str = "start") -> None:
    """canvas.drawString for a person's text: visible, in display order, each run in the font that has it."""
    parts = runs(display(visible(text, keep_newlines=False)), style_font)
    total = sum(pdfmetrics.stringWidth(part, font, size) for font, part in parts)
    x -= {"start": 0, "middle": total / 2, "end": total}[anchor]
    for font, part in parts:
        canvas.setFont(font, size)
        canvas.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, font, size)


def strings(x: float, y: float, text: str, style_font: str, size: float, anchor: str = "start", **kwargs) -> list:
    """reportlab.graphics String shapes for one label: one per font run, placed side by side."""
    from reportlab.graphics.shapes import String

    parts = runs(display(visible(text, keep_newlines=False)), style_font)
    total = sum(pdfmetrics.stringWidth(part, font, size) for font, part in parts)
    x -= {"start": 0, "middle": total / 2, "end": total}[anchor]
    out = []
    for font, part in parts:
        out.append(String(x, y, part, fontName=font, fontSize=size, textAnchor="start", **kwargs))
        x += pdfmetrics.stringWidth(part, font, size)
    return out
