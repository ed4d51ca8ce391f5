"""No object of another case is reachable through the API, by any route, verb or id.

User A owns case A, user B owns case B; each case holds several objects of every kind.
The routes are read from referral_tracker.api_urls, so a new route is probed without
changing this file (and a route over a model this fixture has no objects of fails loudly).
For every route and verb, user A asks for every id of case B:

- in case B (case_id = B, with every id of B as the pk): 404 for every verb, GET, POST, PUT,
  PATCH, DELETE, HEAD and OPTIONS, because the case gate runs before the method is looked at;
- in case A (case_id = A, pk = every id of B of the route's kind and of every other kind,
  except ids that happen to be a real object of A of the route's kind): 404;
- with an id of B in the case_id slot (unless it is also one of A's cases): 404;
- with ids that exist nowhere, in A and B: 404.

The probe count is printed even when the test passes. Afterwards case B is unchanged,
row for row, and no response carried any of B's text.
"""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts import services as account_services
from audit.models import AuditEvent
from capture.models import Capture, CaptureFile
from casework.models import Deadline, Letter
from dossiers import services as dossier_services
from dossiers.models import Dossier
from incidents.models import (
    AgencyReference,
    Case,
    Evidence,
    Incident,
    IncidentParty,
    IncidentRevision,
    Membership,
    Party,
    Tag,
)
from incidents.services import evidence as evidence_services
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from referral_tracker import api_urls
from tests.attack.report import tally
from tests.factories import UserFactory, log_incident, make_case, png_bytes, upload
from vault import store

pytestmark = pytest.mark.django_db

VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
MIN_PROBES = 1000
# Out-of-range and never-used ids; the largest is past PostgreSQL's bigint.
MISSING_IDS = (0, 9_999_999, 2**31, 2**63 - 1, 2**63, 10**30)


# The routes ------------------------------------------------------------------------------------


class Route:
    """One URL pattern of api_urls: its name, its model, the verbs its view accepts."""

    def __init__(self, pattern):
        self.name = f"api:{pattern.name}"
        self.kwargs = set(pattern.pattern.converters)
        self.view_class = pattern.callback.cls
        # DRF answers HEAD wherever it answers GET.
        actions = set(pattern.callback.actions) | ({"head"} if "get" in pattern.callback.actions else set())
        self.verbs = tuple(sorted(actions))
        self.model = self.view_class.serializer_class.Meta.model

    @property
    def has_case(self) -> bool:
        return "case_id" in self.kwargs

    @property
    def has_pk(self) -> bool:
        return "pk" in self.kwargs

    def url(self, case_id=None, pk=None) -> str:
        kwargs = {}
        if self.has_case:
            kwargs["case_id"] = case_id
        if self.has_pk:
            kwargs["pk"] = pk
        if "role" in self.kwargs:  # a capture's file
            kwargs["role"] = "text"
        return reverse(self.name, kwargs=kwargs)

    def __repr__(self) -> str:
        return f"{self.name} {self.verbs}"


def api_routes() -> list[Route]:
    """Every viewset route. Any other view (the JSON 404 for unknown addresses) must take no ids."""
    found = []
    for pattern in api_urls.urlpatterns:
        if hasattr(pattern.callback, "cls") and hasattr(pattern.callback, "actions"):
            found.append(Route(pattern))
        else:
            assert not pattern.pattern.converters and not pattern.pattern.regex.groupindex, (
                f"{pattern.pattern}: a route with ids that is not a viewset; teach this test to probe it"
            )
    assert len(found) >= 20, found
    return found


# Two cases, full of things -------------------------------------------------------------------


