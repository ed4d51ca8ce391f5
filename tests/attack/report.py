"""The attack run's tally: payloads tried and failures per category, printed at the end and saved.

Loaded for every pytest session (tests/conftest.py names it in pytest_plugins), so that tests
outside tests/attack (the IDOR sweeps, the deploy check) can add their probes with `tally.add`.
A test marked `attack` that fails counts as at least one failure of its category, even if it
failed before it could say so. The summary is printed, and written to var/proof/attack.json,
only when attack tests ran.
"""

import json
import time
from collections import defaultdict
from pathlib import Path

import pytest

PROOF = Path(__file__).resolve().parents[2] / "var" / "proof" / "attack.json"


class Tally:
    def __init__(self):
        self.tried: dict[str, int] = defaultdict(int)
        self.failures: dict[str, list[str]] = defaultdict(list)
        self.tests: dict[str, str] = {}  # node id -> passed / failed / skipped
        self.current: str | None = None
        self.recorded_by: dict[str, int] = defaultdict(int)  # node id -> failures it recorded itself
        self.tried_by: dict[str, int] = defaultdict(int)  # node id -> probes it recorded
        self.started = time.monotonic()

    def add(self, category: str, *, tried: int = 0, failures: list[str] | int = ()) -> None:
        """Count `tried` payloads or probes of `category`, and the ones that got through."""
        if isinstance(failures, int):
            failures = [f"{category}: {failures} failed"] * failures
        self.tried[category] += tried
        self.failures[category].extend(message[:300] for message in failures)
        if self.current:
            self.recorded_by[self.current] += len(failures)
            self.tried_by[self.current] += tried

    def fail(self, category: str, message: str) -> None:
        self.add(category, failures=[message])

    @property
    def total_tried(self) -> int:
        return sum(self.tried.values())

    @property
    def total_failures(self) -> int:
        return sum(len(v) for v in self.failures.values())

    def as_dict(self) -> dict:
        categories = sorted(set(self.tried) | set(self.failures))
        return {
            "attack_payloads_tried": self.total_tried,
            "attack_failures": self.total_failures,
            "attack_tests": len(self.tests),
            "attack_tests_failed": sum(1 for v in self.tests.values() if v == "failed"),
            "seconds": round(time.monotonic() - self.started, 1),
            "categories": {
                name: {"tried": self.tried.get(name, 0), "failures": len(self.failures.get(name, []))}
                for name in categories
            },
            "failure_examples": {name: self.failures[name][:20] for name in categories if self.failures.get(name)},
        }


tally = Tally()


def _category(item) -> str:
    marker = item.get_closest_marker("attack")
    if marker and marker.kwargs.get("category"):
        return marker.kwargs["category"]
    return item.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")


def pytest_sessionstart(session):
    tally.started = time.monotonic()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    tally.current = item.nodeid if item.get_closest_marker("attack") else None
    yield
    tally.current = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not item.get_closest_marker("attack"):
        return
    if report.failed:
        tally.tests[item.nodeid] = "failed"
        # A failure the test did not record itself (an exception, an assertion) still counts.
        if not tally.recorded_by.get(item.nodeid):
            tally.failures[_category(item)].append(f"{item.nodeid} ({report.when}) failed")
            tally.recorded_by[item.nodeid] = 1
    elif report.when == "call" or report.skipped:
        tally.tests.setdefault(item.nodeid, "skipped" if report.skipped else "passed")
    if report.when == "call" and not report.skipped and not tally.tried_by.get(item.nodeid):
        tally.tried[_category(item)] += 1  # a single check (check --deploy): one probe


def pytest_sessionfinish(session, exitstatus):
    if tally.total_failures and session.exitstatus == 0:
        session.exitstatus = 1  # a payload that got through fails the run, whatever the tests said


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not tally.tests:
        return
    figures = tally.as_dict()
    write = terminalreporter.write_line
    terminalreporter.section("attack summary")
    write(f"attack_payloads_tried {figures['attack_payloads_tried']}")
    write(f"attack_failures {figures['attack_failures']}")
    write(f"attack_tests {figures['attack_tests']} (failed {figures['attack_tests_failed']})")
    for name, row in figures["categories"].items():
        write(f"  {name:<22} tried {row['tried']:>6}  failures {row['failures']}")
    for name, examples in figures["failure_examples"].items():
        for example in examples[:10]:
            write(f"  FAIL {name}: {example}"[:400])
    try:
        PROOF.parent.mkdir(parents=True, exist_ok=True)
        PROOF.write_text(json.dumps(figures, indent=2) + "\n")
        write(f"written to {PROOF.relative_to(PROOF.parents[2])}")
    except OSError as error:
        write(f"could not write {PROOF}: {error}")
