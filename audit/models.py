"""The append-only, hash-chained record of who did what.

This app imports no other app: actors and cases are stored as ids and labels,
so the record outlives anything it describes and never cascades away.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

ACCOUNT_CHAIN = "account"
GENESIS_HASH = "0" * 64


def case_chain(case_id: int) -> str:
    return f"case:{case_id}"


class ChainHead(models.Model):
    """The latest sequence and hash of one chain; its row lock serialises appends to that chain only."""

    chain = models.CharField(max_length=40, primary_key=True)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.chain} at {self.sequence}"


class AuditEvent(models.Model):
    chain = models.CharField(max_length=40)
    sequence = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "sequence"]
        constraints = [models.UniqueConstraint(fields=["chain", "sequence"], name="audit_event_chain_sequence")]
        indexes = [models.Index(fields=["case_id", "-sequence"], name="audit_event_case_recent")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.sequence} {self.action}"

    def compute_hash(self) -> str:
        return compute_hash(
            chain=self.chain,
            sequence=self.sequence,
            occurred_at=self.occurred_at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            case_id=self.case_id,
            action=self.action,
            target_type=self.target_type,
            target_id=self.target_id,
            details=self.details,
            prev_hash=self.prev_hash,
        )


def compute_hash(**fields) -> str:
    """SHA-256 over a canonical JSON form of an event's fields (sorted keys, UTC timestamp)."""
    fields = dict(fields)
    fields["occurred_at"] = fields["occurred_at"].isoformat(timespec="microseconds")
    # Round-trip the details so the hash covers exactly what the database stores.
    fields["details"] = json.loads(json.dumps(fields["details"], cls=DjangoJSONEncoder))
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
