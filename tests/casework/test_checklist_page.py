"""The offence checklist on a suspected person's page, and the read behind it."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from casework import offences
from casework.queries.offences import case_today, checklist_for_party, incident_facts
from incidents.models import Case
from incidents.services import evidence as evidence_services
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


@pytest.fixture
def suspect(case, owner):
    return party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")


def page(client, case, party):
    return client.get(reverse("incidents:party_detail", args=[case.pk, party.pk]))


# ---- the read ---------------------------------------------------------------------------------------------


def test_facts_are_this_persons_standing_incidents_with_their_impact_and_exhibits(case, owner, suspect):
    other = party_services.party_create(user=owner, case=case, kind="suspect", name="someone_else")
    police = party_services.party_create(user=owner, case=case, kind="police", name="Met Police")
    first = log_incident(case, owner, occurred_at=at(2026, 6, 9), parties=[suspect], impact="I could not sleep.")
    second = log_incident(case, owner, kind="agency_visit", occurred_at=at(2026, 10, 9), parties=[suspect])
    log_incident(case, owner, occurred_at=at(2026, 7, 1), parties=[other])  # someone else's
    reported = log_incident(case, owner, occurred_at=at(2026, 7, 2), parties=[police])  # police, not suspected
    gone = log_incident(case, owner, occurred_at=at(2026, 8, 1), parties=[suspect])
    incident_services.incident_withdraw(user=owner, incident=gone, reason="Logged twice.")
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="web_page",
        description="The post",
        source_url="https://example.org/p/1",
        incidents=[first, reported],
    )
    facts = incident_facts(case, suspect)
    assert facts == [
        offences.IncidentFact(
            id=first.pk,
            occurred_on=dt.date(2026, 6, 9),
            precision="exact",
            kind="online_post",
            suspect_ids=frozenset({suspect.pk}),
            has_impact=True,
            has_evidence=True,
            communication=True,
        ),
        offences.IncidentFact(
            id=second.pk,
            occurred_on=dt.date(2026, 10, 9),
            precision="exact",
            kind="agency_visit",
            suspect_ids=frozenset({suspect.pk}),
            has_impact=False,
            has_evidence=False,
            communication=False,
        ),
    ]


def test_dates_are_taken_in_the_cases_time_zone(case, owner, suspect):
    # 00:30 on 1 July 2026 in London (summer time) is 23:30 on 30 June in UTC: the date is London's.
    log_incident(case, owner, occurred_at=dt.datetime(2026, 7, 1, 0, 30, tzinfo=LONDON), parties=[suspect])
    (fact,) = incident_facts(case, suspect)
    assert fact.occurred_on == dt.date(2026, 7, 1)
    assert case_today(case, dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 7, 1)


def test_checklist_read_is_one_query_however_many_incidents(case, owner, suspect, django_assert_num_queries):
    for n in range(12):
        log_incident(case, owner, occurred_at=at(2026, 1, 1) + dt.timedelta(days=9 * n), parties=[suspect])
    with django_assert_num_queries(1):
        result = checklist_for_party(case=case, party=suspect, today=dt.date(2026, 12, 3))
    assert len(result.incident_ids) == 12


def test_a_person_of_another_case_is_refused(case, owner):
    elsewhere = make_case(owner, title="Another")
    stranger = party_services.party_create(user=owner, case=elsewhere, kind="suspect", name="x")
    with pytest.raises(ValueError, match=r"This person is not in this case\."):
        checklist_for_party(case=case, party=stranger, today=dt.date(2026, 12, 3))


# ---- the page ----------------------------------------------------------------------------------------------


def test_owner_sees_the_checklist_with_the_date_and_the_gap(client, case, owner, suspect):
    log_incident(case, owner, occurred_at=at(2026, 6, 9), parties=[suspect])
    log_incident(case, owner, occurred_at=at(2026, 10, 9), parties=[suspect])
    client.force_login(owner)
    body = page(client, case, suspect).content.decode()
    assert "What the record may show" in body
    assert "Protection from Harassment Act 1997, section 2A" in body
    assert "proceedings must start by 9 April 2027, so the police need this well before then." in body
    assert '<p class="incident-gap muted">4 months later</p>' in body
    assert body.count(" · proceedings must start by 9 April 2027</span></summary>") == 2  # harassment, stalking
    assert body.count(offences.DISCLAIMER) == 1


def test_disclaimer_appears_once_on_the_page(client, case, owner, suspect):
    log_incident(case, owner, occurred_at=at(2024, 1, 30), parties=[suspect], kind="direct_message")
    log_incident(case, owner, occurred_at=at(2024, 2, 1), parties=[suspect], kind="online_post")
    client.force_login(owner)
    body = page(client, case, suspect).content.decode()
    assert body.count("not legal advice") == 1
    # Both laws are named, each for its own message.
    assert "Malicious Communications Act 1988, section 1, or Communications Act 2003, section 127(2)" in body
    assert "Online Safety Act 2023, section 179 (false communications) or section 181 (threats)" in body


def test_outsider_gets_404(client, case, owner, outsider, suspect):
    log_incident(case, owner, parties=[suspect])
    client.force_login(outsider)
    assert page(client, case, suspect).status_code == 404


def test_a_scottish_case_shows_the_scotland_message_and_no_offences(client, case, owner, suspect):
    Case.objects.filter(pk=case.pk).update(nation="scotland")
    log_incident(case, owner, occurred_at=at(2026, 6, 9), parties=[suspect])
    log_incident(case, owner, occurred_at=at(2026, 10, 9), parties=[suspect])
    client.force_login(owner)
    body = page(client, case, suspect).content.decode()
    assert "This checklist covers England, Wales and Northern Ireland." in body
    assert "Protection from Harassment Act" not in body
    # The chronology is still there, with its gap.
    assert "4 months later" in body
    assert body.count(offences.DISCLAIMER) == 1


def test_a_case_without_a_nation_asks_for_it(client, case, owner, suspect):
    Case.objects.filter(pk=case.pk).update(nation="")
    log_incident(case, owner, parties=[suspect])
    client.force_login(owner)
    body = page(client, case, suspect).content.decode()
    assert "so this checklist assumes England" in body


def test_a_body_that_is_not_a_suspect_has_no_checklist(client, case, owner):
    police = party_services.party_create(user=owner, case=case, kind="police", name="Met Police")
    log_incident(case, owner, parties=[police])
    client.force_login(owner)
    body = page(client, case, police).content.decode()
    assert "What the record may show" not in body
    assert offences.DISCLAIMER not in body
