"""`make load`: 50 people for 60 seconds on gunicorn (2 workers), PostgreSQL, Redis and one Celery worker.

    python -m loadtest.run_load [--users 50] [--seconds 60] [--keep]

35 parents and 15 advocates (see locustfile.py for what they do) log in, two a second, then
use the site with 1 to 4 seconds between actions. The figures cover the SECONDS after the
last of them has logged in; the log-ins (whose cost is the password hasher's, ~0.3 s of a
core each) are reported on their own, and the pages served meanwhile as load_ramp_*.
Errors count over the whole run, log-ins included.

Afterwards every acknowledged write is looked up in the database and every dossier asked
for must be made. Prints `name value unit` lines, saves them to var/proof/load.json and
exits 1 if a goal is missed: no errors, no lost writes, pages answered within 300 ms at
the 95th percentile, every dossier made, no process died. load_cpu_* shows where the CPU
went, load_cpu_other being everything on the machine outside this stack.
"""

import argparse
import os
import sys
import time
import traceback
from collections import Counter

from loadtest.report import ERROR, MS, NAME, START, STATUS, Report, category, percentile, read_acks
from loadtest.stack import CpuMeter, LocustRun, Stack, say

PAGE_P95_GOAL_MS = 300
THINK_SECONDS = (1, 4)
SPAWN_RATE = 2  # people a second: at 5 a second the log-ins alone would need more than the two cores
DOSSIER_WAIT = 300  # seconds after the run for the worker to finish the dossiers asked for


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the logs and data folder afterwards")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    advocates = max(1, round(args.users * 0.3))
    parents = args.users - advocates
    report = Report("make load")
    stack = Stack.create(STATIC_MANIFEST="0")
    ok = False
    try:
        stack.start_services()
        stack.setup_django()
        from loadtest.seed import Sizes, seed
        from loadtest.verify import lost_writes, wait_for_dossiers

        started = time.monotonic()
        plan = seed(Sizes(parents=parents, advocates=advocates))
        say(f"Seeded {parents} parents (a case each, 25 incidents, 2 exhibits) and {advocates} advocates")
        report.add("load_seed_s", time.monotonic() - started, "s")
        stack.start_app()

        plan.update(users={"parents": parents, "advocates": advocates}, think_seconds=list(THINK_SECONDS))
        ramp = args.users / SPAWN_RATE
        locust = LocustRun(
            stack, plan, users=args.users, spawn_rate=SPAWN_RATE, run_seconds=round(ramp + args.seconds + 60),
            measure_seconds=args.seconds,
        )  # fmt: skip
        say(f"locust: {args.users} people ({parents} parents, {advocates} advocates) log in over ~{ramp:.0f} s, "
            f"then {args.seconds} s measured ...")  # fmt: skip
        report.add("load_machine_load_before", os.getloadavg()[0], "(1-min load average)")
        locust.start()
        meter = CpuMeter(stack, locust=locust.process)
        meter.start()
        results = locust.wait(timeout=ramp + args.seconds + 180)
        meter.stop()
        say("locust finished; counting the acknowledged writes in the database")
        analyse(report, results, args)
        # Where the CPU went over the measured seconds: this machine has os.cpu_count() cores, shared.
        report.add("load_cpu_cores", os.cpu_count(), "cores")
        for name, seconds in meter.between(results["steady"], results["steady"] + args.seconds).items():
            report.add(f"load_cpu_{name}", seconds / args.seconds, "cores busy (average)", digits=2)
        acks = read_acks(locust.acks)
        lost = lost_writes(acks)
        report.add("load_writes_acknowledged", lost.total_acknowledged, "writes")
        for kind in ("incident", "evidence", "dossier"):
            report.add(f"load_{kind}_writes_acknowledged", lost.acknowledged[kind], "writes")
        report.add("load_lost_writes", lost.total_lost, "writes")

        say(f"Waiting (at most {DOSSIER_WAIT} s) for the worker to finish the dossiers asked for")
        waited, counts = wait_for_dossiers(DOSSIER_WAIT)
        report.add("load_dossiers_done", counts["done"], "dossiers")
        report.add("load_dossiers_not_done", sum(counts.values()) - counts["done"], "dossiers")
        report.add("load_dossier_queue_drain_s", waited, "s")
        report.add("load_process_restarts", sum(stack.restarts.values()), "restarts")

        errors = report.figures["load_errors"]["value"]
        report.goal(f"0 errors at {args.users} users, log-ins included (got {errors})", errors == 0)
        report.goal(f"0 lost writes (got {lost.total_lost} of {lost.total_acknowledged})", lost.total_lost == 0)
        pages_p95 = report.figures["load_pages_p95_ms"]["value"]
        report.goal(f"p95 under {PAGE_P95_GOAL_MS} ms for pages (got {pages_p95} ms)", pages_p95 < PAGE_P95_GOAL_MS)
        not_done = report.figures["load_dossiers_not_done"]["value"]
        report.goal(
            f"every dossier asked for is made (not made: {not_done})", not_done == 0 and lost.lost["dossier"] == 0
        )
        report.goal("no process died during the run", not stack.restarts)
        report.note(
            f"{parents} parents + {advocates} advocates, {THINK_SECONDS[0]}-{THINK_SECONDS[1]} s between actions, "
            f"log-ins {SPAWN_RATE}/s; gunicorn 2 sync workers, Celery worker concurrency 1 and beat; private "
            "PostgreSQL 15 (default settings, fsync on) and Redis (append-only); locust on the same machine"
        )
        ok = report.passed
    except Exception:  # noqa: BLE001 - whatever broke, the report says so and the exit code is 1
        traceback.print_exc()
        report.goal("the run completed", False)
    finally:
        stack.stop(keep=not ok)
    report.save_and_print("load.json")
    return 0 if report.passed else 1


