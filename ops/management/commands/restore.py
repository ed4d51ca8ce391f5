from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and evidence store, checking every SHA-256 first."

    def add_arguments(self, parser):
        parser.add_argument("source", help="The .tar file written by `manage.py backup`.")

    def handle(self, *args, source, **options):
        try:
            manifest = restore(Path(source))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the database and {len(manifest['evidence'])} evidence files from {source} "
            f"(made {manifest['created_at']}). Run verify_audit and verify_evidence to check them."
        )
