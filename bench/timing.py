"""Small helpers that benchmarks share: time a call, take a percentile, build a figure."""

import math
import time
from collections.abc import Callable


def timed(call: Callable[[], object], *, repeat: int, warmup: int = 5) -> list[float]:
    """Seconds taken by each of `repeat` calls, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], percent: float) -> float:
    """The nearest-rank percentile: the smallest sample at or above `percent`% of them."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def figure(name: str, *, value: float, unit: str, baseline: float) -> dict:
    """One line of bench/results.json. `ratio` is value / baseline: below 1 beats the baseline."""
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": round(baseline, 3),
        "ratio": round(value / baseline, 3) if baseline else None,
    }
