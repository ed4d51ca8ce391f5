"""Every factory of the test suite, in one place."""

import factory
from django.contrib.auth import get_user_model

from incidents.services import cases as case_services
from incidents.services import incidents as incident_services
from incidents.services import sharing as sharing_services


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    initials = factory.LazyAttribute(lambda o: "".join(p[0] for p in o.full_name.split()[:2]).upper())
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_case(owner, title: str = "Reports about our family", **members):
    """A case owned by `owner`, with other members given by role: make_case(o, editor=u1, viewer=u2)."""

    case = case_services.case_create(user=owner, title=title)
    for role, member in members.items():
        sharing_services.membership_add(case=case, user=member, role=role, added_by=owner)
    return case


def log_incident(case, user, **fields):
    import datetime as dt

    from django.utils import timezone

    defaults = {
        "kind": "online_post",
        "occurred_at": timezone.now() - dt.timedelta(days=1),
        "narrative": "A post claimed we were under investigation.",
    }
    return incident_services.incident_log(user=user, case=case, **{**defaults, **fields})


def png_bytes(width: int = 40, height: int = 30, colour=(200, 30, 30)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def confirm_recent_login(client) -> None:
    """As if the person had just re-entered their password (sensitive actions ask for it)."""
    import time

    session = client.session
    session["reauth_at"] = time.time()
    session.save()


def point_celery_at(url: str) -> None:
    """Make this process's Celery app send to `url`, dropping every connection it pooled before.

    Celery caches a connection pool on the app and a producer pool on app.amqp, and kombu keeps
    both in registries of its own: all of them must go, or the next task sent in this process
    is handed a closed pool ("Acquire on closed pool"), even in eager mode."""
    import kombu.pools

    from referral_tracker.celery import app

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None and amqp._producer_pool is not None:
        amqp._producer_pool.force_close_all()
        amqp._producer_pool = None
    kombu.pools.reset()
    app.conf.broker_url = url


WITNESS_OPENING = "My name is Alex Jones. I live with my two children. I make this statement about false reports."


def witness_draft(case, owner, *, opening: str = WITNESS_OPENING, closing: str = ""):
    """A started witness statement with her opening and closing and the maker's details (address and phone
    sealed)."""
    from casework.services import statements

    draft = statements.statement_get_or_start(case=case, kind="witness", by=owner)
    statements.statement_update(statement=draft, opening=opening, closing=closing, by=owner)
    statements.statement_maker_update(
        statement=draft,
        name="Alex Jones",
        over_18=True,
        age=None,
        occupation="Nurse",
        address="1 High Street, Leeds",
        phone="07700 900456",
        by=owner,
    )
    return draft


def api_client(user, scope: str = "read"):
    """An API client that signs in as `user` with a personal access token of that scope."""
    from rest_framework.test import APIClient

    from accounts import services as account_services

    _, token = account_services.access_token_create(user=user, name="test", scope=scope, days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client
