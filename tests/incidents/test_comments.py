"""Comments on a case and on its incidents: who may post, change and delete them, and what the pages show."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import Comment
from incidents.services import comments as comment_services
from tests.factories import log_incident, make_case

pytestmark = pytest.mark.django_db

COMMENTERS = ["owner", "editor", "advocate"]


@pytest.fixture
def people(owner, editor, advocate, viewer, outsider):
    return {"owner": owner, "editor": editor, "advocate": advocate, "viewer": viewer, "outsider": outsider}


@pytest.fixture
def incident(case, owner):
    return log_incident(case, owner, title="The forum post")


def summary_url(case) -> str:
    return reverse("incidents:case_summary", args=[case.pk])


def incident_url(case, incident) -> str:
    return reverse("incidents:incident_detail", args=[case.pk, incident.pk])


def add_url(case, incident=None) -> str:
    if incident is None:
        return reverse("incidents:comment_add", args=[case.pk])
    return reverse("incidents:comment_add_incident", args=[case.pk, incident.pk])


def edit_url(comment) -> str:
    return reverse("incidents:comment_edit", args=[comment.case_id, comment.pk])


def delete_url(comment) -> str:
    return reverse("incidents:comment_delete", args=[comment.case_id, comment.pk])


def age(comment, minutes: int) -> None:
    """Make the comment as old as that, in the database."""
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))
    comment.refresh_from_db()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Posting, by role --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", COMMENTERS)
def test_members_who_may_comment_comment_on_the_case(client, case, people, role):
    client.force_login(people[role])
    response = client.post(add_url(case), {"body": f"A note from the {role}."})
    assert response.status_code == 302
    assert response.url == summary_url(case) + "#comments"
    comment = Comment.objects.get()
    assert (comment.case, comment.incident, comment.author, comment.body) == (
        case,
        None,
        people[role],
        f"A note from the {role}.",
    )
    assert f"A note from the {role}." in page(client, summary_url(case))


@pytest.mark.parametrize("role", COMMENTERS)
def test_members_who_may_comment_comment_on_an_incident(client, case, incident, people, role):
    client.force_login(people[role])
    response = client.post(add_url(case, incident), {"body": "This is the third post like it."})
    assert response.status_code == 302
    assert response.url == incident_url(case, incident) + "#comments"
    comment = Comment.objects.get()
    assert (comment.incident, comment.author) == (incident, people[role])
    assert "This is the third post like it." in page(client, incident_url(case, incident))


def test_viewer_may_read_comments_but_not_post(client, case, incident, owner, viewer):
    comment_services.comment_add(user=owner, case=case, incident=incident, body="Seen by everyone on the case.")
    client.force_login(viewer)
    for url in (add_url(case), add_url(case, incident)):
        response = client.post(url, {"body": "I should not be able to say this."})
        assert response.status_code == 403
        assert "does not include commenting" in response.content.decode()
    assert Comment.objects.count() == 1
    content = page(client, incident_url(case, incident))
    assert "Seen by everyone on the case." in content
    assert "Post comment" not in content
    assert 'name="body"' not in content


def test_outsider_gets_404_for_everything(client, case, incident, owner, outsider):
    comment = comment_services.comment_add(user=owner, case=case, incident=incident, body="Private to the case.")
    client.force_login(outsider)
    assert client.post(add_url(case), {"body": "Hello"}).status_code == 404
    assert client.post(add_url(case, incident), {"body": "Hello"}).status_code == 404
    assert client.get(edit_url(comment)).status_code == 404
    assert client.post(edit_url(comment), {"body": "Changed"}).status_code == 404
    assert client.post(delete_url(comment)).status_code == 404
    assert client.get(summary_url(case)).status_code == 404
    assert client.get(incident_url(case, incident)).status_code == 404
    comment.refresh_from_db()
    assert (comment.body, comment.deleted_at, Comment.objects.count()) == ("Private to the case.", None, 1)


def test_a_comment_of_another_case_is_404_even_for_its_author(client, case, owner, outsider):
    other = make_case(outsider, title="Other family", editor=owner)
    comment = comment_services.comment_add(user=owner, case=other, body="In the other case.")
    client.force_login(owner)
    # Addressed through a case the comment is not in.
    assert client.get(reverse("incidents:comment_edit", args=[case.pk, comment.pk])).status_code == 404
    assert client.post(reverse("incidents:comment_delete", args=[case.pk, comment.pk])).status_code == 404
    comment.refresh_from_db()
    assert comment.deleted_at is None


def test_anonymous_visitor_is_sent_to_log_in(client, case):
    response = client.post(add_url(case), {"body": "Hello"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Comment.objects.exists()


def test_posting_is_post_only(client, case, owner):
    client.force_login(owner)
    assert client.get(add_url(case)).status_code == 405


# The incident must be of the same case -----------------------------------------------------------


def test_incident_of_another_case_is_404_and_nothing_is_saved(client, case, owner, outsider):
    other = make_case(outsider, title="Other family")
    other_incident = log_incident(other, outsider)
    client.force_login(owner)
    response = client.post(
        reverse("incidents:comment_add_incident", args=[case.pk, other_incident.pk]), {"body": "Wrong place."}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_service_refuses_an_incident_of_another_case(case, owner, outsider):
    other = make_case(outsider, title="Other family")
    other_incident = log_incident(other, outsider)
    with pytest.raises(ValidationError, match="another case"):
        comment_services.comment_add(user=owner, case=case, incident=other_incident, body="Wrong place.")
    assert not Comment.objects.exists()


# Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write your comment."),
        ("   \r\n  ", "Write your comment."),
        ("x" * 5001, "at most 5000 characters long. This one has 5001."),
    ],
)
def test_bad_comment_is_explained_beside_the_field(client, case, incident, advocate, body, message):
    client.force_login(advocate)
    response = client.post(add_url(case, incident), {"body": body})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert 'aria-invalid="true"' in content  # the error is tied to the field
    assert '<label for="id_body"' in content
    assert incident.display_title in content
    assert not Comment.objects.exists()


def test_a_comment_of_exactly_5000_characters_with_windows_line_endings_is_accepted(client, case, advocate):
    client.force_login(advocate)
    body = ("x" * 99 + "\r\n") * 50  # 5000 characters once the browser's \r\n are counted as one
    response = client.post(add_url(case), {"body": body.strip()})
    assert response.status_code == 302
    assert len(Comment.objects.get().body) == 4999  # the last line break trimmed


def test_service_refuses_empty_and_overlong_text(case, owner):
    with pytest.raises(ValidationError):
        comment_services.comment_add(user=owner, case=case, body="  ")
    with pytest.raises(ValidationError):
        comment_services.comment_add(user=owner, case=case, body="x" * 5001)
    assert not Comment.objects.exists()


# Changing a comment ------------------------------------------------------------------------------


def test_author_can_change_a_comment_within_15_minutes(client, case, incident, advocate):
    comment = comment_services.comment_add(user=advocate, case=case, incident=incident, body="First thoughts.")
    age(comment, 14)
    client.force_login(advocate)
    form = page(client, edit_url(comment))
    assert "First thoughts." in form
    assert '<label for="id_body"' in form
    response = client.post(edit_url(comment), {"body": "Second thoughts."})
    assert response.status_code == 302
    assert response.url == incident_url(case, incident) + "#comments"
    comment.refresh_from_db()
    assert comment.body == "Second thoughts."
    assert comment.edited_at is not None
    content = page(client, incident_url(case, incident))
    assert "Second thoughts." in content
    assert "First thoughts." not in content
    assert "· edited" in content


def test_author_cannot_change_a_comment_after_15_minutes(client, case, advocate):
    comment = comment_services.comment_add(user=advocate, case=case, body="First thoughts.")
    age(comment, 16)
    client.force_login(advocate)
    response = client.get(edit_url(comment))
    assert response.status_code == 403
    assert "15 minutes" in response.content.decode()
    assert client.post(edit_url(comment), {"body": "Too late."}).status_code == 403
    with pytest.raises(PermissionDenied, match="15 minutes"):
        comment_services.comment_edit(user=advocate, comment=comment, body="Too late.")
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("First thoughts.", None)
    assert "Change<span" not in page(client, summary_url(case))


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_others_cannot_change_a_comment(client, case, people, role):
    comment = comment_services.comment_add(user=people["advocate"], case=case, body="My advice.")
    client.force_login(people[role])
    response = client.get(edit_url(comment))
    assert response.status_code == 403
    assert "Only the person who wrote a comment can change it." in response.content.decode()
    assert client.post(edit_url(comment), {"body": "Someone else's words."}).status_code == 403
    with pytest.raises(PermissionDenied):
        comment_services.comment_edit(user=people[role], comment=comment, body="Someone else's words.")
    comment.refresh_from_db()
    assert comment.body == "My advice."
    assert "Change<span" not in page(client, summary_url(case))


def test_viewer_cannot_change_comments(client, case, owner, viewer):
    comment = comment_services.comment_add(user=owner, case=case, body="Mine.")
    client.force_login(viewer)
    assert client.get(edit_url(comment)).status_code == 403


def test_edit_link_shown_only_to_the_author_within_the_window(client, case, owner, advocate):
    mine = comment_services.comment_add(user=advocate, case=case, body="Mine, new.")
    old = comment_services.comment_add(user=advocate, case=case, body="Mine, old.")
    age(old, 30)
    theirs = comment_services.comment_add(user=owner, case=case, body="Theirs.")
    client.force_login(advocate)
    content = page(client, summary_url(case))
    assert edit_url(mine) in content
    assert edit_url(old) not in content
    assert edit_url(theirs) not in content


def test_bad_edit_is_explained_beside_the_field(client, case, advocate):
    comment = comment_services.comment_add(user=advocate, case=case, body="Keep me.")
    client.force_login(advocate)
    response = client.post(edit_url(comment), {"body": ""})
    assert response.status_code == 400
    assert "Write your comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Keep me."


def test_saving_the_same_text_does_not_mark_it_edited(case, advocate):
    comment = comment_services.comment_add(user=advocate, case=case, body="Same.")
    comment_services.comment_edit(user=advocate, comment=comment, body="Same.\n")
    comment.refresh_from_db()
    assert comment.edited_at is None
    assert not AuditEvent.objects.filter(action="comment.edit").exists()


# Deleting a comment ------------------------------------------------------------------------------


def test_author_deletes_a_comment_and_a_marker_is_left(client, case, incident, advocate):
    comment = comment_services.comment_add(user=advocate, case=case, incident=incident, body="Wrong incident, sorry.")
    age(comment, 60)  # the author may delete at any time, not only in the first 15 minutes
    client.force_login(advocate)
    response = client.post(delete_url(comment))
    assert response.status_code == 302
    assert response.url == incident_url(case, incident) + "#comments"
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert comment.body == ""  # the words are gone from the case file
    content = page(client, incident_url(case, incident))
    assert "Wrong incident, sorry." not in content
    assert f"Comment deleted by {advocate.full_name} on" in content
    assert delete_url(comment) not in content
    assert edit_url(comment) not in content


def test_owner_may_delete_anyones_comment_and_is_named_in_the_marker(client, case, owner, editor):
    comment = comment_services.comment_add(user=editor, case=case, body="Something unkind.")
    client.force_login(owner)
    assert delete_url(comment) in page(client, summary_url(case))
    assert client.post(delete_url(comment)).status_code == 302
    content = page(client, summary_url(case))
    assert "Something unkind." not in content
    assert f"Comment deleted by {owner.full_name} on" in content
    assert AuditEvent.objects.get(action="comment.delete").details["by"] == "owner"


def test_each_marker_names_whoever_deleted_that_comment(case, owner, editor, advocate):
    from incidents.queries.comments import comment_thread as thread

    # Enough rows that comment ids and user ids do not line up by chance.
    for n in range(7):
        comment_services.comment_add(user=owner, case=case, body=f"Padding {n}")
    deleters = {}
    for author, deleter in [(editor, editor), (advocate, owner), (advocate, advocate), (editor, owner)]:
        comment = comment_services.comment_add(user=author, case=case, body="To go.")
        comment_services.comment_delete(user=deleter, comment=comment)
        deleters[comment.pk] = deleter.full_name
    shown = {c.pk: c.deleted_by_name for c in thread(case) if c.is_deleted}
    assert shown == deleters


@pytest.mark.parametrize("role", ["editor", "advocate", "viewer"])
def test_other_members_cannot_delete_someone_elses_comment(client, case, people, role):
    author = people["owner"] if role != "owner" else people["editor"]
    comment = comment_services.comment_add(user=author, case=case, body="Stays.")
    client.force_login(people[role])
    assert delete_url(comment) not in page(client, summary_url(case))
    response = client.post(delete_url(comment))
    assert response.status_code == 403
    assert "Only the person who wrote a comment, or the case owner, can delete it." in response.content.decode()
    comment.refresh_from_db()
    assert (comment.body, comment.deleted_at) == ("Stays.", None)


def test_a_deleted_comment_cannot_be_changed_or_deleted_again(client, case, advocate):
    comment = comment_services.comment_add(user=advocate, case=case, body="Gone.")
    comment_services.comment_delete(user=advocate, comment=comment)
    client.force_login(advocate)
    assert client.get(edit_url(comment)).status_code == 403
    with pytest.raises(PermissionDenied, match="deleted"):
        comment_services.comment_edit(user=advocate, comment=comment, body="Back again.")
    response = client.post(delete_url(comment), follow=True)
    assert "already deleted" in response.content.decode()
    assert AuditEvent.objects.filter(action="comment.delete").count() == 1


# What the pages show -----------------------------------------------------------------------------


def test_comments_are_listed_oldest_first(client, case, incident, owner, editor, advocate):
    now = timezone.now()
    for minutes, user, body in [(5, editor, "Second"), (9, advocate, "First"), (1, owner, "Third")]:
        comment = comment_services.comment_add(user=user, case=case, incident=incident, body=f"{body} comment.")
        Comment.objects.filter(pk=comment.pk).update(created_at=now - dt.timedelta(minutes=minutes))
    client.force_login(owner)
    content = page(client, incident_url(case, incident))
    positions = [content.index(f"{body} comment.") for body in ("First", "Second", "Third")]
    assert positions == sorted(positions)
    assert content.index(advocate.full_name, content.index('id="comments"')) < positions[0]


def test_case_comments_and_incident_comments_are_kept_apart(client, case, incident, owner):
    comment_services.comment_add(user=owner, case=case, body="About the whole case.")
    comment_services.comment_add(user=owner, case=case, incident=incident, body="About this incident.")
    client.force_login(owner)
    summary = page(client, summary_url(case))
    detail = page(client, incident_url(case, incident))
    assert "About the whole case." in summary and "About this incident." not in summary
    assert "About this incident." in detail and "About the whole case." not in detail


def test_time_is_shown_in_the_cases_zone(client, owner):
    case = make_case(owner, title="Abroad")
    case.time_zone = "America/New_York"
    case.save(update_fields=["time_zone"])
    comment = comment_services.comment_add(user=owner, case=case, body="Written in winter.")
    Comment.objects.filter(pk=comment.pk).update(created_at=dt.datetime(2026, 1, 15, 17, 5, tzinfo=dt.UTC))
    client.force_login(owner)
    assert "Thu 15 Jan 2026, 12:05 EST" in page(client, summary_url(case))


def test_comment_text_is_escaped(client, case, owner):
    comment_services.comment_add(user=owner, case=case, body="<script>alert(1)</script>\nline two")
    client.force_login(owner)
    content = page(client, summary_url(case))
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>line two" in content


def test_form_has_a_label_and_is_shown_to_commenters(client, case, incident, advocate):
    client.force_login(advocate)
    for url in (summary_url(case), incident_url(case, incident)):
        content = page(client, url)
        assert '<label for="id_body"' in content
        assert "Post comment" in content


# The audit trail ---------------------------------------------------------------------------------


def test_every_write_is_in_the_audit_trail_without_the_text(client, case, incident, advocate):
    comment = comment_services.comment_add(user=advocate, case=case, incident=incident, body="Twelve chars")
    comment_services.comment_edit(user=advocate, comment=comment, body="Now fifteen ch.")
    comment_services.comment_delete(user=advocate, comment=comment)
    events = list(
        AuditEvent.objects.filter(case_id=case.pk, action__startswith="comment.").order_by("sequence").values()
    )
    assert [(e["action"], e["actor_id"], e["target_type"], e["target_id"]) for e in events] == [
        ("comment.add", advocate.pk, "incidents.comment", comment.pk),
        ("comment.edit", advocate.pk, "incidents.comment", comment.pk),
        ("comment.delete", advocate.pk, "incidents.comment", comment.pk),
    ]
    assert [e["details"] for e in events] == [
        {"incident": incident.pk, "length": 12},
        {"incident": incident.pk, "length": 15, "previous_length": 12},
        {"incident": incident.pk, "length": 15, "by": "author"},
    ]
    for event in events:
        assert "Twelve" not in str(event["details"]) and "fifteen" not in str(event["details"])


def test_activity_page_describes_comment_events(client, case, owner):
    comment = comment_services.comment_add(user=owner, case=case, body="Hello.")
    comment_services.comment_edit(user=owner, comment=comment, body="Hello again.")
    comment_services.comment_delete(user=owner, comment=comment)
    client.force_login(owner)
    content = page(client, reverse("incidents:activity", args=[case.pk]))
    for text in ("added a comment", "changed a comment", "deleted a comment"):
        assert text in content


# Queries -----------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _comment_on(case, incident, users, count: int) -> None:
    for n in range(count):
        comment = comment_services.comment_add(
            user=users[n % len(users)], case=case, incident=incident, body=f"Comment {n}"
        )
        if n % 3 == 1:
            comment_services.comment_edit(user=comment.author, comment=comment, body=f"Comment {n}, changed")
        if n % 3 == 2:
            comment_services.comment_delete(user=comment.author, comment=comment)


@pytest.mark.parametrize("name", ["incidents:incident_detail", "incidents:case_summary"])
def test_query_count_does_not_grow_with_comments(client, owner, editor, advocate, name):
    counts = []
    for count in (1, 30):
        case = make_case(owner, title=f"{count} comments", editor=editor, advocate=advocate)
        incident = log_incident(case, owner)
        on = incident if name == "incidents:incident_detail" else None
        _comment_on(case, on, [owner, editor, advocate], count)
        client.force_login(owner)
        url = incident_url(case, incident) if on else summary_url(case)
        counts.append(_queries(client, url))
        if count == 30:
            content = page(client, url)
            assert content.count("Comment deleted by") == 10
    assert counts[0] == counts[1]
