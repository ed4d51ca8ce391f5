"""Process tuning for long-running web workers."""

import gc

# Python's default (700 allocations) runs the young-generation collector many times
# per page; each run can escalate to a full collection that walks every object.
GC_THRESHOLDS = (20_000, 20, 20)


def tune_gc() -> None:
    """Call once the application has loaded, before serving requests.

    gc.freeze() moves everything created at start-up (Django, the URL resolver,
    templates, libraries) out of the collector's sight, so the full collections
    that still happen walk only the objects made by requests. Measured by
    bench/bench_timeline.py: without it, the full collections every ~15 pages
    were the slowest 5% of timeline requests.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
