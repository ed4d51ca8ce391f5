"""Withdrawing an incident logged by mistake or twice: kept, marked, and left out of every count, the chart,
the course of conduct and the dossier's chronology; listed in the dossier's statement of record."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as account_services
from audit.models import AuditEvent
from incidents import access, charts
from incidents.models import Incident, IncidentRevision, Role
from incidents.queries import cases as case_queries
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from tests.dossiers.conftest import _signing_pair, signing_key  # noqa: F401 - the dossier's signing key
from tests.dossiers.test_dossier_output import compile_now, flat, pdf_path, pdf_text
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _at(*day, hour=12) -> dt.datetime:
    return dt.datetime(*day, hour, 0, tzinfo=LONDON)


def _api(user) -> APIClient:
    _, token = account_services.access_token_create(user=user, name="test", scope="write", days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def twice(case, owner):
    """The same post logged twice, and another incident."""
    first = log_incident(case, owner, title="Forum post about us", occurred_at=_at(2026, 3, 2))
    again = log_incident(case, owner, title="Forum post again", occurred_at=_at(2026, 3, 3))
    letter = log_incident(case, owner, kind="agency_letter", title="Council letter", occurred_at=_at(2026, 4, 9))
    return first, again, letter


# Who may, and the record it leaves ----------------------------------------------------------------


def test_only_owners_and_editors_may_withdraw_an_incident():
    assert {role for role in Role.values if access.can(role, access.WITHDRAW)} == {"owner", "editor"}


def test_parent_withdraws_a_duplicate_with_a_reason_and_it_is_kept_with_its_history(client, case, owner, twice):
    _, again, _ = twice
    client.force_login(owner)
    url = reverse("incidents:incident_withdraw", args=[case.pk, again.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Why are you withdrawing it?" in page.content.decode()
    response = client.post(url, {"reason": "I logged this twice."})
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:incident_detail", args=[case.pk, again.pk])
    again.refresh_from_db()
    assert (again.is_withdrawn, again.withdrawn_reason, again.withdrawn_by) == (True, "I logged this twice.", owner)
    assert IncidentRevision.objects.filter(incident=again).count() == 1  # nothing deleted
    event = AuditEvent.objects.get(action="incident.withdraw")
    assert (event.actor_id, event.target_id, event.details) == (owner.pk, again.pk, {"reason": "I logged this twice."})
    detail = client.get(response["Location"]).content.decode()
    assert "I logged this twice." in detail
    assert "Change this record" not in detail


def test_a_reason_is_required(client, case, owner, twice):
    client.force_login(owner)
    response = client.post(reverse("incidents:incident_withdraw", args=[case.pk, twice[1].pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "Say why, in a few words." in response.content.decode()
    assert not Incident.objects.get(pk=twice[1].pk).is_withdrawn
    with pytest.raises(ValidationError) as error:
        incident_services.incident_withdraw(user=owner, incident=twice[1], reason="")
    assert error.value.message_dict == {"reason": ["Say why this incident is being withdrawn."]}


def test_an_incident_cannot_be_withdrawn_twice(client, case, owner, twice):
    incident_services.incident_withdraw(user=owner, incident=twice[1], reason="Duplicate")
    with pytest.raises(ValidationError) as error:
        incident_services.incident_withdraw(user=owner, incident=twice[1], reason="Again")
    assert error.value.messages == ["This incident was already withdrawn."]
    client.force_login(owner)
    response = client.post(reverse("incidents:incident_withdraw", args=[case.pk, twice[1].pk]), {"reason": "Again"})
    assert response.status_code == 400
    assert "This incident was already withdrawn." in response.content.decode()
    assert Incident.objects.get(pk=twice[1].pk).withdrawn_reason == "Duplicate"
    assert AuditEvent.objects.filter(action="incident.withdraw").count() == 1


@pytest.mark.parametrize(("role", "status"), [("editor", 302), ("advocate", 403), ("viewer", 403)])
def test_the_page_follows_the_role_table(client, case, twice, role, status, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("incidents:incident_withdraw", args=[case.pk, twice[1].pk]), {"reason": "Twice"})
    assert response.status_code == status
    assert Incident.objects.get(pk=twice[1].pk).is_withdrawn is (status == 302)


def test_a_withdrawn_incident_cannot_be_changed(client, case, owner, twice):
    incident_services.incident_withdraw(user=owner, incident=twice[1], reason="Duplicate")
    with pytest.raises(ValidationError) as error:
        incident_services.incident_edit(user=owner, incident=twice[1], narrative="Changed after all.")
    assert error.value.messages == ["This incident was withdrawn, so it can no longer be changed."]
    client.force_login(owner)
    response = client.get(reverse("incidents:incident_edit", args=[case.pk, twice[1].pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:incident_detail", args=[case.pk, twice[1].pk])
    assert "This incident was withdrawn, so it can no longer be changed." in response.content.decode()
    patch = _api(owner).patch(
        f"/api/v1/cases/{case.pk}/incidents/{twice[1].pk}/", {"narrative": "Changed"}, format="json"
    )
    assert patch.status_code == 409
    assert patch.json() == {"non_field_errors": ["This incident was withdrawn, so it can no longer be changed."]}
    assert Incident.objects.get(pk=twice[1].pk).revision_count == 1


# Gone from every count ----------------------------------------------------------------------------


def test_withdrawn_incident_leaves_the_timeline_unless_asked_for_marked_with_its_reason(client, case, owner, twice):
    incident_services.incident_withdraw(user=owner, incident=twice[1], reason="I logged this twice.")
    client.force_login(owner)
    url = reverse("incidents:timeline", args=[case.pk])
    default = client.get(url)
    assert [e.title for e in default.context["page"].object_list] == ["Forum post about us", "Council letter"]
    assert "2 incidents" in default.content.decode()
    assert "Forum post again" not in default.content.decode()
    shown = client.get(url, {"include_withdrawn": "1"})
    page = flat(shown.content.decode())
    assert [e.title for e in shown.context["page"].object_list] == [
        "Forum post about us",
        "Forum post again",
        "Council letter",
    ]
    assert "Withdrawn:</strong> I logged this twice." in page
    assert page.count("Withdrawn:") == 1
    # A search leaves it out too.
    assert [e.title for e in client.get(url, {"q": "forum"}).context["page"].object_list] == ["Forum post about us"]


def test_withdrawn_incident_leaves_the_dashboard_and_summary_counts_and_the_chart(client, case, owner, twice):
    incident_services.incident_withdraw(user=owner, incident=twice[2], reason="Wrong case")  # the April letter
    incident_services.incident_withdraw(user=owner, incident=twice[1], reason="Twice")
    client.force_login(owner)
    mine = client.get(reverse("home")).context["cases"]
    assert [(c.incident_count, c.latest_incident_title) for c in mine] == [(1, "Forum post about us")]
    assert mine[0].latest_incident_at == _at(2026, 3, 2)
    summary = case_queries.case_summary(case)
    assert (summary.total, summary.counts_by_kind) == (1, [("online_post", "Online post", 1)])
    assert [(m.month, m.total) for m in summary.months] == [(dt.date(2026, 3, 1), 1)]  # April has gone
    svg = str(charts.monthly_chart(summary))
    assert "Mar 2026: 1 × Online post" in svg
    assert "Apr" not in svg and "Letter from an agency" not in svg


def test_withdrawn_incident_is_no_part_of_a_course_of_conduct(client, case, owner):
    suspect = party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")
    log_incident(case, owner, title="First post", parties=[suspect])
    duplicate = log_incident(case, owner, title="First post again", parties=[suspect])
    client.force_login(owner)
    url = reverse("incidents:party_detail", args=[case.pk, suspect.pk])
    assert "Course of conduct: 2 incidents." in client.get(url).content.decode()
    incident_services.incident_withdraw(user=owner, incident=duplicate, reason="Twice")
    page = client.get(url).content.decode()
    assert "Course of conduct" not in page
    assert "First post again" not in page
    assert [(p.name, p.incident_count) for p in case_queries.case_summary(case).suspects] == [("troll99", 1)]


# The dossier -------------------------------------------------------------------------------------


def test_dossier_leaves_it_out_of_the_chronology_and_lists_it_as_withdrawn(case, owner, editor, twice, tmp_path):
    incident_services.incident_withdraw(user=editor, incident=twice[1], reason="I logged this twice.")
    withdrawn_at = Incident.objects.get(pk=twice[1].pk).withdrawn_at.astimezone(LONDON)
    text = flat(pdf_text(pdf_path(compile_now(case, owner), tmp_path)))
    # The cover, the summary and the chronology come before the index of people.
    before_index = text.split("Index of people and organisations", 1)[0]
    assert "1. Mon 2 Mar 2026, 12:00 GMT — Forum post about us" in before_index
    assert "2. Thu 9 Apr 2026, 12:00 BST — Council letter" in before_index
    assert "Incidents: 2" in before_index
    assert "Forum post again" not in before_index
    record = text.rsplit("Statement of record", 1)[1]
    assert "Forum post again" not in record.split("Withdrawn incidents", 1)[0]  # not logged-and-changed either
    withdrawn = record.split("Withdrawn incidents", 1)[1]
    assert (
        f"W1 Tue 3 Mar 2026, 12:00 GMT Forum post again Withdrawn {withdrawn_at:%-d %b %Y %H:%M} GMT by Sam Jones "
        "Reason: I logged this twice."
    ) in withdrawn


def test_dossier_says_when_nothing_was_withdrawn(case, owner, tmp_path):
    log_incident(case, owner, title="Only one")
    text = flat(pdf_text(pdf_path(compile_now(case, owner), tmp_path)))
    assert "Withdrawn incidents No incident in this period was withdrawn." in text


# The API -----------------------------------------------------------------------------------------


def test_api_withdraws_and_lists_withdrawn_only_when_asked(case, owner, twice):
    client = _api(owner)
    base = f"/api/v1/cases/{case.pk}/incidents/"
    response = client.post(f"{base}{twice[1].pk}/withdraw/", {"reason": "Logged twice"}, format="json")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["withdrawn_reason"]) == (twice[1].pk, "Logged twice")
    assert response.json()["withdrawn_at"] is not None
    assert [i["title"] for i in client.get(base).json()["results"]] == ["Forum post about us", "Council letter"]
    listed = client.get(base, {"include_withdrawn": "true"}).json()["results"]
    assert [(i["title"], i["withdrawn_reason"]) for i in listed] == [
        ("Forum post about us", ""),
        ("Forum post again", "Logged twice"),
        ("Council letter", ""),
    ]
    assert client.get(f"{base}{twice[1].pk}/").json()["withdrawn_reason"] == "Logged twice"


def test_api_withdraw_refusals(case, owner, viewer, advocate, outsider, twice):
    base = f"/api/v1/cases/{case.pk}/incidents/"
    client = _api(owner)
    assert client.post(f"{base}{twice[1].pk}/withdraw/", {}, format="json").json() == {
        "reason": ["This field is required."]
    }
    client.post(f"{base}{twice[1].pk}/withdraw/", {"reason": "Twice"}, format="json")
    again = client.post(f"{base}{twice[1].pk}/withdraw/", {"reason": "Again"}, format="json")
    assert (again.status_code, again.json()) == (409, {"non_field_errors": ["This incident was already withdrawn."]})
    for user in (viewer, advocate):
        refused = _api(user).post(f"{base}{twice[0].pk}/withdraw/", {"reason": "x"}, format="json")
        assert refused.status_code == 403
    assert _api(outsider).post(f"{base}{twice[0].pk}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    other = log_incident(make_case(outsider, title="Theirs"), outsider)
    assert client.post(f"{base}{other.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    assert not Incident.objects.get(pk=twice[0].pk).is_withdrawn


def test_api_schema_documents_the_withdraw_action_and_its_refusals(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/cases/{case_id}/incidents/{id}/withdraw/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"])
    assert "already withdrawn" in operation["responses"]["409"]["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][body]["required"] == ["reason"]
    listing = schema["paths"]["/api/v1/cases/{case_id}/incidents/"]["get"]
    assert "include_withdrawn" in [p["name"] for p in listing["parameters"]]
