from dataclasses import dataclass

from .models import GENESIS_HASH, AuditEvent


@dataclass
class Break:
    event_id: int
    chain: str
    sequence: int
    reason: str


def chains() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())


def verify_chain(chain: str) -> tuple[int, Break | None]:
    """Re-walk one chain; return how many events were checked and the first broken one."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.filter(chain=chain).order_by("sequence").iterator(chunk_size=2000):
        checked += 1
        if event.sequence != expected_seq:
            return checked, Break(event.id, chain, event.sequence, f"sequence {expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return checked, Break(event.id, chain, event.sequence, "does not follow the event before it")
        if event.compute_hash() != event.hash:
            return checked, Break(event.id, chain, event.sequence, "its content no longer matches its hash")
        expected_prev, expected_seq = event.hash, expected_seq + 1
    return checked, None
