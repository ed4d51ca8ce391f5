# ruff: noqa: T201
"""Figures from locust's samples and the database, printed as `name value unit` and saved as JSON.

Percentiles are computed here from every sample (nearest rank), not from locust's rounded buckets.
"""

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROOF_DIR = BASE_DIR / "var" / "proof"

# A sample, as locustfile.keep_sample records it.
START, NAME, MS, STATUS, ERROR = range(5)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def category(sample: list) -> str:
    return sample[NAME].split(":", 1)[0]


def read_acks(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass
class Report:
    title: str
    figures: dict[str, dict] = field(default_factory=dict)
    goals: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value, unit: str, digits: int = 1) -> None:
        if isinstance(value, float):
            value = round(value, digits)
        self.figures[name] = {"value": value, "unit": unit}

    def goal(self, text: str, passed: bool) -> None:
        self.goals.append({"goal": text, "passed": bool(passed)})

    def note(self, text: str) -> None:
        self.notes.append(text)

    @property
    def passed(self) -> bool:
        return all(goal["passed"] for goal in self.goals)

    def latency(self, prefix: str, samples: list[list]) -> None:
        times = [sample[MS] for sample in samples]
        self.add(f"{prefix}_requests", len(times), "requests")
        for q in (50, 95, 99):
            self.add(f"{prefix}_p{q}_ms", percentile(times, q), "ms")

    def save_and_print(self, filename: str) -> Path:
        PROOF_DIR.mkdir(parents=True, exist_ok=True)
        path = PROOF_DIR / filename
        body = {
            "title": self.title,
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "passed": self.passed,
            "figures": self.figures,
            "goals": self.goals,
            "notes": self.notes,
        }
        path.write_text(json.dumps(body, indent=2) + "\n")
        print(f"\n== {self.title}: figures ==")
        width = max(len(name) for name in self.figures)
        for name, figure in self.figures.items():
            print(f"{name.ljust(width)} {figure['value']} {figure['unit']}")
        print(f"\n== {self.title}: goals ==")
        for goal in self.goals:
            print(f"{'PASS' if goal['passed'] else 'FAIL'}  {goal['goal']}")
        for note in self.notes:
            print(f"note: {note}")
        print(f"\nSaved to {path.relative_to(BASE_DIR)}. {'All goals met.' if self.passed else 'A goal was missed.'}")
        return path
