from django.core.management.base import BaseCommand, CommandError

from incidents.queries.evidence import stored_exhibits
from incidents.queries.timestamps import tokens_to_verify
from vault import store
from vault import timestamps as tsp


class Command(BaseCommand):
    help = (
        "Read every stored exhibit back, decrypt it, re-hash it and compare with the recorded SHA-256; check "
        "every trusted timestamp token against the hash it was given for. Names each mismatch; exits non-zero "
        "if there is any."
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
        tokens, bad_tokens = 0, 0
        for stamp, mark in tokens_to_verify(case_id=case):
            tokens += 1
            problem = tsp.verify_token(bytes(stamp.token), stamp.sha256)
            if problem:
                bad_tokens += 1
                what = f"exhibit {mark}" if mark else f"hash {stamp.sha256}"
                self.stderr.write(f"TIMESTAMP MISMATCH case {stamp.case_id} {what} (timestamp {stamp.pk}): {problem}")
        problems = []
        if bad:
            problems.append(f"{bad} of {checked} exhibits do not match their recorded SHA-256")
        if bad_tokens:
            problems.append(f"{bad_tokens} of {tokens} trusted timestamp tokens do not match their exhibit's hash")
        if problems:
            raise CommandError("; ".join(problems) + ".")
        said = f"OK: {checked} exhibits re-read, decrypted and re-hashed; all match."
        if tokens:
            said += f" {tokens} trusted timestamp tokens checked against their hashes; all match."
        self.stdout.write(said)
