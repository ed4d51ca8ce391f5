"""The vault's one table: the trusted timestamp (RFC 3161) of a hash in a case.

A row is made pending when an exhibit (or a capture's file) is stored, and becomes done when a time-stamping
authority's token is stored in it. The case is an id, not a foreign key: the vault imports no app."""

from django.db import models


class Timestamp(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the time-stamping authority"
        DONE = "done", "Timestamped"

    case_id = models.PositiveBigIntegerField(db_index=True)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The TimeStampToken (CMS ContentInfo, DER), not the whole reply: `openssl ts -verify -in <it> -token_in`.
    token = models.BinaryField(null=True, blank=True)
    tsa_url = models.CharField(max_length=500, blank=True)
    tsa_name = models.CharField(max_length=300, blank=True)  # the TSA certificate's CN and O
    timestamped_at = models.DateTimeField(null=True, blank=True)  # genTime in the token
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=1000, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case_id", "sha256"], name="vault_timestamp_one_per_hash"),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(token__isnull=False, timestamped_at__isnull=False),
                name="vault_timestamp_done_has_token",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="vault_timestamp_pending"),
        ]

    def __str__(self) -> str:
        return f"timestamp of {self.sha256[:12]}… in case {self.case_id} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE
