"""The activity page names who did what by their name, not their email, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import services as audit
from incidents.models import Membership
from incidents.services import sharing as sharing_services
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db


def _activity(client, case):
    response = client.get(reverse("incidents:activity", args=[case.pk]))
    assert response.status_code == 200
    return response


def _who(response) -> list[str]:
    """The Who column, newest first."""
    rows = response.content.decode().split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    return [row.split("<td>")[2].split("</td>")[0] for row in rows]


def test_activity_shows_the_members_name_not_their_email(client, owner, editor):
    case = make_case(owner, editor=editor)
    log_incident(case, editor)
    client.force_login(owner)
    response = _activity(client, case)
    text = response.content.decode()
    assert "Sam Jones" in text
    assert editor.email not in text
    who = _who(response)
    assert who[0] == "Alex Jones"  # this look at the page
    assert who[1] == "Sam Jones"  # the incident
    assert owner.email not in who


def test_a_removed_member_is_still_named_and_an_event_with_no_actor_is_the_system(client, owner, editor):
    case = make_case(owner, editor=editor)
    log_incident(case, editor)
    sharing_services.membership_revoke(membership=Membership.objects.get(case=case, user=editor), revoked_by=owner)
    audit.event_record(case_id=case.pk, action="case.update")  # no actor
    client.force_login(owner)
    who = _who(_activity(client, case))
    assert who[:4] == ["Alex Jones", "system", "Alex Jones", "Sam Jones"]


def test_activity_query_count_does_not_grow_with_events(client, owner, editor, advocate):
    client.force_login(owner)
    counts = {}
    for size in (5, 50):
        case = make_case(owner, title=f"{size} events", editor=editor, advocate=advocate)
        actors = [owner, editor, advocate]
        for n in range(size):
            audit.event_record(actor=actors[n % 3], case_id=case.pk, action="view", details={"page": "timeline"})
        with CaptureQueriesContext(connection) as ctx:
            response = _activity(client, case)
        counts[size] = len(ctx.captured_queries)
        who = _who(response)
        assert len(who) == size + 4  # + the case, two members added, and this look at the page
        assert {"Alex Jones", "Sam Jones", "Priya Advocate"} <= set(who)
    assert counts[5] == counts[50], counts
