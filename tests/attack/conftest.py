"""Fixtures of the attack run: a world with one of everything, signed-in clients, and a listener that
counts every connection made to it (SSRF: a stored URL must never be fetched)."""

import contextlib
import socket
import threading
import time

import pytest
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts import services as account_services
from incidents.services import sharing as sharing_services

# Reused, not copied: the access matrix's world (a case with one row of every kind, and strangers)
# and the dossier tests' signing key.
from tests.dossiers.conftest import _signing_pair, signing_key  # noqa: F401
from tests.factories import confirm_recent_login
from tests.security.test_access_matrix import world  # noqa: F401


@pytest.fixture
def ids(world, owner, case):  # noqa: F811
    """The world's ids, plus an API token of the owner's and a live invitation link."""

    ids, _people = world
    token, _raw = account_services.access_token_create(user=owner, name="attack", scope="write", days=7)
    _invitation, raw = sharing_services.invitation_create(user=owner, case=case, email="i@example.org", role="viewer")
    return {**ids, "token": token.pk, "invitation_token": raw}


def signed_in(user, **kwargs) -> Client:
    """A browser that is signed in as `user` and has just confirmed its password. Errors come back as 500s."""
    client = Client(raise_request_exception=False, **kwargs)
    client.force_login(user)
    confirm_recent_login(client)
    return client


@pytest.fixture
def owner_client(owner) -> Client:
    return signed_in(owner)


@pytest.fixture
def api_client(owner) -> APIClient:
    _, raw = account_services.access_token_create(user=owner, name="attack api", scope="write", days=7)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def no_throttle(monkeypatch):
    # Hundreds of API requests in seconds is over the per-user rate by design; the rate is not under test.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)


class Listener:
    """A TCP server on a free port of 127.0.0.1 (and ::1 where there is IPv6) that counts connections."""

    def __init__(self):
        self.connections: list[tuple] = []
        self.sockets = []
        self._stop = threading.Event()
        main = socket.create_server(("127.0.0.1", 0))
        self.port = main.getsockname()[1]
        self.sockets.append(main)
        # Without IPv6 here, http://[::1]:port/ fails to connect: which is also not a fetch.
        with contextlib.suppress(OSError):
            self.sockets.append(socket.create_server(("::1", self.port), family=socket.AF_INET6))
        self.threads = [threading.Thread(target=self._serve, args=(s,), daemon=True) for s in self.sockets]
        for thread in self.threads:
            thread.start()

    def _serve(self, server: socket.socket) -> None:
        server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(peer)
            conn.close()

    @property
    def urls(self) -> list[str]:
        return [
            f"http://127.0.0.1:{self.port}/ssrf-probe",
            f"http://localhost:{self.port}/ssrf-probe",
            f"http://[::1]:{self.port}/ssrf-probe",
        ]

    def wait(self, count: int, timeout: float = 2.0) -> int:
        deadline = time.monotonic() + timeout
        while len(self.connections) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.connections)

    def close(self) -> None:
        self._stop.set()
        for server in self.sockets:
            server.close()
        for thread in self.threads:
            thread.join(timeout=1)


@pytest.fixture
def listener():
    server = Listener()
    # It must be able to see a fetch, or "0 connections" proves nothing.
    with socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass
    assert server.wait(1) == 1, "the listener did not notice a connection"
    server.connections.clear()
    yield server
    server.close()
