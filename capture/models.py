"""A web capture's row: the address a member asked the server to archive, how far the worker got, and what
the address answered. A first capture that reached a page becomes an exhibit; a re-check of it is a row of
its own (`first` points at the capture it re-checks), so the exhibit's history is the list of its rows."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Capture(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being captured"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Outcome(models.TextChoices):
        # What the address answered: never "failed" for a page that is gone or a site that is down.
        CAPTURED = "captured", "Captured"
        GONE = "gone", "Gone (404 or 410)"
        UNREACHABLE = "unreachable", "Could not be reached"
        TIMED_OUT = "timed_out", "Did not finish loading"
        REFUSED = "refused", "Refused"

    case = models.ForeignKey("incidents.Case", on_delete=models.PROTECT, related_name="captures")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="captures"
    )
    first = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="rechecks")
    url = models.URLField(max_length=2000)
    note = models.TextField(max_length=2000, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
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
    # What the address answered (set when done).
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    message = models.TextField(blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    # The SHA-256 of the WACZ's datapackage.json, which names every file of the archive by its own hash: the
    # trusted timestamp of the archive is a timestamp of this.
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    # Re-checks: daily until this day (the first capture only), the last one asked for.
    recheck_until = models.DateField(null=True, blank=True)
    evidence = models.ForeignKey(
        "incidents.Evidence", on_delete=models.PROTECT, null=True, blank=True, related_name="captures"
    )

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"], name="capture_status_requested")]

    def __str__(self) -> str:
        return f"capture of {self.url[:80]}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class CaptureFile(models.Model):
    """One file a capture made (screenshot, PDF, text, WACZ, certificates, facts), stored encrypted by the vault."""

    capture = models.ForeignKey(Capture, on_delete=models.PROTECT, related_name="files")
    role = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, editable=False)

    class Meta:
        ordering = ["capture", "pk"]
        constraints = [models.UniqueConstraint(fields=["capture", "role"], name="capture_file_unique_role")]

    def __str__(self) -> str:
        return self.name
