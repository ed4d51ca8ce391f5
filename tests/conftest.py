import socket

import pytest

from tests.factories import UserFactory, make_case, point_celery_at

# The attack run's tally (make attack): every test may add its probes; the summary prints when attack tests ran.
pytest_plugins = ["tests.attack.report"]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Hashing strength is Django's concern; the suite only needs passwords to check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    # Each test has its own evidence store and master key; nothing touches var/.
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.EVIDENCE_KEY_FILE = tmp_path / "keys" / "master.key"
    settings.EVIDENCE_MASTER_KEY = ""


@pytest.fixture
def password() -> str:
    return "correct-horse-battery-staple"


@pytest.fixture
def user(db, password):
    return UserFactory(password=password)


@pytest.fixture
def owner(db):
    return UserFactory(full_name="Alex Jones", initials="AJ")


@pytest.fixture
def editor(db):
    return UserFactory(full_name="Sam Jones")


@pytest.fixture
def advocate(db):
    return UserFactory(full_name="Priya Advocate")


@pytest.fixture
def viewer(db):
    return UserFactory(full_name="Vic Viewer")


@pytest.fixture
def outsider(db):
    return UserFactory(full_name="Olly Outsider")


@pytest.fixture
def case(owner, editor, advocate, viewer):
    return make_case(owner, editor=editor, advocate=advocate, viewer=viewer)


@pytest.fixture
def eager_tasks(settings):
    """Run Celery tasks in-process for tests that check what a task does, not how it travels.

    The journey from the web process to a real worker is covered by
    tests/test_processes.py, which starts both as real processes."""
    from referral_tracker.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


@pytest.fixture
def broker_stopped(monkeypatch):
    """This process's Celery app sends to a free port of 127.0.0.1: connection refused, as with Redis stopped."""
    from referral_tracker.celery import app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
    previous = app.conf.broker_url  # configures the app first, if nothing has yet
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    point_celery_at(url)
    try:
        yield url
    finally:
        monkeypatch.undo()
        point_celery_at(previous)


@pytest.fixture(scope="session")
def _tsa_authority(tmp_path_factory):
    from tests.tsa import make_authority

    return make_authority(tmp_path_factory.mktemp("tsa"))


@pytest.fixture
def tsa(settings, _tsa_authority):
    """A real RFC 3161 time-stamping authority on loopback (`openssl ts -reply`; tests/tsa.py), set as TSA_URLS.

    Yields the LoopbackTSA: .url, .ca_file (the root, for `openssl ts -verify -CAfile`), .tsa_cert / .untrusted,
    .name, .requests (POSTs received); .failing = 500 makes it answer 500, .stop() / .start() close and reopen
    its port."""
    from tests.tsa import LoopbackTSA

    server = LoopbackTSA(_tsa_authority)
    settings.TSA_URLS = [server.url]
    settings.TSA_TIMEOUT_SECONDS = 5.0
    try:
        yield server
    finally:
        server.stop()
