# ruff: noqa: S311 - random here picks pages to visit, nothing secret
"""What the simulated people do (locust, started by run_load.py and run_faults.py; not imported by Django).

Parents own a case: they read their timeline and incidents most, log new incidents, attach
small screenshots, and now and then ask for a dossier and watch its progress. Advocates read
the cases shared with them (pages and the API) and now and then ask for a dossier too.
Everyone logs in first, through the log-in form, with the real password hasher.

Every write the site acknowledged is appended to LOAD_ACKS as it happens (a JSON line):
an incident by the id in the redirect, an exhibit by its unique description and SHA-256, a
dossier by case and requester (its page redirects without an id). Every request is kept
as a sample and written to LOAD_RESULTS when locust quits; report.py computes the figures.
Request names start with their category: "page:", "write:", "api:", "poll:", "auth:".
"""

import datetime as dt
import hashlib
import io
import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from PIL import Image

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
RESULTS = Path(os.environ["LOAD_RESULTS"])
ACKS = Path(os.environ["LOAD_ACKS"])
STOP_FILE = Path(os.environ["LOAD_STOP_FILE"]) if os.environ.get("LOAD_STOP_FILE") else None
# Measured: this many seconds from the moment everyone has logged in; then the run ends.
MEASURE_SECONDS = float(os.environ.get("LOAD_MEASURE_SECONDS") or 0)
USERS = PLAN["users"]["parents"] + PLAN["users"]["advocates"]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INCIDENT_SAVED = re.compile(r"^/cases/(\d+)/timeline/#incident-(\d+)$")
DOSSIER_WORKING = re.compile(r'data-dossier-status="([^"]+)" data-finished="0"')
KINDS = ["online_post", "direct_message", "referral_social_services", "third_party", "agency_letter", "doxing"]

samples: list[list] = []
run = {"started": None, "steady": None, "stopped": None}
signed_in_once = itertools.count(1)