def analyse(report: Report, results: dict, args) -> None:
    """Latency and throughput over the measured seconds (everyone logged in); errors over the whole run."""
    samples = results["samples"]
    if results["steady"] is None:
        raise RuntimeError("not every simulated person got as far as logging in")
    begin, end = results["steady"], results["steady"] + args.seconds
    steady = [s for s in samples if begin <= s[START] < end]
    report.add("load_users", args.users, "users")
    report.add("load_ramp_s", begin - results["started"], "s")
    report.add("load_measured_s", args.seconds, "s")
    report.add("load_requests", len(steady), "requests")
    report.add("load_requests_per_s", len(steady) / args.seconds, "req/s")
    for q, value in _percentiles([s for s in steady if category(s) != "auth"]):
        report.add(f"load_p{q}_ms", value, "ms")
    for name in ("page", "write", "api", "poll"):
        for q, value in _percentiles([s for s in steady if category(s) == name]):
            report.add(f"load_{name}s_p{q}_ms", value, "ms")
    # While people were logging in: each log-in costs the password hasher ~0.3 s of a core.
    ramp = [s for s in samples if s[START] < begin]
    report.add("load_ramp_pages_p95_ms", dict(_percentiles([s for s in ramp if category(s) == "page"]))[95], "ms")
    logins = [s for s in samples if s[NAME] == "auth: log in"]
    report.add("load_logins", len(logins), "log-ins")
    for q, value in _percentiles(logins):
        report.add(f"load_login_p{q}_ms", value, "ms")
    errors = [s for s in samples if s[ERROR]]
    report.add("load_errors", len(errors), "requests")
    for (name, status, error), n in Counter((s[NAME], s[STATUS], s[ERROR]) for s in errors).most_common(8):
        report.note(f"error x{n}: {name} -> {status} {error}")
    slowest = Counter()
    for s in steady:
        if category(s) == "page":
            slowest[s[NAME]] = max(slowest[s[NAME]], s[MS])
    for name, ms in slowest.most_common(3):
        report.note(f"slowest {name}: {ms:.0f} ms")


def _percentiles(samples: list[list]) -> list[tuple[int, float]]:
    times = [s[MS] for s in samples]
    return [(q, percentile(times, q)) for q in (50, 95, 99)]


if __name__ == "__main__":
    sys.exit(main())
