"""Write docs/figures.md from the figures the proof commands saved.

    python scripts/figures.py [--status attack=0 load=0 faults=0 bench=0]

Reads var/proof/attack.json (make attack), var/proof/load.json (make load),
var/proof/faults.json (make faults) and bench/results.json (make bench), and writes
docs/figures.md: each figure with the command that made it, when, on which commit and
on which machine. `make proof` runs the four commands and then this script; --status
carries their exit codes into the page. Figures a command did not produce this time are
marked missing, never carried over from an older run.
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROOF = BASE_DIR / "var" / "proof"
BENCH_RESULTS = BASE_DIR / "bench" / "results.json"
OUTPUT = BASE_DIR / "docs" / "figures.md"

# The goals of the issues, next to the figure they judge: (figure, test, wording).
BENCH_GOALS = {
    "timeline_p95_ms": (lambda v: v < 50, "under 50 ms"),
    "search_p95_ms": (lambda v: v < 50, "under 50 ms"),
    "dossier_1000_wall_s": (lambda v: v < 5, "under 5 s"),
    "dossier_1000_rss_mb": (lambda v: v < 200, "under 200 MB"),
    "dossier_1000_ratio": (lambda v: v < 1.5, "under 1.5"),
    "dossier_10000_scale": (lambda v: v < 12, "under 12"),
    "upload_throughput_ratio": (lambda v: v >= 0.5, "at least 0.5"),
    "upload_rss_growth_mb": (lambda v: v < 64, "under 64 MB"),
    # Asking for a dossier while the broker is down still answers (the sweep hands it over later).
    "dossier_request_broker_down_p95_ms": (lambda v: v < 2000, "under 2000 ms"),
    # A web page archived (screenshot, PDF, text, WACZ) against a bare Playwright screenshot of the same page.
    "capture_p95_s": (lambda v: v < 5, "under 5 s"),
    "capture_ratio": (lambda v: v < 2, "under 2"),
}


def run(*command: str) -> str:
    try:
        completed = subprocess.run(  # noqa: S603 - fixed version commands, nothing typed by anyone
            command, capture_output=True, text=True, timeout=10, check=False
        )
        return completed.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> list[str]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kib = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory = f"{total_kib / 1024 / 1024:.0f} GiB"
    return [
        f"- Host: {platform.node()} ({platform.system()} {platform.release()}, {platform.machine()})",
        f"- CPU: {cpu or 'unknown'}, {os.cpu_count()} cores; memory {memory or 'unknown'}",
        f"- Python {platform.python_version()}; {run('psql', '--version') or 'psql not found'}; "
        f"{run('redis-server', '--version').split(' sha=')[0] or 'redis-server not found'}",
        f"- Commit: {run('git', '-C', str(BASE_DIR), 'rev-parse', '--short', 'HEAD') or 'unknown'}",
    ]


def load_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def stale(path: Path, since: float | None) -> bool:
    """True when the file was written before this proof run began: an old figure, not this run's."""
    return since is not None and path.exists() and path.stat().st_mtime < since


def section_drill(title: str, command: str, path: Path, status: str | None, since: float | None) -> list[str]:
    lines = [f"## {title}", "", f"Command: `{command}` (exit code {status if status is not None else 'not run'})", ""]
    data = load_json(path)
    if data is None or stale(path, since):
        return [*lines, f"No figures: {path.relative_to(BASE_DIR)} was not written by this run.", ""]
    lines += [f"Finished {data.get('finished_at', '?')}.", "", "| figure | value | unit |", "|---|---|---|"]
    lines += [f"| {name} | {f['value']} | {f['unit']} |" for name, f in data.get("figures", {}).items()]
    lines += ["", "Goals:", ""]
    lines += [f"- {'PASS' if g['passed'] else 'FAIL'}: {g['goal']}" for g in data.get("goals", [])]
    if data.get("notes"):
        lines += ["", "Notes:", ""] + [f"- {note}" for note in data["notes"]]
    return [*lines, ""]


def section_attack(status: str | None, since: float | None) -> list[str]:
    path = PROOF / "attack.json"
    lines = ["## Attack", "", f"Command: `make attack` (exit code {status if status is not None else 'not run'})", ""]
    data = load_json(path)
    if data is None or stale(path, since):
        return [*lines, "No figures: var/proof/attack.json was not written by this run.", ""]
    lines += [
        f"- attack_payloads_tried: {data['attack_payloads_tried']}",
        f"- attack_failures: {data['attack_failures']} (goal: 0)",
        f"- tests: {data['attack_tests']}, failed {data['attack_tests_failed']}, in {data['seconds']} s",
        "",
        "| category | tried | failures |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {c['tried']} | {c['failures']} |" for name, c in data["categories"].items()]
    return [*lines, ""]


def section_bench(status: str | None, since: float | None) -> list[str]:
    lines = [
        "## Benchmarks",
        "",
        f"Command: `make bench` (exit code {status if status is not None else 'not run'})",
        "",
    ]
    data = load_json(BENCH_RESULTS)
    if data is None or stale(BENCH_RESULTS, since):
        return [*lines, "No figures: bench/results.json was not written by this run.", ""]
    lines += ["| figure | value | baseline | ratio | unit | goal |", "|---|---|---|---|---|---|"]
    for name, f in data.items():
        goal = ""
        if name in BENCH_GOALS:
            test, wording = BENCH_GOALS[name]
            goal = f"{wording}: {'met' if test(f['value']) else 'MISSED'}"
        lines.append(f"| {name} | {f['value']} | {f['baseline']} | {f['ratio']} | {f['unit']} | {goal} |")
    lines += [
        "",
        "Each baseline is measured in the same run on the same machine (bench/README.md says what each is).",
        "",
    ]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write docs/figures.md from the saved figures.")
    parser.add_argument("--status", nargs="*", default=[], metavar="NAME=CODE", help="exit codes of the commands")
    parser.add_argument("--since", type=float, default=None, help="ignore figure files older than this time")
    args = parser.parse_args(argv)
    status = dict(item.split("=", 1) for item in args.status)
    now = dt.datetime.now(dt.UTC)
    took = f" in {(now.timestamp() - args.since) / 60:.1f} minutes" if args.since else ""
    now = now.strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Figures",
        "",
        f"Made by `make proof` on {now}{took}: `make attack`, `make load`, `make faults` and `make bench`,",
        "one after another on this machine, then `python scripts/figures.py` wrote this page.",
        "Wall-clock figures depend on what else the machine was doing; the ratios compare with",
        "baselines measured in the same run.",
        "",
        "Machine:",
        "",
        *machine(),
        "",
        *section_attack(status.get("attack"), args.since),
        *section_drill("Load", "make load", PROOF / "load.json", status.get("load"), args.since),
        *section_drill("Faults", "make faults", PROOF / "faults.json", status.get("faults"), args.since),
        *section_bench(status.get("bench"), args.since),
    ]
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text("\n".join(lines).rstrip() + "\n")
    sys.stdout.write(f"Wrote {OUTPUT.relative_to(BASE_DIR)}\n")
    failed = {name: code for name, code in status.items() if code != "0"}
    results = load_json(BENCH_RESULTS) or {}
    missed = [name for name, (test, _) in BENCH_GOALS.items() if name in results and not test(results[name]["value"])]
    if missed and status.get("bench") == "0":
        failed["bench goals"] = ", ".join(missed)
    if failed:
        sys.stderr.write(f"Failed: {', '.join(f'{name} ({code})' for name, code in failed.items())}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
