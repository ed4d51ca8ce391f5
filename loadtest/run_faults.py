"""`make faults`: under a lighter load, restart PostgreSQL, restart Redis and SIGKILL the worker, once each.

    python -m loadtest.run_faults [--users 10] [--down 10] [--keep]

The same stack as `make load` (private PostgreSQL and Redis, gunicorn with 2 workers, one
Celery worker and beat), with 10 people using it throughout. Beside them a probe, signed
in as a parent of its own, watches each drill: what the site answers while a dependency is
down, when it answers normally again, and whether a dossier asked for during the drill is
made. Nobody intervenes: a killed worker is started again by the stack's supervisor, as
docker-compose's restart policy does, and stuck dossiers are picked up by the beat sweep
(every 5 s here, queued for 10 s or silent for 15 s; the production defaults are 60/120/180 s,
so recovery of a dossier takes proportionally longer there).

Afterwards every acknowledged write and every dossier asked for is looked up in the database.
Prints `name value unit` lines, saves them to var/proof/faults.json, exits 1 if a check fails.
"""

import argparse
import contextlib
import re
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

import requests

from loadtest.report import ERROR, MS, NAME, START, STATUS, Report, read_acks
from loadtest.stack import LocustRun, Stack, say, wait_for

THINK_SECONDS = (1, 4)
SWEEP = {"DOSSIER_SWEEP_SECONDS": "5", "DOSSIER_REQUEUE_SECONDS": "10", "DOSSIER_STALE_SECONDS": "15"}
RECOVERY_LIMIT = 60  # seconds: each dependency must be answering normally again within this
DOSSIER_LIMIT = 120  # seconds: a dossier caught in a drill must be made within this
GRACE = 3  # seconds after recovery in which locust's requests still count as the drill's
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATUS_URL = re.compile(r'data-dossier-status="(/cases/\d+/dossiers/(\d+)/status/)"')
CALM = "Referral Tracker is unavailable for a moment"


@dataclass
class Answer:
    status: int
    text: str
    ms: float
    location: str = ""


