"""The drafts a parent builds from the record: a witness statement (MG11 shape) and a victim personal statement.

A statement has an opening and a closing she types, and one paragraph per incident, generated in the first
person from what she logged and then hers to edit, move or remove. Every save is kept as a revision; making
the draft up to date with the record adds paragraphs for new incidents without touching her edits.

The statement maker's address and telephone number are sealed with the case's evidence key (vault.store):
they are printed only in the statement's contact block, and only when she asks for it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Statement(models.Model):
    class Kind(models.TextChoices):
        WITNESS = "witness", "Witness statement"
        VICTIM = "victim", "Victim personal statement"

    case = models.ForeignKey("incidents.Case", on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    opening = models.TextField(blank=True, max_length=10000)
    closing = models.TextField(blank=True, max_length=10000)
    # The maker: the header block of the statement.
    maker_name = models.CharField(max_length=150, blank=True)
    maker_over_18 = models.BooleanField(default=True)
    maker_age = models.PositiveSmallIntegerField(null=True, blank=True)  # only when under 18
    maker_occupation = models.CharField(max_length=150, blank=True)
    maker_address_sealed = models.BinaryField(null=True, blank=True, editable=False)
    maker_phone_sealed = models.BinaryField(null=True, blank=True, editable=False)
    # The number of the latest revision (0: never saved by anyone).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "kind"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="statement_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of case {self.case_id}"


class StatementParagraph(models.Model):
    """One paragraph of the body. `generated` is what the record last produced for its incident; `text` is
    what the statement says (the same until she edits it). A removed paragraph stays, so making the draft up
    to date never brings it back; a paragraph whose incident was withdrawn is flagged, never dropped."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="paragraphs")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="statement_paragraphs"
    )
    position = models.PositiveIntegerField()
    text = models.TextField(max_length=20000)
    generated = models.TextField(blank=True, max_length=40000)
    edited = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["statement", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "incident"], condition=Q(incident__isnull=False), name="paragraph_one_per_incident"
            )
        ]

    def __str__(self) -> str:
        return f"paragraph {self.position} of statement {self.statement_id}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class StatementRevision(models.Model):
    """The statement as it stood after each save (opening, closing, the maker's unsealed details, the
    paragraphs in order). Never edited."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["statement", "number"]
        constraints = [models.UniqueConstraint(fields=["statement", "number"], name="statement_revision_number")]

    def __str__(self) -> str:
        return f"revision {self.number} of statement {self.statement_id}"
