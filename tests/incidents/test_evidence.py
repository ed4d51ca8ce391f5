"""The evidence vault: originals stored encrypted and unaltered, exhibit-numbered, served only to members."""

import hashlib
import io
import struct
import subprocess
import sys
import zipfile
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import Evidence
from incidents.services import evidence as evidence_services
from tests.factories import log_incident, png_bytes, upload
from vault import store

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"letter from the council " * 40


def _post(client, case, files, **fields):
    data = {"kind": "screenshot", "description": "Screenshot of the forum post.", **fields}
    if files is not None:
        data["files"] = files
    return client.post(reverse("incidents:evidence_new", args=[case.pk]), data)


def _stored_files(settings) -> list:
    root = settings.EVIDENCE_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_is_numbered_hashed_and_encrypted_at_rest(client, case, owner, settings):
    data = png_bytes()
    client.force_login(owner)
    response = _post(client, case, upload("shot.png", data))
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.mark, item.number, item.content_type, item.size) == ("AJ/1", 1, "image/png", len(data))
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    on_disk = store.stored_path(item.case_id, item.storage_name).read_bytes()
    assert data not in on_disk and b"IHDR" not in on_disk  # not the plaintext
    assert item.preview_name and item.preview_name != item.storage_name


def test_download_gives_back_the_original_bytes_as_an_attachment(client, case, owner, advocate):
    data = PDF
    item = evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="Letter", uploaded_file=upload("l.pdf", data)
    ).evidence
    client.force_login(advocate)  # advocates read, so they may download
    response = client.get(reverse("incidents:evidence_download", args=[case.pk, item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment; filename=\"AJ-1.pdf\"; filename*=UTF-8''AJ-1.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="evidence.download", actor_id=advocate.pk, target_id=item.pk).exists()


def test_only_sniffed_images_are_shown_inline(client, case, owner):
    image = evidence_services.evidence_attach(
        user=owner, case=case, kind="photo", description="p", uploaded_file=upload("p.png", png_bytes())
    ).evidence
    pdf = evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="d", uploaded_file=upload("image.png", PDF)
    ).evidence
    client.force_login(owner)
    shown = client.get(reverse("incidents:evidence_download", args=[case.pk, image.pk]), {"inline": "1"})
    refused = client.get(reverse("incidents:evidence_download", args=[case.pk, pdf.pk]), {"inline": "1"})
    assert shown["Content-Type"] == "image/png" and shown["Content-Disposition"].startswith("inline")
    assert refused["Content-Type"] == "application/octet-stream"
    assert refused["Content-Disposition"].startswith("attachment")
    assert pdf.content_type == "application/pdf"  # sniffed from the bytes, not the name


@pytest.mark.parametrize(
    ("role", "upload_status", "read_status"),
    [("owner", 302, 200), ("editor", 302, 200), ("advocate", 403, 200), ("viewer", 403, 200), ("outsider", 404, 404)],
)
def test_evidence_by_role(client, case, owner, editor, advocate, viewer, outsider, role, upload_status, read_status):
    item = evidence_services.evidence_attach(
        user=owner, case=case, kind="photo", description="p", uploaded_file=upload("p.png", png_bytes())
    ).evidence
    people = {"owner": owner, "editor": editor, "advocate": advocate, "viewer": viewer, "outsider": outsider}
    client.force_login(people[role])
    assert _post(client, case, upload("new.pdf", PDF)).status_code == upload_status
    for name in ("evidence_detail", "evidence_download", "evidence_preview"):
        assert client.get(reverse(f"incidents:{name}", args=[case.pk, item.pk])).status_code == read_status, name
    assert client.get(reverse("incidents:evidence_list", args=[case.pk])).status_code == read_status
    withdraw = client.post(reverse("incidents:evidence_withdraw", args=[case.pk, item.pk]), {"reason": "wrong"})
    assert withdraw.status_code == {"owner": 302, "editor": 302, "outsider": 404}.get(role, 403)


def test_same_bytes_twice_link_to_the_existing_exhibit(client, case, owner, settings):
    first_incident = log_incident(case, owner)
    second_incident = log_incident(case, owner)
    client.force_login(owner)
    _post(client, case, upload("a.pdf", PDF), incidents=[first_incident.pk])
    files_after_first = len(_stored_files(settings))
    response = _post(client, case, upload("renamed.pdf", PDF), incidents=[second_incident.pk])
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert set(item.incidents.all()) == {first_incident, second_incident}
    assert len(_stored_files(settings)) == files_after_first  # not stored again
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == "This file is already exhibit AJ/1. It has been linked."


def test_a_link_without_a_file_is_evidence_too(client, case, owner):
    client.force_login(owner)
    response = _post(client, case, None, source_url="https://forum.example/thread/9", kind="web_page")
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.mark, item.has_file, item.source_url) == ("AJ/1", False, "https://forum.example/thread/9")


def test_several_files_in_one_go(client, case, owner):
    client.force_login(owner)
    response = _post(client, case, [upload("a.png", png_bytes(colour=(1, 2, 3))), upload("b.pdf", PDF)])
    assert response.status_code == 302
    assert list(Evidence.objects.values_list("mark", flat=True)) == ["AJ/1", "AJ/2"]


def test_withdraw_keeps_the_item_marked_with_reason(client, case, owner):
    item = evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="d", uploaded_file=upload("a.pdf", PDF)
    ).evidence
    client.force_login(owner)
    url = reverse("incidents:evidence_withdraw", args=[case.pk, item.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Wrong family's letter"}).status_code == 302
    item.refresh_from_db()
    assert item.is_withdrawn and item.withdrawn_reason == "Wrong family's letter"
    assert hashlib.sha256(store.read_all(item.case, item.storage_name)).hexdigest() == item.sha256  # unchanged
    page = client.get(reverse("incidents:evidence_list", args=[case.pk])).content.decode()
    assert "Exhibit AJ/1" in page and "Withdrawn" in page
    # The next exhibit is AJ/2: a withdrawn number is never reused.
    nxt = evidence_services.evidence_attach(
        user=owner, case=case, kind="other", description="n", source_url="https://x.example"
    )
    assert nxt.evidence.mark == "AJ/2"


def test_every_look_is_audited(client, case, owner):
    item = evidence_services.evidence_attach(
        user=owner, case=case, kind="photo", description="p", uploaded_file=upload("p.png", png_bytes())
    ).evidence
    client.force_login(owner)
    client.get(reverse("incidents:evidence_detail", args=[case.pk, item.pk]))
    client.get(reverse("incidents:evidence_preview", args=[case.pk, item.pk]))
    b"".join(client.get(reverse("incidents:evidence_download", args=[case.pk, item.pk])).streaming_content)
    actions = list(
        AuditEvent.objects.filter(target_id=item.pk, target_type="incidents.evidence")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["evidence.attach", "evidence.view", "evidence.preview", "evidence.download"]


# Bad input --------------------------------------------------------------------------------------


def _png_with_size(width: int, height: int) -> bytes:
    """A valid small PNG whose header claims another size (CRC fixed up): a decompression bomb's header."""
    data = bytearray(png_bytes(4, 4))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "hello" * 100)
    return out.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.png", b"", "empty"),
        ("archive.pdf", _zip_bytes(), "cannot be added"),
        ("drawing.svg", SVG, "cannot be added"),
        ("polyglot.png", png_bytes()[:16] + b"<html><script>alert(1)</script></html>" * 20, "damaged or not an image"),
        ("huge.png", _png_with_size(20000, 20000), "too large in pixels"),
        ("app.exe", b"MZ\x90\x00" + b"\x00" * 500, "cannot be added"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_leave_nothing(client, case, owner, settings, name, data, message):
    client.force_login(owner)
    response = _post(client, case, upload(name, data))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["files"])
    assert not Evidence.objects.exists()
    assert _stored_files(settings) == [] or all(p.name == "master.key" for p in _stored_files(settings))


def test_over_the_limit_is_refused_while_streaming_and_nothing_is_left(client, case, owner, settings, tmp_path):
    settings.EVIDENCE_MAX_BYTES = 3 * 1024 * 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    client.force_login(owner)
    response = _post(client, case, upload("big.pdf", b"%PDF-1.4\n" + b"x" * (5 * 1024 * 1024)))
    assert response.status_code == 400
    assert "larger than 3 MB" in response.content.decode()
    assert not Evidence.objects.exists()
    assert list((tmp_path / "uploads").iterdir()) == []  # the temporary file is gone
    assert _stored_files(settings) == []


def test_no_file_and_no_link_is_refused(client, case, owner):
    client.force_login(owner)
    response = _post(client, case, None)
    assert response.status_code == 400
    assert "Choose a file, or give the link" in response.content.decode()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("bad\x00name\x1b[31m.pdf", "badname[31m.pdf"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("...", "file"),
    ],
)
def test_file_names_are_made_harmless(case, owner, given, kept):
    attached = evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="d", uploaded_file=upload(given, PDF + given.encode())
    )
    assert attached.evidence.original_name == kept
    assert "/" not in attached.evidence.storage_name and ".." not in attached.evidence.storage_name


