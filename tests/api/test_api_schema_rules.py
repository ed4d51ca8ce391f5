"""The schema states every rule the server enforces, and the server refuses what the schema forbids.

What a schema-driven fuzzer (schemathesis --checks all) found, each as a written-out case: a wrongly typed
page_size ignored, a number taken as text, a blank time zone, rules the schema did not state (party ids from 1,
exhibit letters only, time zones from a list, ids that must exist, "already withdrawn"). The statuses follow
one rule (referral_tracker/rest.py): 400 against the schema, 409 against the case as it stands, 422 against a
rule no schema can state.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from incidents import rules
from incidents.models import Case, Incident, Party
from incidents.services import incidents as incident_services
from tests.factories import log_incident

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    _, token = account_services.access_token_create(user=user, name="rules", scope="write", days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _now() -> str:
    return timezone.now().isoformat()


NEW = {"kind": "online_post", "occurred_at": "NOW", "narrative": "x"}
REF = {"kind": "police", "number": "X"}
LINK = {"kind": "web_page", "description": "x", "source_url": "https://x.example/"}

# The expected answers, written out: (method, path under the case, body or query, status, field named).
# "{incident}" and "{withdrawn}" are an incident of the case and a withdrawn one.
CASES = [
    # 400: against the schema
    ("get", "parties/", {"page_size": "null"}, 400, "page_size"),
    ("get", "parties/", {"page_size": "0"}, 400, "page_size"),
    ("get", "parties/", {"page_size": "201"}, 400, "page_size"),
    ("get", "parties/", {"page_size": "1e3"}, 400, "page_size"),
    ("get", "incidents/", {"include_withdrawn": "yes"}, 400, "include_withdrawn"),
    ("get", "incidents/", {"include_withdrawn": "1"}, 400, "include_withdrawn"),
    ("get", "incidents/", {"party": "0"}, 400, "party"),
    ("get", "incidents/", {"tag": ""}, 400, "tag"),
    ("get", "incidents/", {"date_from": ""}, 400, "date_from"),
    ("get", "incidents/", {"q": "a\x00b"}, 400, "q"),
    ("post", "parties/", {"kind": "suspect", "name": "x", "notes": 0}, 400, "notes"),
    ("post", "parties/", {"kind": "suspect", "name": 5}, 400, "name"),
    ("post", "parties/", {"kind": "suspect", "name": "   "}, 400, "name"),
    ("post", "parties/", {"kind": "suspect", "name": "x", "notes": "a\x00b"}, 400, "notes"),
    ("post", "parties/", {"kind": 1, "name": "x"}, 400, "kind"),
    ("post", "incidents/", {**NEW, "tags": "a"}, 400, "tags"),
    ("post", "incidents/", {**NEW, "tags": [1]}, 400, "tags"),
    ("post", "incidents/", {**NEW, "narrative": " \t"}, 400, "narrative"),
    ("post", "incidents/", {**NEW, "occurred_at": 1}, 400, "occurred_at"),
    ("post", "incidents/", {**NEW, "url": "ftp://x"}, 400, "url"),
    ("post", "incidents/", {**NEW, "parties": [0]}, 400, "parties"),
    ("post", "references/", {"kind": "police", "number": "X", "incidents": ["1"]}, 400, "incidents"),
    ("post", "dossiers/", {"cover_references": "0"}, 400, "cover_references"),
    ("post", "dossiers/", {"redact": "yes"}, 400, "redact"),
    ("post", "evidence/{withdrawn_evidence}/withdraw/", {"reason": 7}, 400, "reason"),
    # 409: against the case as it stands
    ("post", "incidents/", {**NEW, "parties": [999999]}, 409, "parties"),
    ("post", "references/", {"kind": "police", "number": "X", "agency": 999999}, 409, "agency"),
    ("patch", "incidents/{withdrawn}/", {"narrative": "Changed"}, 409, "non_field_errors"),
    ("post", "incidents/{withdrawn}/withdraw/", {"reason": "again"}, 409, "non_field_errors"),
    ("post", "evidence/{withdrawn_evidence}/withdraw/", {"reason": "again"}, 409, "non_field_errors"),
    ("patch", "incidents/{incident}/", {"reason": "nothing changed"}, 409, "reason"),
    # 422: a rule no schema can state
    ("post", "incidents/", {**NEW, "occurred_at": "2999-01-01T00:00:00Z"}, 422, "occurred_at"),
    ("post", "incidents/", {**NEW, "occurred_at": "1850-01-01T00:00:00Z"}, 422, "occurred_at"),
    ("post", "references/", {"kind": "police", "number": "X", "opened_on": "2999-01-01"}, 422, "opened_on"),
    ("post", "references/", {**REF, "opened_on": "2024-03-02", "closed_on": "2024-03-01"}, 422, "closed_on"),
    ("post", "evidence/", {**LINK, "obtained_at": "2999-01-01"}, 422, "obtained_at"),
    ("post", "dossiers/", {"date_from": "2024-03-02", "date_to": "2024-03-01"}, 422, "date_to"),
    ("get", "incidents/", {"date_from": "2024-03-02", "date_to": "2024-03-01"}, 422, "date_from"),
]  # fmt: skip


@pytest.fixture
def rows(case, owner):
    incident = log_incident(case, owner, narrative="Kept")
    withdrawn = log_incident(case, owner, narrative="Twice")
    incident_services.incident_withdraw(user=owner, incident=withdrawn, reason="Logged twice")
    from incidents.services import evidence as evidence_services

    link = evidence_services.evidence_attach(
        user=owner, case=case, kind="web_page", description="A post", source_url="https://example.org/p"
    ).evidence
    evidence_services.evidence_withdraw(user=owner, evidence=link, reason="Wrong one")
    return {"incident": incident.pk, "withdrawn": withdrawn.pk, "withdrawn_evidence": link.pk}


@pytest.mark.parametrize(("method", "path", "data", "status", "field"), CASES)
def test_each_refusal_has_its_status_and_names_its_field(case, owner, rows, method, path, data, status, field):
    client = _client(owner)
    data = {k: (_now() if v == "NOW" else v) for k, v in data.items()}
    url = f"/api/v1/cases/{case.pk}/{path.format(**rows)}"
    before = (Party.objects.count(), Incident.objects.count(), Incident.objects.get(pk=rows["incident"]).narrative)
    response = client.get(url, data) if method == "get" else getattr(client, method)(url, data, format="json")
    assert (response.status_code, response["Content-Type"]) == (status, "application/json"), response.content
    assert field in response.json(), response.json()
    after = (Party.objects.count(), Incident.objects.count(), Incident.objects.get(pk=rows["incident"]).narrative)
    assert after == before  # a refusal keeps nothing


def test_a_case_takes_a_time_zone_from_the_list_and_letters_only(owner):
    client = _client(owner)
    for body, field in [
        ({"title": "A", "time_zone": ""}, "time_zone"),
        ({"title": "A", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"title": "A", "exhibit_prefix": "A1"}, "exhibit_prefix"),
        ({"title": "A", "exhibit_prefix": "ABCDEFG"}, "exhibit_prefix"),
        ({"title": "A", "exhibit_prefix": ""}, "exhibit_prefix"),
    ]:
        response = client.post("/api/v1/cases/", body, format="json")
        assert (response.status_code, list(response.json())) == (400, [field]), body
    assert not Case.objects.filter(title="A").exists()
    made = client.post("/api/v1/cases/", {"title": "A", "time_zone": "Europe/Paris", "exhibit_prefix": "ab"})
    assert made.status_code == 201 and made.json()["exhibit_prefix"] == "AB"


def test_text_is_kept_as_it_was_sent(case, owner):
    response = _client(owner).post(
        f"/api/v1/cases/{case.pk}/parties/", {"kind": "suspect", "name": "troll", "notes": "  two spaces  "}
    )
    assert response.status_code == 201 and response.json()["notes"] == "  two spaces  "


def test_a_link_is_the_pattern_the_schema_states():
    pattern = re.compile(rules.WEB_ADDRESS)
    good = ["https://example.org", "HTTP://0", "https://example.org/a?b=c#d", "https://ex\u00e4mple.org/\u00e9"]
    bad = ["ftp://example.org", "https://", "https://a b", "https://a/\u2003", "example.org", "https://a\x00"]
    assert [bool(pattern.match(u)) for u in good] == [True] * len(good)
    assert [bool(pattern.match(u)) for u in bad] == [False] * len(bad)


@pytest.mark.parametrize(
    ("text", "blank"),
    [("", True), ("   ", True), ("\t\n", True), ("\u3000\u00a0", True), ("\ufeff", True), ("x", False),
     (" x ", False), ("\x1f", False), ("\u200b", False)],
)  # fmt: skip
def test_blank_means_what_the_schemas_pattern_means(text, blank):
    # \x1f and U+200B are not spaces to ECMA-262's \s (the schema's regular expressions), so not blank here.
    assert rules.blank(text) is blank


def test_the_schema_states_the_rules(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    case_request = components["CaseRequest"]["properties"]
    assert case_request["exhibit_prefix"]["pattern"] == rules.EXHIBIT_PREFIX_PATTERN
    zones = components[case_request["time_zone"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert "Europe/London" in zones and "" not in zones and len(zones) > 300
    assert components["PartyRequest"]["properties"]["name"]["pattern"] == rules.VISIBLE
    assert components["PartyRequest"]["properties"]["notes"]["pattern"] == rules.NO_NUL
    assert components["IncidentRequest"]["properties"]["url"]["oneOf"][0]["pattern"] == rules.WEB_ADDRESS
    listing = schema["paths"]["/api/v1/cases/{case_id}/incidents/"]["get"]
    params = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert params["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert params["party"]["minimum"] == 1
    assert params["include_withdrawn"]["type"] == "boolean"
    assert {"400", "404", "422"} <= set(listing["responses"])
    create = schema["paths"]["/api/v1/cases/{case_id}/incidents/"]["post"]
    assert {"400", "409", "415", "422"} <= set(create["responses"])
    # Bodies are JSON; only a file upload is multipart.
    assert set(create["requestBody"]["content"]) == {"application/json"}
    upload = schema["paths"]["/api/v1/cases/{case_id}/evidence/"]["post"]["requestBody"]["content"]
    assert set(upload) == {"application/json", "multipart/form-data"}


def test_a_form_body_is_refused_where_json_is_taken(case, owner):
    response = _client(owner).post(
        f"/api/v1/cases/{case.pk}/parties/", {"kind": "suspect", "name": "x"}, format="multipart"
    )
    assert response.status_code == 415 and "detail" in response.json()


def test_a_future_date_in_an_upload_is_a_422_and_nothing_is_kept(case, owner):
    from tests.factories import png_bytes, upload

    response = _client(owner).post(
        f"/api/v1/cases/{case.pk}/evidence/",
        {
            "file": upload("p.png", png_bytes(), "image/png"),
            "kind": "photo",
            "description": "x",
            "obtained_at": (timezone.localdate() + dt.timedelta(days=400)).isoformat(),
        },
        format="multipart",
    )
    assert response.status_code == 422 and "obtained_at" in response.json()
    assert not case.evidence.exists()


def test_an_empty_file_is_a_422_with_the_reason_and_nothing_is_kept(case, owner):
    from tests.factories import upload

    response = _client(owner).post(
        f"/api/v1/cases/{case.pk}/evidence/",
        {"file": upload("empty.txt", b"", "text/plain"), "kind": "document", "description": "x"},
        format="multipart",
    )
    assert (response.status_code, response.json()) == (422, {"file": ["This file is empty."]})
    assert not case.evidence.exists()


def test_a_new_incident_is_answered_without_its_post_address_as_a_location_header(case, owner):
    """DRF would send the body's "url" (where the post was, as she typed it) as Location: wrong, and with a
    control character in it an invalid header, which gunicorn turned into a 500."""
    body = {
        "kind": "online_post",
        "occurred_at": "2026-10-09T14:05:00Z",
        "narrative": "A post about us.",
        "url": "hTtps://Ws\u000f\u00f9/post",
    }
    response = _client(owner).post(f"/api/v1/cases/{case.pk}/incidents/", body, format="json")
    assert (response.status_code, response.json()["url"]) == (201, "hTtps://Ws\u000f\u00f9/post")
    assert "Location" not in response.headers


def test_the_pack_download_documents_both_of_its_types(client):
    """A dossier's pack is a ZIP; a statement draft's is its Word document (the same download, dossiers.api)."""
    schema = client.get("/api/schema/", {"format": "json"}).json()
    content = schema["paths"]["/api/v1/cases/{case_id}/dossiers/{id}/pack/"]["get"]["responses"]["200"]["content"]
    assert list(content) == [
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
