"""dossiers.pdf's plain() and labelled(): the fragments they make, written out.

Every user-typed text in the dossier goes through one of these two, so what they make is pinned exactly:
the words of each line (spaces run together, no-break spaces kept), the line breaks, the font of each run,
right-to-left text put in display order with its reading order kept for line breaking, and a label and a
value that are never read as markup.
"""

import pytest

from dossiers import pdf

pdf.register_fonts()
STYLES = pdf.styles()


def frags(paragraph) -> list[tuple[str, str, bool]]:
    return [(f.text, f.fontName, bool(getattr(f, "lineBreak", False))) for f in paragraph.frags]


BR = ("", "Body", True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("First  line\nsecond\tline", [("First line", "Body", False), BR, ("second line", "Body", False)]),
        ("", [("", "Body", False)]),
        (None, [("", "Body", False)]),
        ("  lead and trail  ", [("lead and trail", "Body", False)]),
        ("a\n   \nb", [("a", "Body", False), BR, BR, ("b", "Body", False)]),  # a blank line is kept
        ("07700\u00a0900  123", [("07700\u00a0900 123", "Body", False)]),  # the no-break space stays
        ("Zoë café", [("Zoë café", "Body", False)]),
        ("x\r\ny", [("x", "Body", False), BR, ("y", "Body", False)]),  # CR LF is one break
        ("你好 world", [("你好 ", "Fallback-CJK", False), ("world", "Body", False)]),
        ("👶 baby", [("👶 ", "Fallback-Symbols", False), ("baby", "Body", False)]),
        ("a\u202eb", [("a⟨U+202E⟩b", "Body", False)]),  # a direction override is shown, not obeyed
        ('<img src="/etc/passwd"/>', [('<img src="/etc/passwd"/>', "Body", False)]),  # never markup
        ("\u2003", [("", "Body", False)]),  # only a space: one empty fragment, not none
        ("\u3000", [("", "Body", False)]),  # the same on the path for text outside the body font
    ],
)
def test_plain_makes_these_fragments(text, expected):
    paragraph = pdf.plain(text, STYLES["body"])
    assert type(paragraph) is pdf._Paragraph
    assert frags(paragraph) == expected
    assert paragraph._bidi_source is None  # left to right: ReportLab breaks the lines as they are


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
    ],
)
def test_right_to_left_text_is_put_in_display_order_and_keeps_its_reading_order(text, expected, source):
    paragraph = pdf.plain(text, STYLES["body"])
    assert frags(paragraph) == expected
    assert paragraph._bidi_source == source  # lines are broken in reading order, then each shown in display order


def test_plain_uses_the_style_font_and_the_kind_asked_for():
    class Other(pdf._Paragraph):
        pass

    mono = pdf.plain("abc  def", STYLES["mono"], Other)
    assert type(mono) is Other
    assert frags(mono) == [("abc def", "Mono", False)]
    assert pdf.plain("abc", STYLES["mono"]).frags[0].fontSize == 8
    assert pdf.plain("abc", STYLES["body"]).frags[0].fontSize == 9.5


def test_the_fragment_template_is_made_once_per_style():
    style = pdf.styles()["small"]
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
def test_labelled_is_one_paragraph_with_the_label_bold_and_nothing_read_as_markup(label, value, text, expected):
    (paragraph,) = pdf.labelled(label, value, STYLES["body"])
    assert paragraph.text == text
    assert "".join(f.text for f in paragraph.frags) == expected
    assert {f.fontName for f in paragraph.frags if f.text.startswith(label[:1])} >= {"Body-Bold"}
    assert paragraph.frags[-1].fontName != "Body-Bold"


def test_a_right_to_left_value_goes_on_a_line_of_its_own_under_its_label():
    label, value = pdf.labelled("Name:", "שלום <b>", STYLES["body"])
    assert (type(label), label.text, frags(label)) == (pdf._Paragraph, "<b>Name:</b>", [("Name:", "Body-Bold", False)])
    assert (type(value), value.text, frags(value)) == (pdf._Paragraph, "שלום <b>", [(">b< םולש", "Body", False)])
    assert value._bidi_source == "שלום <b>"
    (label, _value) = pdf.labelled("<i>Name</i>", "שלום", STYLES["body"])
    assert label.text == "<b>&lt;i&gt;Name&lt;/i&gt;</b>"  # the label is never markup either
