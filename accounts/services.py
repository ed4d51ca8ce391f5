import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template import loader

from audit import services as audit

from .models import initials_from_name
from .tasks import send_email

logger = logging.getLogger(__name__)


def email_queue(*, to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """Hand an email to the worker once the current transaction has committed.

    If the broker cannot be reached, what was saved stays saved and the page still answers:
    the failure is logged with the recipient and subject, so the email can be sent again."""

    from referral_tracker.celery import publish

    def send() -> None:
        publish(
            send_email,
            kwargs={"to": to, "subject": subject, "body": body, "html": html},
            what=f"the email {subject!r} to {to}",
        )

    transaction.on_commit(send)


def email_render_and_queue(*, to: list[str], template: str, context: dict) -> None:
    """Render templates/<template>_subject.txt, _body.txt and (if present) _body.html."""
    subject = "".join(loader.render_to_string(f"{template}_subject.txt", context).splitlines())
    body = loader.render_to_string(f"{template}_body.txt", context)
    try:
        html = loader.render_to_string(f"{template}_body.html", context)
    except loader.TemplateDoesNotExist:
        html = None
    email_queue(to=to, subject=subject, body=body, html=html)


@transaction.atomic
def user_sign_up(*, email: str, full_name: str, password: str, initials: str = "", time_zone: str = "Europe/London"):
    user = get_user_model().objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        initials=(initials or initials_from_name(full_name)).upper(),
        time_zone=time_zone,
    )
    audit.event_record(actor=user, action="account.sign_up", target=user)
    return user


@transaction.atomic
def user_profile_update(*, user, full_name: str, initials: str, time_zone: str):
    user.full_name = full_name.strip()
    user.initials = initials.upper()
    user.time_zone = time_zone
    user.save(update_fields=["full_name", "initials", "time_zone"])
    audit.event_record(actor=user, action="account.profile_update", target=user)
    return user


TOKEN_DAYS_CHOICES = (7, 30, 90, 365)


@transaction.atomic
def access_token_create(*, user, name: str, scope: str, days: int):
    """A new API token. Returns (row, the token itself): the token is shown once and never stored."""
    import datetime as dt
    import hashlib
    import secrets

    from django.utils import timezone

    from .models import AccessToken

    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.event_record(
        actor=user,
        action="account.token_create",
        target=token,
        details={"name": token.name, "scope": scope, "days": days},
    )
    return token, f"rt_{prefix}_{secret}"


@transaction.atomic
def access_token_revoke(*, user, token):
    from django.utils import timezone

    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.event_record(actor=user, action="account.token_revoke", target=token, details={"name": token.name})
    return token
