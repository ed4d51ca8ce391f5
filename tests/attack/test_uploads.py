"""The upload corpus, through the browser form and through the API.

Each file is refused with a message (nothing stored), or stored safely: its type sniffed from the
bytes and on the allow-list, its name made harmless, and never sent back as HTML, SVG or script
(opaque bytes as an attachment, or an inline image with nosniff and a sandboxing policy). A ZIP is
never opened: ZipFile.open is watched for the whole test.
"""

import io
import struct
import zipfile
import zlib

import pytest
from django.urls import reverse

from incidents.models import Evidence
from tests.attack.corpus import scan
from tests.attack.report import tally
from tests.factories import png_bytes, upload

# The expected answers, written out in tests/vault/test_filetypes.py (not read from vault.filetypes).
from tests.vault.test_filetypes import ALLOWED as ALLOWED_TYPES
from tests.vault.test_filetypes import INLINE as INLINE_IMAGE_TYPES

pytestmark = [pytest.mark.django_db, pytest.mark.attack(category="uploads")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def gif_js() -> bytes:
    """A GIF that is also JavaScript: the header reads as a variable, the comment hides the image."""
    out = io.BytesIO()
    from PIL import Image

    Image.new("P", (10, 10)).save(out, format="GIF")
    return out.getvalue()[:6] + b"/*" + out.getvalue()[8:] + b"*/=alert(1);//"


def png_chunked(width: int, height: int) -> bytes:
    """A real 1-bit PNG of width x height, streamed: a pixel bomb small on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def zip_bomb(*, as_docx: bool) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if as_docx:
            archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml" if as_docx else "zeros.bin", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(200):  # 200 MB when inflated
                member.write(block)
    return out.getvalue()


REFUSE, EITHER = "refuse", "either"
CORPUS = [
    # name, bytes, what must happen
    ("polyglot.gif", gif_js, EITHER),
    ("polyglot.png", lambda: png_bytes() + HTML * 20, EITHER),
    ("polyglot.pdf", lambda: PDF + HTML * 20, EITHER),
    ("drawing.svg", lambda: SVG, REFUSE),
    ("drawing.png", lambda: SVG, REFUSE),
    ("pixel-bomb.png", lambda: png_chunked(20000, 20000), REFUSE),
    ("pixel-bomb.jpg", lambda: jpeg_claiming(65000, 65000), REFUSE),
    ("zip-bomb.zip", lambda: zip_bomb(as_docx=False), REFUSE),
    ("zip-bomb.docx", lambda: zip_bomb(as_docx=True), EITHER),
    ("photo.jpg", lambda: b"MZ\x90\x00\x03" + b"\x00" * 400, REFUSE),  # a Windows program
    ("photo2.jpg", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 400, REFUSE),  # a Linux program
    ("photo3.jpg", lambda: b"#!/bin/sh\nrm -rf /\n" * 10, REFUSE),
    ("page.jpg", lambda: HTML * 10, EITHER),
    ("empty.png", lambda: b"", REFUSE),
    ("../../etc/passwd", lambda: PDF + b"1", EITHER),
    ("..\\..\\windows\\system32\\evil.pdf", lambda: PDF + b"2", EITHER),
    ("C:\\Users\\me\\evil.pdf", lambda: PDF + b"3", EITHER),
    ("nul\x00byte.pdf", lambda: PDF + b"4", EITHER),
    ("ctrl\x1b[31m\r\nX-Injected: 1.pdf", lambda: PDF + b"5", EITHER),
    ("\u202egnp.exe.pdf", lambda: PDF + b"6", EITHER),
    ('<script>alert(1)</script>".pdf', lambda: PDF + b"7", EITHER),
    ("a" * 1000 + ".pdf", lambda: PDF + b"8", EITHER),
    ("...", lambda: PDF + b"9", EITHER),
]


@pytest.fixture
def zip_watch(monkeypatch):
    """Every ZipFile.open for reading during the test: decompressing a bomb would start there."""
    opened = []
    original = zipfile.ZipFile.open

    def watched(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            opened.append(name)
        return original(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", watched)
    return opened


def stored_files(settings) -> set:
    root = settings.EVIDENCE_ROOT
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def check_stored(client, case, evidence: Evidence, where: str) -> list[str]:
    problems = []
    if evidence.content_type not in ALLOWED_TYPES:
        problems.append(f"{where}: stored as {evidence.content_type}")
    name = evidence.original_name
    if any(c in name for c in '/\\\x00<>"') or not name.isprintable() or len(name) > 120 or name.startswith("."):
        problems.append(f"{where}: kept the name {name!r}")
    for query in ("", "?inline=1"):
        url = reverse("incidents:evidence_download", args=[case.pk, evidence.pk]) + query
        response = client.get(url)
        b"".join(response.streaming_content)
        kind = response["Content-Type"]
        inline = response["Content-Disposition"].startswith("inline")
        if response.status_code != 200:
            problems.append(f"{where}: GET {url} {response.status_code}")
        if inline and kind not in INLINE_IMAGE_TYPES:
            problems.append(f"{where}: shown inline as {kind}")
        if not inline and kind != "application/octet-stream":
            problems.append(f"{where}: downloaded as {kind}")
        if response.get("X-Content-Type-Options") != "nosniff" or "sandbox" not in response["Content-Security-Policy"]:
            problems.append(f"{where}: no nosniff or no sandbox")
        if any(c in response["Content-Disposition"] for c in "\r\n\\/") or ".." in response["Content-Disposition"]:
            problems.append(f"{where}: Content-Disposition {response['Content-Disposition']!r}")
    page = client.get(reverse("incidents:evidence_detail", args=[case.pk, evidence.pk]))
    problems += [f"{where}: evidence page: {p}" for p in scan(page.content.decode()).problems]
    return problems


def test_hostile_files_are_refused_or_stored_safely_through_the_form_and_the_api(
    owner_client, api_client, case, settings, zip_watch, no_throttle
):
    failures, tried = [], 0
    for name, make, rule in CORPUS:
        data = make()
        for channel in ("form", "api"):
            tried += 1
            where = f"{channel} {name[:40]!r}"
            before_rows, before_files = set(Evidence.objects.values_list("pk", flat=True)), stored_files(settings)
            if channel == "form":
                response = owner_client.post(
                    reverse("incidents:evidence_new", args=[case.pk]),
                    {"kind": "document", "description": "d", "files": upload(name, data)},
                )
                reason = response.context["form"].errors.get("files") if response.status_code == 400 else None
            else:
                response = api_client.post(
                    f"/api/v1/cases/{case.pk}/evidence/",
                    {"kind": "document", "description": "d", "file": upload(name, data)},
                    format="multipart",
                )
                reason = response.json().get("file") if response.status_code in (400, 422) else None
            new = Evidence.objects.exclude(pk__in=before_rows)
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code} {getattr(response, 'exc_info', None)}")
            elif response.status_code in (400, 422):
                if not reason:
                    failures.append(f"{where}: refused without a reason")
                if new.exists() or stored_files(settings) - before_files:
                    failures.append(f"{where}: refused but something was kept")
            elif rule == REFUSE:
                failures.append(f"{where}: accepted ({response.status_code}), must be refused")
            else:
                evidence = new.first() or Evidence.objects.filter(case=case).order_by("-pk").first()
                failures += check_stored(owner_client, case, evidence, where)
    assert not zip_watch, f"a ZIP was opened: {zip_watch}"
    tally.add("uploads", tried=tried, failures=failures)
    assert tried == 2 * len(CORPUS)
    assert not failures, "\n".join(failures)
