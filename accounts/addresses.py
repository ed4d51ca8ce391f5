"""Email addresses as accounts compare them: NFKC-normalised, lower-cased, the domain checked as IDNA; and
their skeleton (Unicode TR39's idea: each letter replaced by the Latin letter it looks like, using the
`confusable_homoglyphs` data), so that "alice@exаmple.org" with a Cyrillic "а" is seen to be the same
to the eye as "alice@example.org"."""

import unicodedata

from confusable_homoglyphs import confusables

INVALID_DOMAIN = "The part after @ is not a valid web address. Check it for mistakes."
CONFUSABLE = (
    "This address looks almost the same as the address of an existing account, with a letter from another "
    "alphabet. Check it for look-alike letters, or use another address."
)


def normalise(address: str) -> str:
    """ "Alice@Exam\ufb00.org " -> "alice@examff.org"; ValueError(INVALID_DOMAIN) if the domain is not valid IDNA."""
    address = unicodedata.normalize("NFKC", address).strip().lower()
    local, _, domain = address.rpartition("@")
    try:
        domain.encode("idna")
    except UnicodeError as error:
        raise ValueError(INVALID_DOMAIN) from error
    return f"{local}@{domain}"


def skeleton(address: str) -> str:
    """The address as it looks: every character that is confusable with a Latin one replaced by it."""
    shown = []
    for char in unicodedata.normalize("NFKC", address).lower():
        if char.isascii():
            shown.append(char)
            continue
        found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True) or []
        latin = [g["c"] for item in found for g in item["homoglyphs"] if g["c"].isascii()]
        shown.append(latin[0].lower() if latin else char)
    return "".join(shown)


def confusable_with(address: str, existing: list[str]) -> bool:
    """Whether `address` looks like one of `existing` without being it."""
    mine = skeleton(address)
    return any(other != address and skeleton(other) == mine for other in existing)
