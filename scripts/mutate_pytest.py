"""A pytest plugin for scripts/mutate.py: one fixed test database name for every run in the process.

mutmut runs pytest several times in one process (the stats, the clean run, the forced failure) and forks
each mutant's run from it. Django renames the database setting to the test database's name when it makes
it, so each later run in the same process would make another one (test_test_...); with the name fixed in
DATABASES["default"]["TEST"]["NAME"], every run reuses the one made first (--reuse-db)."""

import os


def pytest_configure(config):
    name = os.environ.get("MUTATE_TEST_DATABASE")
    if not name:
        return
    from django.conf import settings

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name


def pytest_collection_modifyitems(session, config, items):
    """The written-out edge tests (test_*_edges.py) and tables (test_*_table.py) first: with -x a mutant's
    run stops at its first failure, and these are the quick, pointed ones."""
    if os.environ.get("MUTATE_TEST_DATABASE"):
        items.sort(key=lambda item: 0 if item.path.stem.endswith(("_edges", "_table")) else 1)


def pytest_sessionstart(session):
    """Logging's stream handlers point at the stderr of the run that set logging up (Django does it once a
    process); pytest closes that stream when the run ends, so in mutmut's later runs a log line became
    "--- Logging error ---" in the output the tests read. Each run points them at its own stderr."""
    if not os.environ.get("MUTATE_TEST_DATABASE"):
        return
    import logging
    import sys

    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", ()):
            if type(handler) is logging.StreamHandler and getattr(handler.stream, "closed", False):
                handler.stream = sys.stderr  # not setStream(): it flushes the closed stream first
