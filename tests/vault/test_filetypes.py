"""The one table of file types: every allowed type has words, and every refusal says why in words."""

from vault import filetypes


def test_every_allowed_type_is_named_in_words():
    assert sorted(t for t in filetypes.ALLOWED_TYPES if filetypes.words(t) == "file") == []


def test_no_refused_type_is_also_allowed():
    assert sorted(set(filetypes.REFUSED_WORDS) & filetypes.ALLOWED_TYPES) == []


def test_refusals_never_show_the_type_code():
    for content_type in ("application/vnd.microsoft.portable-executable", "image/svg+xml", "application/zip", "x/y"):
        message = filetypes.refusal(content_type)
        assert content_type not in message
        assert message.endswith("sound recordings (MP3, M4A, WAV, Ogg) and videos (MP4, MOV, WebM).")


def test_types_in_words():
    assert [filetypes.words(t) for t in ("image/png", "application/pdf", "message/rfc822", "video/quicktime")] == [
        "PNG picture",
        "PDF document",
        "saved email",
        "QuickTime video (iPhone)",
    ]
    assert filetypes.refusal("application/vnd.microsoft.portable-executable").startswith(
        "This is a program, not a picture or document, so it cannot be added. You can add pictures (JPEG, PNG"
    )
