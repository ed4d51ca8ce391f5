"""After a run: is every write the site acknowledged in the database, and has every dossier been made?"""

import time
from collections import Counter
from dataclasses import dataclass

from django.db import close_old_connections
from django.db.models import Count

from dossiers.models import Dossier
from incidents.models import Evidence, Incident


@dataclass
class Lost:
    acknowledged: Counter
    lost: Counter

    @property
    def total_acknowledged(self) -> int:
        return sum(self.acknowledged.values())

    @property
    def total_lost(self) -> int:
        return sum(self.lost.values())


def lost_writes(acks: list[dict]) -> Lost:
    """Count, for each kind, the acknowledged writes that the database does not hold."""
    close_old_connections()
    acknowledged, lost = Counter(), Counter()
    incidents = {ack["id"]: ack for ack in acks if ack["kind"] == "incident"}
    found = set(
        Incident.objects.filter(pk__in=incidents).values_list("pk", "case_id", "title").iterator(chunk_size=2000)
    )
    acknowledged["incident"] = len(incidents)
    lost["incident"] = sum((pk, ack["case"], ack["title"]) not in found for pk, ack in incidents.items())

    exhibits = [ack for ack in acks if ack["kind"] == "evidence"]
    stored = set(
        Evidence.objects.filter(description__startswith="Load screenshot ").values_list(
            "case_id", "description", "sha256"
        )
    )
    acknowledged["evidence"] = len(exhibits)
    lost["evidence"] = sum((ack["case"], ack["description"], ack["sha256"]) not in stored for ack in exhibits)

    # A dossier's page redirects without its id: count by case and requester. A request whose answer
    # never arrived may still be in the database; that is one more, never one lost.
    asked = Counter((ack["case"], ack["by"]) for ack in acks if ack["kind"] == "dossier")
    held = {
        (row["case_id"], row["requested_by__email"]): row["n"]
        for row in Dossier.objects.values("case_id", "requested_by__email").annotate(n=Count("id"))
    }
    acknowledged["dossier"] = sum(asked.values())
    lost["dossier"] = sum(max(0, n - held.get(key, 0)) for key, n in asked.items())
    return Lost(acknowledged, lost)


def dossier_counts() -> Counter:
    close_old_connections()
    return Counter(dict(Dossier.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")))


def wait_for_dossiers(timeout: float) -> tuple[float, Counter]:
    """Wait until no dossier is queued or running; returns the seconds waited and the counts by status."""
    started = time.monotonic()
    while True:
        counts = dossier_counts()
        if not counts[Dossier.Status.QUEUED] and not counts[Dossier.Status.RUNNING]:
            return time.monotonic() - started, counts
        if time.monotonic() - started > timeout:
            return time.monotonic() - started, counts
        time.sleep(1)
