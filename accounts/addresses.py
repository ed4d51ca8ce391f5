"""Email addresses as accounts compare them.

`normalise` gives the one form an address is stored and compared in: NFKC, lower case, a quoted local part
that needs no quotes unquoted ("alice"@ is alice@), and the domain through IDNA 2008 with the UTS #46
mapping (what browsers and registries use): invisible characters such as U+200B and the soft hyphen mapped
away, an ACE domain (xn--...) decoded to Unicode, and a domain IDNA 2008 refuses (bidi controls, joiners
out of place, symbols) refused in words.

`looks_alike` compares two addresses as they look: Unicode TR39's skeleton idea, on the
`confusable_homoglyphs` data. Each character is read as the ASCII characters the data says it can be
taken for (Cyrillic "а" as "a", dotless "ı" as "i", mathematical and full-width letters, ...), after NFD so
that an accent stays a visible difference ("exámple" is not "example"). The ASCII look-alikes the same
data lists are folded too: "1" and "|" read as "l", "0" as "o", "rn" as "m". A character the data reads two
ways (the Cyrillic palochka "ӏ" is drawn like both "l" and "i") matches either.
"""

import functools
import re
import unicodedata

import idna
from confusable_homoglyphs.confusables import confusables_data

INVALID_DOMAIN = "The part after @ is not a valid web address. Check it for mistakes."
CONFUSABLE = (
    "This address looks almost the same as the address of an existing account: a letter from another "
    "alphabet, a look-alike such as 1 for l or rn for m, or a hidden character. Check it for look-alikes, "
    "or use another address."
)

# The ASCII pairs confusables.txt lists (1 and | look like l, 0 like o; "rn" like "m"), folded one way.
# Capital I is not among them: addresses are stored in lower case, where it is an "i".
_ASCII_FOLD = {"1": "l", "|": "l", "0": "o"}
_DIRECTION_MARKS = "\u200e\u200f"  # the data wraps right-to-left characters in these
_DOT_ATOM = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
_DOT_ABOVE = "\u0307"


def normalise(address: str) -> str:
    """ "Alice@Exam\ufb00.org " -> "alice@examff.org"; ValueError(INVALID_DOMAIN) if the domain is not valid IDNA."""
    address = unicodedata.normalize("NFKC", address).strip().lower()
    local, _, domain = address.rpartition("@")
    return f"{_unquoted(local)}@{_domain(domain)}"


def _unquoted(local: str) -> str:
    # RFC 5321: "alice" and "\a\l\i\c\e" in quotes are the mailbox alice.
    if len(local) >= 2 and local[0] == local[-1] == '"':
        inner = re.sub(r"\\(.)", r"\1", local[1:-1])
        if _DOT_ATOM.match(inner):
            return inner
    return local


def _domain(domain: str) -> str:
    if domain.startswith("[") and domain.endswith("]"):
        return domain  # an address literal, [192.0.2.1]: Django's EmailField has checked it
    try:
        return idna.decode(idna.encode(domain, uts46=True))
    except UnicodeError as error:  # idna.IDNAError is one
        raise ValueError(INVALID_DOMAIN) from error


def looks_alike(first: str, second: str) -> bool:
    """Whether two addresses look the same to the eye (each is normalised first where it can be)."""
    mine, theirs = _shapes(first), _shapes(second)
    return len(mine) == len(theirs) and all(a & b for a, b in zip(mine, theirs, strict=True))


def confusable_with(address: str, existing: list[str]) -> bool:
    """Whether `address` looks like one of `existing` without being it."""
    return any(other.casefold() != address.casefold() and looks_alike(address, other) for other in existing)


def skeleton(address: str) -> str:
    """One reading of the address as it looks: "alice@ex\u0430mple.org" -> "alice@example.org"."""
    return "".join(min(shape) for shape in _shapes(address))


@functools.lru_cache(maxsize=8192)
def _shapes(address: str) -> tuple[frozenset[str], ...]:
    """For each character as shown, the characters it can be read as."""
    try:
        address = normalise(address)
    except ValueError:
        address = unicodedata.normalize("NFKC", address).strip().lower()
    shapes: list[frozenset[str]] = []
    for char in unicodedata.normalize("NFD", address):
        if _invisible(char):
            continue
        if char == _DOT_ABOVE and shapes and shapes[-1] & {"i", "j"}:
            continue  # "ı" with a dot above is an "i"
        readings = _readings(char)
        if len(readings) == 1 and len(text := next(iter(readings))) > 1:
            shapes.extend(frozenset(c) for c in text)  # one reading of several letters: "ꜳ" is "aa"
        else:
            shapes.append(frozenset(r for r in readings if len(r) == 1) or frozenset(char))
    folded: list[frozenset[str]] = []
    for shape in shapes:
        if shape == {"n"} and folded and folded[-1] == {"r"}:
            folded[-1] = frozenset("m")
        else:
            folded.append(shape)
    return tuple(folded)


def _invisible(char: str) -> bool:
    # Format characters (zero-width space and joiners, soft hyphen, bidi controls, word joiner, BOM) and
    # the other default-ignorable code points a skeleton leaves out.
    point = ord(char)
    return (
        unicodedata.category(char) == "Cf"
        or 0xFE00 <= point <= 0xFE0F
        or 0xE0100 <= point <= 0xE01EF
        or 0x180B <= point <= 0x180F
        or point in (0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0)
    )


@functools.cache
def _readings(char: str) -> frozenset[str]:
    """The ASCII text `char` can be taken for, lower case and folded; {char} if the data has none."""
    if char.isascii():
        return frozenset([_ASCII_FOLD.get(char, char)])
    found: set[str] = set()
    # The data lists a letter's look-alikes by case ("Ӏ" is "l", "ӏ" is "i"), and IDNA folds some scripts
    # to capitals (Cherokee "ꮁ", an r, is stored as "Ꮁ"): a letter is read as any of its cases. One step
    # further along the data too (a look-alike of a look-alike).
    for form in {char, char.upper(), char.lower()}:
        for glyph in _homoglyphs(form):
            if glyph.isascii():
                found.add(glyph)
            elif len(glyph) == 1:
                found.update(g for g in _homoglyphs(glyph) if g.isascii())
    readings = {"".join(_ASCII_FOLD.get(c, c) for c in g.lower()) for g in found if g.strip()}
    return frozenset(readings) or frozenset([char])


@functools.cache
def _homoglyphs(char: str) -> tuple[str, ...]:
    return _INDEX.get(char, ())


def _index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for key, glyphs in confusables_data.items():
        key = key.strip(_DIRECTION_MARKS)
        for glyph in glyphs:
            index.setdefault(key, []).append(glyph["c"].strip(_DIRECTION_MARKS))
    return {key: tuple(glyphs) for key, glyphs in index.items()}


_INDEX = _index()
