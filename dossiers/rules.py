"""The dossier's validation rule, written once: the page's form and the API's serializer both call it and
translate its error into their own kind. A pure function of the values it is given."""

import datetime as dt

from django.core.exceptions import ValidationError

DATES_REVERSED = "The end date is before the start date."


def dossier_options(
    *, audience: str, date_from: dt.date | None, date_to: dt.date | None, photos: str, redact: bool
) -> dict:
    """The options a dossier is made with, as its row keeps them (Dossier.options); a ValidationError on
    date_to when the period ends before it starts. The page's form and the API's serializer both ask here."""
    if date_from and date_to and date_to < date_from:
        raise ValidationError({"date_to": DATES_REVERSED})
    return {
        "audience": audience,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "photos": photos,
        "redact": redact,
    }
