"""Every case URL (pages, downloads, dossiers, the API), for every kind of stranger and every role.

The URLs are read from the URLconf, so a new case URL is covered (or this test fails asking
for its classification) without anyone remembering to add it.
"""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from capture.models import Capture, CaptureFile
from casework.models import Deadline, Letter
from casework.services.statements import statement_get_or_start
from dossiers.models import Dossier
from incidents.models import Invitation, Membership
from incidents.services import cases as case_services
from incidents.services import evidence as evidence_services
from incidents.services import references as reference_services
from incidents.services import sharing as sharing_services
from incidents.services.comments import comment_add
from tests.attack.report import tally
from tests.factories import UserFactory, confirm_recent_login, log_incident, png_bytes, upload
from tests.security.test_role_table import TABLE
from vault import store

pytestmark = pytest.mark.django_db

# The actions, written out (not read from incidents/access.py); what each role may do is TABLE.
V, E, C, X, M, S, W = "view", "edit", "comment", "export", "manage", "share", "withdraw"
AUTHOR = "author"  # editing or deleting a comment: its author's right, whatever the role

# url name -> (method used in this test, what it needs)
NEEDS = {
    "incidents:case_summary": ("GET", V),
    "incidents:timeline": ("GET", V),
    "incidents:activity": ("GET", V),
    "incidents:activity_csv": ("GET", V),
    "incidents:incident_detail": ("GET", V),
    "incidents:party_list": ("GET", V),
    "incidents:party_detail": ("GET", V),
    "incidents:reference_list": ("GET", V),
    "incidents:evidence_list": ("GET", V),
    "incidents:evidence_detail": ("GET", V),
    "incidents:evidence_download": ("GET", V),
    "incidents:evidence_preview": ("GET", V),
    "incidents:incident_new": ("POST", E),
    "incidents:incident_edit": ("POST", E),
    "incidents:incident_withdraw": ("POST", W),
    "incidents:party_new": ("POST", E),
    "incidents:party_edit": ("POST", E),
    "incidents:reference_new": ("POST", E),
    "incidents:reference_edit": ("POST", E),
    "incidents:evidence_new": ("POST", E),
    "incidents:evidence_edit": ("POST", E),
    "incidents:evidence_withdraw": ("POST", E),
    "incidents:case_settings": ("POST", M),
    "incidents:case_status": ("POST", M),
    "incidents:child_add": ("POST", M),
    "incidents:child_remove": ("POST", M),
    "incidents:sharing": ("GET", S),
    "incidents:invitation_cancel": ("POST", S),
    "incidents:member_remove": ("POST", S),
    "incidents:ownership_transfer": ("POST", S),
    "incidents:two_factor_requirement": ("POST", S),
    "incidents:comment_add": ("POST", C),
    "incidents:comment_add_incident": ("POST", C),
    "incidents:comment_edit": ("POST", AUTHOR),
    "incidents:comment_delete": ("POST", AUTHOR),
    "dossiers:dossier_list": ("GET", X),
    "dossiers:dossier_status": ("GET", X),
    "dossiers:dossier_pdf": ("GET", X),
    "dossiers:dossier_pack": ("GET", X),
    "dossiers:statement_request": ("POST", X),
    "api:case-detail": ("GET", V),
    "api:membership-list": ("GET", V),
    "api:membership-detail": ("GET", V),
    "api:party-list": ("POST", E),
    "api:party-detail": ("PATCH", E),
    "api:reference-list": ("POST", E),
    "api:reference-detail": ("PATCH", E),
    "api:incident-list": ("POST", E),
    "api:incident-detail": ("PATCH", E),
    "api:incident-revisions": ("GET", V),
    "api:incident-withdraw": ("POST", W),
    "api:evidence-list": ("POST", E),
    "api:evidence-detail": ("GET", V),
    "api:evidence-withdraw": ("POST", E),
    "api:evidence-download": ("GET", V),
    "api:dossier-list": ("POST", X),
    "api:dossier-detail": ("GET", X),
    "api:dossier-pdf": ("GET", X),
    "api:dossier-pack": ("GET", X),
    "api:audit-list": ("GET", V),
    "api:capture-list": ("POST", E),
    "api:capture-detail": ("GET", V),
    "api:capture-recheck": ("POST", E),
    "api:capture-file": ("GET", V),
    "capture:capture_list": ("POST", E),
    "capture:capture_detail": ("GET", V),
    "capture:capture_status": ("GET", V),
    "capture:capture_recheck": ("POST", E),
    "capture:capture_archive": ("GET", V),
    "capture:capture_file": ("GET", V),
    "api:statement-witness": ("GET", V),
    "api:statement-victim": ("GET", V),
    "api:party-checklist": ("GET", V),
    "casework:statement": ("GET", V),
    "casework:letters": ("POST", E),
    "casework:letter": ("GET", V),
    "casework:letter_edit": ("POST", E),
    "casework:letter_final": ("POST", E),
    "casework:letter_sent": ("POST", E),
    "casework:letter_answer": ("POST", E),
    "casework:deadline_extend": ("POST", E),
    "dossiers:letter_request": ("POST", X),
    "casework:statement_start": ("POST", E),
    "casework:statement_maker": ("POST", E),
    "casework:statement_opening": ("POST", E),
    "casework:statement_closing": ("POST", E),
    "casework:statement_regenerate": ("POST", E),
    "casework:paragraph_edit": ("POST", E),
    "casework:paragraph_move": ("POST", E),
    "casework:paragraph_remove": ("POST", E),
    "casework:paragraph_restore": ("POST", E),
}
API_PK = {
    "memberships": "membership",
    "parties": "party",
    "references": "reference",
    "incidents": "incident",
    "evidence": "evidence",
    "dossiers": "dossier",
    "captures": "capture",
    "cases": "case",
}


