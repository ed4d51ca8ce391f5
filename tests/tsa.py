"""A real RFC 3161 time-stamping authority on loopback, for the tests: `openssl ts -reply` behind a small
threaded HTTP server.

`make_authority(folder)` makes, once, a root CA and a TSA certificate under it (extendedKeyUsage timeStamping,
critical, as openssl requires) and the openssl configuration of its ts section. `LoopbackTSA(authority)`
serves it on 127.0.0.1 at a random port: each POST of an application/timestamp-query is written to a file,
answered by `openssl ts -reply`, and sent back as application/timestamp-reply. `failing = 500` makes it answer
500; `stop()` closes the port (connection refused) and `start()` opens the same port again.
"""

import datetime as dt
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TSA_COMMON_NAME = "Loopback Test TSA"
TSA_ORGANISATION = "Referral Tracker Tests"
POLICY = "1.3.6.1.4.1.55555.1.1"


@dataclass(frozen=True)
class Authority:
    folder: Path
    ca_file: Path  # the root, PEM: `openssl ts -verify -CAfile`
    tsa_cert: Path  # the TSA's certificate, PEM: `openssl ts -verify -untrusted`
    tsa_key: Path
    config: Path

    @property
    def untrusted(self) -> Path:
        return self.tsa_cert


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, TSA_ORGANISATION),
        ]
    )


def _pem(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def make_authority(folder: Path) -> Authority:
    """A root CA, a TSA certificate it issued, and openssl's ts configuration, written under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("Loopback Test Root CA")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_name(TSA_COMMON_NAME))
        .issuer_name(root_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
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
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(tsa_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    ca_file = _pem(folder / "root.pem", root.public_bytes(serialization.Encoding.PEM))
    tsa_cert = _pem(folder / "tsa.pem", tsa.public_bytes(serialization.Encoding.PEM))
    key_file = _pem(
        folder / "tsa.key",
        tsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    (folder / "serial").write_text("01\n")
    config = folder / "tsa.cnf"
    config.write_text(
        "\n".join(
            [
                "[ tsa ]",
                "default_tsa = loopback",
                "[ loopback ]",
                f"dir = {folder}",
                "serial = $dir/serial",
                "crypto_device = builtin",
                "signer_cert = $dir/tsa.pem",
                "certs = $dir/root.pem",
                "signer_key = $dir/tsa.key",
                "signer_digest = sha256",
                f"default_policy = {POLICY}",
                "digests = sha256, sha384, sha512",
                "accuracy = secs:1",
                "ordering = yes",
                "tsa_name = yes",
                "ess_cert_id_chain = no",
                "ess_cert_id_alg = sha256",
                "",
            ]
        )
    )
    return Authority(folder=folder, ca_file=ca_file, tsa_cert=tsa_cert, tsa_key=key_file, config=config)


class LoopbackTSA:
    """The authority served on 127.0.0.1. `.url`, `.requests` (POSTs received), `.failing` (an HTTP status to
    answer instead, e.g. 500), `stop()` / `start()` (the port closed / open again)."""

    def __init__(self, authority: Authority):
        self.authority = authority
        self.requests = 0
        self.failing: int | None = None
        self._lock = threading.Lock()  # openssl ts -reply increments one serial file
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.start()

    # What the tests read
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tsa"

    @property
    def ca_file(self) -> Path:
        return self.authority.ca_file

    @property
    def tsa_cert(self) -> Path:
        return self.authority.tsa_cert

    @property
    def untrusted(self) -> Path:
        return self.authority.tsa_cert

    name = f"{TSA_COMMON_NAME}, {TSA_ORGANISATION}"

    def reply(self, query: bytes) -> bytes:
        """openssl's reply (a DER TimeStampResp) to a DER TimeStampReq."""
        with self._lock, tempfile.TemporaryDirectory() as folder:
            tsq, tsr = Path(folder) / "q.tsq", Path(folder) / "r.tsr"
            tsq.write_bytes(query)
            subprocess.run(
                [
                    "openssl",
                    "ts",
                    "-reply",
                    "-config",
                    str(self.authority.config),
                    "-queryfile",
                    str(tsq),
                    "-signer",
                    str(self.authority.tsa_cert),
                    "-inkey",
                    str(self.authority.tsa_key),
                    "-out",
                    str(tsr),
                ],
                check=True,
                capture_output=True,
                timeout=20,
            )
            return tsr.read_bytes()

    def _handler(self):
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                tsa.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if tsa.failing:
                    self.send_error(tsa.failing)
                    return
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_error(415)
                    return
                try:
                    answer = tsa.reply(body)
                except subprocess.CalledProcessError:
                    self.send_error(400)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        return Handler

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="loopback-tsa", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self._server = self._thread = None


def dead_url() -> str:
    """An address on loopback where nothing listens (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/tsa"
