"""dossiers/typeset.py, function by function: what each text becomes, with the answer expected written out."""

import pytest

from dossiers import typeset

typeset.register()


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("plain text", "plain text"),
        ("file\u202egnp.exe", "file⟨U+202E⟩gnp.exe"),  # right-to-left override
        ("a\u202ab\u202bc\u202cd\u202de", "a⟨U+202A⟩b⟨U+202B⟩c⟨U+202C⟩d⟨U+202D⟩e"),
        ("\u2066x\u2067y\u2068z\u2069", "⟨U+2066⟩x⟨U+2067⟩y⟨U+2068⟩z⟨U+2069⟩"),  # isolates
        ("zero\u200bwidth\u200cnon\u200djoin", "zero⟨U+200B⟩width⟨U+200C⟩non⟨U+200D⟩join"),
        ("\u200emark\u200f", "⟨U+200E⟩mark⟨U+200F⟩"),
        ("word\u2060joiner\ufeffbom\u061calm", "word⟨U+2060⟩joiner⟨U+FEFF⟩bom⟨U+061C⟩alm"),
        ("soft\u00adhyphen", "soft⟨U+00AD⟩hyphen"),  # Cf too
        ("bell\x07 esc\x1b del\x7f c1\x9b", "bell⟨U+0007⟩ esc⟨U+001B⟩ del⟨U+007F⟩ c1⟨U+009B⟩"),
        ("tab\there", "tab here"),
        ("line\r\nbreak\nkept\rtoo", "line\nbreak\nkept\ntoo"),
        ("Ŵ\r\nŷ\rŵ", "Ŵ\nŷ\nŵ"),
        ("line\u2028separator\u2029paragraph", "line\nseparator\nparagraph"),
        ("form\x0cfeed\x85nel", "form⟨U+000C⟩feed⟨U+0085⟩nel"),
        ("e\u0301", "é"),  # NFC
        (
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
            "\U0001f468\U0001f469\U0001f467",
        ),  # ZWJ inside an emoji sequence
        ("\u2764\ufe0f", "\u2764"),  # emoji presentation selector after an emoji: dropped
        ("a\u200d\U0001f476", "a⟨U+200D⟩\U0001f476"),  # a joiner not between two emoji: shown
        ("tag\U000e0067", "tag⟨U+E0067⟩"),
    ],
)
def test_visible(typed, shown):
    assert typeset.visible(typed) == shown


def test_visible_without_newlines_shows_them():
    assert typeset.visible("a\nb", keep_newlines=False) == "a⟨U+000A⟩b"


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("Ŵŵ Ŷŷ ąćęłńóśźż Ελληνικά Русский", "Body", [("Body", "Ŵŵ Ŷŷ ąćęłńóśźż Ελληνικά Русский")]),
        ("Tiếng Việt", "Body-Bold", [("Body-Bold", "Tiếng Việt")]),
        ("abc 中文", "Body", [("Body", "abc "), ("Fallback-CJK", "中文")]),
        ("かな 한국", "Body", [("Fallback-CJK", "かな 한국")]),
        ("baby \U0001f476!", "Body", [("Body", "baby "), ("Fallback-Symbols", "\U0001f476"), ("Body", "!")]),
        ("x \U0001fae0", "Body", [("Body", "x [emoji: melting face]")]),  # no font has it
        ("x\U0010fffd", "Body", [("Body", "x⟨U+10FFFD⟩")]),  # private use: no glyph anywhere
        ("\u0633\u0644\u0627\u0645", "Body", [("Fallback-Arabic", "\u0633\u0644\u0627\u0645")]),
        ("\u0633\u0644\u0627\u0645", "Body-Bold", [("Fallback-Arabic-Bold", "\u0633\u0644\u0627\u0645")]),
        ("שלום", "Body", [("Body", "שלום")]),  # DejaVu Sans has Hebrew
        ("ab12 ŵ", "Mono", [("Mono", "ab12 ŵ")]),
        ("SHA 中", "Mono", [("Mono", "SHA "), ("Fallback-CJK", "中")]),
        ("", "Body", []),
    ],
)
def test_runs(text, style, expected):
    assert typeset.runs(text, style) == expected


