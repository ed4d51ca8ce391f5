"""Small values sealed with a case's evidence key: the statement maker's address and telephone number.

Each value is AES-256-GCM under the case's data key (vault.store), bound by its associated data to the
case and to what it is ("case:12:maker_phone"), so a sealed value copied to another case or another field
does not open. The row keeps nonce + ciphertext; an empty value is kept as None, not sealed.
"""

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .store import CaseLike, IntegrityFailure, _case_key


def _aad(case: CaseLike, name: str) -> bytes:
    return f"case:{case.pk}:{name}".encode()


def value_seal(case: CaseLike, name: str, text: str) -> bytes | None:
    """`text` sealed for `case` as the value called `name`; None for an empty text."""
    if not text:
        return None
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(_case_key(case)).encrypt(nonce, text.encode(), _aad(case, name))


def value_open(case: CaseLike, name: str, sealed: bytes | memoryview | None) -> str:
    """The text of a sealed value ("" for None); IntegrityFailure if it was altered or moved."""
    if not sealed:
        return ""
    sealed = bytes(sealed)
    try:
        return AESGCM(_case_key(case)).decrypt(sealed[:12], sealed[12:], _aad(case, name)).decode()
    except InvalidTag:
        raise IntegrityFailure(f"the sealed {name.replace('_', ' ')} of case {case.pk} does not open") from None
