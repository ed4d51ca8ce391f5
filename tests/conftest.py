import pytest

from tests.factories import UserFactory, make_case

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
