import pytest

from tests.factories import UserFactory


@pytest.fixture
def password() -> str:
    return "correct-horse-battery-staple"


@pytest.fixture
def user(db, password):
    return UserFactory(password=password)


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
