from django.core.management.base import BaseCommand, CommandError

from incidents.queries.evidence import stored_exhibits
from vault import store


class Command(BaseCommand):
    help = (
        "Read every stored exhibit back, decrypt it, re-hash it and compare with the recorded SHA-256. "
        "Names each mismatch; exits non-zero if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case", type=int, help="Check one case only.")

    def handle(self, *args, case=None, **options):
        checked, bad = 0, 0
        for item in stored_exhibits(case_id=case).iterator(chunk_size=200):
            checked += 1
            problem = store.check(item)
            if problem:
                bad += 1
                self.stderr.write(f"MISMATCH case {item.case_id} exhibit {item.mark} (id {item.pk}): {problem}")
        if bad:
            raise CommandError(f"{bad} of {checked} exhibits do not match their recorded SHA-256.")
        self.stdout.write(f"OK: {checked} exhibits re-read, decrypted and re-hashed; all match.")
