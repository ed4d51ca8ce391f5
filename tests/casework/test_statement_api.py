"""The statement drafts through the API: a member reads the paragraphs with their numbers, exhibits and flags;
a draft nobody started reads as not started; an outsider gets 404; the maker's address never appears."""

import datetime as dt
import zoneinfo

import pytest

from casework.queries.statements import WITHDRAWN_UNEDITED
from casework.services import statements as services
from incidents.services import evidence as evidence_services
from incidents.services import incidents as incident_services
from tests.factories import api_client, log_incident

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _client(user):
    return api_client(user, scope="read")


@pytest.fixture
def drafted(case, owner):
    first = log_incident(
        case,
        owner,
        occurred_at=dt.datetime(2026, 10, 3, 9, 0, tzinfo=LONDON),
        occurred_precision="day",
        narrative="A post.",
    )
    second = log_incident(
        case,
        owner,
        kind="direct_message",
        occurred_at=dt.datetime(2026, 10, 9, 21, 15, tzinfo=LONDON),
        narrative="A message.",
    )
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description="Screenshot of the message",
        source_url="https://e.org/m",
        incidents=[second],
    )
    statement = services.statement_get_or_start(case=case, kind="witness", by=owner)
    services.statement_update(statement=statement, opening="My name is Alex Jones.", closing="", by=owner)
    services.statement_maker_update(
        statement=statement,
        name="Alex Jones",
        over_18=True,
        age=None,
        occupation="Nurse",
        address="1 High Street",
        phone="07700 900123",
        by=owner,
    )
    incident_services.incident_withdraw(user=owner, incident=first, reason="Logged twice.")
    return statement, first, second


@pytest.mark.parametrize("member", ["owner", "viewer", "advocate"])
def test_a_member_reads_the_statements_paragraphs(case, drafted, member, request):
    statement, first, second = drafted
    response = _client(request.getfixturevalue(member)).get(f"/api/v1/cases/{case.pk}/statements/witness/")
    assert response.status_code == 200
    paragraphs = list(statement.paragraphs.order_by("position").values_list("pk", flat=True))
    assert response.json() == {
        "kind": "witness",
        "title": "Witness statement",
        "started": True,
        "revision": 3,
        "maker_name": "Alex Jones",
        "maker_age": "Over 18",
        "maker_occupation": "Nurse",
        "opening": "My name is Alex Jones.",
        "closing": "",
        "paragraphs": [
            {
                "id": paragraphs[0],
                "number": 2,
                "text": "On 3 October 2026, a post about my family was published. A post.",
                "incident_id": first.pk,
                "incident_when": "Sat 3 Oct 2026",
                "incident_title": "Online post",
                "edited": False,
                "removed": False,
                "flag": WITHDRAWN_UNEDITED,
                "exhibits": [],
            },
            {
                "id": paragraphs[1],
                "number": 3,
                "text": "On 9 October 2026 at 21:15, I received a message. A message. "
                "I produce a screenshot of the message as exhibit AJ/1.",
                "incident_id": second.pk,
                "incident_when": "Fri 9 Oct 2026, 21:15 BST",
                "incident_title": "Direct message",
                "edited": False,
                "removed": False,
                "flag": "",
                "exhibits": ["AJ/1"],
            },
        ],
        "exhibits": [{"mark": "AJ/1", "description": "Screenshot of the message"}],
    }
    assert "High Street" not in response.content.decode() and "900123" not in response.content.decode()


def test_a_draft_nobody_started_reads_as_not_started(case, drafted, owner):
    response = _client(owner).get(f"/api/v1/cases/{case.pk}/statements/victim/")
    assert response.status_code == 200
    assert response.json() == {
        "kind": "victim",
        "title": "Victim personal statement",
        "started": False,
        "revision": 0,
        "maker_name": "",
        "maker_age": "Over 18",
        "maker_occupation": "",
        "opening": "",
        "closing": "",
        "paragraphs": [],
        "exhibits": [],
    }


def test_an_outsider_gets_404(case, drafted, outsider):
    client = _client(outsider)
    assert client.get(f"/api/v1/cases/{case.pk}/statements/witness/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}/statements/victim/").status_code == 404


def test_the_statement_cannot_be_written_through_the_api(case, drafted, owner):
    client = api_client(owner, scope="write")
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/api/v1/cases/{case.pk}/statements/witness/", {}, format="json")
        assert response.status_code == 405, method


def test_another_kind_is_not_an_address(case, owner):
    assert _client(owner).get(f"/api/v1/cases/{case.pk}/statements/letter/").status_code == 404


def test_the_schema_describes_both_routes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for kind in ("witness", "victim"):
        operation = schema["paths"][f"/api/v1/cases/{{case_id}}/statements/{kind}/"]["get"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Statement"
        }
    assert set(schema["components"]["schemas"]["StatementParagraph"]["properties"]) == {
        "id",
        "number",
        "text",
        "incident_id",
        "incident_when",
        "incident_title",
        "edited",
        "removed",
        "flag",
        "exhibits",
    }
