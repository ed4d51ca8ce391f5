from django.core.management.base import BaseCommand, CommandError

from audit.verify import chains, verify_chain


class Command(BaseCommand):
    help = "Re-walk every audit chain and name the first broken event. Exits non-zero if any chain is broken."

    def add_arguments(self, parser):
        parser.add_argument("--chain", help="Check one chain only, e.g. case:12 or account.")

    def handle(self, *args, chain=None, **options):
        broken, total = [], 0
        for name in [chain] if chain else chains():
            checked, problem = verify_chain(name)
            total += checked
            if problem:
                broken.append(problem)
                self.stderr.write(
                    f"BROKEN {problem.chain}: event id {problem.event_id} "
                    f"(sequence {problem.sequence}) {problem.reason}"
                )
        if broken:
            raise CommandError(f"{len(broken)} chain(s) broken; {total} events checked.")
        self.stdout.write(f"OK: {total} events in {len(chains()) if not chain else 1} chain(s) verified.")
