"""Who may do what in a case: every page and action, for every role, and for an outsider."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from incidents import access
from incidents.models import Membership, Role
from incidents.services import cases as case_services
from incidents.services import references as reference_services
from incidents.services import sharing as sharing_services
from tests.factories import log_incident
from tests.security.test_role_table import TABLE

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
ROLES = ["owner", "editor", "advocate", "viewer", "outsider"]

# (url name, needs incident/party/reference ids, method, what the page needs)
PAGES = [
    ("incidents:case_summary", "GET", access.VIEW),
    ("incidents:timeline", "GET", access.VIEW),
    ("incidents:party_list", "GET", access.VIEW),
    ("incidents:party_detail", "GET", access.VIEW),
    ("incidents:reference_list", "GET", access.VIEW),
    ("incidents:incident_detail", "GET", access.VIEW),
    ("incidents:activity", "GET", access.VIEW),
    ("incidents:incident_new", "GET", access.EDIT),
    ("incidents:incident_edit", "GET", access.EDIT),
    ("incidents:party_new", "GET", access.EDIT),
    ("incidents:party_edit", "GET", access.EDIT),
    ("incidents:reference_new", "GET", access.EDIT),
    ("incidents:reference_edit", "GET", access.EDIT),
    ("incidents:case_settings", "GET", access.MANAGE),
    ("incidents:incident_new", "POST", access.EDIT),
    ("incidents:incident_edit", "POST", access.EDIT),
    ("incidents:party_new", "POST", access.EDIT),
    ("incidents:party_edit", "POST", access.EDIT),
    ("incidents:reference_new", "POST", access.EDIT),
    ("incidents:reference_edit", "POST", access.EDIT),
    ("incidents:case_settings", "POST", access.MANAGE),
    ("incidents:case_status", "POST", access.MANAGE),
    ("incidents:child_add", "POST", access.MANAGE),
    ("incidents:child_remove", "POST", access.MANAGE),
]


@pytest.fixture
def world(case, owner, editor, advocate, viewer, outsider):

    incident = log_incident(case, owner, new_suspect="troll99")
    party = incident.parties.get()
    reference = reference_services.reference_create(user=owner, case=case, kind="police", number="CR/1/2026")
    child = case_services.child_add(user=owner, case=case, name="Ella Jones")
    people = {"owner": owner, "editor": editor, "advocate": advocate, "viewer": viewer, "outsider": outsider}
    ids = {
        "incident_id": incident.pk,
        "party_id": party.pk,
        "reference_id": reference.pk,
        "child_id": child.pk,
    }
    return case, people, ids


def _url(name: str, case, ids) -> str:
    wanted = {"case_id": case.pk}
    for key in ("incident_id", "party_id", "reference_id", "child_id"):
        try:
            return reverse(name, kwargs={**wanted, key: ids[key]})
        except Exception:  # noqa: BLE001 - try the next id kind
            continue
    return reverse(name, kwargs=wanted)


def _expected(role: str, action: str) -> int:
    if role == "outsider":
        return NOT_FOUND
    return OK if TABLE[role][action] else FORBIDDEN  # the written-out table, not the code under test


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "action"), PAGES)
def test_role_matrix(client, world, role, name, method, action):
    case, people, ids = world
    client.force_login(people[role])
    url = _url(name, case, ids)
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = _expected(role, action)
    if expected == OK and method == "POST":
        # Allowed: an empty form is refused with messages (400) or an action redirects; never 403/404.
        assert response.status_code in (302, 400), (url, response.status_code)
    else:
        assert response.status_code == expected, (role, url, response.status_code)


def test_outsider_gets_404_for_a_case_id_that_does_not_exist_either(client, outsider, world):
    case, _, _ = world
    client.force_login(outsider)
    real = client.get(reverse("incidents:case_summary", args=[case.pk]))
    missing = client.get(reverse("incidents:case_summary", args=[case.pk + 1000]))
    assert real.status_code == missing.status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, world):
    case, _, _ = world
    response = client.get(reverse("incidents:timeline", args=[case.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_revoked_member_gets_404(client, world):

    case, people, _ = world
    membership = Membership.objects.get(case=case, user=people["advocate"], revoked_at__isnull=True)
    sharing_services.membership_revoke(membership=membership, revoked_by=people["owner"])
    client.force_login(people["advocate"])
    assert client.get(reverse("incidents:case_summary", args=[case.pk])).status_code == 404


def test_object_of_another_case_is_404_even_for_a_member(client, world, outsider):
    from tests.factories import make_case

    case, people, _ = world
    other = make_case(outsider, title="Other family")
    other_incident = log_incident(other, outsider)
    client.force_login(people["owner"])
    url = reverse("incidents:incident_detail", args=[case.pk, other_incident.pk])
    assert client.get(url).status_code == 404


def test_editor_cannot_change_case_settings_and_is_told_why(client, world):
    case, people, _ = world
    client.force_login(people["editor"])
    response = client.get(reverse("incidents:case_settings", args=[case.pk]))
    assert response.status_code == 403
    assert "Only the case owner" in response.content.decode()


def test_viewing_a_case_page_is_recorded(client, world):
    case, people, _ = world
    client.force_login(people["viewer"])
    client.get(reverse("incidents:timeline", args=[case.pk]))
    event = AuditEvent.objects.filter(case_id=case.pk).latest("sequence")
    assert (event.action, event.actor_id, event.details) == ("view", people["viewer"].pk, {"page": "timeline"})


def test_dashboard_lists_only_my_cases(client, world, outsider):
    from tests.factories import make_case

    case, people, _ = world
    make_case(outsider, title="Someone else's case")
    client.force_login(people["advocate"])
    content = client.get(reverse("home")).content.decode()
    assert case.title in content
    assert "Someone else" not in content


def test_role_table_is_what_the_design_says():
    assert access.can(Role.OWNER, access.SHARE)
    assert access.can(Role.EDITOR, access.EDIT) and not access.can(Role.EDITOR, access.MANAGE)
    assert access.can(Role.ADVOCATE, access.EXPORT) and not access.can(Role.ADVOCATE, access.EDIT)
    assert access.can(Role.VIEWER, access.VIEW) and not access.can(Role.VIEWER, access.COMMENT)


def test_the_gate_records_nothing_and_each_page_read_records_itself_once(client, world):
    case, people, _ = world
    owner = people["owner"]
    before = AuditEvent.objects.filter(case_id=case.pk).count()
    access.require(owner, case.pk, access.MANAGE)
    assert AuditEvent.objects.filter(case_id=case.pk).count() == before
    client.force_login(owner)
    assert client.get(reverse("incidents:reference_list", args=[case.pk])).status_code == 200
    views = AuditEvent.objects.filter(case_id=case.pk, actor_id=owner.pk, action="view")
    assert list(views.values_list("details", flat=True)) == [{"page": "references"}]
    # A write is not a read: posting a new reference records the reference, not a page view.
    client.post(
        reverse("incidents:reference_new", args=[case.pk]), {"kind": "police", "number": "X1", "status": "open"}
    )
    assert views.count() == 1