@pytest.mark.parametrize(
    ("logical", "display"),
    [
        ("abc", "abc"),
        ("שלום עולם", "םלוע םולש"),  # Hebrew: the line read from the right
        ("see שלום עולם now", "see םלוע םולש now"),  # embedded in a left-to-right line
        ("שלום abc עולם", "םלוע abc םולש"),
        # Arabic: the letters joined (initial, medial, final forms), then the line reversed.
        ("سلام", "\ufee1\ufefc\ufeb3"),
        ("بيت كبير", "\ufeae\ufef4\ufe92\ufedb \ufe96\ufef4\ufe91"),
    ],
)
def test_display(logical, display):
    assert typeset.display(logical) == display


def test_lines_are_broken_in_reading_order_then_each_reversed():
    words = ["אחת", "שתיים", "שלוש", "ארבע", "חמש", "שש"]
    room = max(typeset.width(f"{a} {b}", "Body", 10) for a, b in zip(words[::2], words[1::2], strict=True)) + 0.5
    assert all(typeset.width(" ".join(words[n : n + 3]), "Body", 10) > room for n in range(4))  # two words a line
    lines = typeset.lines(" ".join(words), "Body", 10, room)
    # The first line holds the first two words, the first of them at the right.
    assert lines == ["םייתש תחא", "עברא שולש", "שש שמח"]


def test_lines_keep_a_left_to_right_line_as_it_is_and_break_each_typed_line():
    assert typeset.lines("abc שלום\nשלום abc", "Body", 10, 500) == ["abc םולש", "abc םולש"]


def test_lines_break_a_word_longer_than_the_line():
    word = "אבגדהוזחטיכלמנסעפצקרשת"
    room = typeset.width("אבגדה", "Body", 10) + 0.1
    lines = typeset.lines(word, "Body", 10, room)
    assert len(lines) > 3
    assert "".join(line[::-1] for line in lines) == word
    assert all(typeset.width(line, "Body", 10) <= room for line in lines)


@pytest.mark.parametrize(
    ("text", "rtl"),
    [("abc", False), ("שלום abc", True), ("123 שלום", True), ("abc שלום", False), ("سلام", True), ("", False)],
)
def test_base_rtl(text, rtl):
    assert typeset.base_rtl(text) is rtl


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a<b>&c", "a&lt;b&gt;&amp;c"),  # never markup
        ("<img src='x'> 中", "&lt;img src='x'&gt; <font name=\"Fallback-CJK\">中</font>"),
        ("a\nb", "a<br/>b"),
        ("x\u202ey", "x⟨U+202E⟩y"),
    ],
)
def test_markup(text, expected):
    assert typeset.markup(text) == expected


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Two officers came.", True),
        ("12. Mon — a thread · exact", True),
        ("tab\there", False),
        ("Ŵŵ ąę Ελληνικά Русский", True),
        ("e\u0301", False),  # not NFC
        ("file\u202egnp.exe", False),
        ("שלום", False),
        ("سلام", False),  # DejaVu has it, the Arabic font is tried first
        ("中文", False),
        ("\U0001f476", False),
    ],
)
def test_is_plain(text, plain):
    assert typeset.is_plain(text, "Body") is plain


def test_placeholder():
    assert typeset.placeholder("\U0001fae0") == "[emoji: melting face]"
    assert typeset.placeholder("\ue000") == "⟨U+E000⟩"
    assert typeset.placeholder("\u0378") == "⟨U+0378⟩"  # unassigned


def test_a_missing_font_file_names_its_debian_package(tmp_path):
    font = typeset.Font("Missing-Test", str(tmp_path / "none.ttf"), "fonts-example")
    with pytest.raises(typeset.FontMissing, match="install Debian's fonts-example"):
        typeset._load(font)
