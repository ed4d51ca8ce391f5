"""The evidence store's format and its checks, with every expected answer written out (docs/mutation.md):
the nonce layout, the file's size for each chunking, the recorded SHA-256, and the words each check says."""

import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import png_bytes
from vault import store

pytestmark = pytest.mark.django_db

HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
CHUNK = 65536  # 64 KiB of plaintext a chunk
HEADER = 12  # b"RTEV1" and a 7-byte nonce prefix
TAG = 16


def test_nonce_layout():
    prefix = bytes(range(1, 8))
    assert store._nonce(prefix, 2, True) == b"\x01\x02\x03\x04\x05\x06\x07\x00\x00\x00\x02\x01"
    assert store._nonce(prefix, 258, False) == b"\x01\x02\x03\x04\x05\x06\x07\x00\x00\x01\x02\x00"
    assert len(store._nonce(prefix, 0, False)) == 12


@pytest.mark.parametrize("name", ["", "a/b.bin", ".hidden.bin", "../x"])
def test_a_bad_storage_name_is_refused(name):
    with pytest.raises(ValueError, match=r"^bad storage name$"):
        store.stored_path(3, name)


def test_a_storage_name_is_under_its_case(settings):
    assert store.stored_path(12, "abc.bin") == settings.EVIDENCE_ROOT / "12" / "abc.bin"
    assert store.stored_path(12, "a.b.bin") == settings.EVIDENCE_ROOT / "12" / "a.b.bin"


def test_what_is_stored(case):
    stored = store.store_stream(case, [b"he", b"llo"])
    assert (stored.sha256, stored.size, stored.content_type, stored.preview_name) == (HELLO_SHA256, 5, "", "")
    assert stored.storage_name.endswith(".bin") and len(stored.storage_name) == 36
    raw = store.stored_path(case.pk, stored.storage_name).read_bytes()
    assert raw[:5] == b"RTEV1"
    assert len(raw) == HEADER + 5 + TAG
    assert store.read_all(case, stored.storage_name) == b"hello"
    assert store.stored_files() == [store.stored_path(case.pk, stored.storage_name)]


