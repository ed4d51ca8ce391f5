"""The one file response and the CSV cell guard, with every header and cell written out (docs/mutation.md)."""

import pytest

from vault.downloads import file_response, safe_filename, spreadsheet_safe

CSP = "default-src 'none'; img-src 'self'; style-src 'none'; sandbox; frame-ancestors 'none'"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AJ-1.png", "AJ-1.png"),
        ("X.png", "X.png"),
        ("a b\tc.png", "abc.png"),  # space (32) and tab go; "!" (33) and "~" (126) stay
        ("!~.txt", "!~.txt"),
        ("a\x7fb\x80c.txt", "abc.txt"),  # DEL (127) and anything beyond ASCII go
        ('a"b\\c/d;e%f.txt', "abcdef.txt"),
        ("café.png", "caf.png"),
        ("..hidden..", "hidden.."),
        ("../../etc/passwd", "etcpasswd"),
        ("...", "file"),
        ("", "file"),
        ("\r\n", "file"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def _headers(response) -> dict:
    return {key: response[key] for key in response.headers}


def test_an_inline_image_is_inline_with_every_guard():
    response = file_response(iter([b"ab", b"c"]), filename="AJ 1.png", content_type="image/png", inline=True, size=3)
    assert _headers(response) == {
        "Content-Type": "image/png",
        "Content-Disposition": "inline; filename=\"AJ1.png\"; filename*=UTF-8''AJ1.png",
        "Content-Length": "3",
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store, private",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    assert b"".join(response.streaming_content) == b"abc"


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/pdf", "image/heic"])
def test_inline_is_refused_for_anything_but_an_inline_image(content_type):
    response = file_response(iter([b"x"]), filename="page.html", content_type=content_type, inline=True)
    assert response["Content-Disposition"] == "attachment; filename=\"page.html\"; filename*=UTF-8''page.html"
    assert response["Content-Type"] == content_type


def test_an_attachment_by_default_even_for_an_image():
    response = file_response(iter([b"x"]), filename="AJ-2.png", content_type="image/png")
    assert response["Content-Disposition"] == "attachment; filename=\"AJ-2.png\"; filename*=UTF-8''AJ-2.png"


def test_no_type_is_opaque_and_no_size_no_length():
    response = file_response(iter([b"x"]), filename="x", content_type="")
    assert response["Content-Type"] == "application/octet-stream"
    assert "Content-Length" not in response


def test_an_empty_file_still_says_its_length():
    response = file_response(iter([]), filename="empty.txt", content_type="text/plain", size=0)
    assert response["Content-Length"] == "0"


def test_the_rfc_6266_name_is_percent_encoded():
    response = file_response(iter([b"x"]), filename="a#b?c&d=e<f>.pdf", content_type="application/pdf")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"a#b?c&d=e<f>.pdf\"; filename*=UTF-8''a%23b%3Fc%26d%3De%3Cf%3E.pdf"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("'quoted", "'quoted"),
        ("", ""),
        ("plain text", "plain text"),
    ],
)
def test_spreadsheet_safe_text(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize("value", [5, -5, 0, None, 1.5])
def test_spreadsheet_safe_leaves_non_text_alone(value):
    assert spreadsheet_safe(value) is value
