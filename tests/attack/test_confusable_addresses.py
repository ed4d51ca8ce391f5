"""Look-alike addresses: someone signs up (or changes their address) to one that looks like an existing
account's. The corpus is made from the existing addresses: every letter replaced by each homoglyph the
`confusable_homoglyphs` data lists (Cyrillic, Greek, Armenian, full-width, mathematical, Latin look-alikes
such as dotless i), the ligatures NFKC folds, the ASCII look-alikes (1 and | for l, 0 for o, rn for m),
invisible characters at every position, the ACE (xn--) form of every look-alike domain, case, full-width
@ and dots, quoted local parts, and two substitutions at once. Each must be refused: as a look-alike, as
the existing address itself, or as not a valid address. None may become a second account, or a changed
address, that differs from the existing one."""

import functools
import random
import unicodedata

import pytest
from confusable_homoglyphs.confusables import confusables_data
from django.urls import reverse

from accounts import addresses
from accounts.forms import EmailChangeForm, SignUpForm
from accounts.models import User
from tests.attack.conftest import signed_in
from tests.attack.report import tally
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CATEGORY = "confusable_address"
EXISTING = ["alice@example.org", "sam.jones@mail-provider.co.uk", "fiona.stafford@offline-office.net"]
OUTSIDER = "bob@elsewhere.example.net"  # whose address change is tried

ALREADY_EXISTS = "There is already an account with this email address. Try logging in."
ANOTHER_USES = "Another account uses this address."
NOT_VALID = "Enter a valid email address."
SIGN_UP_REFUSALS = {addresses.CONFUSABLE, ALREADY_EXISTS, addresses.INVALID_DOMAIN, NOT_VALID}
CHANGE_REFUSALS = {addresses.CONFUSABLE, ANOTHER_USES, addresses.INVALID_DOMAIN, NOT_VALID}

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u00ad",  # soft hyphen
    "\u2060",  # word joiner
    "\ufeff",  # zero-width no-break space (BOM)
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    *(chr(c) for c in range(0x202A, 0x202F)),  # bidi embeddings and overrides
    *(chr(c) for c in range(0x2066, 0x206A)),  # bidi isolates
    "\u034f",  # combining grapheme joiner
    "\ufe0f",  # variation selector 16
]
LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}  # ff fi fl ffi ffl st st
# The ASCII look-alikes accounts.addresses folds (a decision: see its docstring).
ASCII_LOOK_ALIKES = {"l": ["1", "|"], "o": ["0"]}
# Look-alikes the data lists only under another case or not at all: the small palochka is drawn like an l
# (the data lists the capital as l, the small one as i); a dotless i with a combining dot above is an i.
EXTRA = {"l": ["\u04cf"], "i": ["\u04cf", "\u0131\u0307"]}
AT_SIGNS = ["\uff20", "\ufe6b"]  # full-width and small commercial at
DOTS = ["\uff0e", "\uff61", "\u3002", "\u2024"]  # full-width, halfwidth ideographic, ideographic, one dot leader


def _data(char: str) -> set[str]:
    found = confusables_data.get(char) or confusables_data.get(f"\u200e{char}\u200e") or []
    return {g["c"].strip("\u200e\u200f") for g in found}


@functools.cache
def look_alikes(char: str) -> tuple[str, ...]:
    """Every homoglyph the data lists for `char` (or its capital) that still looks like it once lower-cased."""
    near = _data(char) | _data(char.upper())
    keep = set(ASCII_LOOK_ALIKES.get(char, [])) | set(EXTRA.get(char, []))
    for glyph in near:
        shown = unicodedata.normalize("NFKC", glyph).lower()
        if shown == char:
            keep.add(glyph)  # full-width and mathematical letters, ...
        elif not shown.isascii() and (shown in near or {char, char.upper()} & _data(shown)):
            keep.add(glyph)  # another script's letter, or a Latin one (dotless i, ...)
        # Otherwise it shows as another ASCII letter (capital I is an i once lower-cased): not a look-alike.
    return tuple(sorted(keep))


