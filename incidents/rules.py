"""The case file's validation rules, each written once: the forms, the serializers and the services all
call these and translate what they say into their own kind of error.

Pure functions of the values they are given; tested by a table in tests/incidents/test_rules.py.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_YEAR = 1900


def validate_past_date(value) -> None:
    """A date something was received, opened or closed: not in the future, not before 1900."""
    if value and (value > timezone.localdate() or value.year < EARLIEST_YEAR):
        raise ValidationError(f"Enter a date between {EARLIEST_YEAR} and today.")


def occurred_at_problem(value) -> str | None:
    """Why a 'when did it happen' value cannot be right, or None."""
    if value is None:
        return "Enter when it happened."
    if timezone.is_naive(value):
        return "The date needs a time zone."
    if value > timezone.now() + dt.timedelta(minutes=5):
        return "This date is in the future. Enter when it happened."
    if value.year < EARLIEST_YEAR:
        return f"Enter a date after {EARLIEST_YEAR}."
    return None


EXHIBIT_PREFIX = re.compile(r"[A-Za-z]{1,6}")


def narrative_problem(text: str) -> str | None:
    """Why an incident's "what happened" cannot be saved, or None."""
    if not (text or "").strip():
        return "Say what happened, even in a few words."
    return None


def exhibit_prefix_problem(value: str) -> str | None:
    """Why these cannot be a case's exhibit letters (AJ in AJ/1), or None."""
    if not EXHIBIT_PREFIX.fullmatch(value or ""):
        return "Use 1 to 6 letters, for example AJ."
    return None


def reference_dates_problem(opened_on: dt.date | None, closed_on: dt.date | None) -> str | None:
    """Why a reference's dates cannot both be right, or None."""
    if opened_on and closed_on and closed_on < opened_on:
        return "It cannot close before it opened."
    return None
