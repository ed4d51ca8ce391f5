"""The offence checklist through the API: the same gate as the person's own API, the literal answer."""

import datetime as dt
import zoneinfo

import pytest

from casework import offences
from incidents.models import Case
from incidents.services import evidence as evidence_services
from incidents.services import parties as party_services
from tests.factories import api_client, log_incident, make_case

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _client(user):
    return api_client(user, scope="read")


@pytest.fixture
def suspect(case, owner):
    return party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")


def url(case, party_pk) -> str:
    return f"/api/v1/cases/{case.pk}/parties/{party_pk}/checklist/"


def test_a_member_reads_the_checklist(case, owner, viewer, suspect):
    # Two messages either side of 31 January 2024, the second with an exhibit and how it felt; "today" is
    # the real day, long after both, so the 6-month window has passed.
    first = log_incident(
        case, owner, kind="direct_message", occurred_at=dt.datetime(2024, 1, 30, 9, tzinfo=LONDON), parties=[suspect]
    )
    second = log_incident(
        case,
        owner,
        kind="third_party",
        occurred_at=dt.datetime(2024, 2, 1, 9, tzinfo=LONDON),
        parties=[suspect],
        impact="I was frightened to go to work.",
    )
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="email",
        description="The email",
        source_url="https://example.org/m",
        incidents=[second],
    )
    response = _client(viewer).get(url(case, suspect.pk))
    assert response.status_code == 200
    data = response.json()
    assert data["party_id"] == suspect.pk
    assert data["nation"] == "england"
    assert data["covered"] is True
    assert data["notice"] == ""
    assert data["incident_ids"] == [first.pk, second.pk]
    assert data["gaps"] == [{"from_id": first.pk, "to_id": second.pk, "days": 2, "words": "2 days later"}]
    assert data["notes"] == []
    assert data["disclaimer"] == offences.DISCLAIMER
    assert [o["code"] for o in data["offences"]] == [
        "harassment",
        "stalking",
        "fear_of_violence",
        "serious_stalking",
        "messages_before_2024",
        "messages_from_2024",
    ]
    harassment = data["offences"][0]
    assert harassment == {
        "code": "harassment",
        "name": "Harassment",
        "law": "Protection from Harassment Act 1997, section 2",
        "incident_ids": [first.pk, second.pk],
        "checks": [
            {
                "label": "Two or more occasions by this person",
                "status": "met",
                "status_words": "Yes",
                "detail": "2 incidents are linked to this person as the one suspected. Two or more can be a course "
                "of conduct.",
            },
            {
                "label": "Time limit (6 months)",
                "status": "passed",
                "status_words": "Time has run out",
                "detail": "The latest incident was on 1 February 2024: for this summary offence, proceedings had to "
                "start by 1 August 2024. That date has passed. If this person does something again, the earlier "
                "incidents can still count as part of the same course of conduct.",
            },
        ],
        "lacks": [
            "1 of these incidents has no evidence linked yet.",
            "No evidence links this account to the person you suspect: add anything that shows the account is "
            "theirs (a name, a photo, something only they knew).",
        ],
        "deadline": "2024-08-01",
        "deadline_passed": True,
        "laws_by_incident": [],
    }
    before, after = data["offences"][4], data["offences"][5]
    assert before["incident_ids"] == [first.pk]
    assert before["laws_by_incident"] == [
        {
            "incident_id": first.pk,
            "occurred_on": "2024-01-30",
            "law": "Malicious Communications Act 1988, section 1, or Communications Act 2003, section 127(2)",
        }
    ]
    assert after["laws_by_incident"] == [
        {
            "incident_id": second.pk,
            "occurred_on": "2024-02-01",
            "law": "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)",
        }
    ]
    assert after["deadline"] is None


def test_a_scottish_case_answers_with_no_offences(case, owner, suspect):
    Case.objects.filter(pk=case.pk).update(nation="scotland")
    log_incident(case, owner, parties=[suspect])
    data = _client(owner).get(url(case, suspect.pk)).json()
    assert data["covered"] is False
    assert data["offences"] == []
    assert data["notice"].startswith("This checklist covers England, Wales and Northern Ireland.")


def test_an_outsider_gets_404(case, owner, outsider, suspect):
    log_incident(case, owner, parties=[suspect])
    response = _client(outsider).get(url(case, suspect.pk))
    assert response.status_code == 404
    assert "troll99" not in response.content.decode()


def test_an_unknown_person_or_one_of_another_case_is_404(case, owner, suspect):
    elsewhere = make_case(owner, title="Another")
    stranger = party_services.party_create(user=owner, case=elsewhere, kind="suspect", name="x")
    client = _client(owner)
    assert client.get(url(case, suspect.pk + 10_000)).status_code == 404
    assert client.get(url(case, stranger.pk)).status_code == 404
