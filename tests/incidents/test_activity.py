"""The activity page: who did what, in words, to what; looks at a page folded into one row a day; filters by
person and kind of action; the CSV export for an advocate; in a fixed number of queries."""

import csv
import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.actions import GROUPS, PAGES, Action, describe, describe_views
from audit.models import AuditEvent, ChainHead, case_chain
from dossiers import services as dossier_services
from dossiers.models import Dossier
from incidents.models import Incident, Membership
from incidents.queries import activity as activity_queries
from incidents.services import cases as case_services
from incidents.services import comments as comment_services
from incidents.services import evidence as evidence_services
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from incidents.services import sharing as sharing_services
from tests.factories import UserFactory, log_incident, make_case, png_bytes, upload

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _activity(client, case, **params):
    response = client.get(reverse("incidents:activity", args=[case.pk]), params)
    assert response.status_code == 200
    return response


def _cells(response) -> list[list[str]]:
    """The table's rows, newest first, each [when, who, what], as the text shown."""
    content = response.content.decode()
    if "<tbody>" not in content:
        return []
    body = content.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [[_unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]


def _unescape(text: str) -> str:
    import html

    return html.unescape(text.strip())


def _who(response) -> list[str]:
    """The Who column, newest first."""
    return [row[1] for row in _cells(response)]


def _what(response) -> list[str]:
    """The What column, newest first."""
    return [row[2] for row in _cells(response)]


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
        # the case, two members added, this look at the page, and one folded row of looks at the
        # timeline for each of the three people (all on one day)
        assert len(who) == 3 + 1 + 3
        assert {"Alex Jones", "Sam Jones", "Priya Advocate"} <= set(who)
    assert counts[5] == counts[50], counts


# Every action in words, with its target -----------------------------------------------------------

CODE = re.compile(r"[A-Za-z0-9]+[._][A-Za-z0-9_]+")  # "evidence.attach", "download_pdf", "audit_log"


def _assert_words(sentence: str, member=None) -> None:
    assert sentence.strip(), member
    assert not CODE.search(sentence), (member, sentence)
    if member is not None:
        assert sentence != member.value, member


def test_every_action_is_said_in_words_with_or_without_its_details_or_target():
    coded = {"page": "audit_log", "role": "social_services", "mark": "AJ/3", "kind": "online_post"}
    for member in Action:
        _assert_words(describe(member.value, {}), member)
        _assert_words(describe(member.value, coded), member)
        _assert_words(describe(member.value, {}, "exhibit AJ/3: a screenshot"), member)
        _assert_words(describe(member.value, coded, "Sam Jones"), member)
    # An action nobody registered (an event older than the registry): general words, never the code.
    assert describe("old.thing", {"mark": "AJ/3"}) == "did something the activity log has no words for"
    assert describe("evidence.print") == "did something the activity log has no words for"


def test_every_page_is_named_in_words_and_an_unknown_page_is_not_shown_as_its_code():
    for page in PAGES:
        _assert_words(describe_views(page, 1))
        _assert_words(describe_views(page, 3, "troll99"))
    assert describe_views("audit_log", 2) == "looked at a page of the case twice"
    assert describe_views(None, 1) == "looked at a page of the case once"
    assert describe("view", {"page": "audit_log"}) == "looked at the case page"


def test_every_action_is_in_exactly_one_kind_of_action():
    from audit.actions import group_actions

    seen: dict[str, str] = {}
    for key, words, _ in GROUPS:
        _assert_words(words)
        for action in group_actions(key):
            assert action not in seen, (action, seen.get(action), key)
            seen[action] = key
    assert set(seen) == set(Action.values)
    assert [words for _, words, _ in GROUPS] == [
        "Incidents",
        "Exhibits",
        "People and references",
        "Dossiers and statements",
        "Letters and deadlines",
        "Sharing",
        "Looking at pages",
        "The case and accounts",
    ]


def test_every_dossier_audience_has_words():
    assert set(activity_queries.DOSSIER_AUDIENCES) == set(Dossier.Audience.values)


@pytest.fixture
def story(owner, editor):
    """A case where each kind of thing was done once, in this order."""
    case = make_case(owner, editor=editor)
    incident = log_incident(
        case, owner, title="Letter to my employer", occurred_at=dt.datetime(2026, 9, 10, 14, 5, tzinfo=dt.UTC)
    )
    incident_services.incident_edit(user=editor, incident=incident, narrative="They wrote to my manager.")
    exhibit = evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description="screenshot of the Mumsnet thread",
        uploaded_file=upload("s.png", png_bytes()),
        incidents=[incident],
    ).evidence
    reference_services.reference_create(user=owner, case=case, kind="social_services", number="HCC/CSC/2026/048213")
    party_services.party_create(user=owner, case=case, kind="suspect", name="troll99")
    comment_services.comment_add(user=editor, case=case, body="I have the letter.", incident=incident)
    comment_services.comment_add(user=editor, case=case, body="A general note.")
    child = case_services.child_add(user=owner, case=case, name="Ella Jones")
    case_services.child_remove(user=owner, child=child)
    dossier = dossier_services.dossier_request(user=owner, case=case, options={"audience": "police"})
    dossier_services.dossier_download_record(user=owner, dossier=dossier, what="pdf")
    dossier_services.dossier_download_record(user=owner, dossier=dossier, what="pack")
    evidence_services.evidence_access_record(user=editor, evidence=exhibit, action="download")
    return case, incident, exhibit, dossier


