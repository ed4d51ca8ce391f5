"""RFC 3161 trusted timestamps of SHA-256 hashes: the protocol only (no database).

`request_token` asks each time-stamping authority in turn for a token over a hash and checks the answer
(granted, the imprint is the hash asked for, the nonce is ours, the signature holds). `verify_token` checks a
stored token against a hash, with no network. What is stored is the TimeStampToken (the CMS ContentInfo, DER),
the part of the reply that is the proof: `openssl ts -verify -in <token> -token_in -data <file> -CAfile <root>`
checks it.

asn1crypto and pyHanko's CMS checks are imported inside the functions, as dossiers/signing.py does: most
processes that import the vault never timestamp.
"""

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_REPLY_BYTES = 256 * 1024
# What asn1crypto and pyHanko raise for bytes that are not a well-formed token (pyHanko's errors are ValueErrors).
UNREADABLE = (ValueError, TypeError, KeyError, IndexError, AttributeError)


class TimestampUnavailable(Exception):
    """No time-stamping authority gave a usable token; the reason names each one tried."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Token:
    der: bytes  # the TimeStampToken (CMS ContentInfo), DER
    tsa_url: str
    tsa_name: str  # who signed it: the TSA certificate's common name and organisation
    gen_time: dt.datetime  # the TSA's time, aware (UTC)


def _imprint(sha256_hex: str) -> bytes:
    digest = bytes.fromhex(sha256_hex)
    if len(digest) != 32:
        raise ValueError("A SHA-256 hash is 64 hexadecimal characters.")
    return digest


def _query(digest: bytes, nonce: int):
    from asn1crypto import algos, tsp

    return tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": tsp.MessageImprint(
                {"hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}), "hashed_message": digest}
            ),
            "nonce": nonce,
            "cert_req": True,  # the TSA's certificate goes in the token, so the token can be checked alone
        }
    )


def _ask(url: str, digest: bytes, timeout: float) -> Token:
    """One authority's token for `digest`, checked; TimestampUnavailable with the reason otherwise."""
    import requests
    from asn1crypto import tsp

    nonce = int.from_bytes(secrets.token_bytes(8), "big") >> 1
    try:
        answer = requests.post(
            url,
            data=_query(digest, nonce).dump(),
            headers={"Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise TimestampUnavailable(f"{url}: no answer ({type(error).__name__})") from None
    if answer.status_code != 200:
        raise TimestampUnavailable(f"{url}: answered HTTP {answer.status_code}")
    if answer.headers.get("Content-Type", "").split(";")[0].strip() != REPLY_TYPE:
        raise TimestampUnavailable(f"{url}: did not answer with a timestamp reply")
    if len(answer.content) > MAX_REPLY_BYTES:
        raise TimestampUnavailable(f"{url}: the reply is too large")
    try:
        reply = tsp.TimeStampResp.load(answer.content)
        status = reply["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            words = "; ".join(reply["status"]["status_string"].native or []) or status
            raise TimestampUnavailable(f"{url}: refused ({words})")
        token = reply["time_stamp_token"]
        der = token.dump()
        info = _tst_info(token)
        if info["nonce"].native != nonce:
            raise TimestampUnavailable(f"{url}: the reply's nonce is not ours")
    except TimestampUnavailable:
        raise
    except UNREADABLE as error:
        raise TimestampUnavailable(f"{url}: the reply could not be read ({type(error).__name__})") from None
    problem = verify_token(der, digest.hex())
    if problem:
        raise TimestampUnavailable(f"{url}: {problem}")
    return Token(der=der, tsa_url=url, tsa_name=token_signer_name(der), gen_time=token_time(der))


def request_token(sha256_hex: str, urls: Sequence[str], timeout: float = 10.0) -> Token:
    """A checked token over the SHA-256 `sha256_hex` from the first of `urls` that gives one."""
    digest = _imprint(sha256_hex)
    if not urls:
        raise TimestampUnavailable("no time-stamping authority is configured")
    reasons = []
    for url in urls:
        try:
            return _ask(url, digest, timeout)
        except TimestampUnavailable as error:
            logger.info("Time-stamping authority unavailable: %s", error.reason)
            reasons.append(error.reason)
    raise TimestampUnavailable("; ".join(reasons))


# Reading and checking a token -------------------------------------------------------------------


def _load(der: bytes):
    from asn1crypto import cms

    token = cms.ContentInfo.load(bytes(der))
    if token["content_type"].native != "signed_data":
        raise ValueError("not a signed token")
    return token


def _tst_info(token):
    encap = token["content"]["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise ValueError("not a timestamp token")
    return encap["content"].parsed


def token_time(der: bytes) -> dt.datetime:
    """The time the authority put in the token (genTime), aware."""
    return _tst_info(_load(der))["gen_time"].native.astimezone(dt.UTC)


def token_imprint(der: bytes) -> str:
    """The hash the token is over, as hex."""
    return _tst_info(_load(der))["message_imprint"]["hashed_message"].native.hex()


def _signer_certificate(token):
    from pyhanko.sign.validation.generic_cms import extract_certs_for_validation

    return extract_certs_for_validation(token["content"]).signer_cert


def token_signer_name(der: bytes) -> str:
    """Who signed the token: the common name and organisation of the TSA's certificate ("" if not included)."""
    try:
        subject = _signer_certificate(_load(der)).subject.native
    except UNREADABLE:
        return ""
    parts = [subject.get("common_name", ""), subject.get("organization_name", "")]
    parts = [part if isinstance(part, str) else ", ".join(part) for part in parts if part]
    return ", ".join(dict.fromkeys(parts))


def token_reply(der: bytes) -> bytes:
    """The token as a granted TimeStampResp (DER): the `.tsr` file that `openssl ts -verify -in <it>` and other
    RFC 3161 tools read without being told it is a bare token."""
    from asn1crypto import tsp

    return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": _load(der)}).dump()


def verify_token(der: bytes, sha256_hex: str) -> str | None:
    """None if the token is over `sha256_hex` and its signature holds against the certificate in it; otherwise
    what is wrong, in words. Trust in the TSA's certificate is not judged here (openssl ts -verify -CAfile
    does that with the authority's root)."""
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    try:
        token = _load(der)
        info = _tst_info(token)
        imprint = info["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        hashed = imprint["hashed_message"].native
    except UNREADABLE as error:
        return f"the token could not be read ({type(error).__name__})"
    if algorithm != "sha256" or hashed.hex() != sha256_hex.lower():
        return f"the token is over another hash ({algorithm} {hashed.hex()})"
    try:
        signed_data = token["content"]
        signer_info = signed_data["signer_infos"][0]
        certificate = _signer_certificate(token)
        digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
        content = signed_data["encap_content_info"]["content"].contents
        actual = hashlib.new(digest_algorithm, content).digest()
        intact, valid = validate_sig_integrity(signer_info, certificate, "tst_info", actual)
    except UNREADABLE as error:
        return f"the token's signature could not be checked ({type(error).__name__}: {error})"
    if not intact:
        return "the token's contents do not match what was signed"
    if not valid:
        return "the token's signature does not verify against the certificate in it"
    return None
