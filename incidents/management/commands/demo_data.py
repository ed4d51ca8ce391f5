import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from incidents.services import cases as case_services
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services

DEMO_EMAIL = "parent@example.com"
DEMO_PASSWORD = "demo-parent-password"  # noqa: S105 - a published demo account for local use only


class Command(BaseCommand):
    help = "Create a demo parent account with a small demo case, once. Running it again changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = account_services.user_sign_up(email=DEMO_EMAIL, full_name="Alex Jones", password=DEMO_PASSWORD)
            self._demo_case(user)
            self.stdout.write("Created the demo account and a demo case.")
        self.stdout.write(f"Log in at /accounts/login/ as {DEMO_EMAIL} with the password {DEMO_PASSWORD}")

    def _demo_case(self, user) -> None:
        case = case_services.case_create(user=user, title="Demo: false reports about our family")
        case_services.child_add(user=user, case=case, name="Ella Jones")
        suspect = party_services.party_create(
            user=user, case=case, kind="suspect", name="troll_account_99", handles="@troll_account_99\n@baby_watch_uk"
        )
        council = party_services.party_create(
            user=user, case=case, kind="social_services", name="Anytown Children's Services"
        )
        police = party_services.party_create(user=user, case=case, kind="police", name="Anytown Police")
        now = timezone.now()
        incident_services.incident_log(
            user=user,
            case=case,
            kind="online_post",
            occurred_at=now - dt.timedelta(days=60),
            title="Forum thread about our baby",
            narrative="A thread on a gossip forum claimed our baby was being neglected and named her nursery.",
            platform="Gossip forum",
            url="https://forum.example/thread/123",
            parties=[suspect],
            tags=["forum"],
        )
        referral = incident_services.incident_log(
            user=user,
            case=case,
            kind="referral_social_services",
            occurred_at=now - dt.timedelta(days=45),
            title="Social worker phoned about an anonymous referral",
            narrative="A social worker called to say an anonymous referral had been made. She will visit next week.",
            impact="We could not sleep. We had to tell our employers.",
            parties=[suspect, council],
        )
        reference_services.reference_create(
            user=user,
            case=case,
            kind="social_services",
            number="CS-2026-0412",
            agency=council,
            officer="Ms R. Patel",
            incidents=[referral],
        )
        incident_services.incident_log(
            user=user,
            case=case,
            kind="police_contact",
            occurred_at=now - dt.timedelta(days=20),
            title="Police welfare check",
            narrative="Two officers came for a welfare check after a call.",
            parties=[suspect, police],
        )