@dataclass
class Probe:
    """A parent of its own, in a browser-like session: asks, writes, and keeps what was acknowledged."""

    url: str
    email: str
    password: str
    case: int
    session: requests.Session = field(default_factory=requests.Session)
    acks: list[dict] = field(default_factory=list)

    def get(self, path: str) -> Answer:
        return self._send("GET", path)

    def _send(self, method: str, path: str, **kwargs) -> Answer:
        started = time.monotonic()
        try:
            response = self.session.request(method, self.url + path, timeout=30, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            return Answer(0, str(error), (time.monotonic() - started) * 1000)
        return Answer(
            response.status_code,
            response.text,
            (time.monotonic() - started) * 1000,
            response.headers.get("Location", ""),
        )

    def token(self, path: str) -> str:
        found = CSRF.search(self.get(path).text)
        if found is None:
            raise RuntimeError(f"no form at {path}")
        return found[1]

    def log_in(self) -> None:
        data = {
            "username": self.email,
            "password": self.password,
            "csrfmiddlewaretoken": self.token("/accounts/login/"),
        }
        answer = self._send("POST", "/accounts/login/", data=data)
        if answer.status != 302:
            raise RuntimeError(f"the probe could not log in: {answer.status}")

    def log_incident(self, token: str, title: str) -> Answer:
        data = {
            "csrfmiddlewaretoken": token,
            "kind": "online_post",
            "occurred_at": "2024-05-01T10:00",
            "occurred_precision": "exact",
            "title": title,
            "narrative": "Logged by the fault drill.",
        }
        answer = self._send("POST", f"/cases/{self.case}/incidents/new/", data=data)
        saved = re.match(r"^/cases/\d+/timeline/#incident-(\d+)$", answer.location)
        if answer.status == 302 and saved:
            self.acks.append({"kind": "incident", "case": self.case, "id": int(saved[1]), "title": title})
        return answer

    def ask_for_dossier(self) -> tuple[Answer, int | None]:
        """Ask for a dossier; returns the answer and the new dossier's id (the probe's case has no other asker)."""
        path = f"/cases/{self.case}/dossiers/"
        data = {"csrfmiddlewaretoken": self.token(path), "audience": "police", "photos": "inline", "redact": "on"}
        answer = self._send("POST", path, data=data)
        if answer.status != 302:
            return answer, None
        self.acks.append({"kind": "dossier", "case": self.case, "by": self.email})
        newest = STATUS_URL.search(self.get(path).text)
        return answer, int(newest[2]) if newest else None


@dataclass
class Drill:
    name: str
    started: float  # epoch seconds
    ended: float = 0.0


def dossier_status_in_db(dossier_id: int) -> str:
    from django.db import close_old_connections

    from dossiers.models import Dossier

    close_old_connections()
    return Dossier.objects.values_list("status", flat=True).get(pk=dossier_id)


def wait_done(dossier_id: int | None, limit: float) -> float | None:
    """Seconds until the dossier is done, or None if it was not made within the limit."""
    if dossier_id is None:
        return None
    started = time.monotonic()
    try:
        wait_for(lambda: dossier_status_in_db(dossier_id) == "done", f"dossier {dossier_id}", limit, 0.5)
    except TimeoutError:
        return None
    return time.monotonic() - started


def until_normal(probe: Probe, path: str, limit: float) -> float | None:
    """Seconds until the path answers 200 again, or None."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if probe.get(path).status == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def drill_postgres(stack: Stack, probe: Probe, report: Report, down: float) -> Drill:
    timeline = f"/cases/{probe.case}/timeline/"
    token = probe.token(f"/cases/{probe.case}/incidents/new/")
    drill = Drill("postgres", time.time())
    say(f"DRILL 1: PostgreSQL stops (pg_ctl -m immediate: no shutdown checkpoint, as in a crash) for {down:.0f} s")
    stack.postgres.stop("immediate")
    stopped = time.monotonic()
    answers: Counter = Counter()
    calm = True
    write_refused = None
    while time.time() - drill.started < down:
        page, api, health = (
            probe.get(timeline),
            probe.get(f"/api/v1/cases/{probe.case}/incidents/"),
            probe.get("/healthz"),
        )
        answers.update(
            f"{kind} {answer.status}" for kind, answer in (("page", page), ("api", api), ("healthz", health))
        )
        calm &= page.status == 503 and CALM in page.text and api.status == 503 and "detail" in api.text
        if write_refused is None:
            write_refused = probe.log_incident(token, "Drill: written while the database was down").status
        time.sleep(0.5)
    say(f"  while down the probe got: {dict(sorted(answers.items()))}; a write got {write_refused}")
    say("  PostgreSQL starts again (crash recovery from its WAL)")
    restarted = time.monotonic()
    stack.postgres.start()
    recovery = until_normal(probe, timeline, RECOVERY_LIMIT)
    drill.ended = time.time()
    total = None if recovery is None else time.monotonic() - restarted
    say(f"  the timeline answers 200 again {total if total is None else round(total, 2)} s after the restart")
    after = probe.log_incident(probe.token(f"/cases/{probe.case}/incidents/new/"), "Drill: written after the restart")
    report.add("faults_pg_down_s", restarted - stopped, "s")
    report.add("faults_pg_probe_answers_503", sum(n for key, n in answers.items() if key.endswith(" 503")), "answers")
    report.add(
        "faults_pg_probe_answers_other", sum(n for key, n in answers.items() if not key.endswith(" 503")), "answers"
    )
    report.add("faults_pg_recovery_s", total if total is not None else -1, "s")
    report.goal("PostgreSQL down: pages answer 503 with the calm page, the API 503 JSON, /healthz 503", calm)
    report.goal("PostgreSQL down: a write is refused with 503, not half-done", write_refused == 503)
    report.goal(f"PostgreSQL back: pages answer 200 within {RECOVERY_LIMIT} s, no manual step", total is not None)
    report.goal("PostgreSQL back: a write is acknowledged", after.status == 302)
    return drill


def drill_redis(stack: Stack, probe: Probe, report: Report, down: float) -> Drill:
    timeline = f"/cases/{probe.case}/timeline/"
    drill = Drill("redis", time.time())
    say(f"DRILL 2: Redis stops (SIGTERM; append-only file kept, as docker-compose runs it) for {down:.0f} s")
    stack.redis.stop()
    stopped = time.monotonic()
    answers: Counter = Counter()
    asked, dossier_id, status = None, None, None
    while time.time() - drill.started < down:
        page, health = probe.get(timeline), probe.get("/healthz")
        answers.update([f"page {page.status}", f"healthz {health.status}"])
        if asked is None:
            asked, dossier_id = probe.ask_for_dossier()
            status = dossier_status_in_db(dossier_id) if dossier_id else None
            say(f"  a dossier asked for while Redis is down: {asked.status} in {asked.ms:.0f} ms, then {status!r}")
        time.sleep(0.5)
    say(f"  while down the probe got: {dict(sorted(answers.items()))}")
    say("  Redis starts again")
    restarted = time.monotonic()
    stack.redis.start()
    healthy = until_normal(probe, "/healthz", RECOVERY_LIMIT)
    drill.ended = time.time()
    say(f"  /healthz answers 200 again {healthy if healthy is None else round(healthy, 2)} s after the restart")
    made = wait_done(dossier_id, DOSSIER_LIMIT)
    made_after = None if made is None else time.monotonic() - restarted
    say(f"  the dossier asked for during the outage is made {made_after and round(made_after, 1)} s after the restart")
    page_errors = sum(n for key, n in answers.items() if key.startswith("page ") and key != "page 200")
    report.add("faults_redis_down_s", restarted - stopped, "s")
    report.add("faults_redis_probe_page_errors", page_errors, "answers")
    report.add("faults_redis_dossier_ask_ms", asked.ms if asked else -1, "ms")
    report.add("faults_redis_recovery_s", healthy if healthy is not None else -1, "s")
    report.add("faults_redis_dossier_done_s", made_after if made_after is not None else -1, "s")
    report.goal("Redis down: pages still answer 200", page_errors == 0 and answers["page 200"] > 0)
    report.goal(
        "Redis down: asking for a dossier is acknowledged, and it waits as queued",
        asked is not None and asked.status == 302 and status == "queued",
    )
    report.goal(f"Redis back: /healthz 200 within {RECOVERY_LIMIT} s, no manual step", healthy is not None)
    report.goal(f"Redis back: the dossier asked for during the outage is made (within {DOSSIER_LIMIT} s)", made)
    if asked is not None and asked.ms > 1000:
        report.note(
            f"asking for a dossier while Redis was down took {asked.ms / 1000:.1f} s: the broker connection is "
            "retried inside the request before the dossier is left queued for the sweep"
        )
    return drill


def drill_worker(stack: Stack, probe: Probe, report: Report) -> Drill:
    from dossiers.models import Dossier

    say("DRILL 3: a dossier is asked for; once the worker is making it, the worker gets SIGKILL")
    asked, dossier_id = probe.ask_for_dossier()
    if dossier_id is None:
        raise RuntimeError(f"the probe could not ask for a dossier: {asked.status}")
    with contextlib.suppress(TimeoutError):
        wait_for(lambda: dossier_status_in_db(dossier_id) != Dossier.Status.QUEUED, "the worker to start", 60, 0.02)
    caught = dossier_status_in_db(dossier_id) == Dossier.Status.RUNNING
    ready_before = stack.worker_ready_count()
    drill = Drill("worker", time.time())
    stack.processes["worker"].kill()
    killed = time.monotonic()
    say(f"  SIGKILL to the worker and its pool ({'mid-compile' if caught else 'the dossier was not running yet'})")
    try:
        stack.wait_worker_ready(ready_before + 1)
        restarted = time.monotonic() - killed
    except RuntimeError:
        restarted = None
    say(f"  the supervisor started a new worker; ready {restarted and round(restarted, 1)} s after the kill")
    made = wait_done(dossier_id, DOSSIER_LIMIT)
    drill.ended = time.time()
    recovered = None if made is None else time.monotonic() - killed
    say(f"  the sweep restarted the dossier; made {recovered and round(recovered, 1)} s after the kill")
    attempts = Dossier.objects.values_list("attempts", flat=True).get(pk=dossier_id)
    report.add("faults_worker_killed_mid_compile", int(caught), "(1 = yes)")
    report.add("faults_worker_restart_s", restarted if restarted is not None else -1, "s")
    report.add("faults_worker_recovery_s", recovered if recovered is not None else -1, "s")
    report.add("faults_worker_dossier_attempts", attempts, "attempts")
    report.goal("worker killed: the dossier was being made when the worker died", caught)
    report.goal("worker killed: a new worker is running, no manual step", restarted is not None)
    report.goal(f"worker killed: the dossier it was making is made (within {DOSSIER_LIMIT} s)", made is not None)
    return drill


def in_drill(sample: list, drills: list[Drill]) -> Drill | None:
    """The drill whose time this request overlapped (one in flight when a dependency stopped counts too)."""
    finished = sample[START] + sample[MS] / 1000
    for drill in drills:
        if finished >= drill.started and sample[START] <= drill.ended + GRACE:
            return drill
    return None


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--down", type=float, default=10, help="seconds each dependency stays down")
    parser.add_argument("--keep", action="store_true", help="keep the logs and data folder afterwards")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    advocates = max(1, round(args.users * 0.3))
    parents = args.users - advocates
    report = Report("make faults")
    stack = Stack.create(STATIC_MANIFEST="0", **SWEEP)
    ok = False
    try:
        stack.start_services()
        stack.setup_django()
        from loadtest.seed import Sizes, add_photos, seed
        from loadtest.verify import dossier_counts, lost_writes, wait_for_dossiers

        plan = seed(Sizes(parents=parents + 1, advocates=advocates))
        mine = plan["parents"].pop()  # the probe's own case, which no simulated person touches
        plan["advocates"] = [
            {**a, "cases": [c for c in a["cases"] if c["case"] != mine["case"]] or plan["parents"][:1]}
            for a in plan["advocates"]
        ]
        add_photos(mine["case"], 6)
        say(f"Seeded {parents} parents and {advocates} advocates for locust, and the probe's own case")
        stack.start_app()
        probe = Probe(stack.url, mine["email"], plan["password"], mine["case"])
        probe.log_in()

        plan.update(users={"parents": parents, "advocates": advocates}, think_seconds=list(THINK_SECONDS))
        locust = LocustRun(stack, plan, users=args.users, spawn_rate=2, run_seconds=900)
        locust.stop_file = stack.root / "locust" / "stop"
        locust.start()
        say(f"locust: {args.users} people use the site throughout; 15 s of normal use first")
        time.sleep(15)

        drills = [drill_postgres(stack, probe, report, args.down)]
        time.sleep(10)
        drills.append(drill_redis(stack, probe, report, args.down))
        time.sleep(10)
        drills.append(drill_worker(stack, probe, report))
        say("10 s of normal use after the drills, then locust stops")
        time.sleep(10)
        locust.stop_file.touch()
        results = locust.wait(timeout=120)

        samples = results["samples"]
        outside = [s for s in samples if s[ERROR] and in_drill(s, drills) is None]
        during = {drill.name: [s for s in samples if in_drill(s, [drill]) is drill] for drill in drills}
        pg_other = [s for s in during["postgres"] if s[ERROR] and s[STATUS] != 503]
        redis_errors = [s for s in during["redis"] if s[ERROR]]
        worker_errors = [s for s in during["worker"] if s[ERROR]]
        report.add("faults_users", args.users, "users")
        report.add("faults_requests", len(samples), "requests")
        report.add("faults_load_answers_503_during_pg", sum(s[STATUS] == 503 for s in during["postgres"]), "answers")
        report.add("faults_load_errors_during_pg_not_503", len(pg_other), "answers")
        report.add("faults_load_errors_during_redis", len(redis_errors), "answers")
        report.add("faults_load_errors_during_worker", len(worker_errors), "answers")
        report.add("faults_load_errors_outside_drills", len(outside), "answers")
        for (name, status, error), n in Counter(
            (s[NAME], s[STATUS], s[ERROR][:120]) for s in pg_other + redis_errors + worker_errors + outside
        ).most_common(8):
            report.note(f"unexpected x{n}: {name} -> {status} {error}")
        report.goal("the load during the PostgreSQL drill got only 503s as errors", not pg_other)
        report.goal("the load during the Redis drill got no errors", not redis_errors)
        report.goal("the load during the worker drill got no errors", not worker_errors)
        report.goal("no errors outside the drills", not outside)

        acks = read_acks(locust.acks) + [{**ack, "by": ack.get("by", probe.email)} for ack in probe.acks]
        say(f"Waiting (at most {DOSSIER_LIMIT * 2} s) for every dossier asked for to be made")
        waited, counts = wait_for_dossiers(DOSSIER_LIMIT * 2)
        lost = lost_writes(acks)
        counts = dossier_counts()
        report.add("faults_writes_acknowledged", lost.total_acknowledged, "writes")
        report.add("faults_lost_writes", lost.total_lost - lost.lost["dossier"], "writes")
        report.add("faults_dossiers_acknowledged", lost.acknowledged["dossier"], "dossiers")
        report.add("faults_lost_dossiers", lost.lost["dossier"], "dossiers")
        report.add("faults_dossiers_done", counts["done"], "dossiers")
        report.add("faults_dossiers_not_done", sum(counts.values()) - counts["done"], "dossiers")
        report.add("faults_dossier_queue_drain_s", waited, "s")
        report.add("faults_process_restarts", sum(stack.restarts.values()), "restarts")
        report.goal(
            f"0 lost writes and 0 lost dossiers (got {lost.total_lost} of {lost.total_acknowledged})",
            lost.total_lost == 0,
        )
        report.goal("every dossier asked for is made", report.figures["faults_dossiers_not_done"]["value"] == 0)
        report.goal("only the killed worker was restarted", stack.restarts == {"worker": 1})
        report.note(
            f"{parents} parents + {advocates} advocates (locust, {THINK_SECONDS[0]}-{THINK_SECONDS[1]} s between "
            f"actions) and a probe; each dependency down {args.down:.0f} s; sweep every "
            f"{SWEEP['DOSSIER_SWEEP_SECONDS']} s, requeue after {SWEEP['DOSSIER_REQUEUE_SECONDS']} s, restart after "
            f"{SWEEP['DOSSIER_STALE_SECONDS']} s without progress"
        )
        ok = report.passed
    except Exception:  # noqa: BLE001 - whatever broke, the report says so and the exit code is 1
        traceback.print_exc()
        report.goal("the drills ran to the end", False)
    finally:
        stack.stop(keep=not ok or args.keep)
    report.save_and_print("faults.json")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
