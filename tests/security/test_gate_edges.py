"""THE gate called directly, with every answer written out (docs/mutation.md): who gets 404, who gets 403
with which words, what the two-step rule and the re-authentication rule decide, and the comment rules at
the edge of their 15 minutes."""

import datetime as dt
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from accounts.two_factor import TwoFactorRequired
from incidents import access
from incidents.models import Case, Comment, Membership
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db

ACTIONS = ["view", "edit", "withdraw", "comment", "export", "manage", "share"]
# role -> what it may do, written out (not read from access.PERMISSIONS)
MAY = {
    "owner": {"view", "edit", "withdraw", "comment", "export", "manage", "share"},
    "editor": {"view", "edit", "withdraw", "comment", "export"},
    "advocate": {"view", "comment", "export"},
    "viewer": {"view"},
}
WORDS = {
    "edit": "Your role on this case lets you read it, not change it.",
    "withdraw": "Your role on this case lets you read it, not withdraw an incident.",
    "comment": "Your role on this case does not include commenting.",
    "export": "Your role on this case does not include making a dossier.",
    "manage": "Only the case owner can change the case's settings.",
    "share": "Only the case owner can share this case.",
}


@pytest.mark.parametrize("role", list(MAY))
@pytest.mark.parametrize("action", ACTIONS)
def test_can(role, action):
    assert access.can(role, action) is (action in MAY[role])


def test_no_role_may_do_anything():
    assert [access.can(role, "view") for role in ("", "stranger", "OWNER")] == [False, False, False]
    assert access.can("owner", "") is False
    assert access.can("owner", "fly") is False


def _users(case):
    members = {m.role: m.user for m in Membership.objects.filter(case=case).select_related("user")}
    return members


@pytest.mark.parametrize("role", list(MAY))
def test_require_answers_each_role(case, role, django_assert_num_queries):
    user = _users(case)[role]
    for action in ACTIONS:
        if action in MAY[role]:
            with django_assert_num_queries(1):  # the membership and its case, in one query
                membership = access.require(user, case.pk, action)
                assert membership.case.title == "Reports about our family"
            assert (membership.role, membership.case_id, membership.user_id) == (role, case.pk, user.pk)
        else:
            with pytest.raises(PermissionDenied) as refused:
                access.require(user, case.pk, action)
            assert str(refused.value) == WORDS[action]
            assert not isinstance(refused.value, TwoFactorRequired)


def test_an_action_with_no_words_of_its_own(case, viewer):
    with pytest.raises(PermissionDenied) as refused:
        access.require(viewer, case.pk, "fly")
    assert str(refused.value) == "Your role on this case does not allow this."


def test_view_is_the_default_action(case, viewer):
    assert access.require(viewer, case.pk).role == "viewer"
    assert access.require(viewer, str(case.pk)).role == "viewer"


@pytest.mark.parametrize("case_id", ["abc", None, "", "1.5", [1], 999_999_999])
def test_not_a_case_is_404(case, owner, case_id):
    with pytest.raises(Http404) as missing:
        access.require(owner, case_id)
    assert str(missing.value) == "No such case."


def test_a_stranger_gets_404_for_a_real_case(case, outsider):
    for action in ACTIONS:
        with pytest.raises(Http404) as missing:
            access.require(outsider, case.pk, action)
        assert str(missing.value) == "No such case."


def test_an_anonymous_visitor_gets_404(case):
    with pytest.raises(Http404) as missing:
        access.require(AnonymousUser(), case.pk)
    assert str(missing.value) == "No such case."


def test_a_revoked_member_gets_404(case, editor):
    Membership.objects.filter(case=case, user=editor).update(revoked_at=timezone.now())
    with pytest.raises(Http404):
        access.require(editor, case.pk)


def test_another_cases_membership_does_not_open_this_one(owner, outsider):
    mine = make_case(owner, title="Mine")
    theirs = make_case(outsider, title="Theirs")
    assert access.require(owner, mine.pk).case_id == mine.pk
    with pytest.raises(Http404):
        access.require(owner, theirs.pk)


def test_two_step_rule(case, owner, viewer):
    Case.objects.filter(pk=case.pk).update(require_two_factor=True)
    with pytest.raises(TwoFactorRequired) as refused:
        access.require(owner, case.pk)
    assert str(refused.value) == ("The owner of this case requires two-step verification. Turn it on in your account.")
    owner.is_verified = lambda: True
    assert access.require(owner, case.pk, "share").role == "owner"
    viewer.is_verified = lambda: True
    with pytest.raises(PermissionDenied) as refused:  # verified, but still only a viewer
        access.require(viewer, case.pk, "edit")
    assert str(refused.value) == WORDS["edit"]


def test_no_two_step_rule_lets_an_unverified_member_in(case, owner):
    owner.is_verified = lambda: False
    assert access.require(owner, case.pk, "share").role == "owner"