def _positions(address: str) -> list[int]:
    return [i for i, c in enumerate(address) if c != "@" and look_alikes(c)]


def _ace(address: str) -> str | None:
    local, _, domain = address.rpartition("@")
    try:
        ace = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return f"{local}@{ace}" if "xn--" in ace else None


@functools.cache
def corpus() -> tuple[tuple[str, str], ...]:
    """(kind, address) pairs, each a look-alike of one of EXISTING."""
    rng = random.Random(20261202)
    payloads: dict[str, str] = {}

    def add(kind: str, address: str) -> None:
        if address not in EXISTING:
            payloads.setdefault(address, kind)

    for address in EXISTING:
        domain_at = address.index("@")
        for i in _positions(address):
            for glyph in look_alikes(address[i]):
                variant = address[:i] + glyph + address[i + 1 :]
                add(f"substitution {address[i]!r}->{glyph!r}", variant)
                if i > domain_at and (ace := _ace(variant)):
                    add("ACE of a look-alike domain", ace)
        for ligature, letters in LIGATURES.items():
            start = address.find(letters)
            while start != -1:
                add(f"ligature {ligature!r}", address[:start] + ligature + address[start + len(letters) :])
                start = address.find(letters, start + 1)
        for i, char in enumerate(address):
            if char == "m":
                add("rn for m", address[:i] + "rn" + address[i + 1 :])
        for i in range(len(address) + 1):
            for invisible in INVISIBLE:
                add(f"invisible U+{ord(invisible):04X} at {i}", address[:i] + invisible + address[i:])
        for variant in (address.upper(), address.title(), address.swapcase().title()):
            add("case", variant)
        for i, char in enumerate(address):
            if char.isalpha():
                add("case of one letter", address[:i] + char.upper() + address[i + 1 :])
        for at in AT_SIGNS:
            add(f"at sign {at!r}", address.replace("@", at))
        for i, char in enumerate(address):
            if char == "." and i > domain_at:
                for dot in DOTS:
                    add(f"dot {dot!r}", address[:i] + dot + address[i + 1 :])
        local, _, domain = address.partition("@")
        add("quoted local part", f'"{local}"@{domain}')
        add("quoted local part, escaped", '"' + "".join(f"\\{c}" for c in local) + f'"@{domain}')
        positions = _positions(address)
        for n, i in enumerate(positions):
            for j in positions[n + 1 :]:
                gi, gj = rng.choice(look_alikes(address[i])), rng.choice(look_alikes(address[j]))
                variant = address[:i] + gi + address[i + 1 : j] + gj + address[j + 1 :]
                add(f"two substitutions {gi!r} {gj!r}", variant)
                if i > domain_at and rng.random() < 0.2 and (ace := _ace(variant)):
                    add("ACE of a look-alike domain, two substitutions", ace)
        for _ in range(20):  # an invisible character and a look-alike letter together
            i = rng.choice([p for p in positions if p > domain_at])
            variant = address[:i] + rng.choice(look_alikes(address[i])) + address[i + 1 :]
            k = rng.randrange(domain_at + 1, len(variant) + 1)
            add("substitution and invisible", variant[:k] + rng.choice(INVISIBLE) + variant[k:])
    add("ACE of a Cyrillic a", "alice@xn--exmple-4nf.org")
    return tuple((kind, address) for address, kind in payloads.items())


def _sample(step: int) -> list[tuple[str, str]]:
    return list(corpus()[::step])


@pytest.fixture
def existing(db):
    return [UserFactory(email=address) for address in EXISTING]


def _sign_up_data(email: str) -> dict:
    return {
        "full_name": "Mallory Mimic",
        "email": email,
        "password1": "a-long-and-private-passphrase",
        "password2": "a-long-and-private-passphrase",
        "time_zone": "Europe/London",
    }


