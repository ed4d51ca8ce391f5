"""The evidence store's keys and its type sniffing, with the expected answers written out (docs/mutation.md,
the store's survivors): the master key file's folder and modes, its line, the warning, the length check, the
setting read first; a case's wrapped key bound to that case; the type sniffed from an upload in small pieces.

These call the store directly and read the log with caplog (no management command, no capsys), so that in
mutmut's single process they leave logging as they found it."""

import base64
import logging
import os

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection, connections

from incidents.models import Case
from tests.factories import make_case, png_bytes
from vault import store

pytestmark = pytest.mark.django_db

KEY = bytes(range(32))
KEY_TEXT = base64.b64encode(KEY).decode()


def test_a_new_key_file_its_folder_modes_and_its_line(settings, caplog):
    path = settings.EVIDENCE_KEY_FILE = settings.EVIDENCE_KEY_FILE.parent / "deeper" / "master.key"
    assert not path.parent.exists() and not path.parent.parent.exists()
    with caplog.at_level(logging.WARNING, logger="vault.store"):
        key = store._master_key()
    assert len(key) == 32
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    assert text == base64.b64encode(key).decode() + "\n"  # one line, and its newline
    assert [r.getMessage() for r in caplog.records] == [
        f"Created a new evidence master key at {path}. Back it up: without it, evidence is lost."
    ]
    assert [p.name for p in path.parent.iterdir()] == ["master.key"]  # the temporary name is gone
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="vault.store"):
        assert store._master_key() == key  # read again, not made again
    assert caplog.records == []


def test_a_key_file_in_an_existing_folder(settings):
    settings.EVIDENCE_KEY_FILE.parent.mkdir(mode=0o755)
    key = store._master_key()
    assert settings.EVIDENCE_KEY_FILE.read_text().strip() == base64.b64encode(key).decode()


def test_the_setting_is_used_before_any_file(settings):
    settings.EVIDENCE_MASTER_KEY = KEY_TEXT
    assert store._master_key() == KEY
    assert not settings.EVIDENCE_KEY_FILE.exists()  # no file made when the setting holds the key


def test_a_key_file_made_by_another_process_first_is_used(settings, monkeypatch, caplog):
    path = settings.EVIDENCE_KEY_FILE
    path.parent.mkdir(mode=0o700)
    real_link = os.link

    def link_after_another(source, target):
        # Another process links its key into place between our check and our link: ours is not used.
        if not os.path.exists(target):
            with open(target, "w") as handle:
                handle.write(KEY_TEXT + "\n")
        real_link(source, target)

    monkeypatch.setattr(store.os, "link", link_after_another)
    with caplog.at_level(logging.WARNING, logger="vault.store"):
        assert store._master_key() == KEY
    assert caplog.records == []  # ours was not created, so nothing is said about creating it
    assert [p.name for p in path.parent.iterdir()] == ["master.key"]


@pytest.mark.parametrize("text", ["dG9vIHNob3J0", base64.b64encode(bytes(33)).decode()])
def test_a_key_of_the_wrong_length_is_refused(settings, text):
    settings.EVIDENCE_MASTER_KEY = text
    with pytest.raises(RuntimeError) as refused:
        store._master_key()
    assert str(refused.value) == "The evidence master key must be 32 bytes, base64-encoded."


def test_a_wrapped_key_opens_only_for_its_own_case(case, outsider):
    """The case's id is the wrapped key's associated data: a wrapped key copied to another case's row
    (a restore gone wrong, a hand edit) does not open there."""
    other = make_case(outsider, title="Other")
    store.store_stream(case, [b"hello"])
    case.refresh_from_db()
    wrapped = bytes(case.wrapped_key)
    aad = f"case:{case.pk}".encode()
    assert len(AESGCM(store._master_key()).decrypt(wrapped[:12], wrapped[12:], aad)) == 32
    type(other).objects.filter(pk=other.pk).update(wrapped_key=wrapped)
    other.refresh_from_db()
    with pytest.raises(InvalidTag):
        store._case_key(other)


def _sniffed(case, pieces) -> str:
    with store.SealedWriter(case, sniff=True) as out:
        for piece in pieces:
            out.write(piece)
    return out.stored.content_type


def test_the_type_is_sniffed_from_the_first_8_kib_however_it_arrives(case):
    picture = png_bytes()
    whole = picture + bytes(20000)
    one_byte_at_a_time = [whole[i : i + 1] for i in range(9000)] + [whole[9000:]]
    assert _sniffed(case, [whole]) == "image/png"
    assert _sniffed(case, one_byte_at_a_time) == "image/png"  # "=" would keep only the last byte
    # Text for exactly 8 KiB, then a NUL byte: the first 8 KiB are text. A head grown past 8 KiB
    # (SNIFF_BYTES + len made of SNIFF_BYTES - len) would take the NUL in and call it binary.
    text = b"a line of plain text\n" * 400
    text = text[: store.SNIFF_BYTES]
    pieces = [text[:5000], text[5000:] + b"\x00\x01\x02" * 3000]  # the second piece runs past 8 KiB
    assert _sniffed(case, pieces) == "text/plain"


def test_a_writer_does_not_sniff_unless_asked(case):
    with store.SealedWriter(case) as out:
        out.write(png_bytes())
    assert out.stored.content_type == ""


@pytest.mark.django_db(transaction=True)
def test_making_a_case_key_does_not_wait_on_a_foreign_key_check(owner):
    """Another transaction holding FOR KEY SHARE on the case (what inserting any row that refers to it takes:
    an incident logged, a comment) must not block the first upload's key: FOR NO KEY UPDATE, not FOR UPDATE."""
    case = make_case(owner, title="Locks")
    assert not case.wrapped_key
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM incidents_case WHERE id = %s FOR KEY SHARE", [case.pk])
            with connection.cursor() as mine:
                mine.execute("SET lock_timeout = '2s'")
            try:
                key = store._case_key(case)
            finally:
                with connection.cursor() as mine:
                    mine.execute("SET lock_timeout = 0")
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert len(key) == 32
    assert bytes(Case.objects.get(pk=case.pk).wrapped_key) == bytes(case.wrapped_key)
