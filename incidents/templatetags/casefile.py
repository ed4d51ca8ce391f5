import datetime as dt
import zoneinfo

from django import template
from django.utils import timezone

from audit.actions import describe
from casework.offences import is_course_of_conduct
from incidents.queries.incidents import when_text
from incidents.rules import PARTY_ROLE_LABELS

register = template.Library()


def _zone(case) -> zoneinfo.ZoneInfo:
    return case.zone if case is not None else timezone.get_current_timezone()


@register.filter
def in_case_zone(value: dt.datetime | None, case) -> str:
    """'Sat 21 Nov 2026, 14:05 GMT': the case's local time with GMT/BST (or the zone's abbreviation)."""
    if value is None:
        return ""
    local = timezone.localtime(value, _zone(case))
    return local.strftime("%a %-d %b %Y, %H:%M ") + local.tzname()


@register.filter
def when(incident, case) -> str:
    """When an incident happened, in the case's zone, said as precisely as it is known.

    The case is passed in rather than read from incident.case, so that a page of
    incidents does not load one Case per row."""
    return when_text(incident.occurred_at, incident.occurred_precision, case.zone)


@register.filter
def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@register.filter
def describe_event(event) -> str:
    """What was done, as a person reads it: the label audit.actions gives the event's action."""
    return describe(event.action, event.details)


@register.filter
def actor_name(event, names: dict) -> str:
    """Who did it: the member's name, else the email recorded at the time, else "system"."""
    return names.get(event.actor_id) or event.actor_label or "system"


@register.filter
def role_label(role: str) -> str:
    """A party's part in an incident in words: "reported_to" is "Received the report"."""
    return PARTY_ROLE_LABELS.get(role, role)


@register.filter
def course_of_conduct(incident_count: int) -> bool:
    """Whether a suspected person's incidents can be a course of conduct: the offence rules decide
    (casework.offences), never the template."""
    return is_course_of_conduct(incident_count or 0)
