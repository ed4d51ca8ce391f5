"""After "Confirm it is you", a form that was posted comes back with what was typed (its secrets left out),
once, on the page it was posted to."""

import re

import pytest
from django.urls import reverse

from accounts.models import AccessToken

pytestmark = pytest.mark.django_db

TOKENS = "/accounts/tokens/"


def test_a_token_form_sent_when_the_password_was_due_comes_back_filled_in(client, user, password):
    client.force_login(user)  # logged in, but the password not given in the last 10 minutes
    asked = client.post(TOKENS, {"name": "nightly copy", "scope": "write", "days": "90"})
    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/confirm/?next=%2Faccounts%2Ftokens%2F"
    assert not AccessToken.objects.exists()

    confirmed = client.post(reverse("accounts:reauth"), {"secret": password, "next": TOKENS})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == TOKENS

    page = client.get(TOKENS).content.decode()
    assert "Thank you. Check the details below, then press “Make the token” again." in page
    assert 'name="name" value="nightly copy"' in page
    assert re.search(r'<input type="radio" name="scope" value="write"[^>]* checked', page)
    assert not re.search(r'<input type="radio" name="scope" value="read"[^>]* checked', page)
    assert '<option value="90" selected>' in page
    assert not AccessToken.objects.exists()  # nothing is made until they press the button again

    again = client.get(TOKENS).content.decode()  # given back once only
    assert 'value="nightly copy"' not in again
    assert "press “Make the token” again" not in again


def test_what_is_kept_leaves_out_passwords_and_the_csrf_token(client, user):
    client.force_login(user)
    client.post(
        TOKENS,
        {"name": "sync", "scope": "read", "days": "7", "password": "hunter2-long", "csrfmiddlewaretoken": "x"},
    )
    assert client.session["reauth_form"] == {
        "path": TOKENS,
        "fields": {"name": ["sync"], "scope": ["read"], "days": ["7"]},
    }


def test_a_kept_form_is_only_given_back_to_its_own_page(client, user, password):
    client.force_login(user)
    client.post(TOKENS, {"name": "nightly copy", "scope": "read", "days": "30"})
    client.post(reverse("accounts:reauth"), {"secret": password, "next": TOKENS})
    assert "nightly copy" not in client.get(reverse("accounts:profile")).content.decode()
    assert 'value="nightly copy"' in client.get(TOKENS).content.decode()


def test_an_invitation_sent_when_the_password_was_due_comes_back_filled_in(client, case, owner):
    owner.set_password("a-long-password-1")
    owner.save()
    client.force_login(owner)
    sharing = f"/cases/{case.pk}/sharing/"
    asked = client.post(sharing, {"email": "helper@example.org", "role": "viewer"})
    assert asked["Location"] == f"/accounts/confirm/?next=%2Fcases%2F{case.pk}%2Fsharing%2F"
    client.post(reverse("accounts:reauth"), {"secret": "a-long-password-1", "next": sharing})
    page = client.get(sharing)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="helper@example.org"' in html
    assert re.search(r'<input type="radio" name="role" value="viewer"[^>]* checked', html)