def test_a_truncated_upload_saves_nothing_and_does_not_crash(client, case, owner, settings):
    client.force_login(owner)
    boundary = "----truncated"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nhalf a file\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="p.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + png_bytes(400, 400)[:300]  # the connection drops here: no closing boundary
    response = client.generic(
        "POST",
        reverse("incidents:evidence_new", args=[case.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists()
    assert _stored_files(settings) == [] or all(p.suffix == ".key" for p in _stored_files(settings))


def test_upload_cannot_link_another_cases_incident(case, owner, outsider):
    from django.core.exceptions import ValidationError

    from tests.factories import make_case

    other = make_case(outsider, title="other")
    foreign = log_incident(other, outsider)
    with pytest.raises(ValidationError):
        evidence_services.evidence_attach(
            user=owner, case=case, kind="other", description="d", source_url="https://x.example", incidents=[foreign]
        )


# Integrity ----------------------------------------------------------------------------------------


def test_verify_evidence_names_a_one_byte_change(case, owner, capsys):
    first = evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="d", uploaded_file=upload("a.pdf", PDF)
    ).evidence
    second = evidence_services.evidence_attach(
        user=owner, case=case, kind="photo", description="p", uploaded_file=upload("p.png", png_bytes())
    ).evidence
    call_command("verify_evidence")
    assert "OK: 2 exhibits" in capsys.readouterr().out
    path = store.stored_path(second.case_id, second.storage_name)
    data = bytearray(path.read_bytes())
    data[40] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("verify_evidence", case=case.pk)
    err = capsys.readouterr().err
    assert f"exhibit {second.mark} (id {second.pk})" in err and first.mark + " " not in err


def test_verify_evidence_notices_a_truncated_file(case, owner):
    item = evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="document",
        description="d",
        uploaded_file=upload("big.pdf", PDF + bytes(range(256)) * 600),  # several chunks
    ).evidence
    path = store.stored_path(item.case_id, item.storage_name)
    path.write_bytes(path.read_bytes()[: -(64 * 1024 + 16)])  # drop the last chunk
    assert "altered" in store.check(item)


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_from_several_processes_get_gapless_numbers(owner, settings, tmp_path):
    from django.db import connection

    from tests.factories import make_case

    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this checks; SQLite serialises writers anyway")
    case = make_case(owner)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    script = (
        "import django, sys; django.setup()\n"
        "from django.core.files.uploadedfile import SimpleUploadedFile\n"
        "from accounts.models import User\nfrom incidents.models import Case\n"
        "from incidents.services import evidence as evidence_services\n"
        f"case = Case.objects.get(pk={case.pk}); user = User.objects.get(pk={owner.pk})\n"
        "for n in range(5):\n"
        "    data = ('%PDF-1.4 ' + sys.argv[1] + str(n)).encode() * 50\n"
        "    evidence_services.evidence_attach(user=user, case=case, kind='document', description='d',\n"
        "        uploaded_file=SimpleUploadedFile('x.pdf', data))\n"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "referral_tracker.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": "x",
        "EVIDENCE_ROOT": str(settings.EVIDENCE_ROOT),
        "EVIDENCE_KEY_FILE": str(settings.EVIDENCE_KEY_FILE),
        "VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    store.ensure_master_key()  # create the key once, before the processes race to
    workers = [
        subprocess.Popen([sys.executable, "-c", script, f"worker{w}"], env=env, stderr=subprocess.PIPE)
        for w in range(4)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()[-2000:]
    numbers = sorted(Evidence.objects.filter(case=case).values_list("number", flat=True))
    assert numbers == list(range(1, 21))
    case.refresh_from_db()
    assert case.next_exhibit_number == 21


@pytest.mark.parametrize(
    "sizes",
    [[], [1], [store.CHUNK], [store.CHUNK + 1, 5, 3 * store.CHUNK - 7], [1_048_576] * 3],
)
def test_a_document_written_in_any_pieces_reads_back_whole_with_its_hash(case, sizes):
    pieces = [bytes([n % 251]) * size for n, size in enumerate(sizes)]
    with store.SealedWriter(case) as out:
        for piece in pieces:
            out.write(piece)
    whole = b"".join(pieces)
    assert (out.stored.size, out.stored.sha256) == (len(whole), hashlib.sha256(whole).hexdigest())
    # Reading checks every chunk's tag, its place and which one is last: a wrong cut would not decrypt.
    assert store.read_all(case, out.stored.storage_name) == whole


def test_a_document_that_fails_half_way_leaves_nothing_in_the_store(case, settings):
    folder = settings.EVIDENCE_ROOT / str(case.pk)
    with pytest.raises(RuntimeError), store.SealedWriter(case) as out:
        out.write(b"x" * (3 * store.CHUNK))
        raise RuntimeError("the pack could not be finished")
    assert list(folder.iterdir()) == []


# Refused types are named in words, with what can be added instead.
CAN_ADD = (
    " You can add pictures (JPEG, PNG, GIF, WebP, HEIC), PDF documents, Word and other text documents, saved "
    "emails (.eml) and web pages, sound recordings (MP3, M4A, WAV, Ogg) and videos (MP4, MOV, WebM)."
)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("app.exe", b"MZ" + b"\x90" * 58 + b"\x40\x00\x00\x00" + b"PE\x00\x00" + b"\x00" * 200,
         "This is a program, not a picture or document, so it cannot be added."),
        ("drawing.svg", SVG,
         "This is an SVG drawing, which can hide a program inside it, so it cannot be added. "
         "Take a screenshot of it and add that instead."),
        ("photos.zip", _zip_bytes(),
         "This is a compressed folder (such as a ZIP file), so it cannot be added. "
         "Open it and add the files inside it one by one."),
        ("run.sh", b"#!/bin/sh\nrm -rf ~\n",
         "This is a script (a small program), not a picture or document, so it cannot be added."),
        ("tool.py", b"#!/usr/bin/env python3\nimport os\nprint(os.environ)\n",
         "This is a script (a small program), not a picture or document, so it cannot be added."),
        ("data.bin", bytes(range(256)) * 8, "This kind of file cannot be added."),
    ],
)  # fmt: skip
def test_refused_types_are_named_in_words(client, case, owner, name, data, message):
    client.force_login(owner)
    response = _post(client, case, upload(name, data))
    assert response.status_code == 400
    assert response.context["form"].errors["files"] == [f"{name}: {message}{CAN_ADD}"]
    assert message in response.content.decode()


def test_the_upload_field_says_what_can_be_added(client, case, owner):
    client.force_login(owner)
    page = client.get(reverse("incidents:evidence_new", args=[case.pk])).content.decode()
    assert (
        "You can add pictures (JPEG, PNG, GIF, WebP, HEIC), PDF documents, Word and other text documents, "
        "saved emails (.eml) and web pages, sound recordings (MP3, M4A, WAV, Ogg) and videos (MP4, MOV, WebM). "
        "You can choose several."
    ) in page


def test_a_saved_web_page_and_javascript_are_kept_as_files_not_refused(client, case, owner):
    # HTML (a saved web page) and JavaScript (sniffed as text) are on the allow-list: kept, shown only as downloads.
    client.force_login(owner)
    assert (
        _post(client, case, upload("post.html", b"<!DOCTYPE html><html><body>post</body></html>\n")).status_code == 302
    )
    assert _post(client, case, upload("x.js", b"function f(){ alert(1); }\n")).status_code == 302
    assert sorted(Evidence.objects.values_list("content_type", flat=True)) == ["text/html", "text/plain"]


@pytest.mark.parametrize(
    ("obtained_at", "obtained_from", "shown"),
    [
        ("2026-11-04", "Forwarded by my sister", "<dt>Obtained</dt><dd>4 Nov 2026 · Forwarded by my sister</dd>"),
        ("", "Forwarded by my sister", "<dt>Obtained</dt><dd>Forwarded by my sister</dd>"),
        ("2026-11-04", "", "<dt>Obtained</dt><dd>4 Nov 2026</dd>"),
        ("", "", None),
    ],
)
def test_exhibit_page_says_when_and_from_whom_without_stray_separators(
    client, case, owner, obtained_at, obtained_from, shown
):
    client.force_login(owner)
    _post(client, case, upload("a.pdf", PDF), obtained_at=obtained_at, obtained_from=obtained_from)
    item = Evidence.objects.get()
    page = client.get(reverse("incidents:evidence_detail", args=[case.pk, item.pk])).content.decode()
    if shown is None:
        assert "<dt>Obtained</dt>" not in page
    else:
        assert shown in page
    assert f"<dd>a.pdf · PDF document · {len(PDF)}\xa0bytes</dd>" in page
    assert "application/pdf" not in page


def test_the_same_file_again_keeps_the_new_description_as_a_note(client, case, owner, editor):
    letter = log_incident(case, owner, title="Letter to employer")
    client.force_login(owner)
    _post(client, case, upload("a.pdf", PDF), description="The council's letter.")
    client.force_login(editor)
    response = _post(
        client, case, upload("again.pdf", PDF), description="Also sent to my employer.", incidents=[letter.pk]
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == (
        "This file is already exhibit AJ/1. It has been linked. What you wrote about it is kept as a note on it."
    )
    item = Evidence.objects.get()
    assert item.description == "The council's letter."  # the exhibit's own words are unchanged
    assert [(n.body, n.added_by, n.incident) for n in item.notes.all()] == [
        ("Also sent to my employer.", editor, letter)
    ]
    event = AuditEvent.objects.filter(action="evidence.note").get()
    assert (event.actor_id, event.details["mark"], event.details["incident"]) == (editor.pk, "AJ/1", letter.pk)
    page = client.get(reverse("incidents:evidence_detail", args=[case.pk, item.pk])).content.decode()
    assert "<dt>Notes</dt>" in page and "Also sent to my employer." in page
    assert f'when linking it to <a href="/cases/{case.pk}/incidents/{letter.pk}/">Letter to employer</a>' in page


def test_the_same_file_again_with_the_same_words_adds_no_note(client, case, owner):
    client.force_login(owner)
    _post(client, case, upload("a.pdf", PDF))
    _post(client, case, upload("b.pdf", PDF))
    assert not Evidence.objects.get().notes.exists()
    assert not AuditEvent.objects.filter(action="evidence.note").exists()


def test_the_same_file_again_through_the_api_keeps_the_description_as_a_note(case, owner):
    from rest_framework.test import APIClient

    from accounts import services as account_services

    _, token = account_services.access_token_create(user=owner, name="test", scope="write", days=7)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/cases/{case.pk}/evidence/"
    first = api.post(
        url, {"file": upload("p.pdf", PDF), "kind": "document", "description": "Letter"}, format="multipart"
    )
    assert first.status_code == 201
    again = api.post(
        url, {"file": upload("q.pdf", PDF), "kind": "document", "description": "Found it again"}, format="multipart"
    )
    assert again.status_code == 200 and again.json()["description"] == "Letter"
    assert list(Evidence.objects.get().notes.values_list("body", "incident")) == [("Found it again", None)]