def walk_urlconf(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk_urlconf(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or "")


CASE_ROUTES = sorted(
    (name, route)
    for route, name in walk_urlconf(get_resolver().url_patterns)
    if "<int:case_id>" in route or route == "api/v1/cases/<int:pk>/"
)


@pytest.mark.attack(category="idor_pages")
def test_every_case_url_is_classified():
    assert {name for name, _ in CASE_ROUTES} == set(NEEDS), "classify the new case URL in NEEDS"


def _path(route: str, ids: dict) -> str:
    def fill(match):
        name = match.group(1)
        if name == "pk":
            kind = API_PK[route[: match.start()].rstrip("/").rsplit("/", 1)[-1]]
            return str(ids[kind])
        return str(ids[name.removesuffix("_id")])

    return "/" + re.sub(r"<(?:int|slug):(\w+)>", fill, route)


def _finished_dossier(case, owner) -> Dossier:
    stored = store.store_stream(case, [b"%PDF-1.4 a stand-in for a compiled dossier"])
    return Dossier.objects.create(
        case=case,
        requested_by=owner,
        status=Dossier.Status.DONE,
        file_name=stored.storage_name,
        sha256=stored.sha256,
        size=stored.size,
        pack_name=stored.storage_name,
        pack_size=stored.size,
    )


def _sent_letter(case, owner) -> tuple[int, int]:
    # A draft (its text can still be changed: the markup sweep writes to it), with a clock of its own.
    letter = Letter.objects.create(
        case=case, template_key="sar_council", title="SAR", body="Please.", created_by=owner, recipient_address="1 Road"
    )
    today = timezone.localdate()
    deadline = Deadline.objects.create(
        case=case, letter=letter, rule_key="sar", title="SAR due", starts_on=today, due_on=today
    )
    return letter.pk, deadline.pk


def _finished_capture(case, owner) -> Capture:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as wacz:
        wacz.writestr("datapackage.json", "{}")
    stored = store.store_stream(case, [archive.getvalue()])
    capture = Capture.objects.create(
        case=case, requested_by=owner, url="https://example.org/", status="done", outcome="captured"
    )
    CaptureFile.objects.create(
        capture=capture,
        role="wacz",
        name="page.wacz",
        content_type="application/wacz",
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
    )
    return capture


@pytest.fixture
def world(case, owner, editor, advocate, viewer, outsider):
    incident = log_incident(case, owner, new_suspect="troll99")
    evidence = evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="photo",
        description="p",
        uploaded_file=upload("p.png", png_bytes()),
        incidents=[incident],
    ).evidence
    ids = {
        "case": case.pk,
        "incident": incident.pk,
        "party": incident.parties.get().pk,
        "reference": reference_services.reference_create(user=owner, case=case, kind="police", number="CR1").pk,
        "child": case_services.child_add(user=owner, case=case, name="Ella Jones").pk,
        "evidence": evidence.pk,
        "invitation": sharing_services.invitation_create(user=owner, case=case, email="z@example.org", role="viewer")[
            0
        ].pk,
        "membership": Membership.objects.get(case=case, user=viewer).pk,
        "comment": comment_add(user=owner, case=case, body="A note.").pk,
        "dossier": _finished_dossier(case, owner).pk,
        "kind": "witness",  # a statement's kind (casework:statement ...)
        "capture": _finished_capture(case, owner).pk,
        "role": "wacz",  # a capture's file (capture:capture_file ...)
    }
    ids["letter"], ids["deadline"] = _sent_letter(case, owner)
    ids["paragraph"] = statement_get_or_start(case=case, kind="witness", by=owner).paragraphs.get().pk
    # The strangers: never a member, removed, invited but expired, invited but cancelled.
    revoked = UserFactory(full_name="Revoked Advocate")
    sharing_services.membership_revoke(
        membership=sharing_services.membership_add(case=case, user=revoked, role="advocate"), revoked_by=owner
    )
    expired = UserFactory(full_name="Expired Invitee")
    invitation, _ = sharing_services.invitation_create(user=owner, case=case, email=expired.email, role="advocate")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    cancelled = UserFactory(full_name="Cancelled Invitee")
    invitation, _ = sharing_services.invitation_create(user=owner, case=case, email=cancelled.email, role="advocate")
    sharing_services.invitation_cancel(user=owner, invitation=invitation)
    people = {
        "owner": owner,
        "editor": editor,
        "advocate": advocate,
        "viewer": viewer,
        "outsider": outsider,
        "revoked advocate": revoked,
        "expired invitee": expired,
        "cancelled invitee": cancelled,
    }
    return ids, people


