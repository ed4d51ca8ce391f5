"""The timeline: exhibit marks on each card, dates the wrong way round, and a search that finds word forms
(PostgreSQL's English stemming; the stems stored and searched where the database has none, as on SQLite)."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as account_services
from incidents import rules
from incidents.models import Incident
from incidents.queries import incidents as incident_queries
from incidents.services import evidence as evidence_services
from incidents.services.search import search_text_of
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _at(*day) -> dt.datetime:
    return dt.datetime(*day, 12, 0, tzinfo=LONDON)


def _exhibit(case, owner, incidents, description="A screenshot"):
    return evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description=description,
        source_url="https://example.org/post/1",
        incidents=incidents,
    ).evidence


def _titles(client, case, **params) -> list[str]:
    response = client.get(reverse("incidents:timeline", args=[case.pk]), params)
    return [entry.title for entry in response.context["page"].object_list]


# Exhibit marks -----------------------------------------------------------------------------------


def test_each_card_shows_the_marks_of_its_exhibits(client, case, owner):
    post = log_incident(case, owner, title="Forum post", occurred_at=_at(2026, 5, 1))
    log_incident(case, owner, title="No evidence yet", occurred_at=_at(2026, 5, 2))
    call = log_incident(case, owner, title="Phone call", occurred_at=_at(2026, 5, 3))
    _exhibit(case, owner, [post])  # AJ/1
    _exhibit(case, owner, [call])  # AJ/2
    _exhibit(case, owner, [post, call])  # AJ/3
    client.force_login(owner)
    response = client.get(reverse("incidents:timeline", args=[case.pk]))
    cards = {entry.title: entry.exhibits for _month, entries in response.context["months"] for entry in entries}
    assert cards == {"Forum post": ["AJ/1", "AJ/3"], "No evidence yet": [], "Phone call": ["AJ/2", "AJ/3"]}
    page = " ".join(response.content.decode().split())
    assert '<span class="muted">Exhibits</span> AJ/1, AJ/3</p>' in page
    assert '<span class="muted">Exhibits</span> AJ/2, AJ/3</p>' in page
    assert page.count('class="incident-exhibits"') == 2


def test_one_exhibit_is_said_in_the_singular(client, case, owner):
    _exhibit(case, owner, [log_incident(case, owner, title="Forum post")])
    client.force_login(owner)
    page = client.get(reverse("incidents:timeline", args=[case.pk])).content.decode()
    assert '<span class="muted">Exhibit</span> AJ/1</p>' in page


def _timeline_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("incidents:timeline", args=[case.pk])).status_code == 200
    return len(ctx.captured_queries)


def test_exhibit_marks_cost_the_same_queries_for_one_card_or_forty(client, owner):
    one, many = make_case(owner, title="One"), make_case(owner, title="Many")
    _exhibit(one, owner, [log_incident(one, owner)])
    incidents = [log_incident(many, owner, occurred_at=_at(2026, 1, 1) + dt.timedelta(days=n)) for n in range(40)]
    for n in range(0, 40, 2):
        _exhibit(many, owner, incidents[n : n + 3], description=f"Exhibit {n}")
    client.force_login(owner)
    # the pinned timeline count of tests/incidents/test_query_counts.py
    assert [_timeline_queries(client, one), _timeline_queries(client, many)] == [16, 16]


# Dates the wrong way round -----------------------------------------------------------------------


def test_dates_the_wrong_way_round_say_so_instead_of_nothing_matches(client, case, owner):
    log_incident(case, owner, title="Forum post", occurred_at=_at(2026, 5, 1))
    client.force_login(owner)
    url = reverse("incidents:timeline", args=[case.pk])
    response = client.get(url, {"date_from": "2026-06-30", "date_to": "2026-06-01"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_from": ["The 'from' date is after the 'to' date. Swap them or change one."]
    }
    page = response.content.decode().replace("&#x27;", "'")
    assert "<p class=\"lead\">The 'from' date is after the 'to' date. Swap them or change one.</p>" in page
    assert "Nothing matches" not in page
    assert '<details class="filters" open>' in page  # the filters are open, with the error beside the date
    assert 'id="id_date_from" value="2026-06-30" aria-invalid="true"' in page
    # The right way round, the same dates find what is between them.
    assert _titles(client, case, date_from="2026-04-30", date_to="2026-05-01") == ["Forum post"]
    assert _titles(client, case, date_from="2026-05-01", date_to="2026-05-01") == ["Forum post"]


def test_the_api_refuses_dates_the_wrong_way_round_in_words(case, owner):
    _, token = account_services.access_token_create(user=owner, name="t", scope="read", days=7)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get(f"/api/v1/cases/{case.pk}/incidents/", {"date_from": "2026-06-30", "date_to": "2026-06-01"})
    assert (response.status_code, response.json()) == (
        422,
        {"date_from": ["The 'from' date is after the 'to' date. Swap them or change one."]},
    )


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        (dt.date(2026, 6, 30), dt.date(2026, 6, 1), "The 'from' date is after the 'to' date. Swap them or change one."),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 1), None),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 30), None),
        (None, dt.date(2026, 6, 1), None),
        (dt.date(2026, 6, 30), None, None),
    ],
)
def test_date_range_rule(date_from, date_to, expected):
    assert rules.date_range_problem(date_from, date_to) == expected


# Word forms --------------------------------------------------------------------------------------


@pytest.fixture
def worded(case, owner):
    log_incident(case, owner, title="Post", narrative="A post claimed we were under investigation.")
    log_incident(case, owner, title="Visit", narrative="The police investigated and found nothing.")
    log_incident(case, owner, title="Letter", narrative="Families in the street had a letter.")
    log_incident(case, owner, title="Call", narrative="Somebody phoned my employer.")


def test_search_finds_word_forms_on_postgresql(client, case, owner, worded):
    assert connection.vendor == "postgresql"
    client.force_login(owner)
    assert _titles(client, case, q="investigated") == ["Post", "Visit"]
    assert _titles(client, case, q="investigation") == ["Post", "Visit"]
    assert _titles(client, case, q="family") == ["Letter"]
    assert _titles(client, case, q="investigating police") == ["Visit"]
    assert _titles(client, case, q="telephone") == []


def test_the_page_says_the_search_finds_word_forms(client, case, owner):
    client.force_login(owner)
    page = client.get(reverse("incidents:timeline", args=[case.pk])).content.decode().replace("&#x27;", "'")
    assert (
        '<p class="helptext" id="id_q_note">Searching word forms in English: \'investigated\' also finds '
        "'investigation'.</p>"
    ) in page


@pytest.mark.parametrize(
    ("text", "stems"),
    [
        ("investigated", ["investig"]),
        ("investigation", ["investig"]),
        ("Investigating the investigations", ["investig", "the"]),
        ("families FAMILY", ["famili"]),
        ("referrals, referred", ["referr", "refer"]),
        ("CR/123/26", ["cr", "123", "26"]),
        ("  ", []),
    ],
)
def test_the_sqlite_search_stems_words_in_english(text, stems):
    assert rules.search_stems(text) == stems


def test_the_stored_search_text_carries_its_stems_where_the_database_does_not_stem():
    parts = ["Under investigation", "", "Families"]
    assert search_text_of(parts, with_stems=True) == "Under investigation\nFamilies\nunder investig famili"
    assert search_text_of(parts, with_stems=False) == "Under investigation\nFamilies"
    assert search_text_of(["", ""], with_stems=True) == ""


def test_the_sqlite_search_matches_word_forms_both_ways(case, owner, worded):
    # SQLite's path, run here on PostgreSQL: the text stored as SQLite stores it, searched as SQLite searches.
    for incident in Incident.objects.filter(case=case):
        stored = search_text_of([incident.title, incident.narrative], with_stems=True)
        Incident.objects.filter(pk=incident.pk).update(search_text=stored)
    incidents = Incident.objects.filter(case=case).order_by("occurred_at", "id")

    def found(text):
        return [i.title for i in incident_queries.stemmed_search(incidents, text)]

    assert found("investigated") == ["Post", "Visit"]
    assert found("investigation") == ["Post", "Visit"]
    assert found("family") == ["Letter"]
    assert found("Investigating POLICE") == ["Visit"]
    assert found("my employer") == ["Call"]  # the words as typed still match
    assert found("telephone") == []
