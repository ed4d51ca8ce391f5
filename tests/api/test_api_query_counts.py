"""The API's list endpoints run the same, pinned, number of queries with 1 object and with 100."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from dossiers import services as dossier_services
from incidents.services import evidence as evidence_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from incidents.services import sharing as sharing_services
from tests.factories import UserFactory, log_incident, make_case, png_bytes, upload

pytestmark = pytest.mark.django_db

SIZES = (1, 100)


def _fill(case, owner, count: int) -> None:
    """`count` objects of every kind, each linked the way the real ones are."""
    police = party_services.party_create(user=owner, case=case, kind="police", name="Met Police")
    start = timezone.now() - dt.timedelta(days=count + 1)
    for n in range(count):
        suspect = party_services.party_create(user=owner, case=case, kind="suspect", name=f"suspect {n}")
        reference = reference_services.reference_create(
            user=owner, case=case, kind="police", number=f"CR{n}", agency=police
        )
        incident = log_incident(
            case,
            owner,
            occurred_at=start + dt.timedelta(days=n),
            title=f"Incident {n}",
            parties=[suspect, police],
            references=[reference],
            tags=[f"t{n % 3}", "all"],
        )
        if n < 3:  # a few with files; the rest are links (the same row, the same serializer)
            file = upload(f"p{n}.png", png_bytes(colour=(n * 50, 10, 10)))
            evidence_services.evidence_attach(
                user=owner, case=case, kind="photo", description=f"Photo {n}", uploaded_file=file, incidents=[incident]
            )
        else:
            evidence_services.evidence_attach(
                user=owner,
                case=case,
                kind="web_page",
                description=f"Page {n}",
                source_url=f"https://example.org/{n}",
                incidents=[incident],
            )
        dossier_services.dossier_request(user=owner, case=case, options={"audience": "police"})
        if n:  # the owner is the first member
            sharing_services.membership_add(case=case, user=UserFactory(), role="viewer", added_by=owner)


@pytest.fixture
def small_and_large(db):
    """Two owners: one with one case holding one of everything, one with 100 cases, the first holding 100."""
    found = {}
    for size in SIZES:
        owner = UserFactory()
        case = make_case(owner, title=f"{size} of everything")
        _fill(case, owner, size)
        for n in range(size - 1):
            make_case(owner, title=f"Another case {n}")
        _, raw = account_services.access_token_create(user=owner, name="count", scope="read", days=7)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        found[size] = (client, case)
    return found


def _count(client, url: str) -> tuple[int, int]:
    """(queries, rows on the page). A first request notes the token's use, which is not the list's cost."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


# Queries per list. Every request starts with the token, 1 query (the token joined to its user;
# its last use is written at most once a minute, and the warm-up request above did that), and
# every case-scoped one then passes the gate, 1 query (the membership joined to its case).
# Cursor pagination never counts: the page is one query of page_size + 1 rows.
LISTS = {
    # token + my cases with role, counts, latest incident and open references, all in one query
    "cases": 2,
    # token + gate + members joined to their users
    "memberships": 3,
    # token + gate + parties
    "parties": 3,
    # token + gate + references + prefetched incidents
    "references": 4,
    # token + gate + incidents joined to who logged them + prefetched people (joined to the
    # parties), tags and references
    "incidents": 6,
    # token + gate + evidence + prefetched incidents
    "evidence": 4,
    # token + gate + dossiers
    "dossiers": 3,
    # token + gate + audit events
    "audit": 3,
}


def test_list_query_counts_do_not_grow(small_and_large):
    """One fixture for every list (building 100 of everything is the slow part); the diff names the list."""
    measured, rows = {}, {}
    for name in LISTS:
        measured[name], rows[name] = [], []
        for size in SIZES:
            client, case = small_and_large[size]
            url = "/api/v1/cases/" if name == "cases" else f"/api/v1/cases/{case.pk}/{name}/"
            queries, listed = _count(client, url)
            measured[name].append(queries)
            rows[name].append(listed)
    # Each list really had one row, then a full page of rows, to serialise.
    assert all(small >= 1 and large >= 50 for small, large in rows.values()), rows
    assert measured == {name: [expected, expected] for name, expected in LISTS.items()}
