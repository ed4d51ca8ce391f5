from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dossiers.signing import make_self_signed


class Command(BaseCommand):
    help = "Create a self-signed key and certificate for signing dossiers (once per installation)."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="Referral Tracker dossier signing")
        parser.add_argument("--organisation", default="Referral Tracker installation")
        parser.add_argument("--force", action="store_true", help="Replace an existing key.")
        parser.add_argument("--if-missing", action="store_true", help="Do nothing if a key exists.")

    def handle(self, *args, name, organisation, force, if_missing, **options):
        key, cert = settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE
        if key.exists() and not force:
            if if_missing:
                return
            raise CommandError(f"{key} exists already. Use --force to replace it (older dossiers stay valid).")
        make_self_signed(common_name=name, organisation=organisation, key_path=key, cert_path=cert)
        self.stdout.write(f"Signing key: {key}\nCertificate: {cert}")
