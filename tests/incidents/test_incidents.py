"""Logging, changing and reading incidents, parties and references; bad input refused with a message."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import AgencyReference, Incident, IncidentRevision, Party
from incidents.queries import cases as case_queries
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from incidents.templatetags.casefile import in_case_zone, when
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _post_incident(client, case, **overrides):
    data = {
        "kind": "referral_social_services",
        "occurred_at": "2026-03-14T10:30",
        "occurred_precision": "exact",
        "narrative": "A social worker phoned: an anonymous referral said the baby was neglected.",
        **overrides,
    }
    return client.post(reverse("incidents:incident_new", args=[case.pk]), data)


def test_parent_logs_an_incident_with_three_fields(client, case, owner):
    client.force_login(owner)
    response = _post_incident(client, case)
    assert response.status_code == 302
    incident = Incident.objects.get(case=case)
    # The wall-clock time typed is read in the case's zone (GMT in March before the clocks change).
    assert incident.occurred_at == dt.datetime(2026, 3, 14, 10, 30, tzinfo=LONDON)
    assert incident.logged_by == owner
    assert incident.revisions.count() == 1


def test_form_defaults_when_to_now_in_the_case_zone(client, case, owner):
    client.force_login(owner)
    form = client.get(reverse("incidents:incident_new", args=[case.pk])).context["form"]
    expected = timezone.localtime(timezone.now(), LONDON).strftime("%Y-%m-%dT%H:")
    assert form.initial["occurred_at"].startswith(expected)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("occurred_at", (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), "in the future"),
        ("occurred_at", "1899-12-31T10:00", "after 1900"),
        ("occurred_at", "not a date", "Enter a valid date/time"),
        ("url", "http://exa mple..com/<script>", "full web address"),
        ("narrative", "   ", "Say what happened"),
        ("narrative", "x" * 20001, "at most 20000 characters"),
        ("title", "t" * 201, "at most 200 characters"),
        ("kind", "not_a_kind", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(client, case, owner, field, value, message):
    client.force_login(owner)
    response = _post_incident(client, case, **{field: value})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Incident.objects.exists()
    assert not Party.objects.exists()


def test_a_party_of_another_case_is_not_a_valid_choice(client, case, owner, outsider):
    other = make_case(outsider, title="Other")
    foreign = party_services.party_create(user=outsider, case=other, kind="suspect", name="Foreign")
    client.force_login(owner)
    response = _post_incident(client, case, parties=[foreign.pk], new_suspect="Would be created")
    assert response.status_code == 400
    assert "Select a valid choice" in " ".join(response.context["form"].errors["parties"])
    assert not Incident.objects.filter(case=case).exists()
    assert not Party.objects.filter(case=case).exists()  # the new suspect was not half-saved


def test_a_reference_of_another_case_is_not_a_valid_choice(client, case, owner, outsider):
    other = make_case(outsider, title="Other")
    foreign = reference_services.reference_create(user=outsider, case=other, kind="police", number="X1")
    client.force_login(owner)
    response = _post_incident(client, case, references=[foreign.pk])
    assert response.status_code == 400
    assert "references" in response.context["form"].errors


def test_service_refuses_cross_case_links_too(case, owner, outsider):
    other = make_case(outsider, title="Other")
    foreign = party_services.party_create(user=outsider, case=other, kind="suspect", name="Foreign")
    with pytest.raises(ValidationError, match="another case"):
        log_incident(case, owner, parties=[foreign])
    assert not Incident.objects.filter(case=case).exists()


def test_service_refuses_future_and_naive_dates(case, owner):
    with pytest.raises(ValidationError):
        log_incident(case, owner, occurred_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(ValidationError):
        log_incident(case, owner, occurred_at=dt.datetime(2026, 1, 1, 12, 0))


def test_editing_keeps_every_revision(client, case, owner, editor):
    incident = log_incident(case, owner, narrative="First account.")
    client.force_login(editor)
    url = reverse("incidents:incident_edit", args=[case.pk, incident.pk])
    response = client.post(
        url,
        {
            "kind": incident.kind,
            "occurred_at": timezone.localtime(incident.occurred_at, LONDON).strftime("%Y-%m-%dT%H:%M"),
            "occurred_precision": "day",
            "narrative": "Corrected account.",
            "tags": "school, forum",
        },
    )
    assert response.status_code == 302
    revisions = list(IncidentRevision.objects.filter(incident=incident).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].data["narrative"] == "First account."
    assert revisions[1].data["narrative"] == "Corrected account."
    assert revisions[1].data["tags"] == ["forum", "school"]
    assert revisions[1].edited_by == editor
    page = client.get(reverse("incidents:incident_detail", args=[case.pk, incident.pk])).content.decode()
    assert "First account." in page and "Version 2" in page


def test_saving_without_changes_adds_no_revision(case, owner):
    incident = log_incident(case, owner)
    incident_services.incident_edit(user=owner, incident=incident, narrative=incident.narrative)
    assert incident.revisions.count() == 1


def test_course_of_conduct_shows_from_two_incidents(client, case, owner):
    first = log_incident(case, owner, new_suspect="troll99")
    suspect = first.parties.get()
    client.force_login(owner)
    url = reverse("incidents:party_detail", args=[case.pk, suspect.pk])
    assert "Course of conduct" not in client.get(url).content.decode()
    log_incident(case, owner, parties=[suspect])
    page = client.get(url).content.decode()
    assert "Course of conduct: 2 incidents." in page


def test_party_page_lists_incidents_in_date_order(client, case, owner):
    suspect = party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")
    now = timezone.now()
    log_incident(case, owner, parties=[suspect], title="Later", occurred_at=now - dt.timedelta(days=1))
    log_incident(case, owner, parties=[suspect], title="Earlier", occurred_at=now - dt.timedelta(days=30))
    client.force_login(owner)
    response = client.get(reverse("incidents:party_detail", args=[case.pk, suspect.pk]))
    assert [i.title for i in response.context["incidents"]] == ["Earlier", "Later"]


def test_reference_shows_on_incident_and_summary(client, case, owner):
    police = party_services.party_create(user=owner, case=case, kind="police", name="Metropolitan Police")
    incident = log_incident(case, owner)
    reference_services.reference_create(
        user=owner,
        case=case,
        kind="police",
        number="CAD 1234/14MAR",
        agency=police,
        officer="PC Smith",
        incidents=[incident],
    )
    client.force_login(owner)
    detail = client.get(reverse("incidents:incident_detail", args=[case.pk, incident.pk])).content.decode()
    summary = client.get(reverse("incidents:case_summary", args=[case.pk])).content.decode()
    assert "CAD 1234/14MAR" in detail and "PC Smith" in detail
    assert "CAD 1234/14MAR" in summary


def test_reference_dates_must_make_sense(client, case, owner):
    client.force_login(owner)
    response = client.post(
        reverse("incidents:reference_new", args=[case.pk]),
        {"kind": "police", "number": "X", "status": "open", "opened_on": "2026-02-02", "closed_on": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "cannot close before it opened" in response.content.decode()
    assert not AgencyReference.objects.exists()


def test_timeline_filters(client, case, owner):
    suspect = party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")
    now = timezone.now()
    log_incident(
        case,
        owner,
        kind="online_post",
        title="Forum thread",
        tags=["forum"],
        parties=[suspect],
        narrative="A thread named our daughter's nursery.",
        occurred_at=now - dt.timedelta(days=40),
    )
    log_incident(
        case,
        owner,
        kind="police_contact",
        title="Police visit",
        narrative="Two officers came to the door after a welfare call.",
        occurred_at=now - dt.timedelta(days=2),
    )
    client.force_login(owner)
    url = reverse("incidents:timeline", args=[case.pk])

    def titles(**params):
        return [i.title for i in client.get(url, params).context["page"].object_list]

    assert titles() == ["Forum thread", "Police visit"]
    assert titles(kind="police_contact") == ["Police visit"]
    assert titles(party=suspect.pk) == ["Forum thread"]
    assert titles(tag="forum") == ["Forum thread"]
    assert titles(date_from=(now - dt.timedelta(days=10)).date().isoformat()) == ["Police visit"]
    assert titles(date_to=(now - dt.timedelta(days=10)).date().isoformat()) == ["Forum thread"]
    # Full-text search: stemming finds "officers" from "officer"; party names are searchable too.
    assert titles(q="officer") == ["Police visit"]
    assert titles(q="troll99") == ["Forum thread"]


def test_timeline_is_paginated(client, case, owner):
    from incidents.views.incidents import TIMELINE_PAGE_SIZE

    for n in range(TIMELINE_PAGE_SIZE + 3):
        log_incident(case, owner, title=f"n{n}", occurred_at=timezone.now() - dt.timedelta(hours=n + 1))
    client.force_login(owner)
    url = reverse("incidents:timeline", args=[case.pk])
    assert len(client.get(url).context["page"].object_list) == TIMELINE_PAGE_SIZE
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 3


def test_timeline_rows_show_when_kind_tags_people_and_references(client, case, owner):
    police = party_services.party_create(user=owner, case=case, kind="police", name="Anytown Police")
    suspect = party_services.party_create(user=owner, case=case, kind="suspect", name="troll<99>")
    reference = reference_services.reference_create(
        user=owner, case=case, kind="police", number="CR/1/26", agency=police
    )
    log_incident(
        case,
        owner,
        kind="online_post",
        title="",
        tags=["forum", "school"],
        parties=[suspect],
        references=[reference],
        narrative=" ".join(f"w{n}" for n in range(60)),
        occurred_at=dt.datetime(2026, 7, 10, 12, 0, tzinfo=dt.UTC),
    )
    log_incident(
        case,
        owner,
        title="Letter",
        occurred_at=dt.datetime(2026, 1, 20, 9, 0, tzinfo=LONDON),
        occurred_precision="approximate",
    )
    client.force_login(owner)
    page = client.get(reverse("incidents:timeline", args=[case.pk])).content.decode()
    # Grouped by month in date order; BST shown in summer; precision shapes the date.
    assert page.index("January 2026") < page.index("About 20 Jan 2026") < page.index("July 2026")
    assert "Fri 10 Jul 2026, 13:00 BST" in page
    # No title: the kind stands in. Tags, the suspect (escaped) with their role, the reference with its agency.
    assert ">Online post</a>" in page
    assert "#forum" in page and "#school" in page
    assert f'people/{suspect.pk}/">troll&lt;99&gt;</a> <span class="muted">(suspected of doing it)' in page
    assert "<strong>CR/1/26</strong> (Anytown Police)" in page
    # What happened, cut at 40 words.
    assert "w39 …" in page and "w40" not in page


def test_times_show_in_case_zone_with_gmt_or_bst(case, owner):
    winter = log_incident(case, owner, occurred_at=dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC))
    summer = log_incident(case, owner, occurred_at=dt.datetime(2026, 7, 10, 12, 0, tzinfo=dt.UTC))
    assert when(winter, case) == "Sat 10 Jan 2026, 12:00 GMT"
    assert when(summer, case) == "Fri 10 Jul 2026, 13:00 BST"
    assert in_case_zone(summer.occurred_at, case) == "Fri 10 Jul 2026, 13:00 BST"
    assert Incident.objects.get(pk=summer.pk).occurred_at.utcoffset() == dt.timedelta(0)  # stored in UTC


def test_precision_changes_how_the_date_reads(case, owner):
    incident = log_incident(
        case, owner, occurred_at=dt.datetime(2026, 5, 3, 9, 0, tzinfo=LONDON), occurred_precision="month"
    )
    assert when(incident, case) == "May 2026"


def test_case_lifecycle(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("incidents:case_new"),
        {"title": "Our family", "exhibit_prefix": "", "time_zone": "Europe/London", "nation": "wales"},
    )
    case = owner.memberships.get().case
    assert response.status_code == 302
    assert (case.exhibit_prefix, case.nation) == ("AJ", "wales")  # the letters from the owner's initials
    client.post(
        reverse("incidents:case_settings", args=[case.pk]),
        {"title": "Renamed", "exhibit_prefix": "ajx", "time_zone": "Europe/London", "nation": "scotland"},
    )
    client.post(reverse("incidents:case_status", args=[case.pk]), {"status": "closed"})
    case.refresh_from_db()
    assert (case.title, case.exhibit_prefix, case.nation, case.status) == ("Renamed", "AJX", "scotland", "closed")
    changed = AuditEvent.objects.filter(case_id=case.pk, action="case.update").get().details["changed"]
    assert changed == {
        "title": ["Our family", "Renamed"],
        "exhibit_prefix": ["AJ", "AJX"],
        "nation": ["wales", "scotland"],
    }
    bad = {"title": "Renamed", "exhibit_prefix": "AJX", "time_zone": "Europe/London", "nation": "france"}
    response = client.post(reverse("incidents:case_settings", args=[case.pk]), bad)
    assert response.status_code == 400
    assert "Select a valid choice. france is not one of the available choices." in response.content.decode()
    client.post(reverse("incidents:case_status", args=[case.pk]), {"status": "open"})
    case.refresh_from_db()
    assert case.status == "open" and case.closed_at is None


def test_children_are_listed_with_initials(client, case, owner):
    client.force_login(owner)
    client.post(reverse("incidents:child_add", args=[case.pk]), {"name": "Ella May Jones", "initials": ""})
    assert list(case.children.values_list("name", "initials")) == [("Ella May Jones", "EMJ")]


def test_dashboard_shows_counts_and_latest_incident(client, case, owner):
    log_incident(case, owner, title="Older", occurred_at=timezone.now() - dt.timedelta(days=9))
    log_incident(case, owner, title="Newest", occurred_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(owner)
    [row] = client.get(reverse("home")).context["cases"]
    assert (row.incident_count, row.latest_incident_title, row.my_role) == (2, "Newest", "owner")


def test_summary_chart_counts_per_month_by_kind(client, case, owner):
    log_incident(case, owner, kind="online_post", occurred_at=dt.datetime(2026, 1, 5, tzinfo=LONDON))
    log_incident(case, owner, kind="online_post", occurred_at=dt.datetime(2026, 3, 5, tzinfo=LONDON))
    log_incident(case, owner, kind="police_contact", occurred_at=dt.datetime(2026, 3, 6, tzinfo=LONDON))
    client.force_login(owner)
    response = client.get(reverse("incidents:case_summary", args=[case.pk]))
    months = response.context["summary"].months
    assert [(m.month, m.total) for m in months] == [
        (dt.date(2026, 1, 1), 1),
        (dt.date(2026, 2, 1), 0),
        (dt.date(2026, 3, 1), 2),
    ]
    assert months[2].counts == {"online_post": 1, "police_contact": 1}
    svg = str(response.context["chart"])
    assert svg.startswith("<svg") and "<title" in svg and "Police contact" in svg


def test_chart_shows_the_months_totals_and_kinds_and_nothing_a_user_typed(case, owner):
    from xml.etree import ElementTree

    from incidents import charts

    for day, kind in [(5, "online_post"), (20, "online_post")]:
        log_incident(case, owner, kind=kind, occurred_at=dt.datetime(2026, 1, day, 12, tzinfo=LONDON))
    for day, kind in [(2, "police_contact"), (3, "police_contact"), (4, "online_post"), (9, "police_contact")]:
        log_incident(
            case,
            owner,
            kind=kind,
            title='<script>alert(1)</script> <b onmouseover="x">',
            narrative="<img src=x onerror=alert(1)> &amp;",
            occurred_at=dt.datetime(2026, 3, day, 12, tzinfo=LONDON),
        )
    svg = ElementTree.fromstring(str(charts.monthly_chart(case_queries.case_summary(case))))  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    # The axis (peak, 0), each bar's total (none for the empty February), each month, then the legend, by kind.
    assert [t.text for t in svg.iter(f"{ns}text")] == [
        "4",
        "0",
        "2",
        "Jan 26",
        "Feb 26",
        "4",
        "Mar 26",
        "Police contact",
        "Online post",
    ]
    assert [t.text for t in svg.iter(f"{ns}title")] == [
        "Incidents per month, by kind",
        "Jan 2026: 2 × Online post",
        "Mar 2026: 3 × Police contact",
        "Mar 2026: 1 × Online post",
    ]
    assert [e.tag.removeprefix(ns) for e in svg.iter()].count("script") == 0
    assert "alert" not in str(charts.monthly_chart(case_queries.case_summary(case)))


def test_a_search_matching_very_many_says_more_than_the_cap(client, case, owner, monkeypatch):
    from incidents.views import incidents as views

    # A lower cap, not a double of anything outside: 5 incidents pass it where the real cap needs thousands.
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 3)
    for n in range(5):
        log_incident(
            case,
            owner,
            title=f"n{n}",
            narrative="The nursery was named again.",
            occurred_at=timezone.now() - dt.timedelta(hours=n + 1),
        )
    client.force_login(owner)
    url = reverse("incidents:timeline", args=[case.pk])
    searched = client.get(url, {"q": "nursery"}).content.decode()
    assert "More than 3 incidents match" in searched
    assert "5 incidents" in client.get(url).content.decode()  # no search: the exact count


def test_timeline_links_built_from_case_path_match_the_urlconf(client, case, owner):
    incident = log_incident(case, owner, new_suspect="troll99")
    party = incident.parties.get()
    client.force_login(owner)
    page = client.get(reverse("incidents:timeline", args=[case.pk])).content.decode()
    assert f'href="{reverse("incidents:incident_detail", args=[case.pk, incident.pk])}"' in page
    assert f'href="{reverse("incidents:party_detail", args=[case.pk, party.pk])}"' in page


def test_dashboard_shows_what_others_did_since_my_last_visit(client, case, owner, advocate):

    client.force_login(advocate)
    client.get(reverse("incidents:timeline", args=[case.pk]))  # the advocate's visit
    log_incident(case, owner)
    log_incident(case, owner)
    reference_services.reference_create(user=owner, case=case, kind="police", number="CR1")
    [row] = client.get(reverse("home")).context["cases"]
    assert (row.new_since_visit, row.open_reference_count, row.dossier_count) == (3, 1, 0)
    client.get(reverse("incidents:timeline", args=[case.pk]))
    [row] = client.get(reverse("home")).context["cases"]
    assert row.new_since_visit == 0


def test_owners_and_advocates_are_asked_to_turn_on_two_step(client, case, owner, viewer):
    client.force_login(owner)
    assert "Protect these records" in client.get(reverse("home")).content.decode()
    client.force_login(viewer)
    assert "Protect these records" not in client.get(reverse("home")).content.decode()
