"""The dossier's validation rule, written once: the page's form and the API's serializer both call it and
translate its error into their own kind. A pure function of the values it is given."""

import datetime as dt

from django.core.exceptions import ValidationError

from incidents.rules import RULE

from .models import Dossier

DATES_REVERSED = "The end date is before the start date."
# A police dossier may carry the draft witness statement and the offence checklist; no other does. The checklist
# says which offences the record may show about the people suspected: it is for the police, and a dossier for
# social services never includes it, whoever asks (the form, the API or a direct call to the service).
POLICE_ONLY = {
    "include_statement": "The draft witness statement can only go in a dossier for the police. Choose "
    '"The police" under "Who is it for?", or leave this box unticked.',
    "include_checklist": "The offence checklist can only go in a dossier for the police: a dossier for social "
    'services or for your own record never includes it. Choose "The police", or leave this box unticked.',
}
SECTION_CHOICES = tuple(POLICE_ONLY)

# A statement row (Dossier.document) by the statement's kind in the address ("witness", "victim": casework).
STATEMENT_DOCUMENTS = {
    "witness": Dossier.Document.WITNESS_STATEMENT,
    "victim": Dossier.Document.VICTIM_STATEMENT,
}


# What the cover shows, by audience, unless the person asking chooses otherwise: who the record is about, how
# to contact them, and the police crime reference and social services case number. An officer or a social
# worker needs all three to match the dossier to their own file and to reach the family; a family's own
# copy is theirs. The same for every audience today, kept by audience so that one can differ.
COVER_CHOICES = ("cover_subject", "cover_contact", "cover_references")
COVER_DEFAULTS = {
    "police": {"cover_subject": True, "cover_contact": True, "cover_references": True},
    "social_services": {"cover_subject": True, "cover_contact": True, "cover_references": True},
    "own_record": {"cover_subject": True, "cover_contact": True, "cover_references": True},
}


def cover_defaults(audience: str) -> dict[str, bool]:
    return dict(COVER_DEFAULTS.get(audience, COVER_DEFAULTS["police"]))


def dossier_options(
    *,
    audience: str,
    date_from: dt.date | None,
    date_to: dt.date | None,
    photos: str,
    redact: bool,
    cover_subject: bool | None = None,
    cover_contact: bool | None = None,
    cover_references: bool | None = None,
    include_statement: bool | None = False,
    include_checklist: bool | None = False,
) -> dict:
    """The options a dossier is made with, as its row keeps them (Dossier.options); a ValidationError on
    date_to when the period ends before it starts, and on include_statement / include_checklist for a dossier
    that is not for the police (police_only_problems). The page's form and the API's serializer both ask here.
    A cover choice left out (None) is the audience's default (COVER_DEFAULTS). The two sections are kept only
    when asked for (a row without them reads as before)."""
    if date_from and date_to and date_to < date_from:
        raise ValidationError({"date_to": ValidationError(DATES_REVERSED, code=RULE)})
    sections = {"include_statement": bool(include_statement), "include_checklist": bool(include_checklist)}
    problems = police_only_problems({"audience": audience, **sections})
    if problems:
        raise ValidationError(problems)
    chosen = {"cover_subject": cover_subject, "cover_contact": cover_contact, "cover_references": cover_references}
    defaults = cover_defaults(audience)
    return {
        "audience": audience,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "photos": photos,
        "redact": redact,
        **{name: defaults[name] if chosen[name] is None else bool(chosen[name]) for name in COVER_CHOICES},
        **{name: True for name, asked in sections.items() if asked},
    }


def police_only_problems(options: dict) -> dict[str, ValidationError]:
    """Each police-only section (POLICE_ONLY) that options ask for in a dossier not for the police, with why
    it is refused; {} when there is none."""
    if options.get("audience") == Dossier.Audience.POLICE:
        return {}
    return {name: ValidationError(POLICE_ONLY[name], code=RULE) for name in SECTION_CHOICES if options.get(name)}


def statement_options(*, include_contact: bool, dated: dt.date | None) -> dict:
    """The options a statement row is made with (dossiers.compile.statement_compile): the maker's address and
    telephone on the PDF's separate page for the police, or not; the date printed beside the signatures, or
    none (written by hand when she signs)."""
    return {"include_contact": bool(include_contact), "dated": dated.isoformat() if dated else None}


def statement_options_described(options: dict) -> list[str]:
    """A statement row's options in words, for its card on the list (a letter's: what it is)."""
    if "letter" in options:
        return [options.get("title") or "A letter of the case"]
    dated = options.get("dated")
    return [
        "Address and phone number: on a separate page for the police, not for disclosure"
        if options.get("include_contact")
        else "Address and phone number: not printed",
        f"Dated: {dt.date.fromisoformat(dated):%-d %b %Y}" if dated else "Date: left blank, to write in when you sign",
    ]


def options_described(options: dict) -> list[str]:
    """A dossier's options in words, for its card on the list: who it is for, the period, photos, names and
    what the cover shows."""
    date_from, date_to = options.get("date_from"), options.get("date_to")

    def day(iso: str) -> str:
        return f"{dt.date.fromisoformat(iso):%-d %b %Y}"

    if date_from and date_to:
        period = f"{day(date_from)} to {day(date_to)}"
    elif date_from:
        period = f"From {day(date_from)}"
    elif date_to:
        period = f"Up to {day(date_to)}"
    else:
        period = "All dates"
    cover = [
        label
        for name, label in (
            ("cover_subject", "who it is about"),
            ("cover_contact", "contact details"),
            ("cover_references", "reference numbers"),
        )
        if options.get(name, True)
    ]
    sections = [
        label
        for name, label in (
            ("include_statement", "the draft witness statement"),
            ("include_checklist", "the offence checklist"),
        )
        if options.get(name)
    ]
    return [
        f"For: {dict(Dossier.Audience.choices).get(options.get('audience', ''), 'Not stated')}",
        f"Period: {period}",
        "Photos: printed" if options.get("photos", "inline") == "inline" else "Photos: listed only",
        "Children's names: as initials" if options.get("redact") else "Children's names: in full",
        "Cover shows: " + (", ".join(cover) if cover else "the case name only"),
        *([f"Also includes: {' and '.join(sections)}"] if sections else []),
    ]
