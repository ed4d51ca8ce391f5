"""A dossier's row: what was asked for, how far the run got, what it made."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# No 0/O or 1/I/L: the code is read off paper and typed in.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Dossier(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Audience(models.TextChoices):
        POLICE = "police", "The police"
        SOCIAL_SERVICES = "social_services", "Social services"
        OWN_RECORD = "own_record", "My own record"

    class Document(models.TextChoices):
        # What the worker renders for this row: the dossier, or one of the case's statement drafts (casework).
        DOSSIER = "dossier", "Dossier"
        WITNESS_STATEMENT = "witness_statement", "Witness statement"
        VICTIM_STATEMENT = "victim_statement", "Victim personal statement"
        LETTER = "letter", "Letter"

    case = models.ForeignKey("incidents.Case", on_delete=models.PROTECT, related_name="dossiers")
    document = models.CharField(max_length=20, choices=Document.choices, default=Document.DOSSIER)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # date_from, date_to (ISO dates or null), audience, photos ("inline" or "listed"), redact (bool)
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    # A fresh token per claim: only the run that holds it may write progress or finish the row.
    claim_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    verification_code = models.CharField(max_length=14, unique=True, default=new_verification_code)
    file_name = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    pack_name = models.CharField(max_length=100, blank=True)
    pack_sha256 = models.CharField(max_length=64, blank=True)
    pack_size = models.PositiveBigIntegerField(default=0)
    timings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"], name="dossier_status_requested")]

    def __str__(self) -> str:
        return f"Dossier {self.verification_code}"

    @property
    def is_statement(self) -> bool:
        return self.document != self.Document.DOSSIER

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
