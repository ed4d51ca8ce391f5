"""Personal access tokens made and revoked by their owner: shown once, stored hashed, scoped, expiring."""

import datetime as dt
import hashlib
import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import AccessToken
from audit.models import AuditEvent
from tests.factories import UserFactory, confirm_recent_login

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"rt_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}")
PAGE = "/accounts/tokens/"


def _api(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _make(client, *, name="backup script", scope="read", days=30):
    """POST the form (after a recent password confirmation) and return (response, the token shown)."""
    confirm_recent_login(client)
    response = client.post(PAGE, {"name": name, "scope": scope, "days": days})
    found = TOKEN.findall(response.content.decode())
    return response, (found[0] if found else None)


def test_profile_links_to_the_tokens_page(client, user):
    client.force_login(user)
    assert reverse("accounts:tokens") == PAGE
    assert f'href="{PAGE}"' in client.get(reverse("accounts:profile")).content.decode()
    page = client.get(PAGE)
    assert page.status_code == 200 and "You have no tokens." in page.content.decode()


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_making_a_token_needs_a_recent_password(client, user):
    client.force_login(user)
    session = client.session
    session.pop("reauth_at", None)
    session.save()
    response = client.post(PAGE, {"name": "x", "scope": "read", "days": 30})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:reauth"))
    assert "next=%2Faccounts%2Ftokens%2F" in response.url
    assert not AccessToken.objects.exists()


def test_a_new_token_is_shown_once_and_stored_only_as_its_hash(client, user):
    client.force_login(user)
    response, raw = _make(client, name="backup script", scope="read", days=30)
    assert response.status_code == 200 and raw, response.content.decode()
    page = response.content.decode()
    assert "Copy your new token now" in page and "only time it is shown" in page
    assert "no-store" in response["Cache-Control"]  # the browser must not keep the answer that shows it

    token = AccessToken.objects.get()
    _, prefix, secret = raw.split("_", 2)
    assert (token.user, token.name, token.prefix, token.scope) == (user, "backup script", prefix, "read")
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = json.dumps(list(AccessToken.objects.values()), default=str)
    assert secret not in row and raw not in row

    # Not in the session, not in a message, not in the audit trail: nowhere to show it from again.
    assert all(secret not in json.dumps(s.get_decoded()) for s in Session.objects.all())
    event = AuditEvent.objects.get(action="account.token_create")
    assert event.target_id == token.pk and secret not in json.dumps(event.details)

    again = client.get(PAGE).content.decode()
    assert secret not in again and "Copy your new token now" not in again
    assert f"rt_{prefix}_" in again and "backup script" in again and "Read only" in again
    assert '<span class="muted">never</span>' in again

    assert _api(raw).get("/api/v1/cases/").status_code == 200
    assert '<span class="muted">never</span>' not in client.get(PAGE).content.decode()  # last used: now


def test_the_form_refuses_what_it_does_not_offer(client, user):
    client.force_login(user)
    confirm_recent_login(client)
    for data in (
        {"name": "x", "scope": "admin", "days": 30},
        {"name": "x", "scope": "read", "days": 3650},
        {"name": "   ", "scope": "read", "days": 30},
        {"scope": "write", "days": 30},
    ):
        response = client.post(PAGE, data)
        assert response.status_code == 400, data
        assert not TOKEN.search(response.content.decode())
    assert not AccessToken.objects.exists()
    page = client.get(PAGE).content.decode()
    for days in services.TOKEN_DAYS_CHOICES:
        assert f'value="{days}"' in page
    assert 'type="radio" name="scope" value="read"' in page and 'value="write"' in page


def test_a_revoked_token_is_refused_by_the_api(client, user):
    client.force_login(user)
    _, raw = _make(client, scope="write")
    api = _api(raw)
    assert api.get("/api/v1/cases/").status_code == 200
    token = AccessToken.objects.get()

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response.url == PAGE
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active
    assert api.get("/api/v1/cases/").status_code == 401
    assert AuditEvent.objects.filter(action="account.token_revoke", target_id=token.pk).count() == 1
    page = client.get(PAGE).content.decode()
    assert "is revoked" in page and "Revoked " in page
    assert reverse("accounts:token_revoke", args=[token.pk]) not in page  # no button for a revoked token

    # Revoking again changes nothing; revoking needs a POST.
    revoked_at = token.revoked_at
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="account.token_revoke").count() == 1
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


def test_another_users_token_cannot_be_revoked_or_seen(client, user):
    other = UserFactory()
    theirs, raw = services.access_token_create(user=other, name="their secret script", scope="write", days=30)
    client.force_login(user)
    confirm_recent_login(client)
    assert client.post(reverse("accounts:token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[theirs.pk + 1000])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert _api(raw).get("/api/v1/cases/").status_code == 200
    page = client.get(PAGE).content.decode()
    assert "their secret script" not in page and theirs.prefix not in page


def test_a_read_only_token_may_read_but_not_write(client, user):
    from tests.factories import make_case

    case = make_case(user, title="Mine")
    client.force_login(user)
    _, read = _make(client, name="reader", scope="read")
    _, write = _make(client, name="writer", scope="write")
    party = {"kind": "suspect", "name": "troll99"}
    assert _api(read).get(f"/api/v1/cases/{case.pk}/parties/").status_code == 200
    refused = _api(read).post(f"/api/v1/cases/{case.pk}/parties/", party, format="json")
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert _api(write).post(f"/api/v1/cases/{case.pk}/parties/", party, format="json").status_code == 201
    page = client.get(PAGE).content.decode()
    assert "Read only" in page and "Read and write" in page


def test_a_token_expires_after_the_days_chosen(client, user):
    client.force_login(user)
    before = timezone.now()
    _, raw = _make(client, days=7)
    token = AccessToken.objects.get()
    assert before + dt.timedelta(days=7) <= token.expires_at <= timezone.now() + dt.timedelta(days=7)
    api = _api(raw)
    assert api.get("/api/v1/cases/").status_code == 200

    token.expires_at = timezone.now() - dt.timedelta(seconds=1)  # a week later
    token.save(update_fields=["expires_at"])
    assert api.get("/api/v1/cases/").status_code == 401
    page = client.get(PAGE).content.decode()
    assert "Expired" in page and reverse("accounts:token_revoke", args=[token.pk]) not in page
