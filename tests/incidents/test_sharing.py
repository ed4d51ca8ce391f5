"""Sharing a case: single-use invitations that expire, revocation that bites at once, handing over ownership."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import Invitation, Membership
from incidents.services import sharing as sharing_services
from tests.factories import UserFactory, confirm_recent_login

pytestmark = pytest.mark.django_db


def _invite(client, case, email="advocate@charity.example", role="advocate"):
    return client.post(reverse("incidents:sharing", args=[case.pk]), {"email": email, "role": role})


def _link_from_mail() -> str:
    return re.search(r"http://127.0.0.1:8000(/cases/invitations/\S+/)", mail.outbox[-1].body).group(1)


def test_sharing_asks_the_owner_to_confirm_it_is_them(client, case, owner):
    client.force_login(owner)
    response = client.get(reverse("incidents:sharing", args=[case.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:reauth"))


def test_owner_invites_and_the_link_works_once_for_whoever_accepts(
    client, case, owner, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    confirm_recent_login(client)
    with django_capture_on_commit_callbacks(execute=True):
        assert _invite(client, case).status_code == 302
    assert mail.outbox[-1].to == ["advocate@charity.example"]
    link = _link_from_mail()
    invitation = Invitation.objects.get()
    assert link.split("/")[-2] not in invitation.token_hash  # only a hash is stored

    advocate = UserFactory(email="someone.else@example.org")  # binds to the account that accepts
    client.force_login(advocate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response.status_code == 302
    membership = Membership.objects.get(case=case, user=advocate)
    assert membership.role == "advocate" and membership.invited_by == owner
    assert mail.outbox[-1].subject == "You can now see a case on Referral Tracker"
    assert client.get(reverse("incidents:case_summary", args=[case.pk])).status_code == 200

    other = UserFactory()
    client.force_login(other)
    assert client.post(link).status_code == 404  # single use
    assert not Membership.objects.filter(case=case, user=other).exists()


def test_anonymous_visitor_is_asked_to_sign_up_or_log_in_and_comes_back(client, case, owner):
    _, token = sharing_services.invitation_create(user=owner, case=case, email="new@example.org", role="viewer")
    page = client.get(reverse("incidents:invitation_accept", args=[token])).content.decode()
    assert "Create an account" in page and "next=%2Fcases%2Finvitations%2F" in page
    response = client.post(
        reverse("accounts:signup") + f"?next=/cases/invitations/{token}/",
        {
            "full_name": "New Person",
            "email": "new@example.org",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
            "next": f"/cases/invitations/{token}/",
        },
    )
    assert response.url == f"/cases/invitations/{token}/"


@pytest.mark.parametrize("state", ["expired", "cancelled"])
def test_expired_or_cancelled_invitation_does_not_work(client, case, owner, state):
    invitation, token = sharing_services.invitation_create(
        user=owner, case=case, email="x@example.org", role="advocate"
    )
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    else:
        sharing_services.invitation_cancel(user=owner, invitation=invitation)
    invitee = UserFactory(email="x@example.org")
    client.force_login(invitee)
    url = reverse("incidents:invitation_accept", args=[token])
    assert client.get(url).status_code == 404
    assert "does not work" in client.post(url).content.decode()
    assert client.get(reverse("incidents:case_summary", args=[case.pk])).status_code == 404


def test_invitations_expire_after_seven_days(case, owner):
    invitation, _ = sharing_services.invitation_create(user=owner, case=case, email="x@example.org", role="advocate")
    assert dt.timedelta(days=7) - (invitation.expires_at - invitation.created_at) < dt.timedelta(seconds=1)


def test_cannot_invite_an_existing_member_or_as_owner(client, case, owner, editor):
    client.force_login(owner)
    confirm_recent_login(client)
    assert "already see the case" in _invite(client, case, email=editor.email).content.decode()
    assert _invite(client, case, role="owner").status_code == 400
    assert not Invitation.objects.exists()


def test_removed_member_loses_access_on_the_next_request(
    client, case, owner, advocate, eager_tasks, django_capture_on_commit_callbacks
):
    other = client.__class__()
    other.force_login(advocate)
    assert other.get(reverse("incidents:timeline", args=[case.pk])).status_code == 200
    membership = Membership.objects.get(case=case, user=advocate, revoked_at__isnull=True)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("incidents:member_remove", args=[case.pk, membership.pk]))
    assert other.get(reverse("incidents:timeline", args=[case.pk])).status_code == 404
    assert mail.outbox[-1].to == [advocate.email]
    assert "removed you" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(case_id=case.pk, action="membership.revoke").exists()


def test_owner_cannot_be_removed(client, case, owner):
    client.force_login(owner)
    mine = Membership.objects.get(case=case, user=owner)
    client.post(reverse("incidents:member_remove", args=[case.pk, mine.pk]))
    mine.refresh_from_db()
    assert mine.revoked_at is None


def test_ownership_can_be_handed_over(client, case, owner, editor):
    client.force_login(owner)
    confirm_recent_login(client)
    target = Membership.objects.get(case=case, user=editor)
    assert client.post(reverse("incidents:ownership_transfer", args=[case.pk, target.pk])).status_code == 302
    roles = dict(Membership.objects.filter(case=case).values_list("user_id", "role"))
    assert roles[editor.pk] == "owner" and roles[owner.pk] == "editor"
    assert client.get(reverse("incidents:case_settings", args=[case.pk])).status_code == 403


@pytest.mark.parametrize("role", ["editor", "advocate", "viewer"])
def test_only_the_owner_shares(client, case, role, editor, advocate, viewer):
    person = {"editor": editor, "advocate": advocate, "viewer": viewer}[role]
    client.force_login(person)
    confirm_recent_login(client)
    assert client.get(reverse("incidents:sharing", args=[case.pk])).status_code == 403
    assert _invite(client, case).status_code == 403


def test_outsider_gets_404_not_a_password_prompt(client, case, outsider):
    client.force_login(outsider)
    assert client.get(reverse("incidents:sharing", args=[case.pk])).status_code == 404
