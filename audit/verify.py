from dataclasses import dataclass

from .models import GENESIS_HASH, AuditEvent, ChainHead


@dataclass
class Break:
    event_id: int
    chain: str
    sequence: int
    reason: str


def chains() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())


def verify_chain(chain: str) -> tuple[int, Break | None]:
    """Re-walk one chain; return how many events were checked and the first broken one.

    The chain's head (its latest sequence and hash, kept as each event is appended) is read first, so that
    events deleted from the end are missed too; events appended while the walk runs are simply checked."""
    head = ChainHead.objects.filter(chain=chain).values_list("sequence", "hash").first()
    expected_prev, expected_seq, checked, last_id = GENESIS_HASH, 1, 0, 0
    for event in AuditEvent.objects.filter(chain=chain).order_by("sequence").iterator(chunk_size=2000):
        checked += 1
        last_id = event.id
        if event.sequence != expected_seq:
            return checked, Break(event.id, chain, event.sequence, f"sequence {expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return checked, Break(event.id, chain, event.sequence, "does not follow the event before it")
        if event.compute_hash() != event.hash:
            return checked, Break(event.id, chain, event.sequence, "its content no longer matches its hash")
        if head and event.sequence == head[0] and event.hash != head[1]:
            return checked, Break(event.id, chain, event.sequence, "is not the event the chain's head records")
        expected_prev, expected_seq = event.hash, expected_seq + 1
    if head and expected_seq - 1 < head[0]:
        missing = (
            f"sequence {expected_seq} is" if expected_seq == head[0] else f"sequences {expected_seq} to {head[0]} are"
        )
        return checked, Break(last_id, chain, expected_seq - 1, f"is not the last: {missing} missing at the end")
    return checked, None
