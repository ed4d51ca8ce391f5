"""The pages that list things run the same number of queries with 1 row and with 200."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db


def _fill(case, owner, suspect, reference, count: int) -> None:
    start = timezone.now() - dt.timedelta(days=count + 1)
    kinds = ["online_post", "police_contact", "referral_social_services", "direct_message"]
    for n in range(count):
        log_incident(
            case,
            owner,
            kind=kinds[n % len(kinds)],
            occurred_at=start + dt.timedelta(days=n, hours=n % 5),
            parties=[suspect],
            references=[reference],
            tags=[f"t{n % 3}"],
            title=f"Incident {n}",
        )


@pytest.fixture
def small_and_large(owner):
    """Two cases with identical shape: one incident, and two hundred."""
    cases = {}
    for count in (1, 200):
        case = make_case(owner, title=f"{count} incidents")
        suspect = party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")
        police = party_services.party_create(user=owner, case=case, kind="police", name="Met Police")
        reference = reference_services.reference_create(
            user=owner, case=case, kind="police", number="CR1", agency=police
        )
        _fill(case, owner, suspect, reference, count)
        cases[count] = (case, suspect)
    return cases


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Queries per page. Every case page starts with the gate, 3 queries (session, user,
# membership joined to its case), and records the view in the audit trail, 5 queries
# (savepoint, lock the chain head, insert the event, move the head, release). The session
# is saved at most once a minute (SESSION_RENEW_SECONDS), not within these requests.
PAGES = {
    # gate 3 + audit 5 + filter choices 2 (tags, people) + count + page
    # + prefetched people, tags, references and exhibit marks 4
    "incidents:timeline": 16,
    # gate 3 + audit 5 + first/latest/total + counts by kind + per month by kind + suspects
    # + open references + members + the case's comments with their authors
    # + what is due (casework.queries.deadlines: open deadlines, suspected incidents, online posts)
    "incidents:case_summary": 18,
    # gate 3 + the party + audit 5 + its incidents + prefetched people, tags and references 3
    # + the offence checklist's facts (its suspected incidents with impact and exhibit flags) 1
    "incidents:party_detail": 14,
}


@pytest.mark.parametrize(("name", "expected"), PAGES.items())
def test_page_query_count_does_not_grow_with_incidents(client, owner, small_and_large, name, expected):
    client.force_login(owner)
    counts = []
    for size in (1, 200):
        case, suspect = small_and_large[size]
        args = [case.pk, suspect.pk] if name == "incidents:party_detail" else [case.pk]
        counts.append(_count(client, reverse(name, args=args)))
    assert counts == [expected, expected]


def test_dashboard_query_count_does_not_grow_with_cases(client, owner, small_and_large):
    client.force_login(owner)
    # session, user, one query for every case with counts and the latest incident,
    # one for the last few things others did on each case,
    # and what is due across them (open deadlines, suspected incidents, online posts: 3, whatever the cases)
    assert _count(client, reverse("home")) == 7
    for n in range(5):
        make_case(owner, title=f"More {n}")
    assert _count(client, reverse("home")) == 7
