"""The one table of file types: every allowed type has words, and every refusal says why in words.

What is allowed, what is shown inline and what is refused are written out here (not read from
vault.filetypes): the code's tables must equal these, both ways, and an HTML page or an SVG drawing is
never handed to a browser as something to show."""

import pytest
from django.urls import reverse

from incidents.services import evidence as evidence_services
from tests.factories import png_bytes, upload
from vault import filetypes, store
from vault.downloads import file_response

# Every type a file may be sniffed as and still be added.
ALLOWED = frozenset({
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif",
    "application/pdf", "text/plain", "message/rfc822", "text/html", "application/xhtml+xml",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text", "application/rtf", "text/rtf",
    "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/wav", "audio/x-wav", "audio/ogg", "audio/webm", "audio/aac",
    "video/mp4", "video/quicktime", "video/webm", "video/3gpp", "video/x-matroska",
})  # fmt: skip
# The only types a page may show inline: raster images a browser cannot run.
INLINE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Allowed to be kept as evidence, never shown inline: markup, scripts-in-waiting, images a browser may not
# decode, documents, sound and video.
NEVER_INLINE = frozenset({
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "image/heic",
    "image/heif", "application/pdf", "text/plain", "message/rfc822", "application/javascript",
    "text/javascript", "video/mp4", "audio/mpeg", "image/bmp", "image/x-icon", "application/octet-stream",
    "IMAGE/PNG", "image/png; charset=utf-8", " image/png", "image/png ", "image/", "",
})  # fmt: skip
# Refused whatever the file is called: programs, scripts, archives, drawings that can carry script, markup a
# browser would run, and anything unknown.
REFUSED = (
    "image/svg+xml", "text/xml", "application/xml", "application/javascript", "text/javascript",
    "application/ecmascript", "application/x-msdownload", "application/vnd.microsoft.portable-executable",
    "application/x-dosexec", "application/x-executable", "application/x-pie-executable", "application/x-sharedlib",
    "application/x-mach-binary", "application/x-elf", "application/x-msi", "application/java-archive",
    "application/vnd.android.package-archive", "application/x-sh", "text/x-shellscript", "text/x-python",
    "text/x-script.python", "text/x-php", "application/x-httpd-php", "text/x-perl", "text/x-msdos-batch",
    "application/hta", "application/x-shockwave-flash", "application/zip", "application/x-rar", "application/vnd.rar",
    "application/x-7z-compressed", "application/gzip", "application/x-tar", "application/x-bzip2",
    "application/x-xz", "application/octet-stream", "text/css", "text/x-c", "image/bmp", "image/tiff",
    "image/x-icon", "application/x-empty", "inode/x-empty", "TEXT/PLAIN", "text/plain; charset=utf-8", "",
)  # fmt: skip


def test_the_allowed_types_are_exactly_these():
    assert set(filetypes.ALLOWED_TYPES) == ALLOWED


def test_the_inline_types_are_exactly_these():
    assert set(filetypes.INLINE_IMAGE_TYPES) == INLINE
    assert INLINE <= ALLOWED


@pytest.mark.parametrize("content_type", sorted(ALLOWED))
def test_each_allowed_type_is_allowed(content_type):
    assert content_type in filetypes.ALLOWED_TYPES


@pytest.mark.parametrize("content_type", REFUSED)
def test_each_refused_type_is_refused(content_type):
    assert content_type not in filetypes.ALLOWED_TYPES


@pytest.mark.parametrize("content_type", sorted(INLINE))
def test_each_inline_type_is_shown_inline(content_type):
    assert filetypes.is_inline_image(content_type) is True
    response = file_response(iter([b"x"]), filename="AJ-1.png", content_type=content_type, inline=True)
    assert response["Content-Disposition"] == "inline; filename=\"AJ-1.png\"; filename*=UTF-8''AJ-1.png"
    assert response["Content-Type"] == content_type


@pytest.mark.parametrize("content_type", sorted(NEVER_INLINE | (ALLOWED - INLINE)))
def test_nothing_else_is_ever_shown_inline(content_type):
    assert filetypes.is_inline_image(content_type) is False
    response = file_response(iter([b"x"]), filename="page.html", content_type=content_type, inline=True)
    assert response["Content-Disposition"] == "attachment; filename=\"page.html\"; filename*=UTF-8''page.html"


HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>\n'


@pytest.mark.django_db
def test_a_saved_web_page_is_kept_but_downloaded_as_opaque_bytes_even_when_asked_inline(client, case, owner):
    attached = evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="page", uploaded_file=upload("page.png", HTML)
    )
    evidence = attached.evidence
    assert evidence.content_type == "text/html"  # sniffed from the bytes, not the name
    client.force_login(owner)
    for query in ("", "?inline=1"):
        response = client.get(reverse("incidents:evidence_download", args=[case.pk, evidence.pk]) + query)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream", query
        assert response["Content-Disposition"] == (
            f"attachment; filename=\"{evidence.file_name}\"; filename*=UTF-8''{evidence.file_name}"
        ), query
        assert evidence.file_name.endswith(".html")
        assert b"".join(response.streaming_content) == HTML


@pytest.mark.django_db
def test_a_png_is_shown_inline_only_when_asked(client, case, owner):
    evidence = evidence_services.evidence_attach(
        user=owner, case=case, kind="photo", description="p", uploaded_file=upload("p.dat", png_bytes())
    ).evidence
    client.force_login(owner)
    url = reverse("incidents:evidence_download", args=[case.pk, evidence.pk])
    inline, attached = client.get(url + "?inline=1"), client.get(url)
    assert (inline["Content-Type"], inline["Content-Disposition"].split(";")[0]) == ("image/png", "inline")
    assert (attached["Content-Type"], attached["Content-Disposition"].split(";")[0]) == (
        "application/octet-stream",
        "attachment",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("drawing.png", SVG),
        ("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 400),
        ("photo.png", b"#!/bin/sh\nrm -rf /\n" * 10),
        ("feed.txt", b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>\n'),
    ],
)
def test_a_refused_file_is_not_kept(case, name, data):
    with pytest.raises(store.EvidenceError):
        store.store_upload(case, upload(name, data))
    assert store.stored_files() == []


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