def test_each_event_says_what_was_done_to_what(client, owner, story):
    case, _, _, dossier = story
    client.force_login(owner)
    code = dossier.verification_code
    assert _what(_activity(client, case))[1:] == [
        "downloaded exhibit AJ/1: screenshot of the Mumsnet thread",
        f"downloaded the evidence pack of the dossier for the police ({code})",
        f"downloaded the dossier for the police ({code})",
        f"asked for the dossier for the police ({code})",
        "removed the child EJ",
        "added the child EJ",
        "added a comment on the case",
        'added a comment on the incident "Letter to my employer" (10 Sep 2026)',
        "added troll99 to the people and organisations",
        "added reference HCC/CSC/2026/048213",
        "added exhibit AJ/1: screenshot of the Mumsnet thread",
        'changed the incident "Letter to my employer" (10 Sep 2026)',
        'logged the incident "Letter to my employer" (10 Sep 2026)',
        "added Sam Jones as editor",
        "started the case",
    ]


def test_the_words_are_read_now_and_a_withdrawn_or_missing_target_still_reads(client, owner, story):
    case, incident, exhibit, _ = story
    incident_services.incident_edit(user=owner, incident=incident, title="Letter to my boss")
    Incident.objects.filter(pk=incident.pk).update(withdrawn_at=timezone.now(), withdrawn_reason="Duplicate")
    evidence_services.evidence_withdraw(user=owner, evidence=exhibit, reason="Wrong file")
    # An event about an exhibit that is not there (an old event, say) falls back to its details.
    audit.event_record(actor=owner, case_id=case.pk, action=Action.EVIDENCE_VIEW, details={"mark": "AJ/9"})
    client.force_login(owner)
    what = _what(_activity(client, case))
    assert what[1:4] == [
        "viewed exhibit AJ/9",
        "withdrew exhibit AJ/1: screenshot of the Mumsnet thread (withdrawn)",
        'changed the incident "Letter to my boss" (10 Sep 2026, withdrawn)',
    ]
    assert what[-3] == 'logged the incident "Letter to my boss" (10 Sep 2026, withdrawn)'


def test_an_unregistered_action_in_the_trail_is_never_shown_as_its_code(client, owner):
    case = make_case(owner)
    head = audit.event_record(actor=owner, case_id=case.pk, action=Action.CASE_UPDATE)
    AuditEvent.objects.create(  # written before the registry existed
        chain=case_chain(case.pk),
        sequence=head.sequence + 1,
        occurred_at=timezone.now(),
        actor_id=owner.pk,
        case_id=case.pk,
        action="case.archive_old",
        prev_hash=head.hash,
        hash="0" * 64,
    )
    ChainHead.objects.filter(chain=case_chain(case.pk)).update(sequence=head.sequence + 1, hash="0" * 64)
    client.force_login(owner)
    response = _activity(client, case)
    assert "case.archive_old" not in response.content.decode()
    assert "did something the activity log has no words for" in _what(response)


# Folding looks at a page ---------------------------------------------------------------------------


def _look(user, case, page: str, at: dt.datetime, target=None) -> None:
    audit.event_record(
        actor=user, case_id=case.pk, action="view", target=target, details={"page": page}, occurred_at=at
    )


