"""Look-alike and unnormalised addresses at sign-up and at an email change."""

import pytest
from django.urls import reverse

from accounts import addresses
from accounts.forms import EmailChangeForm, SignUpForm
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
        ("alice@exa\u200bmple.org", "alice@example.org"),  # a zero-width space: mapped away (UTS #46)
        ("alice@exam\u00adple.org", "alice@example.org"),  # a soft hyphen
        ("alice@xn--bcher-kva.de", "alice@bücher.de"),  # an ACE domain is stored as Unicode, one form
        ("alice@xn--exmple-4nf.org", f"alice@ex{CYRILLIC_A}mple.org"),
        ("al\u0131ce@example.org", "al\u0131ce@example.org"),  # a dotless i is a letter: the skeleton sees it
        ("alice@fa\u00df.de", "alice@fa\u00df.de"),  # IDNA 2008: ß stays ß (IDNA 2003 would make it fass.de)
        ('"alice"@example.org', "alice@example.org"),  # the same mailbox, quoted
        ('"a\\lice"@example.org', "alice@example.org"),
        ('"alice smith"@example.org', '"alice smith"@example.org'),  # needs its quotes: kept
    ],
)
def test_addresses_are_normalised(typed, stored):
    assert addresses.normalise(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "alice@exa\u202emple.org",  # a right-to-left override
        "alice@exa\u2066mple.org",  # a bidi isolate
        "alice@exa\u200dmple.org",  # a zero-width joiner where IDNA 2008 allows none
        "alice@\u2603.net",  # a symbol: valid in IDNA 2003, not in 2008
    ],
)
def test_a_domain_idna_2008_refuses_is_refused_in_words(typed):
    with pytest.raises(ValueError, match="The part after @ is not a valid web address"):
        addresses.normalise(typed)


@pytest.mark.parametrize(
    ("address", "looks_like"),
    [
        (f"alice@ex{CYRILLIC_A}mple.org", "alice@example.org"),
        ("alice@\u0435xample.org", "alice@example.org"),  # Cyrillic e
        ("\u0430lice@example.org", "alice@example.org"),
        ("alice@example.org", "alice@example.org"),
        ("al\u0131ce@example.org", "alice@example.org"),  # dotless i, a Latin letter
        ("alice@exa\u0436ple.org", "alice@exa\u0436ple.org"),  # Cyrillic zhe looks like no Latin letter
        ("alice@xn--exmple-4nf.org", "alice@example.org"),  # the ACE form of a Cyrillic a
        ("alice@exa\u200bmple.org", "alice@example.org"),
        ("a1ice@examp1e.org", "alice@example.org"),  # the ASCII look-alikes: 1 and | for l, 0 for o, rn for m
        ("a|ice@exarnple.c0m", "alice@example.com"),
        ("alice@exa\u217fple.org", "alice@example.org"),  # small roman numeral one thousand, an m (NFKC)
        ("sam.jones@ma\u0131\u0307l.org", "sam.jones@mail.org"),  # dotless i with a dot above
    ],
)
def test_skeletons_show_an_address_as_it_looks(address, looks_like):
    assert addresses.skeleton(address) == looks_like


@pytest.mark.parametrize(
    "address",
    [
        "alice@examp\u04cfe.org",  # the Cyrillic palochka drawn as an l (the data lists it as i)
        "al\u04cfce@example.org",  # and as an i
        "alice@ex\u0251mple.org",  # Latin alpha
        "alice@\U0001d41example.org",  # mathematical bold e
        "alice@exa\u043cple.org",  # Cyrillic em
        "alice@example.o\uab81g",  # a Cherokee r, which IDNA folds to its capital
    ],
)
def test_look_alikes_are_seen_whichever_way_the_data_reads_them(address):
    assert addresses.looks_alike(address, "alice@example.org")


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        ("alice@example.org", "alicia@example.org"),
        ("alice@example.org", "alice@example.com"),
        ("alice@example.org", "bob@example.org"),
        ("alice@example.org", "alice@ex\u00e1mple.org"),  # an accent is a visible difference (TR39: NFD first)
        ("alice@example.org", "alice@examples.org"),
        ("alice@example.org", "alice.smith@example.org"),
        ("alice@example.org", "alice+school@example.org"),
        ("alice@example.org", "alice@mail.example.org"),
        ("alice@example.org", "alic@example.org"),
        ("alice@example.org", "aiice@example.org"),  # a capital I is stored as i, with its dot
        ("sam.jones@mail-provider.co.uk", "sam.jones@mail-provider.co.nz"),
        ("sam.jones@mail-provider.co.uk", "sam-jones@mail-provider.co.uk"),
        ("john2@example.org", "john1@example.org"),
        ("alice@fass.de", "alice@fa\u00df.de"),  # ß and ss: two domains under IDNA 2008
        ("alice@bücher.de", "alice@bucher.de"),
    ],
)
def test_distinct_addresses_are_not_called_look_alikes(existing, new):
    UserFactory(email=existing)
    form = SignUpForm(_sign_up_data(new))
    assert form.is_valid(), form.errors
    assert not addresses.looks_alike(new, existing)


def _sign_up_data(email):
    return {
        "full_name": "Mallory Mimic",
        "email": email,
        "password1": "a-long-and-private-passphrase",
        "password2": "a-long-and-private-passphrase",
        "time_zone": "Europe/London",
    }


def _sign_up(client, email):
    return client.post(reverse("accounts:signup"), _sign_up_data(email))


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


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("alice@exa\u200bmple.org", "There is already an account with this email address. Try logging in."),
        ("alice@exam\u00adple.org", "There is already an account with this email address. Try logging in."),
        ('"alice"@example.org', "There is already an account with this email address. Try logging in."),
        ("alice@xn--exmple-4nf.org", addresses.CONFUSABLE),
        ("a1ice@example.org", addresses.CONFUSABLE),
        ("alice@exarnple.org", addresses.CONFUSABLE),
        ("alice@exampl\u0435.org", addresses.CONFUSABLE),
        ("alice@exa\u202emple.org", addresses.INVALID_DOMAIN),
    ],
)
def test_sign_up_refuses_what_is_the_existing_address_to_the_eye(client, typed, message):
    UserFactory(email="alice@example.org")
    response = _sign_up(client, typed)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [message]
    assert User.objects.count() == 1


def test_an_address_stored_before_normalising_is_still_compared_as_it_looks():
    UserFactory(email="alice@exa\u200bmple.org")  # as an older build stored it
    form = SignUpForm(_sign_up_data("alice@example.org"))
    assert not form.is_valid()
    assert form.errors["email"] == [addresses.CONFUSABLE]


def test_email_change_refuses_a_look_alike_of_another_account_but_not_of_ones_own():
    UserFactory(email="alice@example.org")
    bob = UserFactory(email="bob@example.net")
    form = EmailChangeForm({"email": "alice@xn--exmple-4nf.org"}, user=bob)
    assert not form.is_valid()
    assert form.errors["email"] == [addresses.CONFUSABLE]
    assert EmailChangeForm({"email": "b0b@example.net"}, user=bob).is_valid()  # only other accounts count
