"""dossiers.pdf's plain() and labelled(): the fragments they make, written out.

Every user-typed text in the dossier goes through one of these two, so what they make is pinned exactly:
the words of each line (spaces run together, no-break spaces kept), the line breaks, the font of each run,
right-to-left text put in display order with its reading order kept for line breaking, and a label and a
value that are never read as markup.
"""

import io
import subprocess

import pytest
from reportlab.pdfgen import canvas

from dossiers import pdf

pdf.register_fonts()


@pytest.fixture
def styles():
    """Styles made for each test: plain() keeps a fragment template on the style, and one made by an earlier
    test (or an earlier run in the same process) would hide how this one makes it."""
    return pdf.styles()


def drawn(paragraph) -> str:
    """The paragraph laid out and drawn on a page, read back by pdftotext (poppler), an independent reader."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    paragraph.wrap(400, 700)
    paragraph.drawOn(page, 72, 400)
    page.save()
    out = subprocess.run(["pdftotext", "-", "-"], input=buffer.getvalue(), capture_output=True, check=True)
    return out.stdout.decode().strip("\f\n")


def frags(paragraph) -> list[tuple[str, str, bool]]:
    return [(f.text, f.fontName, bool(getattr(f, "lineBreak", False))) for f in paragraph.frags]


BR = ("", "Body", True)


@pytest.mark.parametrize(
    ("text", "expected", "kept", "read_back"),
    [
        (
            "First  line\nsecond\tline",
            [("First line", "Body", False), BR, ("second line", "Body", False)],
            "First  line\nsecond line",  # a tab is shown as a space
            "First line\nsecond line",
        ),
        ("", [("", "Body", False)], "", ""),
        (None, [("", "Body", False)], "", ""),
        ("  lead and trail  ", [("lead and trail", "Body", False)], "  lead and trail  ", "lead and trail"),
        ("a\n   \nb", [("a", "Body", False), BR, BR, ("b", "Body", False)], "a\n   \nb", "a\nb"),  # blank line kept
        ("07700\u00a0900  123", [("07700\u00a0900 123", "Body", False)], "07700\u00a0900  123", "07700 900 123"),
        ("\u00a0indent", [("\u00a0indent", "Body", False)], "\u00a0indent", "indent"),  # a no-break space stays
        ("X\u00a0ray X", [("X\u00a0ray X", "Body", False)], "X\u00a0ray X", "X ray X"),
        ("Zoë café", [("Zoë café", "Body", False)], "Zoë café", "Zoë café"),
        ("x\r\ny", [("x", "Body", False), BR, ("y", "Body", False)], "x\ny", "x\ny"),  # CR LF is one break
        ("你好 world", [("你好 ", "Fallback-CJK", False), ("world", "Body", False)], "你好 world", "你好 world"),
        ("\u00a0你好", [("\u00a0", "Body", False), ("你好", "Fallback-CJK", False)], "\u00a0你好", "你好"),
        (
            "X\u00a0你好 X",
            [("X\u00a0", "Body", False), ("你好 ", "Fallback-CJK", False), ("X", "Body", False)],
            "X\u00a0你好 X",
            "X 你好 X",
        ),
        ("👶 baby", [("👶 ", "Fallback-Symbols", False), ("baby", "Body", False)], "👶 baby", "👶 baby"),
        ("a\u202eb", [("a⟨U+202E⟩b", "Body", False)], "a⟨U+202E⟩b", "a⟨U+202E⟩b"),  # shown, not obeyed
        (
            '<img src="/etc/passwd"/>',
            [('<img src="/etc/passwd"/>', "Body", False)],
            '<img src="/etc/passwd"/>',
            '<img src="/etc/passwd"/>',
        ),  # never markup
        ("\u2003", [("", "Body", False)], "\u2003", ""),  # only a space: one empty fragment, not none
        ("\u3000", [("", "Body", False)], "\u3000", ""),  # the same on the path for text outside the body font
    ],
)
def test_plain_makes_these_fragments(styles, text, expected, kept, read_back):
    paragraph = pdf.plain(text, styles["body"])
    assert type(paragraph) is pdf._Paragraph
    assert (paragraph.text, paragraph.style) == (kept, styles["body"])
    assert frags(paragraph) == expected
    assert paragraph._bidi_source is None  # left to right: ReportLab breaks the lines as they are
    assert drawn(paragraph) == read_back


@pytest.mark.parametrize(
    ("text", "expected", "source"),
    [
        ("שלום עולם", [("םלוע םולש", "Body", False)], "שלום עולם"),
        ("مرحبا بالعالم", [("ﻢﻟﺎﻌﻟﺎﺑ ﺎﺒﺣﺮﻣ", "Fallback-Arabic", False)], "مرحبا بالعالم"),
        (
            "שלום\u00a0 עולם\nשני",
            [("םלוע \u00a0םולש", "Body", False), BR, ("ינש", "Body", False)],
            "שלום\u00a0 עולם\nשני",
        ),
        ("  שלום   עולם ", [("םלוע םולש", "Body", False)], "שלום עולם"),
        ("X שלום X", [("X םולש X", "Body", False)], "X שלום X"),
        ("\u00a0שלום", [("םולש\u00a0", "Body", False)], "\u00a0שלום"),
    ],
)
def test_right_to_left_text_is_put_in_display_order_and_keeps_its_reading_order(styles, text, expected, source):
    paragraph = pdf.plain(text, styles["body"])
    assert (paragraph.text, paragraph.style) == (text, styles["body"])
    assert frags(paragraph) == expected
    drawn(paragraph)  # it lays out and draws
    assert paragraph._bidi_source == source  # lines are broken in reading order, then each shown in display order


def test_plain_uses_the_style_font_and_the_kind_asked_for(styles):
    class Other(pdf._Paragraph):
        pass

    mono = pdf.plain("abc  def", styles["mono"], Other)
    assert type(mono) is Other
    assert frags(mono) == [("abc def", "Mono", False)]
    assert pdf.plain("abc", styles["mono"]).frags[0].fontSize == 8
    assert pdf.plain("abc", styles["body"]).frags[0].fontSize == 9.5
    # Outside the style's own font, each run in the first font of the style's chain that has it.
    assert frags(pdf.plain("你好 abc", styles["mono"])) == [("你好 ", "Fallback-CJK", False), ("abc", "Mono", False)]
    assert frags(pdf.plain("\u01c4", styles["mono"])) == [("\u01c4", "Body", False)]  # Ǆ: in DejaVu Sans only
    assert frags(pdf.plain("\u01c4", styles["body"])) == [("\u01c4", "Body", False)]
    mixed = pdf.plain("X שלום X", styles["mono"])
    assert frags(mixed) == [("X ", "Mono", False), ("םולש ", "Body", False), ("X", "Mono", False)]


def test_the_fragment_template_is_made_once_per_style(styles):
    style = styles["small"]
    assert "_plain_frag" not in style.__dict__
    pdf.plain("one", style)
    template = style.__dict__["_plain_frag"]
    pdf.plain("two", style)
    assert style.__dict__["_plain_frag"] is template


@pytest.mark.parametrize(
    ("label", "value", "text", "expected"),
    [
        (
            "Name:",
            "A <b>x</b> & y",
            "<b>Name:</b> A &lt;b&gt;x&lt;/b&gt; &amp; y",
            "Name: A <b>x</b> & y",
        ),
        ("<i>Label</i>", "plain", "<b>&lt;i&gt;Label&lt;/i&gt;</b> plain", "<i>Label</i> plain"),
        ("Where:", "你好", '<b>Where:</b> <font name="Fallback-CJK">你好</font>', "Where: 你好"),
    ],
)
def test_labelled_is_one_paragraph_with_the_label_bold_and_nothing_read_as_markup(styles, label, value, text, expected):
    (paragraph,) = pdf.labelled(label, value, styles["body"])
    assert paragraph.text == text
    assert "".join(f.text for f in paragraph.frags) == expected
    assert {f.fontName for f in paragraph.frags if f.text.startswith(label[:1])} >= {"Body-Bold"}
    assert paragraph.frags[-1].fontName != "Body-Bold"


def test_a_right_to_left_value_goes_on_a_line_of_its_own_under_its_label(styles):
    label, value = pdf.labelled("Name:", "שלום <b>", styles["body"])
    assert (type(label), label.text, frags(label)) == (pdf._Paragraph, "<b>Name:</b>", [("Name:", "Body-Bold", False)])
    assert (type(value), value.text, frags(value)) == (pdf._Paragraph, "שלום <b>", [(">b< םולש", "Body", False)])
    assert value._bidi_source == "שלום <b>"
    (label, _value) = pdf.labelled("<i>Name</i>", "שלום", styles["body"])
    assert label.text == "<b>&lt;i&gt;Name&lt;/i&gt;</b>"  # the label is never markup either
