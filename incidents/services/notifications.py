"""The hourly email that tells an owner what others did on their cases (the digest): its claim and its send.

The claim is a conditional update of the owner's digest_sent_at: it changes the row only if the value is
still the one the caller read and at least DIGEST_MIN_SECONDS old, so two workers (or a redelivered task)
never send the same stretch twice, and nobody is sent more than one email an hour."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from accounts.services import email_render_and_queue
from audit import services as audit
from audit.actions import Action

DIGEST_TEMPLATE = "accounts/email/digest"


def digest_min_gap() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DIGEST_MIN_SECONDS)


@transaction.atomic
def digest_send(*, user, read_sent_at: dt.datetime | None, now: dt.datetime, happenings: list) -> bool:
    """Claim the stretch up to `now` for this user and queue one email listing `happenings` (what others did,
    as queries.notifications read it). False, and nothing sent, if the digest is switched off, another run
    claimed it first, or one was sent less than DIGEST_MIN_SECONDS ago."""
    if not happenings:
        return False
    unchanged = Q(digest_sent_at__isnull=True) if read_sent_at is None else Q(digest_sent_at=read_sent_at)
    claimed = (
        get_user_model()
        .objects.filter(unchanged, pk=user.pk, digest_enabled=True)
        .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - digest_min_gap()))
        .update(digest_sent_at=now)
    )
    if not claimed:
        return False
    user.digest_sent_at = now
    cases: dict[int, dict] = {}
    for happening in happenings:
        case = cases.setdefault(
            happening.case_id,
            {
                "title": happening.case_title,
                "link": settings.SITE_URL.rstrip("/") + reverse("incidents:case_summary", args=[happening.case_id]),
                "lines": [],
            },
        )
        case["lines"].append(happening.text)
    email_render_and_queue(
        to=[user.email],
        template=DIGEST_TEMPLATE,
        context={
            "name": user.full_name,
            "cases": list(cases.values()),
            "profile_link": settings.SITE_URL.rstrip("/") + reverse("accounts:profile"),
        },
    )
    audit.event_record(
        actor=user,
        action=Action.ACCOUNT_DIGEST_SENT,
        target=user,
        details={"events": len(happenings), "cases": len(cases)},
    )
    return True
