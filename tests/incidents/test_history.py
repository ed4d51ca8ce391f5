"""An incident's history as a person reads it: each version as it was typed, with the form's questions, the
case's time with GMT/BST at the precision chosen, what changed highlighted, who changed it and why."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents.models import Incident, IncidentRevision
from incidents.pages import history_when
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from tests.factories import log_incident

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _form(**overrides) -> dict:
    return {
        "kind": "third_party",
        "occurred_at": "2026-09-10T09:42",
        "occurred_precision": "exact",
        "narrative": "A man phoned my employer.",
        "platform": "Phone call to the office",
        "url": "https://example.org/post/1",
        **overrides,
    }


def _detail(client, incident) -> str:
    response = client.get(reverse("incidents:incident_detail", args=[incident.case_id, incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _history(page: str) -> str:
    return page[page.index('<h2 id="history">') :]


def _version(page: str, number: int) -> str:
    """The HTML of one version of the history."""
    history = _history(page)
    start = history.index(f"<summary>Version {number} of ")
    end = history.find("<summary>Version ", start + 1)
    return history[start : end if end != -1 else None]


@pytest.fixture
def logged_and_changed(client, case, owner, editor):
    client.force_login(owner)
    response = client.post(reverse("incidents:incident_new", args=[case.pk]), _form())
    assert response.status_code == 302
    incident = Incident.objects.get(case=case)
    client.force_login(editor)
    response = client.post(
        reverse("incidents:incident_edit", args=[case.pk, incident.pk]),
        _form(
            occurred_precision="month",
            narrative="A man phoned my manager at work.",
            reason="I found the letter: it only gives the month.",
        ),
    )
    assert response.status_code == 302
    return incident


def test_history_shows_the_time_typed_in_summer_in_bst_written_out(client, logged_and_changed):
    page = _detail(client, logged_and_changed)
    first = _version(page, 1)
    assert "<dd>10 September 2026, 09:42 BST</dd>" in first.replace('<dd class="prose">', "<dd>")
    # Never the stored UTC value.
    assert "08:42" not in page and "2026-09-10T" not in page


def test_history_shows_month_precision_as_the_month(client, logged_and_changed):
    second = _version(_detail(client, logged_and_changed), 2)
    assert "<mark>September 2026</mark>" in second
    assert "<mark>The month only</mark>" in second


def test_history_uses_the_forms_questions_and_the_kinds_names(client, logged_and_changed):
    history = _history(_detail(client, logged_and_changed))
    assert "<dt>What kind of thing happened?</dt>" in history
    assert "Employer, brand or other third party contacted" in history
    assert "third_party" not in history
    assert "<dt>When?" in history and "<dt>What happened?" in history


def test_history_shows_where_and_the_link(client, logged_and_changed):
    first = _version(_detail(client, logged_and_changed), 1)
    assert "<dt>Where? Website, app or place</dt>" in first
    assert "Phone call to the office" in first
    assert "<dt>Link</dt>" in first and "https://example.org/post/1" in first


def test_history_numbers_versions_plainly_with_who_and_when(client, logged_and_changed):
    history = _history(_detail(client, logged_and_changed))
    revision = IncidentRevision.objects.get(incident=logged_and_changed, number=2)
    at = revision.edited_at.astimezone(LONDON)
    expected = f"Version 2 of 2, changed by Sam Jones on {at.day} {at:%B %Y, %H:%M} {at.tzname()}"
    assert f"<summary>{expected}</summary>" in history
    assert "<summary>Version 1 of 2, first written by Alex Jones on " in history
    # Newest first.
    assert history.index("Version 2 of 2") < history.index("Version 1 of 2")
    assert '<ol class="history">' in history  # no list numbers beside the version numbers


def test_history_marks_what_changed_from_the_version_before(client, logged_and_changed):
    page = _detail(client, logged_and_changed)
    second, first = _version(page, 2), _version(page, 1)
    assert '<dt>How sure are you of the time? <span class="badge">Changed</span></dt>' in second
    assert "<dt>What kind of thing happened?</dt>" in second  # unchanged: no badge
    assert "What changed: When?, How sure are you of the time?, What happened?" in second
    # The long text, word by word.
    assert '<del><span class="visually-hidden">removed: </span>employer.</del>' in second
    assert '<ins><span class="visually-hidden">added: </span>manager at work.</ins>' in second
    # The first version has nothing to compare with.
    assert "Changed" not in first and "<mark>" not in first


def test_history_shows_the_reason_for_a_change(client, logged_and_changed):
    second = _version(_detail(client, logged_and_changed), 2)
    assert "<strong>Why it was changed:</strong> I found the letter: it only gives the month." in second
    revision = IncidentRevision.objects.get(incident=logged_and_changed, number=2)
    assert revision.reason == "I found the letter: it only gives the month."


def test_edit_form_asks_why_and_the_new_form_does_not(client, case, owner):
    incident = log_incident(case, owner)
    client.force_login(owner)
    edit = client.get(reverse("incidents:incident_edit", args=[case.pk, incident.pk])).content.decode()
    assert "Why are you changing this? (optional)" in edit
    new = client.get(reverse("incidents:incident_new", args=[case.pk])).content.decode()
    assert "Why are you changing this?" not in new


def test_a_reason_over_300_characters_is_refused(client, case, owner):
    incident = log_incident(case, owner, narrative="First.")
    client.force_login(owner)
    response = client.post(
        reverse("incidents:incident_edit", args=[case.pk, incident.pk]),
        _form(narrative="Second.", reason="x" * 301),
    )
    assert response.status_code == 400
    assert "at most 300 characters" in " ".join(response.context["form"].errors["reason"])
    assert incident.revisions.count() == 1


def test_history_shows_parties_by_name_and_role(client, case, owner):
    council = party_services.party_create(user=owner, case=case, kind="social_services", name="Anytown Council")
    incident = log_incident(
        case, owner, kind="agency_visit", parties=[council], occurred_at=dt.datetime(2026, 9, 10, 9, 42, tzinfo=LONDON)
    )
    incident_services.incident_edit(
        user=owner, incident=incident, parties=[council], party_roles={council.pk: "contacted"}
    )
    client.force_login(owner)
    page = _detail(client, incident)
    assert "<mark>Anytown Council (was contacted about us)</mark>" in _version(page, 2)
    assert "Anytown Council (involved)" in _version(page, 1)


def test_history_escapes_what_was_typed(client, case, owner):
    incident = log_incident(case, owner, narrative="Said <b>nothing</b>.")
    incident_services.incident_edit(user=owner, incident=incident, narrative="Said <script>x</script> again.")
    client.force_login(owner)
    history = _history(_detail(client, incident))
    assert "<script>x" not in history and "&lt;script&gt;x&lt;/script&gt;" in history
    assert "<b>nothing" not in history


def test_an_emptied_field_shows_as_left_empty(client, case, owner):
    incident = log_incident(case, owner, title="The first call")
    incident_services.incident_edit(user=owner, incident=incident, title="")
    client.force_login(owner)
    second = _version(_detail(client, incident), 2)
    assert re.search(
        r'<dt>Short title <span class="badge">Changed</span></dt>\s*<dd class="muted">Left empty</dd>', second
    )


@pytest.mark.parametrize(
    ("at", "precision", "expected"),
    [
        (dt.datetime(2026, 9, 10, 8, 42, tzinfo=dt.UTC), "exact", "10 September 2026, 09:42 BST"),
        (dt.datetime(2026, 1, 5, 8, 42, tzinfo=dt.UTC), "exact", "5 January 2026, 08:42 GMT"),
        (dt.datetime(2026, 9, 10, 8, 42, tzinfo=dt.UTC), "day", "10 September 2026"),
        (dt.datetime(2026, 9, 10, 8, 42, tzinfo=dt.UTC), "month", "September 2026"),
        (dt.datetime(2026, 9, 10, 8, 42, tzinfo=dt.UTC), "approximate", "Around 10 September 2026"),
        # Late on the last evening of a month in UTC is already the next month in London.
        (dt.datetime(2026, 8, 31, 23, 30, tzinfo=dt.UTC), "month", "September 2026"),
    ],
)
def test_when_reads_as_precisely_as_it_was_given(at, precision, expected):
    assert history_when(at, precision, LONDON) == expected


def test_a_reason_with_no_change_is_refused_not_dropped(client, case, owner):
    """A reason is kept with the version it explains; with nothing changed it would be lost, so it is refused."""
    incident = log_incident(case, owner, narrative="First.")
    with pytest.raises(ValidationError) as refused:
        incident_services.incident_edit(user=owner, incident=incident, reason="Only a reason.")
    assert refused.value.message_dict["reason"] == [
        "Nothing in the record was changed, so the reason was not kept. Change the record, or leave the reason empty."
    ]
    assert incident.revisions.count() == 1
