"""CSRF: a POST to every address of the URLconf without a token (and with a wrong one), signed in by
session as the owner, and signed out: 403, and not a row changed anywhere."""

import pytest
from django.apps import apps
from django.test import Client

from tests.attack.conftest import signed_in
from tests.attack.corpus import fill, routes
from tests.attack.report import tally

pytestmark = [pytest.mark.django_db, pytest.mark.attack(category="csrf")]

# Answers 404 to any method before anything is read: the API's JSON "no such address".
EXEMPT = {"api:not-found"}


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_no_post_without_a_csrf_token_is_obeyed(ids, owner):
    clients = {
        "owner": signed_in(owner, enforce_csrf_checks=True),
        "signed out": Client(enforce_csrf_checks=True, raise_request_exception=False),
    }
    for client in clients.values():
        client.get("/accounts/login/")  # a CSRF cookie, as a browser would have, but never the token
    before = row_counts()
    failures, tried = [], 0
    for client_name, client in clients.items():
        for name, route in routes():
            path = fill(route, ids)
            for headers in ({}, {"HTTP_X_CSRFTOKEN": "x" * 64}):
                for body in ({"title": "csrf", "body": "csrf", "reason": "csrf"}, None):
                    tried += 1
                    if body is None:
                        response = client.post(path, "{}", content_type="application/json", **headers)
                    else:
                        response = client.post(path, body, **headers)
                    if name in EXEMPT:
                        if response.status_code != 404:
                            failures.append(f"{client_name} POST {path}: {response.status_code}")
                        continue
                    # Signed out, the API has no session to ride on: it asks for credentials (401), or
                    # (its schema pages, which take no POST at all) says so (405).
                    allowed = (403, 401, 405) if client_name == "signed out" and path.startswith("/api/") else (403,)
                    if response.status_code not in allowed:
                        failures.append(f"{client_name} POST {path} ({name}): {response.status_code}, not 403")
    after = row_counts()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if changed:
        failures.append(f"rows changed: {changed}")
    tally.add("csrf", tried=tried, failures=failures)
    assert tried > 200
    assert not failures, "\n".join(failures[:40])
