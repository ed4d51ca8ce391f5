"""Look-alike and unnormalised addresses at sign-up and at an email change."""

import pytest
from django.urls import reverse

from accounts import addresses
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CYRILLIC_A = "\u0430"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Alice@Example.ORG ", "alice@example.org"),
        ("alice@exa\ufb00.org", "alice@exaff.org"),  # the "ff" ligature
        ("ALICE@BÜCHER.DE", "alice@bücher.de"),
    ],
)
def test_addresses_are_normalised(typed, stored):
    assert addresses.normalise(typed) == stored


@pytest.mark.parametrize(
    ("address", "looks_like"),
    [
        (f"alice@ex{CYRILLIC_A}mple.org", "alice@example.org"),
        ("alice@\u0435xample.org", "alice@example.org"),  # Cyrillic e
        ("\u0430lice@example.org", "alice@example.org"),
        ("alice@example.org", "alice@example.org"),
    ],
)
def test_skeletons_show_an_address_as_it_looks(address, looks_like):
    assert addresses.skeleton(address) == looks_like


def _sign_up(client, email):
    return client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Mallory Mimic",
            "email": email,
            "password1": "a-long-and-private-passphrase",
            "password2": "a-long-and-private-passphrase",
            "time_zone": "Europe/London",
        },
    )


def test_sign_up_refuses_a_look_alike_of_an_existing_account(client):
    UserFactory(email="alice@example.org")
    response = _sign_up(client, f"alice@ex{CYRILLIC_A}mple.org")
    assert response.status_code == 200  # the form again, with its message
    assert response.context["form"].errors["email"] == [addresses.CONFUSABLE]
    assert User.objects.count() == 1


def test_sign_up_stores_the_normalised_address(client):
    response = _sign_up(client, "New.Person@Exa\ufb00.org")
    assert response.status_code == 302
    assert User.objects.get(full_name="Mallory Mimic").email == "new.person@exaff.org"


def test_a_domain_that_is_not_valid_idna_is_refused_in_words():
    with pytest.raises(ValueError, match="The part after @ is not a valid web address"):
        addresses.normalise("someone@" + "a" * 64 + ".org")
