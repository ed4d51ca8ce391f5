"""Run the benchmarks and record their figures.

    python bench/run.py            every bench/bench_<name>.py
    python bench/run.py healthz    only bench/bench_healthz.py

Each benchmark module exposes run() -> list[dict], one dict per figure:
{name, value, unit, baseline, ratio} (bench.timing.figure builds one). The
figures are merged into bench/results.json by name and printed as a table.

The benchmarks get a database of their own, created and migrated here and
dropped at the end: for PostgreSQL, DATABASE_URL's database name plus
"_bench"; for SQLite, an in-memory database. It is emptied before each
benchmark. Files (evidence, dossiers, the broker queue) go to a temporary
VAR_DIR unless VAR_DIR is set.
"""

import argparse
import importlib
import json
import os
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"


def discover() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in BENCH_DIR.glob("bench_*.py"))


def setup_django(var_dir: str):
    """Configure Django on a fresh benchmark database; returns what teardown needs."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_tracker.settings")
    os.environ.setdefault("VAR_DIR", var_dir)
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import setup_databases

    database = connections["default"].settings_dict
    if database["ENGINE"] != "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = f"{database['NAME']}_bench"
    # Not django.test's setup_test_environment(): it wraps every template render in a
    # signal for the test client, which is work a real server never does. Only what the
    # in-process client needs: its "testserver" host, and email kept in memory.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Non-interactive: a benchmark database left over from an earlier run is replaced.
    old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    # Pages that use {% static %} need the manifest that DEBUG off expects.
    call_command("collectstatic", interactive=False, verbosity=0)
    return old_config


def teardown_django(old_config) -> None:
    from django.test.utils import teardown_databases

    teardown_databases(old_config, verbosity=0)


def run_benchmark(name: str) -> list[dict]:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    module = importlib.import_module(f"bench.bench_{name}")
    figures = module.run()
    for figure in figures:
        missing = {"name", "value", "unit", "baseline", "ratio"} - set(figure)
        if missing:
            raise ValueError(f"bench_{name}.run() returned a figure without {sorted(missing)}: {figure}")
    return figures


def merge_results(figures: list[dict]) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for figure in figures:
        results[figure["name"]] = {key: figure[key] for key in ("value", "unit", "baseline", "ratio")}
    RESULTS.write_text(json.dumps(dict(sorted(results.items())), indent=2) + "\n")


def print_table(figures: list[dict]) -> None:
    rows = [("figure", "value", "baseline", "ratio", "unit")]
    rows += [(f["name"], str(f["value"]), str(f["baseline"]), str(f["ratio"]), f["unit"]) for f in figures]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def main(argv: list[str] | None = None) -> int:
    available = discover()
    parser = argparse.ArgumentParser(description="Run the benchmarks in bench/.")
    parser.add_argument("names", nargs="*", metavar="name", help=f"benchmarks to run (default: all of {available})")
    names = parser.parse_args(argv).names or available
    unknown = sorted(set(names) - set(available))
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)} (available: {', '.join(available)})")

    sys.path.insert(0, str(BASE_DIR))
    figures: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="referral-tracker-bench-") as var_dir:
        old_config = setup_django(var_dir)
        try:
            for name in names:
                print(f"Running bench_{name} ...", flush=True)
                figures += run_benchmark(name)
        finally:
            teardown_django(old_config)

    merge_results(figures)
    print_table(figures)
    print(f"Saved to {RESULTS.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
