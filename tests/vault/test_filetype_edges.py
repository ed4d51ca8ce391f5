"""The type rules' functions, with their answers written out (docs/mutation.md): a type's words, the
refusal a parent reads, the extension a stored file gets and which types a page may show inline."""

import pytest

from vault import filetypes

YOU_CAN_ADD = (
    " You can add pictures (JPEG, PNG, GIF, WebP, HEIC), PDF documents, Word and other text documents, saved emails"
    " (.eml) and web pages, sound recordings (MP3, M4A, WAV, Ogg) and videos (MP4, MOV, WebM)."
)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("image/png", "PNG picture"),
        ("image/heic", "HEIC picture (iPhone)"),
        ("text/html", "saved web page"),
        ("message/rfc822", "saved email"),
        ("video/quicktime", "QuickTime video (iPhone)"),
        ("application/zip", "file"),
        ("", "file"),
    ],
)
def test_words(content_type, expected):
    assert filetypes.words(content_type) == expected


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        ("application/x-dosexec", "This is a program, not a picture or document, so it cannot be added."),
        ("text/x-shellscript", "This is a script (a small program), not a picture or document, so it cannot be added."),
        (
            "application/zip",
            "This is a compressed folder (such as a ZIP file), so it cannot be added. "
            "Open it and add the files inside it one by one.",
        ),
        (
            "image/svg+xml",
            "This is an SVG drawing, which can hide a program inside it, so it cannot be added. "
            "Take a screenshot of it and add that instead.",
        ),
        ("application/x-unknown", "This kind of file cannot be added."),
        ("", "This kind of file cannot be added."),
    ],
)
def test_refusal(content_type, reason):
    assert filetypes.refusal(content_type) == reason + YOU_CAN_ADD


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("image/png", "png"),
        ("image/jpeg", "jpg"),
        ("message/rfc822", "eml"),
        ("text/html", "html"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("image/heic", "bin"),
        ("application/x-unknown", "bin"),
        ("", "bin"),
    ],
)
def test_extension(content_type, expected):
    assert filetypes.extension(content_type) == expected


@pytest.mark.parametrize(
    ("content_type", "inline"),
    [
        ("image/png", True),
        ("image/jpeg", True),
        ("image/gif", True),
        ("image/webp", True),
        ("image/heic", False),
        ("image/svg+xml", False),
        ("text/html", False),
        ("application/xhtml+xml", False),
        ("application/pdf", False),
        ("text/plain", False),
        ("IMAGE/PNG", False),
        ("", False),
    ],
)
def test_is_inline_image(content_type, inline):
    assert filetypes.is_inline_image(content_type) is inline
