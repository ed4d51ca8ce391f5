"""Security headers on every address of the URLconf: signed in as the owner, signed out, and over TLS.

Every response, whatever its status (a page, a redirect to log in, a 405, a file, JSON), must carry
a Content-Security-Policy with frame-ancestors 'none' and no other host than the site's own,
X-Frame-Options DENY, a Referrer-Policy that sends no path to other sites, nosniff, and COOP;
every response to a signed-in user is no-store; HSTS is sent once TLS=1, and only then.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.attack.conftest import signed_in
from tests.attack.corpus import fill, routes
from tests.attack.report import tally

pytestmark = [pytest.mark.django_db, pytest.mark.attack(category="headers")]

SOURCES_ALLOWED = {"'self'", "'none'", "data:"}
REFERRER_POLICIES = {"same-origin", "no-referrer"}
TLS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def csp_problems(value: str | None) -> list[str]:
    if not value:
        return ["no Content-Security-Policy"]
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    problems = []
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')}")
    if "default-src" not in directives:
        problems.append("no default-src")
    for name, sources in directives.items():
        for source in sources:
            if source not in SOURCES_ALLOWED:
                problems.append(f"{name} allows {source}")
    return problems


def header_problems(response, *, signed_in: bool, tls: bool) -> list[str]:
    problems = csp_problems(response.get("Content-Security-Policy"))
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options {response.get('X-Frame-Options')}")
    if response.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options {response.get('X-Content-Type-Options')}")
    if response.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append(f"Cross-Origin-Opener-Policy {response.get('Cross-Origin-Opener-Policy')}")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control {response.get('Cache-Control')} to a signed-in user")
    hsts = response.get("Strict-Transport-Security")
    if tls:
        fields = [f.strip().lower() for f in (hsts or "").split(";")]
        age = next((int(f.split("=", 1)[1]) for f in fields if f.startswith("max-age=")), 0)
        if age < 31536000 or "includesubdomains" not in fields:
            problems.append(f"Strict-Transport-Security {hsts}")
    elif hsts:
        problems.append(f"Strict-Transport-Security {hsts} without TLS")
    return problems


def sweep(client: Client, ids: dict, *, signed_in: bool, tls: bool = False) -> tuple[int, list[str]]:
    count, failures = 0, []
    for name, route in routes():
        path = fill(route, ids)
        response = client.get(path, secure=tls)
        count += 1
        problems = header_problems(response, signed_in=signed_in, tls=tls)
        if response.status_code >= 500:
            problems.append(f"status {response.status_code}")
        failures += [f"GET {path} ({name}, {response.status_code}): {p}" for p in problems]
    return count, failures


def test_every_address_sends_the_security_headers_signed_in_and_out(ids, owner):
    count_in, failures_in = sweep(signed_in(owner), ids, signed_in=True)
    count_out, failures_out = sweep(Client(raise_request_exception=False), ids, signed_in=False)
    tally.add("headers", tried=count_in + count_out, failures=failures_in + failures_out)
    assert count_in > 60
    assert not failures_in + failures_out, "\n".join((failures_in + failures_out)[:40])


def tls_settings() -> dict:
    """What settings.py makes of TLS=1, read in a fresh process (the settings are read once, at start)."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="referral_tracker.settings", DEBUG="0", SECRET_KEY="x" * 60, TLS="1")
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {TLS_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_tls_every_address_sends_hsts_and_plain_http_is_redirected(ids, owner, settings):
    values = tls_settings()
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_SSL_REDIRECT"], values
    for name, value in values.items():
        setattr(settings, name, value)
    count, failures = sweep(signed_in(owner), ids, signed_in=True, tls=True)
    plain = Client(raise_request_exception=False).get("/accounts/login/")
    count += 1
    if plain.status_code != 301 or not plain["Location"].startswith("https://"):
        failures.append(f"plain http answered {plain.status_code}, not a redirect to https")
    # The cookies of a log-in over TLS are HTTPS-only and out of reach of scripts.
    browser = Client(raise_request_exception=False)
    browser.get("/accounts/login/", secure=True)
    response = browser.post(
        "/accounts/login/",
        {"username": owner.email, "password": "correct-horse-battery-staple"},
        secure=True,
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )
    count += 1
    session = response.cookies.get("sessionid")
    if session is None or not session["secure"] or not session["httponly"] or session["samesite"] != "Lax":
        failures.append(f"session cookie over TLS: {session.output() if session else 'none set'}")
    if not browser.cookies["csrftoken"]["secure"]:
        failures.append("csrftoken cookie not Secure over TLS")
    tally.add("headers_tls", tried=count, failures=failures)
    assert count > 60
    assert not failures, "\n".join(failures[:40])
