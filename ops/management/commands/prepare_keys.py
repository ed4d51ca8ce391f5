from django.conf import settings
from django.core.management.base import BaseCommand

from dossiers.signing import make_self_signed
from vault import store


class Command(BaseCommand):
    help = (
        "Create what a new installation needs, if missing: the evidence master key file (unless "
        "EVIDENCE_MASTER_KEY is set) and a self-signed key pair for signing dossiers. Safe to run every start."
    )

    def handle(self, *args, **options):
        if not settings.EVIDENCE_MASTER_KEY:
            existed = settings.EVIDENCE_KEY_FILE.exists()
            store.ensure_master_key()
            if not existed:
                self.stdout.write(f"Created the evidence master key: {settings.EVIDENCE_KEY_FILE}. Back it up.")
        if not settings.SIGNING_KEY_FILE.exists():
            make_self_signed(
                common_name="Referral Tracker dossier signing",
                organisation="Referral Tracker installation",
                key_path=settings.SIGNING_KEY_FILE,
                cert_path=settings.SIGNING_CERT_FILE,
            )
            self.stdout.write(f"Created a self-signed dossier signing key: {settings.SIGNING_KEY_FILE}")