@events.request.add_listener
def keep_sample(name, response_time, response=None, exception=None, start_time=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    started = start_time if start_time is not None else time.time() - response_time / 1000
    samples.append(
        [round(started, 3), name, round(response_time, 1), status, "" if exception is None else str(exception)[:300]]
    )


@events.test_start.add_listener
def on_start(environment, **kwargs):
    run["started"] = time.time()
    if STOP_FILE is not None:
        # run_faults.py ends the run when its drills are over, by creating this file.
        def watch():
            while not STOP_FILE.exists():
                gevent.sleep(0.5)
            environment.runner.quit()

        gevent.spawn(watch)


def everyone_started(environment) -> None:
    """All users have logged in (or tried): the measured part begins, and ends MEASURE_SECONDS later."""
    run["steady"] = time.time()
    if MEASURE_SECONDS:
        gevent.spawn_later(MEASURE_SECONDS, environment.runner.quit)


@events.test_stop.add_listener
def on_stop(environment, **kwargs):
    run["stopped"] = time.time()


@events.quitting.add_listener
def write_results(environment, **kwargs):
    RESULTS.write_text(json.dumps({**run, "samples": samples}))


def acknowledge(**record) -> None:
    with ACKS.open("a") as out:
        out.write(json.dumps({**record, "at": time.time()}) + "\n")


def screenshot() -> bytes:
    """A small PNG, different every time, as a phone screenshot is (about 5 KB)."""
    image = Image.new("RGB", (360, 640), (250, 250, 250))
    for row in range(16, 620, 18):
        shade = random.randrange(40, 200)
        image.paste((shade, shade, random.randrange(256)), (12, row, random.randrange(120, 348), row + 9))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class Person(HttpUser):
    abstract = True
    wait_time = between(*PLAN["think_seconds"])
    accounts: list[dict] = []
    numbers = itertools.count()

    def on_start(self):
        self.account = self.accounts[next(self.numbers) % len(self.accounts)]
        self.signed_in = False
        self.log_in()
        if next(signed_in_once) == USERS:
            everyone_started(self.environment)

    # Requests ---------------------------------------------------------------------------------

    def log_in(self) -> bool:
        form = self.page("/accounts/login/", "auth: log-in form")
        token = CSRF.search(form or "")
        if token is None:
            return False
        data = {"username": self.account["email"], "password": PLAN["password"], "csrfmiddlewaretoken": token[1]}
        with self.client.post(
            "/accounts/login/", data=data, name="auth: log in", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and response.headers.get("Location") == "/":
                response.success()
                self.signed_in = True
            else:
                response.failure(f"log-in answered {response.status_code}")
        return self.signed_in

    def ready(self) -> bool:
        """Signed in, or signed in again (a restarted database may have refused an earlier log-in)."""
        return self.signed_in or self.log_in()

    def page(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
                return None
            if "/accounts/login/" in response.url and not path.startswith("/accounts/login/"):
                response.failure("sent to the log-in page: the session was lost")
                self.signed_in = False
                return None
            response.success()
            return response.text

    def post_form(self, path: str, name: str, data: dict, files=None):
        """POST as the browser does after showing the form; returns the redirect's Location, or None."""
        with self.client.post(
            path, data=data, files=files, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
                return response.headers["Location"]
            response.failure(f"answered {response.status_code}")
            return None

    # What people do ----------------------------------------------------------------------------

    def log_incident(self, case: int) -> None:
        form = self.page(f"/cases/{case}/incidents/new/", "page: new incident form")
        token = CSRF.search(form or "")
        if token is None:
            return
        title = f"Load {uuid.uuid4().hex[:12]}"
        when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=random.randrange(2, 24 * 30))
        data = {
            "csrfmiddlewaretoken": token[1],
            "kind": random.choice(KINDS),
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "occurred_precision": "exact",
            "title": title,
            "narrative": "Another post went up about us tonight, saying we had been reported again.",
        }
        location = self.post_form(f"/cases/{case}/incidents/new/", "write: log incident", data)
        saved = INCIDENT_SAVED.match(location or "")
        if saved is None:
            return
        acknowledge(kind="incident", case=case, id=int(saved[2]), title=title, by=self.account["email"])
        self.incidents.append(int(saved[2]))
        self.page(location.split("#")[0], "page: timeline")

    def attach_evidence(self, case: int) -> None:
        form = self.page(f"/cases/{case}/evidence/new/", "page: add evidence form")
        token = CSRF.search(form or "")
        if token is None:
            return
        data, description = screenshot(), f"Load screenshot {uuid.uuid4().hex[:12]}"
        fields = {"csrfmiddlewaretoken": token[1], "kind": "screenshot", "description": description}
        files = {"files": (f"{description[-12:]}.png", data, "image/png")}
        location = self.post_form(f"/cases/{case}/evidence/new/", "write: add evidence", fields, files)
        if location != f"/cases/{case}/evidence/":
            return
        acknowledge(
            kind="evidence", case=case, description=description, sha256=hashlib.sha256(data).hexdigest(),
            by=self.account["email"],
        )  # fmt: skip
        self.page(location, "page: evidence")

    def ask_for_dossier(self, case: int) -> None:
        form = self.page(f"/cases/{case}/dossiers/", "page: dossiers")
        token = CSRF.search(form or "")
        if token is None:
            return
        data = {"csrfmiddlewaretoken": token[1], "audience": "police", "photos": "inline", "redact": "on"}
        location = self.post_form(f"/cases/{case}/dossiers/", "write: ask for dossier", data)
        if location != f"/cases/{case}/dossiers/":
            return
        acknowledge(kind="dossier", case=case, by=self.account["email"])
        listing = self.page(location, "page: dossiers")
        working = DOSSIER_WORKING.search(listing or "")
        # The page's script asks for progress every couple of seconds; people watch it for a while.
        for _ in range(3 if working else 0):
            gevent.sleep(2)
            with self.client.get(working[1], name="poll: dossier progress", catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")
                    return
                response.success()
                if response.json().get("status") in ("done", "failed"):
                    return


class Parent(Person):
    """Owns one case and keeps it up to date."""

    accounts = PLAN["parents"]
    fixed_count = PLAN["users"]["parents"]
    numbers = itertools.count()

    def on_start(self):
        super().on_start()
        self.case = self.account["case"]
        self.incidents = list(self.account["incidents"])

    @task(30)
    def timeline(self):
        if self.ready():
            self.page(f"/cases/{self.case}/timeline/", "page: timeline")

    @task(12)
    def summary(self):
        if self.ready():
            self.page(f"/cases/{self.case}/", "page: case summary")

    @task(10)
    def my_cases(self):
        if self.ready():
            self.page("/", "page: my cases")

    @task(20)
    def incident(self):
        if self.ready():
            self.page(f"/cases/{self.case}/incidents/{random.choice(self.incidents)}/", "page: incident")

    @task(8)
    def evidence(self):
        if self.ready():
            self.page(f"/cases/{self.case}/evidence/", "page: evidence")

    @task(12)
    def log(self):
        if self.ready():
            self.log_incident(self.case)

    @task(5)
    def attach(self):
        if self.ready():
            self.attach_evidence(self.case)

    @task(1)
    def dossier(self):
        if self.ready():
            self.ask_for_dossier(self.case)


class Advocate(Person):
    """Reviews the cases of the families who shared them."""

    accounts = PLAN["advocates"]
    fixed_count = PLAN["users"]["advocates"]
    numbers = itertools.count()

    def on_start(self):
        super().on_start()
        self.cases = self.account["cases"]

    def pick(self) -> dict:
        return random.choice(self.cases)

    @task(8)
    def my_cases(self):
        if self.ready():
            self.page("/", "page: my cases")

    @task(12)
    def summary(self):
        if self.ready():
            self.page(f"/cases/{self.pick()['case']}/", "page: case summary")

    @task(24)
    def timeline(self):
        if self.ready():
            self.page(f"/cases/{self.pick()['case']}/timeline/", "page: timeline")

    @task(20)
    def incident(self):
        if self.ready():
            case = self.pick()
            self.page(f"/cases/{case['case']}/incidents/{random.choice(case['incidents'])}/", "page: incident")

    @task(10)
    def evidence(self):
        if self.ready():
            self.page(f"/cases/{self.pick()['case']}/evidence/", "page: evidence")

    @task(10)
    def api_incidents(self):
        if self.ready():
            with self.client.get(
                f"/api/v1/cases/{self.pick()['case']}/incidents/", name="api: incidents", catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")
                elif "results" not in response.json():
                    response.failure("no results in the answer")
                else:
                    response.success()

    @task(1)
    def dossier(self):
        if self.ready():
            self.ask_for_dossier(self.pick()["case"])