def test_memberships_and_cases_for(owner, outsider):
    first = make_case(owner, title="First")
    second = make_case(owner, title="Second")
    make_case(outsider, title="Not mine")
    revoked = make_case(outsider, title="Was shared")
    Membership.objects.create(case=revoked, user=owner, role="viewer", revoked_at=timezone.now())
    assert sorted(m.case_id for m in access.memberships_for(owner)) == [first.pk, second.pk]
    assert sorted(c.title for c in access.cases_for(owner)) == ["First", "Second"]
    assert list(access.memberships_for(AnonymousUser())) == []
    assert list(access.cases_for(AnonymousUser())) == []
    assert list(access.memberships_for(object())) == []
    assert list(access.cases_for(object())) == []


def test_require_same_case(owner):
    mine = make_case(owner, title="Mine")
    other = make_case(owner, title="Other")

    class Linked:
        def __init__(self, case_id):
            self.case_id = case_id

    access.require_same_case(mine, [Linked(mine.pk), Linked(mine.pk)], "person")
    access.require_same_case(mine, [], "person")
    with pytest.raises(ValidationError) as refused:
        access.require_same_case(mine, [Linked(mine.pk), Linked(other.pk)], "person")
    assert refused.value.messages == ["That person belongs to another case."]


def _request(*, auth=None, reauth_at=None):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    if reauth_at is not None:
        request.session["reauth_at"] = reauth_at
    if auth is not None:
        request.auth = auth
    return request


def test_reauthentication(settings):
    settings.REAUTH_SECONDS = 600
    assert access.reauthentication_needed(_request()) is True
    assert access.reauthentication_needed(_request(reauth_at=time.time())) is False
    assert access.reauthentication_needed(_request(reauth_at=time.time() - 700)) is True
    assert access.reauthentication_needed(_request(auth="token")) is False  # an API token is the credential
    assert access.reauthentication_needed(_request(auth="token", reauth_at=time.time())) is False


def _comment(case, author, *, age_seconds=0, deleted=False):
    now = timezone.now()
    return Comment.objects.create(
        case=case,
        author=author,
        body="A note",
        created_at=now - dt.timedelta(seconds=age_seconds),
        deleted_at=now if deleted else None,
    )


def test_comment_edit_window(case, editor, owner, monkeypatch):
    posted = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    comment = _comment(case, editor)
    comment.created_at = posted
    for seconds, answer in [
        (0, None),
        (899, None),
        (900, None),  # exactly 15 minutes: still allowed
        (900.001, "A comment can only be changed in the 15 minutes after it was posted."),
        (3600, "A comment can only be changed in the 15 minutes after it was posted."),
    ]:
        monkeypatch.setattr(access.timezone, "now", lambda s=seconds: posted + dt.timedelta(seconds=s))
        assert access.comment_edit_refusal(editor, comment) == answer, seconds
    monkeypatch.setattr(access.timezone, "now", lambda: posted)
    assert access.comment_edit_refusal(owner, comment) == "Only the person who wrote a comment can change it."
    comment.deleted_at = posted
    assert access.comment_edit_refusal(editor, comment) == "This comment was deleted."
    assert access.comment_edit_refusal(owner, comment) == "This comment was deleted."


def test_who_may_delete_a_comment(case, owner, editor, advocate, viewer):
    comment = _comment(case, editor)
    assert [access.comment_may_delete(u, comment, r) for u, r in [(editor, "editor"), (editor, "viewer")]] == [
        True,
        True,
    ]
    assert access.comment_may_delete(owner, comment, "owner") is True
    assert access.comment_may_delete(advocate, comment, "advocate") is False
    assert access.comment_may_delete(viewer, comment, "viewer") is False
    gone = _comment(case, editor, deleted=True)
    assert access.comment_may_delete(editor, gone, "editor") is False
    assert access.comment_may_delete(owner, gone, "owner") is False


def test_comment_require_delete(case, owner, editor, advocate, outsider):
    comment = _comment(case, advocate)
    access.comment_require_delete(advocate, comment)
    access.comment_require_delete(owner, comment)
    for who in (editor, outsider):
        with pytest.raises(PermissionDenied) as refused:
            access.comment_require_delete(who, comment)
        assert str(refused.value) == "Only the person who wrote a comment, or the case owner, can delete it."
    # The author who has since left the case may not.
    Membership.objects.filter(case=case, user=advocate).update(revoked_at=timezone.now())
    with pytest.raises(PermissionDenied):
        access.comment_require_delete(advocate, comment)
    # The owner of another case may not either.
    make_case(outsider, title="Theirs")
    other_owner = UserFactory()
    with pytest.raises(PermissionDenied):
        access.comment_require_delete(other_owner, comment)
