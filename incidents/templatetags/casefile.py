import datetime as dt
import zoneinfo

from django import template
from django.utils import timezone

from incidents.queries import when_text

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


ACTIONS = {
    "case.create": "started the case",
    "case.update": "changed the case settings",
    "case.close": "closed the case",
    "case.reopen": "reopened the case",
    "child.add": "added a child",
    "child.remove": "removed a child",
    "membership.add": "added a member",
    "membership.revoke": "removed a member",
    "party.create": "added a person or organisation",
    "party.update": "changed a person or organisation",
    "reference.create": "added a reference number",
    "reference.update": "changed a reference number",
    "incident.log": "logged an incident",
    "incident.edit": "changed an incident",
    "comment.add": "added a comment",
    "comment.edit": "changed a comment",
    "comment.delete": "deleted a comment",
    "view": "looked at",
}


@register.filter
def describe_event(event) -> str:
    text = ACTIONS.get(event.action, event.action)
    if event.action == "view":
        text = f"{text} the {event.details.get('page', 'case')} page"
    return text


@register.filter
def actor_name(event, names: dict) -> str:
    """Who did it: the member's name, else the email recorded at the time, else "system"."""
    return names.get(event.actor_id) or event.actor_label or "system"
