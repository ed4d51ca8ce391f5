"""The dossier's validation rule, written once: the page's form and the API's serializer both call it and
translate its error into their own kind. A pure function of the values it is given."""

import datetime as dt

from django.core.exceptions import ValidationError

from incidents.rules import RULE

from .models import Dossier

DATES_REVERSED = "The end date is before the start date."


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
) -> dict:
    """The options a dossier is made with, as its row keeps them (Dossier.options); a ValidationError on
    date_to when the period ends before it starts. The page's form and the API's serializer both ask here.
    A cover choice left out (None) is the audience's default (COVER_DEFAULTS)."""
    if date_from and date_to and date_to < date_from:
        raise ValidationError({"date_to": ValidationError(DATES_REVERSED, code=RULE)})
    chosen = {"cover_subject": cover_subject, "cover_contact": cover_contact, "cover_references": cover_references}
    defaults = cover_defaults(audience)
    return {
        "audience": audience,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "photos": photos,
        "redact": redact,
        **{name: defaults[name] if chosen[name] is None else bool(chosen[name]) for name in COVER_CHOICES},
    }


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
    return [
        f"For: {dict(Dossier.Audience.choices).get(options.get('audience', ''), 'Not stated')}",
        f"Period: {period}",
        "Photos: printed" if options.get("photos", "inline") == "inline" else "Photos: listed only",
        "Children's names: as initials" if options.get("redact") else "Children's names: in full",
        "Cover shows: " + (", ".join(cover) if cover else "the case name only"),
    ]