def test_one_persons_looks_at_one_page_on_one_day_are_one_row(client, owner, editor):
    case = make_case(owner, editor=editor)
    day = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    for n in range(12):
        _look(owner, case, "timeline", day + dt.timedelta(minutes=20 * n))
    _look(editor, case, "timeline", day + dt.timedelta(hours=6))
    incident = log_incident(case, owner, title="Letter to my employer", occurred_at=day - dt.timedelta(days=70))
    _look(owner, case, "incident", day + dt.timedelta(hours=7), target=incident)
    _look(owner, case, "incident", day + dt.timedelta(hours=8), target=incident)
    _look(owner, case, "people", day + dt.timedelta(hours=9))
    client.force_login(owner)
    rows = _cells(_activity(client, case))
    assert [row[1:] for row in rows[:6]] == [
        ["Alex Jones", "looked at the activity log once"],
        ["Alex Jones", "looked at the people and organisations once"],
        ["Alex Jones", 'looked at the incident "Letter to my employer" (11 Sep 2026) twice'],
        ["Alex Jones", 'logged the incident "Letter to my employer" (11 Sep 2026)'],  # not folded
        ["Sam Jones", "looked at the timeline once"],
        ["Alex Jones", "looked at the timeline 12 times"],
    ]
    assert rows[5][0] == "Fri 20 Nov 2026, 12:40 GMT"  # the latest of the twelve


def test_looks_on_two_days_in_the_cases_zone_are_two_rows(client, owner):
    case = make_case(owner)
    # 23:30 and 00:30 on the night of 1 July in London (BST): 22:30 and 23:30 UTC, one day in UTC.
    _look(owner, case, "timeline", dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC))
    _look(owner, case, "timeline", dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC))
    client.force_login(owner)
    rows = _cells(_activity(client, case))
    assert [row[0] for row in rows[1:3]] == ["Thu 2 Jul 2026, 00:30 BST", "Wed 1 Jul 2026, 23:30 BST"]
    assert [row[2] for row in rows[1:3]] == ["looked at the timeline once"] * 2


def test_the_pages_are_pages_of_folded_rows(client, owner, editor, monkeypatch):
    # A smaller page, not a double of anything outside: 3 rows a page shows the folding across pages in 5 rows.
    monkeypatch.setattr("incidents.views.activity.PAGE_SIZE", 3)
    case = make_case(owner, editor=editor)
    day = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    for n in range(5):
        _look(editor, case, "timeline", day + dt.timedelta(minutes=n))
    client.force_login(owner)
    first = _activity(client, case)
    # case, member added, Sam's looks (one row), this look: four rows, three a page
    assert _what(first) == [
        "looked at the activity log once",
        "looked at the timeline 5 times",
        "added Sam Jones as editor",
    ]
    assert 'href="?page=2"' in first.content.decode()
    second = _activity(client, case, page=2)
    assert _what(second) == ["started the case"]
    filtered = _activity(client, case, person=editor.pk)
    assert _what(filtered) == ["looked at the timeline 5 times"]


# Filters -------------------------------------------------------------------------------------------


def test_the_log_is_filtered_by_person_and_by_kind_of_action(client, owner, editor, story):
    case, *_ = story
    client.force_login(owner)
    by_sam = _activity(client, case, person=editor.pk)
    assert _what(by_sam) == [
        "downloaded exhibit AJ/1: screenshot of the Mumsnet thread",
        "added a comment on the case",
        'added a comment on the incident "Letter to my employer" (10 Sep 2026)',
        'changed the incident "Letter to my employer" (10 Sep 2026)',
    ]
    assert set(_who(by_sam)) == {"Sam Jones"}
    assert _what(_activity(client, case, kind="exhibits")) == [
        "downloaded exhibit AJ/1: screenshot of the Mumsnet thread",
        "added exhibit AJ/1: screenshot of the Mumsnet thread",
    ]
    assert _what(_activity(client, case, kind="exhibits", person=owner.pk)) == [
        "added exhibit AJ/1: screenshot of the Mumsnet thread"
    ]
    assert _what(_activity(client, case, kind="pages")) == ["looked at the activity log 4 times"]
    text = _activity(client, case, kind="sharing").content.decode()
    assert '<option value="sharing" selected>Sharing</option>' in text
    assert f'<option value="{editor.pk}">Sam Jones</option>' in text
    assert "People and references" in text and "Looking at pages" in text


