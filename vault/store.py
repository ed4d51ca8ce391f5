"""The evidence store: the only code that reads or writes evidence bytes.

Originals are encrypted at rest with the case's own data key (AES-256-GCM, in
64 KiB chunks), and that key is stored wrapped by the installation's master key.
The SHA-256 of the original bytes is computed while they are copied, so it is the
hash of exactly what was received. Files are written under a temporary name and
renamed into place; once written, a file is never changed.

File format: b"RTEV1" + 7-byte random nonce prefix, then chunks of up to 64 KiB of
plaintext, each sealed as AES-GCM(ciphertext + 16-byte tag) with the nonce
prefix + 4-byte chunk counter + 1-byte "last chunk" flag, so that reordered,
truncated or appended chunks fail to decrypt.
"""

import base64
import hashlib
import logging
import os
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import magic
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction

from . import images
from .filetypes import ALLOWED_TYPES, refusal

logger = logging.getLogger(__name__)

MAGIC = b"RTEV1"
NONCE_PREFIX_BYTES = 7
CHUNK = 64 * 1024
TAG = 16
SNIFF_BYTES = 8192


class CaseLike(Protocol):
    """What the vault reads of a case: its id, and its data key wrapped by the master key."""

    pk: int
    wrapped_key: bytes | None


class ExhibitLike(Protocol):
    """What the vault reads of an exhibit: its case, where its bytes are, and their recorded SHA-256."""

    case: CaseLike
    storage_name: str
    sha256: str

    @property
    def has_file(self) -> bool: ...


class EvidenceError(Exception):
    """A problem with an upload, worded for the person who made it."""


class EvidenceTooLarge(EvidenceError):
    pass


class IntegrityFailure(Exception):
    """Stored bytes no longer decrypt or no longer match their recorded hash."""


@dataclass
class Stored:
    storage_name: str
    sha256: str
    size: int
    content_type: str
    preview_name: str = ""


# Keys --------------------------------------------------------------------------------------------


def _master_key() -> bytes:
    encoded = settings.EVIDENCE_MASTER_KEY
    if not encoded:
        path = key_file()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Written under a temporary name and linked into place, so that two processes
            # starting at once cannot both create a key, nor read a half-written one.
            temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
            try:
                os.link(temporary, path)
                logger.warning(
                    "Created a new evidence master key at %s. Back it up: without it, evidence is lost.", path
                )
            except FileExistsError:
                pass  # another process made it first; use theirs
            finally:
                temporary.unlink()
        encoded = path.read_text().strip()
    key = base64.b64decode(encoded)
    if len(key) != 32:
        raise RuntimeError("The evidence master key must be 32 bytes, base64-encoded.")
    return key


def ensure_master_key() -> None:
    """Create the master key file now (used by `manage.py prepare_keys`) rather than on first upload."""
    _master_key()


def _case_key(case: CaseLike) -> bytes:
    """The case's data key, created and wrapped on first use."""
    aad = f"case:{case.pk}".encode()
    if not case.wrapped_key:
        with transaction.atomic():
            # The case's own model (the vault imports no app): its row, locked, holds the wrapped key.
            cases = type(case).objects
            locked = cases.select_for_update(no_key=True).only("id", "wrapped_key").get(pk=case.pk)
            if not locked.wrapped_key:
                nonce = secrets.token_bytes(12)
                wrapped = nonce + AESGCM(_master_key()).encrypt(nonce, secrets.token_bytes(32), aad)
                cases.filter(pk=case.pk).update(wrapped_key=wrapped)
                locked.wrapped_key = wrapped
            case.wrapped_key = bytes(locked.wrapped_key)
    wrapped = bytes(case.wrapped_key)
    return AESGCM(_master_key()).decrypt(wrapped[:12], wrapped[12:], aad)


# Paths -------------------------------------------------------------------------------------------


