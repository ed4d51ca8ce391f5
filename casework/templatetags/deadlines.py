"""The "What is due" panel: `{% due_panel cases %}` on My cases (every case given, as the gate listed them for the
signed-in person) and `{% case_due_panel case %}` on the case summary (the page has passed the gate). Overdue ones
first, in words ("3 days overdue"), then the next ones; at most PANEL_LIMIT, then "and N more"; the disclaimer
once. The reads are casework/queries/deadlines.py (three queries, however many cases)."""

from django import template
from django.utils import timezone

from .. import deadlines
from ..queries import deadlines as deadline_queries

register = template.Library()

PANEL_LIMIT = 8


def _panel(items: list, *, show_case: bool) -> dict:
    shown = items[:PANEL_LIMIT]
    return {
        "items": shown,
        "more": len(items) - len(shown),
        "show_case": show_case,
        "disclaimer": deadlines.DISCLAIMER,
        "empty": not items,
    }


@register.inclusion_tag("casework/_due_panel.html", takes_context=True)
def due_panel(context, cases):
    """Every case in `cases` (the dashboard's list, from the gate)."""
    user = context["user"]
    today = deadline_queries.user_today(user, timezone.now())
    items = deadline_queries.due_for_cases(list(cases), today)
    return _panel(items, show_case=True)


@register.inclusion_tag("casework/_due_panel.html")
def case_due_panel(case):
    today = timezone.now().astimezone(case.zone).date()
    return _panel(deadline_queries.due_for_case(case, today), show_case=False)
