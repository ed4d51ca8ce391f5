from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write one archive of the database and the encrypted evidence store, with a manifest of SHA-256s."

    def add_arguments(self, parser):
        parser.add_argument("destination", nargs="?", help="The .tar file to write (default: backup-<time>.tar).")
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="Also put the evidence master key in the archive. Only if the archive is kept "
            "as safe as the key itself.",
        )

    def handle(self, *args, destination=None, include_keys=False, **options):
        path = Path(destination or f"backup-{timezone.now():%Y%m%d-%H%M%S}.tar")
        try:
            manifest = backup(path, include_keys=include_keys)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Wrote {path}: the {manifest['database']['vendor']} database and "
            f"{len(manifest['evidence'])} evidence files."
        )
        if not include_keys:
            self.stdout.write("The evidence master key is not in the archive: back it up separately.")
