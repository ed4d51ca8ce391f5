"""The REST API sets a party's role in an incident and the reason for a change; the schema describes both."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from incidents.models import Incident
from incidents.services import parties as party_services
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    _, token = account_services.access_token_create(user=user, name="test", scope="write", days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def council(case, owner):
    return party_services.party_create(user=owner, case=case, kind="social_services", name="Anytown Council")


@pytest.fixture
def suspect(case, owner):
    return party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")


def _new(**fields) -> dict:
    return {
        "kind": "agency_visit",
        "occurred_at": (timezone.now() - dt.timedelta(days=1)).isoformat(),
        "narrative": "Two social workers came to the house.",
        **fields,
    }


def test_api_sets_a_role_and_takes_plain_ids_as_before(case, owner, council, suspect):
    response = _client(owner).post(
        f"/api/v1/cases/{case.pk}/incidents/",
        _new(parties=[{"id": council.pk, "role": "contacted"}, suspect.pk]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["involved"] == [
        {"party": council.pk, "name": "Anytown Council", "role": "contacted", "role_label": "Was contacted about us"},
        {"party": suspect.pk, "name": "troll99", "role": "suspected", "role_label": "Suspected of doing it"},
    ]
    incident = Incident.objects.get()
    assert dict(incident.party_links.values_list("party_id", "role")) == {
        council.pk: "contacted",
        suspect.pk: "suspected",
    }


def test_api_gives_an_agency_on_its_own_visit_the_usual_role(case, owner, council):
    response = _client(owner).post(f"/api/v1/cases/{case.pk}/incidents/", _new(parties=[council.pk]), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["involved"][0]["role"] == "involved"


def test_api_changes_a_role_with_a_reason_kept_in_the_history(case, owner, council):
    incident = log_incident(case, owner, kind="agency_visit", parties=[council])
    client = _client(owner)
    url = f"/api/v1/cases/{case.pk}/incidents/{incident.pk}/"
    response = client.patch(
        url, {"parties": [{"id": council.pk, "role": "witness"}], "reason": "They only saw it."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["involved"][0]["role"] == "witness"
    assert "reason" not in response.json()  # write-only
    revisions = client.get(f"{url}revisions/").json()
    assert [(r["number"], r["reason"]) for r in revisions] == [(1, ""), (2, "They only saw it.")]
    assert revisions[1]["data"]["parties"] == [[council.pk, "Anytown Council", "witness"]]


def test_api_patch_with_ids_only_keeps_the_roles_chosen(case, owner, council):
    incident = log_incident(case, owner, parties=[council], party_roles={council.pk: "witness"})
    response = _client(owner).patch(
        f"/api/v1/cases/{case.pk}/incidents/{incident.pk}/", {"parties": [council.pk]}, format="json"
    )
    assert response.status_code == 200
    assert incident.party_links.get().role == "witness"


@pytest.mark.parametrize(
    "party",
    [
        {"role": "contacted"},  # no id
        "three",
        True,
        None,
        [1],
    ],
)
def test_api_refuses_a_malformed_party(case, owner, party):
    response = _client(owner).post(f"/api/v1/cases/{case.pk}/incidents/", _new(parties=[party]), format="json")
    assert response.status_code == 400 and "parties" in response.json()
    assert not Incident.objects.exists()


def test_api_says_how_to_give_a_party(case, owner):
    response = _client(owner).post(f"/api/v1/cases/{case.pk}/incidents/", _new(parties=["three"]), format="json")
    assert response.status_code == 400
    assert response.json()["parties"] == {
        "0": ['Give a party\'s id (a whole number from 1), or {"id": 3, "role": "contacted"}.']
    }


def test_api_refuses_an_unknown_role(case, owner, council):
    response = _client(owner).post(
        f"/api/v1/cases/{case.pk}/incidents/", _new(parties=[{"id": council.pk, "role": "boss"}]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["parties"] == {
        "0": ["Choose one of the listed roles. One of: suspected, reported_to, contacted, witness, involved."]
    }
    assert not Incident.objects.exists()


def test_api_refuses_another_cases_party_given_with_a_role(case, owner, outsider):
    other = make_case(outsider, title="Other")
    foreign = party_services.party_create(user=outsider, case=other, kind="suspect", name="Foreign")
    response = _client(owner).post(
        f"/api/v1/cases/{case.pk}/incidents/", _new(parties=[{"id": foreign.pk, "role": "suspected"}]), format="json"
    )
    assert response.status_code == 409 and "parties" in response.json()
    assert not Incident.objects.exists()


def test_api_refuses_a_reason_over_300_characters(case, owner):
    incident = log_incident(case, owner)
    response = _client(owner).patch(
        f"/api/v1/cases/{case.pk}/incidents/{incident.pk}/",
        {"narrative": "Changed.", "reason": "x" * 301},
        format="json",
    )
    assert response.status_code == 400 and "reason" in response.json()
    assert incident.revisions.count() == 1


def test_schema_describes_parties_with_roles_and_the_reason(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    request = components["IncidentRequest"]["properties"]
    item = request["parties"]["items"]
    assert item["oneOf"][0]["type"] == "integer"
    assert item["oneOf"][1]["properties"]["role"]["enum"] == [
        "suspected",
        "reported_to",
        "contacted",
        "witness",
        "involved",
    ]
    assert request["reason"]["maxLength"] == 300
    assert "reason" not in components["Incident"]["properties"]  # write-only
    assert "role_label" in components["IncidentParty"]["properties"]
