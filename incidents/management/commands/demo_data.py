from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts import services as account_services

DEMO_EMAIL = "parent@example.com"
DEMO_PASSWORD = "demo-parent-password"  # noqa: S105 - a published demo account for local use only


class Command(BaseCommand):
    help = "Create a demo parent account with a small demo case (only if it does not exist yet)."

    def handle(self, *args, **options):
        User = get_user_model()
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = account_services.user_sign_up(email=DEMO_EMAIL, full_name="Alex Jones", password=DEMO_PASSWORD)
            self.stdout.write("Created the demo account.")
        self.stdout.write(f"Log in at /accounts/login/ as {DEMO_EMAIL} with the password {DEMO_PASSWORD}")