def root() -> Path:
    """The folder that holds every stored file, one folder per case (backups copy it as it is)."""
    return Path(settings.EVIDENCE_ROOT)


def stored_files() -> list[Path]:
    """Every file the vault holds (originals, previews, dossiers, packs), sorted; not the ones being written."""
    if not root().exists():
        return []
    return sorted(p for p in root().rglob("*") if p.is_file() and not p.name.startswith("."))


def key_file() -> Path:
    """The master key's file, when EVIDENCE_MASTER_KEY is not set (backups leave it out unless asked)."""
    return Path(settings.EVIDENCE_KEY_FILE)


def stored_path(case_id: int, storage_name: str) -> Path:
    if not storage_name or "/" in storage_name or storage_name.startswith("."):
        raise ValueError("bad storage name")
    return root() / str(case_id) / storage_name


# Writing -----------------------------------------------------------------------------------------


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class SealedWriter:
    """A new stored file, written to like a file: what is written is hashed (SHA-256), sealed chunk by
    chunk (the format above) into a temporary name, and renamed into place by close().

    Use it as a context manager: an exception inside the block removes the temporary file. `stored`
    is set once it is closed.
    """

    def __init__(self, case: CaseLike, *, limit: int | None = None, sniff: bool = False):
        self._aes = AESGCM(_case_key(case))
        self._prefix = secrets.token_bytes(NONCE_PREFIX_BYTES)
        folder = root() / str(case.pk)
        folder.mkdir(parents=True, exist_ok=True)
        self.storage_name = f"{uuid.uuid4().hex}.bin"
        self._final = folder / self.storage_name
        self._temporary = folder / f".{self.storage_name}.part"
        self._limit, self._sniff = limit, sniff
        self._digest, self._size, self._counter, self._head = hashlib.sha256(), 0, 0, b""
        self._pending = bytearray()
        self._out = open(self._temporary, "xb")  # noqa: SIM115 - closed by close() or discard()
        self._out.write(MAGIC + self._prefix)
        self.stored: Stored | None = None

    def write(self, data) -> int:
        size = len(data)
        self._size += size
        if self._limit is not None and self._size > self._limit:
            raise EvidenceTooLarge(f"This file is larger than {self._limit // (1024 * 1024)} MB.")
        self._digest.update(data)
        if self._sniff and len(self._head) < SNIFF_BYTES:
            self._head += bytes(data[: SNIFF_BYTES - len(self._head)])
        self._pending += data
        if len(self._pending) > CHUNK:
            # Every whole chunk but the last one held back: only close() knows which chunk is the last.
            view = memoryview(self._pending)
            whole = (len(view) - 1) // CHUNK * CHUNK
            for start in range(0, whole, CHUNK):
                self._seal(view[start : start + CHUNK], last=False)
            view.release()
            del self._pending[:whole]
        return size

    def _seal(self, plain, *, last: bool) -> None:
        self._out.write(self._aes.encrypt(_nonce(self._prefix, self._counter, last), bytes(plain), None))
        self._counter += 1

    def close(self) -> Stored:
        if self.stored is None:
            self._seal(self._pending, last=True)
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            content_type = magic.from_buffer(self._head, mime=True) if self._sniff else ""
            os.replace(self._temporary, self._final)
            self.stored = Stored(
                storage_name=self.storage_name,
                sha256=self._digest.hexdigest(),
                size=self._size,
                content_type=content_type,
            )
        return self.stored

    def discard(self) -> None:
        self._out.close()
        self._temporary.unlink(missing_ok=True)

    def __enter__(self) -> "SealedWriter":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()


def _write_encrypted(case: CaseLike, chunks: Iterable[bytes], *, limit: int | None, sniff: bool) -> Stored:
    with SealedWriter(case, limit=limit, sniff=sniff) as out:
        for data in chunks:
            out.write(data)
    return out.stored


