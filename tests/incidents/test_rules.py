"""The case file's validation rules (incidents/rules.py), as a table of values and the answers written out."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents import rules

NOW = timezone.now()
LONDON = dt.timezone(dt.timedelta(hours=0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "Enter when it happened."),
        (dt.datetime(2024, 5, 1, 12, 0), "The date needs a time zone."),  # a naive value on purpose
        (NOW + dt.timedelta(days=1), "This date is in the future. Enter when it happened."),
        (NOW + dt.timedelta(minutes=4), None),  # a phone's clock a little ahead is not "the future"
        (dt.datetime(1899, 12, 31, tzinfo=LONDON), "Enter a date after 1900."),
        (dt.datetime(1900, 1, 1, tzinfo=LONDON), None),
        (NOW - dt.timedelta(days=30), None),
    ],
)
def test_when_it_happened(value, expected):
    assert rules.occurred_at_problem(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "Say what happened, even in a few words."),
        ("   \n\t", "Say what happened, even in a few words."),
        (None, "Say what happened, even in a few words."),
        ("A post named our nursery.", None),
    ],
)
def test_what_happened(value, expected):
    assert rules.narrative_problem(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AJ", None),
        ("a", None),
        ("ABCDEF", None),
        ("ABCDEFG", "Use 1 to 6 letters, for example AJ."),
        ("", "Use 1 to 6 letters, for example AJ."),
        ("A1", "Use 1 to 6 letters, for example AJ."),
        ("AJ/", "Use 1 to 6 letters, for example AJ."),
        ("ÉJ", "Use 1 to 6 letters, for example AJ."),  # marks are printed in every dossier: ASCII letters only
        ("AJ\n", "Use 1 to 6 letters, for example AJ."),
    ],
)
def test_exhibit_letters(value, expected):
    assert rules.exhibit_prefix_problem(value) == expected


@pytest.mark.parametrize(
    ("opened", "closed", "expected"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 1), "It cannot close before it opened."),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1), None),
        (dt.date(2026, 3, 1), dt.date(2026, 4, 1), None),
        (None, dt.date(2026, 4, 1), None),
        (dt.date(2026, 3, 1), None, None),
    ],
)
def test_reference_dates(opened, closed, expected):
    assert rules.reference_dates_problem(opened, closed) == expected


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        (timezone.localdate() + dt.timedelta(days=1), True),
        (dt.date(1899, 12, 31), True),
        (dt.date(1900, 1, 1), False),
        (timezone.localdate(), False),
        (None, False),
    ],
)
def test_a_date_received_opened_or_closed(value, refused):
    if refused:
        with pytest.raises(ValidationError, match=r"Enter a date between 1900 and today\."):
            rules.validate_past_date(value)
    else:
        rules.validate_past_date(value)
