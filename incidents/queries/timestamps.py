"""The reads of trusted timestamps: an exhibit's (its page), a case's by hash (the dossier's exhibit list),
and every stored token with the exhibit it vouches for (verify_evidence)."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery

from vault import timestamps as tsp
from vault.models import Timestamp

from ..models import Case, Evidence


@dataclass(frozen=True)
class ExhibitTimestamp:
    """What the exhibit page says of its timestamp: "done", "pending", "off" (no authority
    configured) or "none" (added before one was)."""

    state: str
    timestamp: Timestamp | None = None


def exhibit_timestamp(evidence: Evidence) -> ExhibitTimestamp | None:
    """The exhibit's timestamp, or None for an exhibit with no file (a link only: nothing to timestamp)."""
    if not evidence.sha256:
        return None
    row = (
        Timestamp.objects.filter(case_id=evidence.case_id, sha256=evidence.sha256)
        .only("status", "tsa_name", "tsa_url", "timestamped_at", "last_error", "attempts")
        .first()
    )
    if row is not None and row.is_done:
        return ExhibitTimestamp("done", row)
    if row is not None:
        return ExhibitTimestamp("pending", row)
    # No row: no authority was configured when it was added ("none"), or none is now ("off").
    return ExhibitTimestamp("none" if settings.TSA_URLS else "off")


def exhibit_token_reply(evidence: Evidence) -> bytes | None:
    """The exhibit's token as the `.tsr` file (a granted RFC 3161 reply), or None if it has none yet."""
    token = (
        Timestamp.objects.filter(case_id=evidence.case_id, sha256=evidence.sha256, status=Timestamp.Status.DONE)
        .values_list("token", flat=True)
        .first()
    )
    return tsp.token_reply(bytes(token)) if token is not None and evidence.sha256 else None


def case_timestamps(case: Case) -> dict[str, Timestamp]:
    """The case's done timestamps by hash (without the tokens): one query."""
    rows = Timestamp.objects.filter(case_id=case.pk, status=Timestamp.Status.DONE).only(
        "sha256", "tsa_name", "tsa_url", "timestamped_at"
    )
    return {row.sha256: row for row in rows}


def tokens_to_verify(*, case_id: int | None = None) -> Iterator[tuple[Timestamp, str]]:
    """Every done timestamp with its token, and the mark of the exhibit of that hash ("" if none, e.g. a
    capture's WACZ manifest), case by case."""
    marks = Evidence.objects.filter(case_id=OuterRef("case_id"), sha256=OuterRef("sha256")).order_by("pk")
    rows = (
        Timestamp.objects.filter(status=Timestamp.Status.DONE)
        .annotate(mark=Subquery(marks.values("mark")[:1]))
        .order_by("case_id", "pk")
    )
    if case_id is not None:
        rows = rows.filter(case_id=case_id)
    for row in rows.iterator(chunk_size=200):
        yield row, row.mark or ""