def _fill(case, owner, *, word: str, colour_base: int) -> None:
    """Several objects of every kind, each carrying `word` so that a leak of its text is visible."""
    police = party_services.party_create(user=owner, case=case, kind="police", name=f"{word} constabulary")
    suspects = [
        party_services.party_create(
            user=owner, case=case, kind="suspect", name=f"{word} suspect {n}", notes=f"{word} note"
        )
        for n in range(3)
    ]
    references = [
        reference_services.reference_create(
            user=owner, case=case, kind="police", number=f"{word}-ref-{n}", agency=police
        )
        for n in range(2)
    ]
    incidents = []
    for n in range(3):
        incidents.append(
            log_incident(
                case,
                owner,
                title=f"{word} incident {n}",
                narrative=f"A {word} narrative, number {n}.",
                occurred_at=timezone.now() - dt.timedelta(days=10 - n),
                parties=[suspects[n % 3], police],
                references=[references[n % 2]],
                tags=[f"{word}tag"],
            )
        )
    incident_services.incident_edit(user=owner, incident=incidents[0], narrative=f"The {word} narrative, edited.")
    files = []
    for n in range(2):
        colour = (colour_base, 40 * n, 90)
        files.append(
            evidence_services.evidence_attach(
                user=owner,
                case=case,
                kind="photo",
                description=f"{word} photo {n}",
                uploaded_file=upload(f"{word}{n}.png", png_bytes(colour=colour)),
                incidents=[incidents[n]],
            ).evidence
        )
    evidence_services.evidence_attach(
        user=owner, case=case, kind="web_page", description=f"{word} link", source_url=f"https://{word}.example/page"
    )
    evidence_services.evidence_withdraw(user=owner, evidence=files[1], reason=f"{word} wrong file")
    dossier_services.dossier_request(user=owner, case=case, options={"audience": "police"})
    done = dossier_services.dossier_request(user=owner, case=case, options={"audience": "own_record"})
    _capture(case, owner, word=word)
    _letter(case, owner, word=word)
    Dossier.objects.filter(pk=done.pk).update(
        status=Dossier.Status.DONE,
        progress=100,
        file_name=f"{word}.pdf",
        pack_name=f"{word}.zip",
        sha256="a" * 64,
        finished_at=timezone.now(),
    )


def _letter(case, owner, *, word: str) -> None:
    """A sent letter with its deadline, and a draft."""
    sent = Letter.objects.create(
        case=case, template_key="sar_council", title=f"{word} letter", body=f"{word} body", created_by=owner,
        status="sent", sent_on=timezone.localdate(), sent_how="post", recipient_address=f"{word} road",
    )  # fmt: skip
    Deadline.objects.create(
        case=case, letter=sent, rule_key="sar", title=f"{word} due", starts_on=sent.sent_on, due_on=sent.sent_on
    )
    Letter.objects.create(case=case, template_key="sar_council", title=f"{word} draft", body="x", created_by=owner)


def _capture(case, owner, *, word: str) -> None:
    """A finished web capture with its text file, and a re-check of it."""
    first = Capture.objects.create(
        case=case, requested_by=owner, url=f"https://{word}.example/post", status="done", outcome="captured"
    )
    stored = store.store_stream(case, [f"{word} page text".encode()])
    CaptureFile.objects.create(
        capture=first,
        role="text",
        name="page.txt",
        content_type="text/plain",
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
    )
    Capture.objects.create(case=case, requested_by=owner, url=first.url, first=first)


# Every model with rows that belong to a case, and how to find a case's rows of it.
CASE_ROWS = {
    Case: "pk",
    Membership: "case_id",
    Party: "case_id",
    Tag: "case_id",
    Incident: "case_id",
    IncidentParty: "incident__case_id",
    IncidentRevision: "incident__case_id",
    AgencyReference: "case_id",
    Evidence: "case_id",
    Dossier: "case_id",
    Capture: "case_id",
    CaptureFile: "capture__case_id",
    Letter: "case_id",
    Deadline: "case_id",
    AuditEvent: "case_id",
}


def ids_by_model(case) -> dict:
    return {
        model: set(model.objects.filter(**{field: case.pk}).values_list("pk", flat=True))
        for model, field in CASE_ROWS.items()
    }


def _plain(value) -> str:
    return bytes(value).hex() if isinstance(value, bytes | memoryview) else str(value)


def snapshot(case) -> dict:
    """Every row of the case, every column: a change anywhere shows as a difference."""
    return {
        model.__name__: sorted(
            json.dumps(row, sort_keys=True, default=_plain) for row in model.objects.filter(**{field: case.pk}).values()
        )
        for model, field in CASE_ROWS.items()
    }


