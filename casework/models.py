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


class Letter(models.Model):
    """A letter of the case, made from a template (casework/letters/templates/) and the case's facts, then hers to
    edit freely while it is a draft. Final: no "[...]" left, the recipient's address given; the worker renders it
    (PDF and Word). Sent: the date and how, and the clocks it starts (Deadline rows)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"
        SENT = "sent", "Sent"

    class SentHow(models.TextChoices):
        POST = "post", "By post"
        EMAIL = "email", "By email"
        PORTAL = "portal", "Through the organisation's website or portal"
        HAND = "hand", "By hand"

    case = models.ForeignKey("incidents.Case", on_delete=models.CASCADE, related_name="letters")
    template_key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    recipient = models.ForeignKey(
        "incidents.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    # The sender: her name, and her address sealed with the case's key as the statement maker's is.
    sender_name = models.CharField(max_length=200, blank=True)
    sender_address_sealed = models.BinaryField(null=True, blank=True, editable=False)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_address = models.TextField(max_length=1000, blank=True)
    salutation = models.CharField(max_length=200, default="Dear Sir or Madam")
    sign_off = models.CharField(max_length=40, default="Yours faithfully")
    subject = models.CharField(max_length=500, blank=True)
    # The paragraphs, a blank line between them (numbered when printed).
    body = models.TextField(max_length=30000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finalised_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    sent_how = models.CharField(max_length=10, choices=SentHow.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class LetterAnswer(models.Model):
    """The organisation's answer to a letter: when it came, and the exhibit that holds it (if it was added)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="answers")
    received_on = models.DateField()
    note = models.TextField(max_length=5000, blank=True)
    evidence = models.ForeignKey(
        "incidents.Evidence", on_delete=models.PROTECT, null=True, blank=True, related_name="letter_answers"
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["letter", "received_on", "pk"]

    def __str__(self) -> str:
        return f"answer of {self.received_on} to letter {self.letter_id}"


class Deadline(models.Model):
    """One legal clock of the case: what started it (a letter sent, an answer received), the rule it follows
    (casework/deadlines.py), and the date it runs out. Closed when the answer it waits for is logged."""

    case = models.ForeignKey("incidents.Case", on_delete=models.CASCADE, related_name="deadlines")
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines")
    rule_key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    due_on = models.DateField()
    extended = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        LetterAnswer, on_delete=models.SET_NULL, null=True, blank=True, related_name="closed_deadlines"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["case", "closed_at", "due_on"], name="deadline_open_due")]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


# ---- issue 18: the deadline reminders and the calendar feed (helper F; migration 0003_reminders) -------------


class ReminderDigest(models.Model):
    """One deadline reminder email to one person on one day (their time zone's day). The row is claimed before
    the email is queued, in the same transaction: a second run that day (beat firing twice, a redelivered task)
    meets the unique constraint and sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    deadlines = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="reminder_digest_one_a_day")]

    def __str__(self) -> str:
        return f"deadline reminder of user {self.user_id} on {self.day}"


class CalendarFeed(models.Model):
    """A person's private calendar link. Only the SHA-256 of its token is kept (the link is shown once); a
    revoked link answers 404 like one that never existed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_feed_one_live_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed {self.pk} of user {self.user_id}"
