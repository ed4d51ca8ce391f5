"""PAdES signatures with pyHanko, using the installation's key and certificate.

pyHanko and cryptography's X.509 are imported inside the functions that use them, on purpose: this module
is imported by processes that never sign (prepare_keys at every start, make_signing_key, the tests'
set-up), and pyHanko alone takes about half a second and some 45 MB to import.
"""

import datetime as dt
import functools
import logging
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


class SigningUnavailable(Exception):
    pass


def make_self_signed(*, common_name: str, organisation: str, key_path: Path, cert_path: Path, days: int = 3650):
    """A new RSA key and a self-signed certificate for document signing, written as PEM (key mode 0600)."""
    # Imported here, not above: see the module's docstring.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _signer():
    key, cert = Path(settings.SIGNING_KEY_FILE), Path(settings.SIGNING_CERT_FILE)
    if not key.exists() or not cert.exists():
        raise SigningUnavailable("This installation has no signing key yet. Run: python manage.py make_signing_key")
    # Loading and checking a 3072-bit key costs more than signing: keep it while the files are unchanged.
    return _load_signer(
        str(key), str(cert), key.stat().st_mtime_ns, cert.stat().st_mtime_ns, settings.SIGNING_KEY_PASSPHRASE
    )


@functools.lru_cache(maxsize=4)
def _load_signer(key: str, cert: str, key_mtime: int, cert_mtime: int, passphrase: str):
    # Imported here, not above (see the module's docstring); the class below subclasses pyHanko's.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner, holding its private key loaded.

        SimpleSigner turns its key from DER into a usable key (checking the RSA key, the costly
        part) for every raw signature, and signs twice per document: once only to learn the size of
        the signature. This one loads an RSA key once, and answers that sizing call with zeros of
        the signature's length, as pyHanko's dry_run allows. Other keys and schemes (PSS, EC) go to
        SimpleSigner as they are.
        """

        _kept = None

        def _rsa_pkcs1(self, digest_algorithm: str) -> bool:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                name = mechanism.signature_algo
            except ValueError:
                name = mechanism["algorithm"].native
            return name == "rsassa_pkcs1v15"

        def _rsa_key(self):
            if self._kept is None:
                loaded = serialization.load_der_private_key(self.signing_key.dump(), password=None)
                self._kept = loaded if isinstance(loaded, RSAPrivateKey) else False
            return self._kept

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
            key = self._rsa_key()
            if dry_run and key and self._rsa_pkcs1(digest_algorithm):
                return bytes(key.key_size // 8)
            return self.sign_raw(data, digest_algorithm)

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            key = self._rsa_key()
            if key and self._rsa_pkcs1(digest_algorithm):
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    loaded = signers.SimpleSigner.load(key, cert, key_passphrase=passphrase.encode() or None)
    if loaded is None:
        raise SigningUnavailable("The signing key or certificate could not be read. Check SIGNING_KEY_PASSPHRASE.")
    return KeptKeySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )


def sign_pdf(source, destination, *, reason: str, location: str = "") -> str:
    """Sign the PDF in `source` (binary file), writing to `destination` (a seekable binary file).

    PAdES B-T (the signature carries an RFC 3161 timestamp) from the first authority in TSA_URLS that answers;
    PAdES B-B, as without TSA_URLS, if none does, with a warning in the log: a dossier is never refused for an
    authority's outage. Returns the URL of the authority that timestamped the signature, or ""."""
    # Imported here, not above: see the module's docstring.
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import TimestampRequestError
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        reason=reason,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    signer = _signer()
    start = source.tell()

    def sign(timestamper) -> None:
        source.seek(start)
        destination.seek(0)
        destination.truncate()
        signers.sign_pdf(
            IncrementalPdfFileWriter(source), meta, signer=signer, timestamper=timestamper, output=destination
        )

    failures = []
    for url in settings.TSA_URLS:
        try:
            sign(RequestsHTTPTimeStamper(url, timeout=settings.TSA_TIMEOUT_SECONDS))
        except (TimestampRequestError, OSError) as error:
            failures.append(f"{url}: {error}")
            continue
        return url
    if failures:
        logger.warning("Signed without a timestamp (PAdES B-B): no time-stamping authority answered: %s", failures)
    sign(None)
    return ""


def certificate_subject() -> dict[str, str] | None:
    """Who the installation's signing certificate names, for the public verification page: its common name
    (CN) and organisation (O), and whether it vouches for itself (self-signed). None without a certificate."""
    cert = Path(settings.SIGNING_CERT_FILE)
    if not cert.exists():
        return None
    return _read_subject(str(cert), cert.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_subject(path: str, mtime: int) -> dict[str, str] | None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        certificate = x509.load_pem_x509_certificate(Path(path).read_bytes())
    except ValueError:
        return None

    def first(name, oid) -> str:
        values = name.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    return {
        "common_name": first(certificate.subject, NameOID.COMMON_NAME),
        "organisation": first(certificate.subject, NameOID.ORGANIZATION_NAME),
        "self_signed": certificate.issuer == certificate.subject,
    }