def _refused(form, refusals: set[str]) -> str | None:
    """None if the form refused the address with one of `refusals`; else what happened."""
    if form.is_valid():
        return f"accepted as {form.cleaned_data['email']!r}"
    errors = form.errors.get("email") or []
    if not errors:
        return f"the address passed; other errors {dict(form.errors)}"
    if not set(errors) <= refusals:
        return f"refused with {errors}"
    return None


def test_the_corpus_is_large_and_a_distinct_address_still_signs_up(existing):
    # Hundreds of payloads of every kind, and the same form accepts a plainly different address (a form
    # that refused everything would pass the corpus).
    kinds = {kind.split(" ")[0] for kind, _ in corpus()}
    assert len(corpus()) > 2000
    assert {"substitution", "ACE", "ligature", "invisible", "case", "two", "quoted", "at", "dot", "rn"} <= kinds
    assert SignUpForm(_sign_up_data("alicia@example.org")).is_valid()
    assert SignUpForm(_sign_up_data("sam.jones@mail-provider.co.nz")).is_valid()


@pytest.mark.attack(category=CATEGORY)
def test_no_look_alike_becomes_a_second_account_at_sign_up(existing):
    failures = []
    for kind, address in corpus():
        if problem := _refused(SignUpForm(_sign_up_data(address)), SIGN_UP_REFUSALS):
            failures.append(f"{kind}: {address!r} {problem}")
    tally.add(CATEGORY, tried=len(corpus()), failures=failures)
    assert not failures, f"{len(failures)} of {len(corpus())} got through: {failures[:10]}"


@pytest.mark.attack(category=CATEGORY)
def test_the_sign_up_page_refuses_a_sample_of_look_alikes(existing, client):
    sample = _sample(53)
    failures = []
    for kind, address in sample:
        response = client.post(reverse("accounts:signup"), _sign_up_data(address))
        created = User.objects.exclude(email__in=EXISTING).values_list("email", flat=True)
        if response.status_code != 200 or created:
            failures.append(f"{kind}: {address!r} answered {response.status_code}, accounts {list(created)}")
            User.objects.exclude(email__in=EXISTING).delete()
            client.logout()
        elif not set(response.context["form"].errors.get("email", [])) & SIGN_UP_REFUSALS:
            failures.append(f"{kind}: {address!r} refused with {response.context['form'].errors}")
    tally.add(CATEGORY, tried=len(sample), failures=failures)
    assert len(sample) > 40
    assert not failures, failures[:10]
    assert User.objects.count() == len(EXISTING)


@pytest.mark.attack(category=CATEGORY)
def test_no_look_alike_is_taken_at_an_email_change(existing):
    outsider = UserFactory(email=OUTSIDER)
    sample = _sample(5)
    failures = []
    for kind, address in sample:
        if problem := _refused(EmailChangeForm({"email": address}, user=outsider), CHANGE_REFUSALS):
            failures.append(f"email change, {kind}: {address!r} {problem}")
    tally.add(CATEGORY, tried=len(sample), failures=failures)
    assert not failures, f"{len(failures)} of {len(sample)} got through: {failures[:10]}"
    assert EmailChangeForm({"email": "bob.new@elsewhere.example.net"}, user=outsider).is_valid()


@pytest.mark.attack(category=CATEGORY)
def test_the_email_change_page_refuses_a_sample_of_look_alikes(existing):
    outsider = UserFactory(email=OUTSIDER)
    client = signed_in(outsider)
    sample = _sample(211)
    failures = []
    for kind, address in sample:
        response = client.post(reverse("accounts:email_change"), {"email": address})
        outsider.refresh_from_db(fields=["email"])
        if response.status_code != 400 or outsider.email != OUTSIDER:
            failures.append(f"email change page, {kind}: {address!r} answered {response.status_code}")
            User.objects.filter(pk=outsider.pk).update(email=OUTSIDER)
    tally.add(CATEGORY, tried=len(sample), failures=failures)
    assert len(sample) > 10
    assert not failures, failures[:10]