def store_upload(case: CaseLike, uploaded_file) -> Stored:
    """Copy an upload into the store: hashed, sniffed and encrypted as it streams.

    Refuses (and leaves nothing behind) an empty file, a file over the limit, a type
    that is not on the allow-list, and an image that is damaged or a decompression bomb.
    Images get a preview: a separate, downscaled working copy, encrypted too.
    """
    limit = settings.EVIDENCE_MAX_BYTES
    stored = _write_encrypted(case, uploaded_file.chunks(CHUNK), limit=limit, sniff=True)
    try:
        if stored.size == 0:
            raise EvidenceError("This file is empty.")
        if stored.content_type not in ALLOWED_TYPES:
            raise EvidenceError(refusal(stored.content_type))
        try:
            preview = images.check_and_preview(uploaded_file, stored.content_type)
        except images.BadImage as error:
            raise EvidenceError(str(error)) from None
        if preview:
            stored.preview_name = store_derived(case, preview)
    except BaseException:
        discard(case.pk, stored.storage_name)
        raise
    return stored


def store_stream(case: CaseLike, chunks: Iterable[bytes]) -> Stored:
    """Store any other case document (a compiled dossier, an evidence pack) encrypted like evidence.

    The SHA-256 returned is that of the plaintext: what the reader of the document holds."""
    return _write_encrypted(case, chunks, limit=None, sniff=False)


def store_derived(case: CaseLike, data: bytes) -> str:
    """Store a working copy (a preview) encrypted like an original; returns its storage name."""
    return _write_encrypted(case, [data], limit=None, sniff=False).storage_name


def discard(case_id: int, storage_name: str) -> None:
    """Remove a stored file that never became evidence (a duplicate, or a refused upload)."""
    stored_path(case_id, storage_name).unlink(missing_ok=True)


# Reading -----------------------------------------------------------------------------------------


def read_chunks(case: CaseLike, storage_name: str) -> Iterator[bytes]:
    """The original bytes, decrypted chunk by chunk; raises IntegrityFailure on any tampering."""
    aes = AESGCM(_case_key(case))
    path = stored_path(case.pk, storage_name)
    with open(path, "rb") as handle:
        header = handle.read(len(MAGIC) + NONCE_PREFIX_BYTES)
        if len(header) != len(MAGIC) + NONCE_PREFIX_BYTES or not header.startswith(MAGIC):
            raise IntegrityFailure(f"{path.name}: not an evidence file")
        prefix = header[len(MAGIC) :]
        counter = 0
        sealed = handle.read(CHUNK + TAG)
        while sealed:
            following = handle.read(CHUNK + TAG)
            try:
                yield aes.decrypt(_nonce(prefix, counter, not following), sealed, None)
            except InvalidTag:
                raise IntegrityFailure(f"{path.name}: chunk {counter} does not decrypt") from None
            counter += 1
            sealed = following


def read_all(case: CaseLike, storage_name: str) -> bytes:
    return b"".join(read_chunks(case, storage_name))


def copy_checked(evidence: ExhibitLike, write: Callable[[bytes], object]) -> str | None:
    """Decrypt the stored original into `write`, re-hashing it on the way.

    None if it matched its recorded hash, else what is wrong (and `write` may have had part of it)."""
    digest = hashlib.sha256()
    try:
        for chunk in read_chunks(evidence.case, evidence.storage_name):
            digest.update(chunk)
            write(chunk)
    except FileNotFoundError:
        return "the stored file is missing"
    except IntegrityFailure as failure:
        return f"the stored file was altered ({failure})"
    actual = digest.hexdigest()
    if actual != evidence.sha256:
        return f"its SHA-256 is now {actual}, not {evidence.sha256}"
    return None


def check(evidence: ExhibitLike) -> str | None:
    """None if the stored original still matches its recorded hash, else what is wrong."""
    if not evidence.has_file:
        return None
    return copy_checked(evidence, lambda _chunk: None)