def _call(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return (
        getattr(client, method.lower())(path, {}, content_type="application/json")
        if path.startswith("/api/")
        else client.post(path, {})
    )


@pytest.mark.attack(category="idor_pages")
@pytest.mark.parametrize("stranger", ["outsider", "revoked advocate", "expired invitee", "cancelled invitee"])
def test_strangers_get_404_on_every_case_url_and_method(client, world, stranger):
    ids, people = world
    client.force_login(people[stranger])
    confirm_recent_login(client)  # not even a fresh password opens anything
    probes = 0
    for name, route in CASE_ROUTES:
        path = _path(route, ids)
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE") if path.startswith("/api/") else ("GET", "POST"):
            response = _call(client, method, path)
            probes += 1
            tally.add("idor_pages", tried=1, failures=[] if response.status_code in (404, 405) else [path])
            assert response.status_code in (404, 405), (stranger, method, path, response.status_code)
            if response.status_code == 405:  # the method is not offered at all: say so without looking
                assert method != NEEDS[name][0], (stranger, method, path)
    assert probes > 100


@pytest.mark.parametrize("role", ["owner", "editor", "advocate", "viewer"])
@pytest.mark.parametrize(("name", "route"), CASE_ROUTES)
def test_each_role_may_do_what_its_role_allows_and_no_more(client, world, role, name, route):
    ids, people = world
    method, needs = NEEDS[name]
    client.force_login(people[role])
    confirm_recent_login(client)
    response = _call(client, method, _path(route, ids))
    # A comment may be changed by its author only: the comment in the world is the owner's.
    allowed = role == "owner" if needs == AUTHOR else TABLE[role][needs]
    if allowed:
        assert response.status_code not in (403, 404, 405), (role, method, name, response.status_code)
        assert response.status_code < 500
    else:
        assert response.status_code == 403, (role, method, name, response.status_code)


PAGE_ROUTES = sorted(
    (name, route)
    for route, name in walk_urlconf(get_resolver().url_patterns)
    if not route.startswith("api/") and "<" not in route.replace("<int:", "")
)


@pytest.mark.attack(category="idor_pages")
def test_every_page_allows_only_the_methods_it_serves(client, world):
    """No page serves PUT, PATCH or DELETE, and a page that only shows something answers POST with 405:
    a view without a method restriction would answer 200 (or a redirect) to anything."""
    ids, people = world
    client.force_login(people["owner"])
    confirm_recent_login(client)
    let_through = []
    for name, route in PAGE_ROUTES:
        try:
            path = _path(route, ids) if "<int:" in route else "/" + route
        except KeyError:  # an id this world has no row for (an API token's, say): its own tests cover it
            continue
        for method in ("put", "patch", "delete"):
            status = getattr(client, method)(path).status_code
            if status not in (404, 405):
                let_through.append(f"{method.upper()} {path} ({name}) -> {status}")
    for name in ("home", "incidents:case_summary", "incidents:timeline", "incidents:party_list",
                 "incidents:reference_list", "incidents:evidence_list", "incidents:activity"):  # fmt: skip
        route = dict(PAGE_ROUTES)[name]
        status = client.post(_path(route, ids) if "<int:" in route else "/" + route, {}).status_code
        if status != 405:
            let_through.append(f"POST {name} -> {status}")
    assert let_through == [], "\n".join(let_through)