def test_a_removed_member_can_still_be_chosen_and_is_said_to_be_removed(client, owner, editor):
    case = make_case(owner, editor=editor)
    sharing_services.membership_revoke(membership=Membership.objects.get(case=case, user=editor), revoked_by=owner)
    client.force_login(owner)
    response = _activity(client, case, person=editor.pk)
    assert (
        f'<option value="{editor.pk}" selected>Sam Jones (no longer on the case)</option>' in response.content.decode()
    )
    assert _what(response) == []
    assert "Nothing matches. Try fewer filters." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"person": "abc"}, "Choose someone from the list. Everything is shown until then."),
        ({"person": "999999"}, "Choose someone from the list. Everything is shown until then."),
        ({"kind": "evidence.attach"}, "Choose a kind of action from the list. Everything is shown until then."),
        ({"page": "zzz", "kind": "<b>"}, "Choose a kind of action from the list. Everything is shown until then."),
    ],
)
def test_an_invalid_filter_says_so_and_shows_everything(client, owner, params, message):
    case = make_case(owner)
    client.force_login(owner)
    response = _activity(client, case, **params)
    text = response.content.decode()
    assert f'<div class="error-summary" role="alert"><p>{message}</p></div>' in text
    assert _what(response)[-1] == "started the case"
    # the CSV is not made from an invalid filter: back to the page, which says why
    csv_response = client.get(reverse("incidents:activity_csv", args=[case.pk]), params)
    assert csv_response.status_code == 302
    assert csv_response["Location"].startswith(f"/cases/{case.pk}/activity/?")


def test_a_huge_invalid_filter_on_the_csv_goes_back_to_the_page_cut_short(client, owner):
    case = make_case(owner)
    client.force_login(owner)
    response = client.get(reverse("incidents:activity_csv", args=[case.pk]), {"kind": "x" * 20000, "q": "y" * 20000})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/activity/?kind=" + "x" * 100


# The CSV export ------------------------------------------------------------------------------------


def _csv(client, case, **params):
    response = client.get(reverse("incidents:activity_csv", args=[case.pk]), params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return response, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_has_every_event_in_words_with_its_target_and_code(client, owner, advocate, story):
    case, _, _, dossier = story
    sharing_services.membership_add(case=case, user=advocate, role="advocate", added_by=owner)
    _look(owner, case, "timeline", dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))
    _look(owner, case, "timeline", dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC))
    client.force_login(advocate)
    response, rows = _csv(client, case)
    today = timezone.localdate(timezone=LONDON).isoformat()
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"activity-{case.pk}-{today}.csv\"; filename*=UTF-8''activity-{case.pk}-{today}.csv"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert rows[0] == ["when", "who", "what", "target", "action"]
    assert rows[1][1:] == ["Priya Advocate", "exported the activity log", "", "activity.export"]
    # not folded: one row an event, the time in the case's zone with its offset
    assert rows[2] == ["2026-07-01T10:00:00+01:00", "Alex Jones", "looked at the timeline page", "", "view"]
    assert rows[3] == ["2026-11-20T09:00:00+00:00", "Alex Jones", "looked at the timeline page", "", "view"]
    assert rows[4][1:] == ["Alex Jones", "added Priya Advocate as advocate", "Priya Advocate", "membership.add"]
    code = dossier.verification_code
    assert rows[7][1:] == [
        "Alex Jones",
        f"downloaded the dossier for the police ({code})",
        f"the dossier for the police ({code})",
        "dossier.download_pdf",
    ]
    assert rows[-3][1:] == [
        "Alex Jones",
        'logged the incident "Letter to my employer" (10 Sep 2026)',
        'the incident "Letter to my employer" (10 Sep 2026)',
        "incident.log",
    ]
    assert rows[-1][1:] == ["Alex Jones", "started the case", "", "case.create"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", rows[-1][0])
    assert len(rows) == 1 + 1 + 2 + 1 + 15  # the header, the export, two looks, the advocate, the story


def test_the_csv_follows_the_filters(client, owner, editor, story):
    case, *_ = story
    client.force_login(owner)
    _, rows = _csv(client, case, person=editor.pk, kind="incidents")
    assert [row[2] for row in rows[1:]] == [
        "added a comment on the case",
        'added a comment on the incident "Letter to my employer" (10 Sep 2026)',
        'changed the incident "Letter to my employer" (10 Sep 2026)',
    ]


def test_the_csv_shows_formula_like_text_as_text(client, owner):
    sneaky = UserFactory(full_name="@SUM(1+1)")
    case = make_case(owner, editor=sneaky)
    party_services.party_create(user=sneaky, case=case, kind="suspect", name='=HYPERLINK("http://evil.example","x")')
    party_services.party_create(user=owner, case=case, kind="suspect", name="-2+3")
    party_services.party_create(user=owner, case=case, kind="suspect", name="+44 7700 900123")
    client.force_login(owner)
    _, rows = _csv(client, case)
    assert [row[3] for row in rows[2:5]] == ["'+44 7700 900123", "'-2+3", '\'=HYPERLINK("http://evil.example","x")']
    assert rows[4][1] == "'@SUM(1+1)"
    assert rows[4][2] == 'added =HYPERLINK("http://evil.example","x") to the people and organisations'
    assert rows[5][1:4] == ["Alex Jones", "added @SUM(1+1) as editor", "'@SUM(1+1)"]
    # a tab or a carriage return first is a formula start too (names here are stripped; the guard is not)
    from vault.downloads import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ("\tX", "\rX", "X=1", "", 3)] == ["'\tX", "'\rX", "X=1", "", 3]


