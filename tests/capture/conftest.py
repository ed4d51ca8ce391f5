"""Web pages served on this machine for the capture tests, and the listeners that prove nothing was fetched.

`serve(routes, host=..., tls=...)` starts a `FixtureServer`: a threaded HTTP server answering `routes`, a dict
of path -> (status, headers, body) or a callable taking the request handler and returning that triple. A body is
bytes (sent with its Content-Length) or an iterable of bytes (streamed, the connection closed at the end: a
generator can send 2 GB without ever holding it). `server.connections` counts accepted TCP connections, so a
server bound on an address the guard refuses is the listener of the SSRF tests; `server.paths` lists what was
asked. `server.hold()` waits until the test ends (for pages that never finish). `tls_files` makes a CA and a
certificate for 127.0.0.1 signed by it (cryptography), for a loopback HTTPS server.
"""

import datetime as dt
import ipaddress
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

Reply = tuple[int, dict[str, str], bytes | Iterable[bytes]]
Route = Reply | Callable[[BaseHTTPRequestHandler], Reply]


class _Handler(BaseHTTPRequestHandler):
    server: "FixtureServer"

    def log_message(self, format, *args):  # quiet
        pass

    def _answer(self):
        self.server.paths.append(self.path)
        path = self.path.split("?", 1)[0]
        route = self.server.routes.get(path, self.server.routes.get("*"))
        if route is None:
            route = (404, {"Content-Type": "text/html"}, b"<title>Not here</title><p>No such page.</p>")
        status, headers, body = route(self) if callable(route) else route
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(body, bytes):
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            else:
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in body:
                    self.wfile.write(chunk)
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass
        self.close_connection = True

    do_GET = do_POST = do_HEAD = do_OPTIONS = _answer


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: dict[str, Route] | None = None, *, host: str = "127.0.0.1", tls=None):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.routes: dict[str, Route] = dict(routes or {})
        self.paths: list[str] = []
        self.connections = 0
        self.stopping = threading.Event()
        self.tls = tls
        self.host = host
        super().__init__((host, 0), _Handler)
        self.port = self.server_address[1]
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def get_request(self):
        sock, address = super().get_request()
        self.connections += 1
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):  # a client that hung up is not a test failure
        pass

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def hold(self, seconds: float = 120) -> None:
        """Wait until the test ends (or `seconds`): a page that never finishes."""
        self.stopping.wait(seconds)

    def close(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


WACZ = Path(sys.executable).with_name("wacz")


@pytest.fixture(autouse=True)
def _every_wacz_validates(tmp_path):
    """Every WACZ a capture test leaves in its folder must pass `wacz validate` (the package's own checker)."""
    yield
    for made in sorted(tmp_path.rglob("*.wacz")):
        checked = subprocess.run([WACZ, "validate", "-f", made], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, f"{made}: wacz validate failed\n{checked.stdout}{checked.stderr}"


@pytest.fixture
def serve():
    servers: list[FixtureServer] = []

    def start(routes: dict[str, Route] | None = None, **kwargs) -> FixtureServer:
        server = FixtureServer(routes, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def make_tls_files(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path, Path]:
    """A CA, and a certificate for `host` signed by it: (ca.pem, chain.pem with leaf then CA, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Capture Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    try:
        san = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        san = x509.DNSName(host)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=10))
        .add_extension(x509.SubjectAlternativeName([san]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_path, chain_path, key_path = directory / "ca.pem", directory / "chain.pem", directory / "key.pem"
    ca_path.write_bytes(ca.public_bytes(pem))
    chain_path.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    key_path.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return ca_path, chain_path, key_path


@pytest.fixture
def tls_files(tmp_path) -> tuple[Path, ssl.SSLContext]:
    """(the CA file a client trusts, a server-side SSLContext with the chain and key)."""
    directory = tmp_path / "tls"
    directory.mkdir()
    ca_path, chain_path, key_path = make_tls_files(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain_path, key_path)
    return ca_path, context
