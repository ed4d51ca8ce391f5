"""A party's role in an incident: chosen on the form (the usual one by kind of incident and of party when it is
not), stored, and shown as chosen on the incident page and the timeline."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents import rules
from incidents.models import Incident, IncidentParty
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from tests.factories import log_incident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("incident_kind", "party_kind", "expected"),
    [
        # An agency that came, called or wrote did not receive a report in that incident.
        ("agency_visit", "social_services", "involved"),
        ("agency_call", "social_services", "involved"),
        ("agency_letter", "social_services", "involved"),
        ("agency_visit", "nspcc", "involved"),
        ("agency_letter", "police", "involved"),
        ("police_contact", "police", "involved"),
        # A false referral is received by the agency it was made to.
        ("referral_social_services", "social_services", "reported_to"),
        ("referral_nspcc", "nspcc", "reported_to"),
        ("online_post", "police", "reported_to"),
        ("police_contact", "social_services", "reported_to"),
        # The kind of party alone.
        ("agency_visit", "suspect", "suspected"),
        ("online_post", "suspect", "suspected"),
        ("third_party", "employer", "contacted"),
        ("agency_visit", "school", "contacted"),
        ("doxing", "gp", "contacted"),
        ("other", "witness", "witness"),
        ("online_post", "platform", "involved"),
        ("direct_message", "other", "involved"),
    ],
)
def test_usual_role_by_kind_of_incident_and_of_party(incident_kind, party_kind, expected):
    assert rules.party_role_default(incident_kind, party_kind) == expected


def test_every_role_has_words_and_every_word_a_role():
    assert rules.PARTY_ROLE_LABELS == {
        "suspected": "Suspected of doing it",
        "reported_to": "Received the report",
        "contacted": "Was contacted about us",
        "witness": "Witness",
        "involved": "Involved",
    }
    assert set(rules.PARTY_ROLE_LABELS) == set(IncidentParty.Role.values)


@pytest.mark.parametrize(("role", "expected"), [("contacted", None), ("nonsense", "Choose one of the listed roles.")])
def test_role_problem(role, expected):
    assert rules.party_role_problem(role) == expected


@pytest.fixture
def council(case, owner):
    return party_services.party_create(user=owner, case=case, kind="social_services", name="Anytown Council")


def _post(client, case, **overrides):
    data = {
        "kind": "agency_visit",
        "occurred_at": "2026-09-10T09:42",
        "occurred_precision": "exact",
        "narrative": "Two social workers came to the house.",
        **overrides,
    }
    return client.post(reverse("incidents:incident_new", args=[case.pk]), data)


def _page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_role_chosen_on_the_form_is_stored_and_shown(client, case, owner, council):
    client.force_login(owner)
    response = _post(
        client, case, kind="referral_social_services", parties=[council.pk], **{f"role_{council.pk}": "contacted"}
    )
    assert response.status_code == 302
    incident = Incident.objects.get(case=case)
    assert incident.party_links.get().role == "contacted"
    detail = _page(client, "incidents:incident_detail", case.pk, incident.pk)
    assert "Anytown Council</a> · Social services department · was contacted about us</li>" in detail
    timeline = _page(client, "incidents:timeline", case.pk)
    assert f'people/{council.pk}/">Anytown Council</a> <span class="muted">(was contacted about us)</span>' in timeline
    assert "received the report" not in timeline.lower()


def test_agency_on_its_own_home_visit_is_not_said_to_have_received_the_report(client, case, owner, council):
    client.force_login(owner)
    assert _post(client, case, parties=[council.pk]).status_code == 302  # the role left on "the usual"
    incident = Incident.objects.get(case=case)
    assert incident.party_links.get().role == "involved"
    detail = _page(client, "incidents:incident_detail", case.pk, incident.pk)
    assert "Social services department · involved</li>" in detail
    assert "received the report" not in detail.lower()


def test_form_shows_a_role_select_beside_each_party(client, case, owner, council):
    client.force_login(owner)
    page = _page(client, "incidents:incident_new", case.pk)
    assert (
        f'<label for="id_role_{council.pk}"><span class="visually-hidden">Anytown Council: </span>Their part</label>'
        in page
    )
    assert f'<select name="role_{council.pk}" id="id_role_{council.pk}">' in page
    assert '<option value="" selected>The usual for this kind of incident</option>' in page
    assert '<option value="reported_to">Received the report</option>' in page


def test_edit_form_shows_the_stored_role_and_changes_it(client, case, owner, council):
    incident = log_incident(case, owner, kind="agency_letter", parties=[council])
    client.force_login(owner)
    url = reverse("incidents:incident_edit", args=[case.pk, incident.pk])
    page = client.get(url).content.decode()
    assert '<option value="involved" selected>Involved</option>' in page
    response = client.post(
        url,
        {
            "kind": "agency_letter",
            "occurred_at": incident.occurred_at.astimezone(case.zone).strftime("%Y-%m-%dT%H:%M"),
            "occurred_precision": "exact",
            "narrative": incident.narrative,
            "parties": [council.pk],
            f"role_{council.pk}": "witness",
        },
    )
    assert response.status_code == 302
    assert incident.party_links.get().role == "witness"
    assert incident.revisions.count() == 2
    assert incident.revisions.get(number=2).data["parties"] == [[council.pk, "Anytown Council", "witness"]]


def test_a_role_for_a_party_not_ticked_links_nothing(client, case, owner, council):
    client.force_login(owner)
    assert _post(client, case, **{f"role_{council.pk}": "witness"}).status_code == 302
    assert not IncidentParty.objects.exists()


def test_an_unknown_role_is_refused_on_the_form(client, case, owner, council):
    client.force_login(owner)
    response = _post(client, case, parties=[council.pk], **{f"role_{council.pk}": "boss"})
    assert response.status_code == 400
    assert "Select a valid choice" in " ".join(response.context["form"].errors[f"role_{council.pk}"])
    assert not Incident.objects.exists()


def test_the_service_refuses_an_unknown_role(case, owner, council):
    with pytest.raises(ValidationError) as error:
        log_incident(case, owner, parties=[council], party_roles={council.pk: "boss"})
    assert error.value.message_dict == {"parties": ["Choose one of the listed roles."]}
    assert not Incident.objects.exists()


def test_a_chosen_role_is_kept_when_the_parties_are_saved_again_without_one(case, owner, council):
    incident = log_incident(case, owner, kind="agency_visit", parties=[council], party_roles={council.pk: "witness"})
    incident_services.incident_edit(user=owner, incident=incident, parties=[council], narrative="Changed.")
    assert incident.party_links.get().role == "witness"