@pytest.mark.parametrize(
    ("size", "file_size"),
    [
        (0, HEADER + TAG),
        (1, HEADER + 1 + TAG),
        (CHUNK - 1, HEADER + CHUNK - 1 + TAG),
        (CHUNK, HEADER + CHUNK + TAG),  # one whole chunk, and no empty one after it
        (CHUNK + 1, HEADER + CHUNK + TAG + 1 + TAG),
        (2 * CHUNK, HEADER + 2 * (CHUNK + TAG)),
        (2 * CHUNK + 5, HEADER + 2 * (CHUNK + TAG) + 5 + TAG),
    ],
)
def test_chunking(case, size, file_size):
    data = bytes(n % 251 for n in range(size))
    # Written in uneven pieces, so that chunks are cut across writes.
    pieces = [data[i : i + 40000] for i in range(0, len(data), 40000)] or [b""]
    stored = store.store_stream(case, pieces)
    path = store.stored_path(case.pk, stored.storage_name)
    assert path.stat().st_size == file_size
    assert stored.size == size
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert store.read_all(case, stored.storage_name) == data
    assert [len(c) for c in store.read_chunks(case, stored.storage_name)] == (
        [CHUNK] * (size // CHUNK) + ([size % CHUNK] if size % CHUNK or size == 0 else [])
    )


def _exhibit(case, stored, sha256=None, has_file=True):
    return SimpleNamespace(
        case=case, storage_name=stored.storage_name, sha256=sha256 or stored.sha256, has_file=has_file
    )


def test_check_an_untouched_file(case):
    stored = store.store_stream(case, [b"hello"])
    assert store.check(_exhibit(case, stored)) is None
    copied = []
    assert store.copy_checked(_exhibit(case, stored), copied.append) is None
    assert copied == [b"hello"]


def test_check_without_a_file_is_none(case):
    assert store.check(SimpleNamespace(case=case, storage_name="", sha256="", has_file=False)) is None


def test_check_a_wrong_recorded_hash(case):
    stored = store.store_stream(case, [b"hello"])
    assert store.check(_exhibit(case, stored, sha256="0" * 64)) == (
        f"its SHA-256 is now {HELLO_SHA256}, not {'0' * 64}"
    )


def test_check_a_flipped_byte(case):
    stored = store.store_stream(case, [b"hello"])
    path = store.stored_path(case.pk, stored.storage_name)
    raw = bytearray(path.read_bytes())
    raw[HEADER + 1] ^= 1
    path.write_bytes(bytes(raw))
    assert store.check(_exhibit(case, stored)) == (
        f"the stored file was altered ({stored.storage_name}: chunk 0 does not decrypt)"
    )


def test_check_a_truncated_file(case):
    stored = store.store_stream(case, [b"x" * (CHUNK + 10)])
    path = store.stored_path(case.pk, stored.storage_name)
    path.write_bytes(path.read_bytes()[: HEADER + CHUNK + TAG])  # the last chunk cut off
    assert store.check(_exhibit(case, stored)) == (
        f"the stored file was altered ({stored.storage_name}: chunk 0 does not decrypt)"
    )


def test_check_swapped_chunks(case):
    stored = store.store_stream(case, [b"a" * CHUNK + b"b" * CHUNK + b"c"])
    path = store.stored_path(case.pk, stored.storage_name)
    raw = path.read_bytes()
    size = CHUNK + TAG
    first, second = raw[HEADER : HEADER + size], raw[HEADER + size : HEADER + 2 * size]
    path.write_bytes(raw[:HEADER] + second + first + raw[HEADER + 2 * size :])
    assert store.check(_exhibit(case, stored)) == (
        f"the stored file was altered ({stored.storage_name}: chunk 0 does not decrypt)"
    )


@pytest.mark.parametrize("content", [b"", b"RTEV", b"RTEV2" + b"\x00" * 30, b"XXXXX1234567" + b"\x00" * 30])
def test_check_a_file_that_is_not_an_evidence_file(case, content):
    stored = store.store_stream(case, [b"hello"])
    store.stored_path(case.pk, stored.storage_name).write_bytes(content)
    assert store.check(_exhibit(case, stored)) == (
        f"the stored file was altered ({stored.storage_name}: not an evidence file)"
    )


def test_check_a_missing_file(case):
    stored = store.store_stream(case, [b"hello"])
    store.discard(case.pk, stored.storage_name)
    assert store.check(_exhibit(case, stored)) == "the stored file is missing"
    store.discard(case.pk, stored.storage_name)  # already gone: no error


def test_another_cases_key_does_not_open_it(case, outsider):
    from tests.factories import make_case

    other = make_case(outsider, title="Other")
    stored = store.store_stream(case, [b"hello"])
    target = store.stored_path(other.pk, stored.storage_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(store.stored_path(case.pk, stored.storage_name).read_bytes())
    assert store.check(
        SimpleNamespace(case=other, storage_name=stored.storage_name, sha256=HELLO_SHA256, has_file=True)
    ) == (f"the stored file was altered ({stored.storage_name}: chunk 0 does not decrypt)")


def test_the_size_limit(case):
    limit = 2 * 1024 * 1024
    with store.SealedWriter(case, limit=limit) as out:
        out.write(b"x" * limit)  # exactly the limit is allowed
    assert out.stored.size == limit
    with (
        pytest.raises(store.EvidenceTooLarge, match=r"^This file is larger than 2 MB\.$"),
        store.SealedWriter(case, limit=limit) as out,
    ):
        out.write(b"x" * limit)
        out.write(b"x")
    assert store.stored_files() == [store.stored_path(case.pk, store.stored_files()[0].name)]


def test_an_upload_that_is_refused_leaves_nothing(case):
    with pytest.raises(store.EvidenceError, match=r"^This file is empty\.$"):
        store.store_upload(case, SimpleUploadedFile("empty.txt", b""))
    with pytest.raises(store.EvidenceError, match=r"^This is a compressed folder"):
        store.store_upload(case, SimpleUploadedFile("a.zip", b"PK\x03\x04" + b"\x00" * 100))
    assert store.stored_files() == []


def test_an_upload_is_sniffed_and_gets_a_preview(case):
    data = png_bytes()
    stored = store.store_upload(case, SimpleUploadedFile("photo.jpg", data))
    assert (stored.content_type, stored.size, stored.sha256) == (
        "image/png",
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    assert stored.preview_name.endswith(".bin") and stored.preview_name != stored.storage_name
    assert len(store.stored_files()) == 2
    text = store.store_upload(case, SimpleUploadedFile("note.png", b"just a note\n"))
    assert (text.content_type, text.preview_name) == ("text/plain", "")


def test_each_case_has_its_own_key_made_once(case, outsider):
    from tests.factories import make_case

    other = make_case(outsider, title="Other")
    assert not case.wrapped_key
    first = store._case_key(case)
    wrapped = bytes(case.wrapped_key)
    assert len(first) == 32 and len(wrapped) == 12 + 32 + 16
    case.refresh_from_db()
    assert bytes(case.wrapped_key) == wrapped
    assert store._case_key(case) == first
    assert store._case_key(other) != first


def test_a_file_being_written_is_not_listed_and_discarding_twice_is_harmless(case):
    out = store.SealedWriter(case)
    out.write(b"half")
    assert store.stored_files() == []  # only its hidden temporary name exists yet
    assert [p.name.startswith(".") for p in (store.root() / str(case.pk)).iterdir()] == [True]
    out.discard()
    out.discard()
    assert list((store.root() / str(case.pk)).iterdir()) == []


def test_an_upload_over_the_limit_is_refused(case, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(store.EvidenceTooLarge, match=r"^This file is larger than 1 MB\.$"):
        store.store_upload(case, SimpleUploadedFile("big.txt", b"a\n" * (512 * 1024) + b"a"))
    assert store.stored_files() == []
    stored = store.store_upload(case, SimpleUploadedFile("fits.txt", b"a\n" * (512 * 1024)))
    assert (stored.size, stored.content_type) == (1024 * 1024, "text/plain")