def test_the_export_is_recorded_in_the_audit_trail(client, owner, editor):
    case = make_case(owner, editor=editor)
    client.force_login(owner)
    _csv(client, case, person=editor.pk, kind="sharing")
    event = AuditEvent.objects.filter(case_id=case.pk).order_by("-sequence").first()
    assert (event.action, event.actor_id, event.details) == (
        "activity.export",
        owner.pk,
        {"filters": {"person": editor.pk, "kind": "sharing"}},
    )
    assert describe(event.action, event.details) == "exported the activity log"


# Who may read and export ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["incidents:activity", "incidents:activity_csv"])
def test_strangers_get_404(client, case, outsider, editor, name):
    sharing_services.membership_revoke(
        membership=Membership.objects.get(case=case, user=editor), revoked_by=case.created_by
    )
    for stranger in (outsider, editor):
        client.force_login(stranger)
        assert client.get(reverse(name, args=[case.pk])).status_code == 404
    assert not AuditEvent.objects.filter(case_id=case.pk, action="activity.export").exists()


@pytest.mark.parametrize("role", ["owner", "editor", "advocate", "viewer"])
def test_every_role_that_may_read_the_log_may_export_it(client, case, owner, editor, advocate, viewer, role):
    # The role table in incidents/access.py: reading the log needs VIEW, which every role has; the
    # spreadsheet holds no more than the page, so it needs the same.
    person = {"owner": owner, "editor": editor, "advocate": advocate, "viewer": viewer}[role]
    client.force_login(person)
    page = _activity(client, case)
    assert "Download this log as a spreadsheet (CSV)" in page.content.decode()
    _, rows = _csv(client, case)
    assert rows[1][2] == "exported the activity log"


# Queries -------------------------------------------------------------------------------------------


def _fill(case, owner, editor, times: int) -> None:
    for n in range(times):
        incident = log_incident(case, owner, title=f"Incident {n}")
        incident_services.incident_edit(user=editor, incident=incident, narrative=f"Changed {n}.")
        exhibit = evidence_services.evidence_attach(
            user=owner, case=case, kind="document", description=f"Letter {n}", source_url=f"https://example.org/{n}"
        ).evidence
        evidence_services.evidence_access_record(user=editor, evidence=exhibit, action="view")
        reference_services.reference_create(user=owner, case=case, kind="police", number=f"CR/{n}")
        party = party_services.party_create(user=owner, case=case, kind="suspect", name=f"troll{n}")
        comment_services.comment_add(user=editor, case=case, body="Seen.", incident=incident)
        dossier = dossier_services.dossier_request(user=owner, case=case, options={"audience": "police"})
        dossier_services.dossier_download_record(user=owner, dossier=dossier, what="pdf")
        page_view = {"incident": incident, "person": party}
        for page, target in page_view.items():
            audit.event_record(actor=editor, case_id=case.pk, action="view", target=target, details={"page": page})


def test_the_page_reads_every_kind_of_target_in_a_fixed_number_of_queries(client, owner, editor):
    client.force_login(owner)
    counts = []
    for times in (1, 8):
        case = make_case(owner, title=f"{times} of each", editor=editor)
        _fill(case, owner, editor, times)
        with CaptureQueriesContext(connection) as ctx:
            response = _activity(client, case)
        counts.append(len(ctx.captured_queries))
        assert len(_what(response)) == 2 + 1 + 11 * times
    # gate 3 + this look recorded 5 + the members 1 + the count 1 + the page's rows 1 + their events 1
    # + incidents, exhibits, references, people and the dossiers' requests, one query each
    assert counts == [17, 17]


def test_the_csv_reads_in_chunks_in_a_fixed_number_of_queries(client, owner, editor):
    client.force_login(owner)
    counts = []
    for times in (1, 8):
        case = make_case(owner, title=f"{times} of each", editor=editor)
        _fill(case, owner, editor, times)
        with CaptureQueriesContext(connection) as ctx:
            _csv(client, case)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