def row_counts() -> dict:
    return {model.__name__: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def two_cases(db):
    user_a = UserFactory(full_name="Alice Alpha", initials="AA")
    user_b = UserFactory(full_name="Zoe Zebra", initials="ZZ", email="zoe.zebra@example.org")
    case_a = make_case(user_a, title="alpha case", editor=UserFactory(full_name="Andy Alpha"))
    case_b = make_case(
        user_b,
        title="zebra case",
        editor=UserFactory(full_name="Zak Zebra", email="zak.zebra@example.org"),
        viewer=UserFactory(full_name="Zia Zebra", email="zia.zebra@example.org"),
    )
    _fill(case_a, user_a, word="alpha", colour_base=10)
    _fill(case_b, user_b, word="zebra", colour_base=200)
    return user_a, case_a, case_b


def _leak_markers(case_b) -> list[str]:
    """Text that belongs to case B only: its words, its hashes, its verification codes, its people."""
    markers = ["zebra"]
    markers += [h for h in Evidence.objects.filter(case=case_b).values_list("sha256", flat=True) if h]
    markers += list(Dossier.objects.filter(case=case_b).values_list("verification_code", flat=True))
    return markers


def _body_for(model) -> dict:
    """A valid body for a write of this model: a leak would be a success, not a validation error."""
    when = (timezone.now() - dt.timedelta(days=1)).isoformat()
    return {
        Party: {"kind": "suspect", "name": "probe"},
        AgencyReference: {"kind": "police", "number": "PROBE-1"},
        Incident: {"kind": "online_post", "occurred_at": when, "narrative": "probe"},
        Evidence: {"kind": "web_page", "description": "probe", "source_url": "https://probe.example/", "reason": "x"},
        Dossier: {"audience": "police"},
        Capture: {"url": "https://probe.example/"},
        Case: {"title": "probe"},
    }.get(model, {})


# The probe -------------------------------------------------------------------------------------


class Prober:
    def __init__(self, client: APIClient, markers: list[str]):
        self.client, self.markers = client, [m.lower() for m in markers]
        self.count, self.failures, self.leaks = 0, [], []

    def _send(self, verb: str, url: str, body: dict):
        if verb in ("get", "delete", "head", "options"):
            return getattr(self.client, verb)(url)
        return getattr(self.client, verb)(url, body, format="json")

    def _text(self, response) -> str:
        if getattr(response, "streaming", False):
            return b"".join(response.streaming_content).decode("latin-1")
        return response.content.decode("latin-1")

    def check_text(self, verb: str, url: str, response) -> None:
        text = self._text(response).lower()
        for marker in self.markers:
            if marker in text:
                self.leaks.append(f"{verb.upper()} {url} -> {response.status_code} contains {marker!r}")

    def expect_404(self, verb: str, url: str, body: dict) -> None:
        self.count += 1
        response = self._send(verb, url, body)
        if response.status_code != 404:
            self.failures.append(f"{verb.upper()} {url} -> {response.status_code}")
        self.check_text(verb, url, response)


@pytest.fixture
def no_throttle(monkeypatch):
    # A thousand requests in a few seconds is over the per-user rate by design; the rate is not under test.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)


@pytest.mark.attack(category="idor_api")
def test_no_route_verb_or_id_reaches_another_case(two_cases, no_throttle, capsys):
    user_a, case_a, case_b = two_cases
    _, raw = account_services.access_token_create(user=user_a, name="probe", scope="write", days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    routes = api_routes()
    ids_a, ids_b = ids_by_model(case_a), ids_by_model(case_b)
    for route in routes:
        assert ids_b.get(route.model), f"{route.name}: the fixture has no {route.model.__name__} rows; add some"
    every_b_id = sorted(set().union(*ids_b.values()))
    my_case_ids = set(Membership.objects.filter(user=user_a).values_list("case_id", flat=True))
    missing = [max(every_b_id + sorted(set().union(*ids_a.values()))) + 1000, *MISSING_IDS]

    before_b, before_counts = snapshot(case_b), row_counts()
    prober = Prober(client, _leak_markers(case_b))

    for route in routes:
        body = _body_for(route.model)
        if not route.has_case:
            if route.has_pk:  # /cases/<pk>/: B, every id of B that is not one of A's cases, and none at all
                for pk in [*every_b_id, *missing]:
                    if pk not in my_case_ids:
                        for verb in route.verbs:
                            prober.expect_404(verb, route.url(pk=pk), body)
            else:  # /cases/: my cases only
                url = route.url()
                prober.check_text("get", url, client.get(url))
            continue

        own_ids = ids_a[route.model]
        if route.has_pk:
            # Case B, every id of B: every verb (not only the view's) is refused by the gate.
            for pk in every_b_id:
                for verb in VERBS:
                    prober.expect_404(verb, route.url(case_b.pk, pk), body)
            # Case A, every id of B (of this kind and of every other) that is not also one of A's of this kind.
            for pk in every_b_id:
                if pk not in own_ids:
                    for verb in route.verbs:
                        prober.expect_404(verb, route.url(case_a.pk, pk), body)
            # Ids that exist nowhere, in case A and in case B.
            for pk in missing:
                for verb in route.verbs:
                    prober.expect_404(verb, route.url(case_a.pk, pk), body)
                    prober.expect_404(verb, route.url(case_b.pk, pk), body)
            # B's ids in the case slot, with a real object of A as the pk.
            some_own = min(own_ids)
            for case_id in [*every_b_id, *missing]:
                if case_id not in my_case_ids:
                    for verb in route.verbs:
                        prober.expect_404(verb, route.url(case_id, some_own), body)
        else:
            # A list route of case B (a POST too), of B's ids and of no case at all.
            for case_id in [*every_b_id, *missing]:
                if case_id not in my_case_ids:
                    for verb in route.verbs if case_id != case_b.pk else VERBS:
                        prober.expect_404(verb, route.url(case_id), body)
            # My own list, read: none of B's rows in it.
            url = route.url(case_a.pk)
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            prober.check_text("get", url, response)

    with capsys.disabled():
        print(f"\nIDOR: {prober.count} probes over {len(routes)} API routes, {len(every_b_id)} ids of the other case")
    tally.add("idor_api", tried=prober.count, failures=prober.failures + prober.leaks)
    assert not prober.failures, f"{len(prober.failures)} probes were not 404:\n" + "\n".join(prober.failures[:50])
    assert not prober.leaks, "case B's text reached user A:\n" + "\n".join(prober.leaks[:50])
    assert prober.count >= MIN_PROBES
    assert snapshot(case_b) == before_b
    after_counts = row_counts()
    changed = {name: (before_counts[name], n) for name, n in after_counts.items() if before_counts[name] != n}
    assert not changed, changed


@pytest.mark.attack(category="idor_api")
def test_ids_of_another_case_in_a_body_or_a_filter_are_refused(two_cases):
    """B's ids written into A's own objects are 'does not exist'; as a filter they match nothing."""
    user_a, case_a, case_b = two_cases
    _, raw = account_services.access_token_create(user=user_a, name="probe", scope="write", days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    b_party = Party.objects.filter(case=case_b).first()
    b_incident = Incident.objects.filter(case=case_b).first()
    b_reference = AgencyReference.objects.filter(case=case_b).first()
    a_incident = Incident.objects.filter(case=case_a).first()
    a_reference = AgencyReference.objects.filter(case=case_a).first()
    before_a, before_b = snapshot(case_a), snapshot(case_b)
    when = (timezone.now() - dt.timedelta(days=1)).isoformat()
    base = f"/api/v1/cases/{case_a.pk}"
    writes = [
        ("post", f"{base}/incidents/", {"kind": "online_post", "occurred_at": when, "narrative": "x",
                                        "parties": [b_party.pk]}, "parties"),
        ("post", f"{base}/incidents/", {"kind": "online_post", "occurred_at": when, "narrative": "x",
                                        "references": [b_reference.pk]}, "references"),
        ("patch", f"{base}/incidents/{a_incident.pk}/", {"parties": [b_party.pk]}, "parties"),
        ("patch", f"{base}/incidents/{a_incident.pk}/", {"references": [b_reference.pk]}, "references"),
        ("post", f"{base}/references/", {"kind": "police", "number": "X", "agency": b_party.pk}, "agency"),
        ("post", f"{base}/references/", {"kind": "police", "number": "X", "incidents": [b_incident.pk]}, "incidents"),
        ("patch", f"{base}/references/{a_reference.pk}/", {"agency": b_party.pk}, "agency"),
        ("patch", f"{base}/references/{a_reference.pk}/", {"incidents": [b_incident.pk]}, "incidents"),
        ("post", f"{base}/evidence/", {"kind": "web_page", "description": "x", "source_url": "https://x.example/",
                                       "incidents": [b_incident.pk]}, "incidents"),
    ]  # fmt: skip
    for verb, url, body, field in writes:
        response = getattr(client, verb)(url, body, format="json")
        # Another case's id is not a row of this case: 409, the same answer as an id that exists nowhere.
        assert response.status_code == 409, (verb, url, response.status_code)
        assert field in response.json(), (verb, url, response.json())
        assert "zebra" not in response.content.decode().lower()
    listed = client.get(f"{base}/incidents/", {"party": b_party.pk})
    assert listed.status_code == 200 and listed.json()["results"] == []
    listed = client.get(f"{base}/incidents/", {"tag": "zebratag"})
    assert listed.status_code == 200 and listed.json()["results"] == []
    listed = client.get(f"{base}/incidents/", {"q": "zebra"})
    assert listed.status_code == 200 and listed.json()["results"] == []
    assert snapshot(case_a) == before_a and snapshot(case_b) == before_b
