"""The case file: cases, their members, people and bodies involved, incidents and reference numbers."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from accounts.models import validate_time_zone
from vault.filetypes import extension, is_inline_image
from vault.filetypes import words as type_words


def joined(*parts: str, separator: str = " · ") -> str:
    """The parts that say something, joined: never a separator at the start, the end or twice in a row."""
    return separator.join(text for part in parts if (text := (part or "").strip()))


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Nation(models.TextChoices):
        """Where the family lives: the criminal law and the agencies differ (Scotland has its own law)."""

        ENGLAND = "england", "England"
        WALES = "wales", "Wales"
        SCOTLAND = "scotland", "Scotland"
        NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"

    title = models.CharField(max_length=120)
    exhibit_prefix = models.CharField(max_length=6, help_text="Marks exhibits, for example AJ/1.")
    time_zone = models.CharField(max_length=64, default="Europe/London", validators=[validate_time_zone])
    # Blank only for a case whose nation was cleared through the API: the checklist then asks for it.
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The next exhibit number; taken under a row lock so numbers never repeat or skip.
    next_exhibit_number = models.PositiveIntegerField(default=1, editable=False)
    # The owner can require every member to use two-factor authentication for this case.
    require_two_factor = models.BooleanField(default=False)
    # This case's evidence key, encrypted with the installation's master key.
    wrapped_key = models.BinaryField(null=True, blank=True, editable=False)
    # Who the record is about and how a reader reaches them: the dossier's cover prints what the
    # person asking for it chooses to show.
    subject_name = models.CharField("who this record is about", max_length=150, blank=True)
    subject_contact = models.TextField("how to contact them", max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Child(models.Model):
    """A child in the family. The dossier can print initials in place of the name."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(max_length=120)
    initials = models.CharField(max_length=6)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.initials


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    ADVOCATE = "advocate", "Advocate"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case"], condition=Q(revoked_at__isnull=True), name="membership_one_active_per_case"
            )
        ]
        indexes = [models.Index(fields=["user", "case"], name="membership_user_case")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in case {self.case_id}"


class Party(models.Model):
    """A person or body in the case."""

    class Kind(models.TextChoices):
        SUSPECT = "suspect", "Suspected perpetrator"
        SOCIAL_SERVICES = "social_services", "Social services department"
        POLICE = "police", "Police force"
        NSPCC = "nspcc", "NSPCC"
        EMPLOYER = "employer", "Employer or brand"
        SCHOOL = "school", "School or nursery"
        GP = "gp", "GP or health service"
        PLATFORM = "platform", "Website or platform"
        WITNESS = "witness", "Witness"
        OTHER = "other", "Other"

    AGENCY_KINDS = (Kind.SOCIAL_SERVICES, Kind.POLICE, Kind.NSPCC)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    handles = models.TextField(blank=True, max_length=2000, help_text="Online usernames, one per line.")
    aliases = models.TextField(blank=True, max_length=2000, help_text="Other names, one per line.")
    contact = models.TextField(blank=True, max_length=2000)
    notes = models.TextField(blank=True, max_length=10000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        indexes = [models.Index(fields=["case", "kind"], name="party_case_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def handle_list(self) -> list[str]:
        return [h.strip() for h in self.handles.splitlines() if h.strip()]

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]


class Tag(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["case", "name"], name="tag_unique_per_case")]

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    class Kind(models.TextChoices):
        REFERRAL_SOCIAL_SERVICES = "referral_social_services", "False referral to social services"
        REFERRAL_NSPCC = "referral_nspcc", "Referral via the NSPCC"
        POLICE_CONTACT = "police_contact", "Police contact"
        AGENCY_LETTER = "agency_letter", "Letter from an agency"
        AGENCY_VISIT = "agency_visit", "Visit from an agency"
        AGENCY_CALL = "agency_call", "Call from an agency"
        ONLINE_POST = "online_post", "Online post"
        DIRECT_MESSAGE = "direct_message", "Direct message"
        THIRD_PARTY = "third_party", "Employer, brand or other third party contacted"
        DOXING = "doxing", "Personal details published (doxing)"
        OTHER = "other", "Something else"

    class Precision(models.TextChoices):
        EXACT = "exact", "Exact date and time"
        DAY = "day", "The day only"
        MONTH = "month", "The month only"
        APPROXIMATE = "approximate", "Roughly (approximate)"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    occurred_precision = models.CharField(max_length=12, choices=Precision.choices, default=Precision.EXACT)
    title = models.CharField(max_length=200, blank=True)
    narrative = models.TextField(max_length=20000)
    impact = models.TextField(blank=True, max_length=10000)
    platform = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    outcome = models.TextField(blank=True, max_length=5000)
    parties = models.ManyToManyField(Party, through="IncidentParty", related_name="incidents")
    tags = models.ManyToManyField(Tag, blank=True, related_name="incidents")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revision_count = models.PositiveIntegerField(default=1)
    # A wrong or duplicate incident is withdrawn, never deleted: it leaves counts, charts and the
    # dossier's chronology, and the dossier's statement of record lists it as withdrawn.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, max_length=2000)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Everything searchable, joined by the services; PostgreSQL indexes it with GIN.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at", "id"], name="incident_case_occurred")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.display_title_for(self.title, self.kind)

    @classmethod
    def display_title_for(cls, title: str | None, kind: str) -> str:
        """The title a page, email or dossier shows: the one typed, else the kind ("Direct message")."""
        if title:
            return title
        return cls.Kind(kind).label if kind in cls.Kind.values else kind

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


# What an incident says, as typed: every revision snapshots these, the dossier prints them.
INCIDENT_FIELDS = (
    "kind",
    "occurred_at",
    "occurred_precision",
    "title",
    "narrative",
    "impact",
    "platform",
    "url",
    "outcome",
)


class IncidentParty(models.Model):
    class Role(models.TextChoices):
        SUSPECTED = "suspected", "Suspected of doing it"
        REPORTED_TO = "reported_to", "Received the report"
        CONTACTED = "contacted", "Was contacted"
        WITNESS = "witness", "Witness"
        INVOLVED = "involved", "Involved"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="party_links")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="incident_links")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "party"], name="incident_party_unique")]

    def __str__(self) -> str:
        return f"{self.party} ({self.role})"

    # The usual role by kind of incident and of party, and the words each role is shown with, are in
    # incidents/rules.py (party_role_default, PARTY_ROLE_LABELS).


class IncidentRevision(models.Model):
    """A snapshot of an incident as it stood after each save. Never edited."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(default=timezone.now)
    # Why it was changed, in the editor's words (optional).
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["incident", "number"]
        constraints = [models.UniqueConstraint(fields=["incident", "number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"revision {self.number} of incident {self.incident_id}"


class AgencyReference(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_SERVICES = "social_services", "Social services case number"
        POLICE = "police", "Police crime reference"
        NSPCC = "nspcc", "NSPCC reference"
        PLATFORM = "platform", "Platform report number"
        OTHER = "other", "Other reference"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        NO_FURTHER_ACTION = "nfa", "Closed: no further action"
        CLOSED = "closed", "Closed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.CharField("reference number", max_length=100)
    agency = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="references")
    officer = models.CharField("officer or social worker", max_length=200, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True, max_length=5000)
    incidents = models.ManyToManyField(Incident, blank=True, related_name="references")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Evidence(models.Model):
    """An exhibit. Its original bytes are stored encrypted and never changed; a wrong item is withdrawn."""

    class Kind(models.TextChoices):
        SCREENSHOT = "screenshot", "Screenshot"
        PHOTO = "photo", "Photo"
        DOCUMENT = "document", "Letter or document"
        EMAIL = "email", "Email"
        AUDIO = "audio", "Audio recording"
        VIDEO = "video", "Video"
        WEB_PAGE = "web_page", "Web page"
        OTHER = "other", "Something else"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    number = models.PositiveIntegerField()
    mark = models.CharField(max_length=20)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField(max_length=5000)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    storage_name = models.CharField(max_length=100, blank=True, editable=False)
    preview_name = models.CharField(max_length=100, blank=True, editable=False)
    obtained_at = models.DateField(null=True, blank=True)
    obtained_from = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    incidents = models.ManyToManyField(Incident, blank=True, related_name="evidence")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, max_length=2000)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case", "number"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="evidence_unique_number"),
            models.UniqueConstraint(fields=["case", "sha256"], condition=~Q(sha256=""), name="evidence_unique_bytes"),
        ]

    def __str__(self) -> str:
        return self.mark

    @property
    def has_file(self) -> bool:
        return bool(self.storage_name)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def file_name(self) -> str:
        """The name its file is given wherever it is handed over (a download, the evidence pack): the mark and
        the extension of its sniffed type, "AJ-3.png", never the name it was uploaded with."""
        return f"{self.mark.replace('/', '-')}.{extension(self.content_type)}"

    @property
    def is_image(self) -> bool:
        return is_inline_image(self.content_type)

    @property
    def type_words(self) -> str:
        """Its file's type as a person calls it: "PNG picture", "PDF document"."""
        return type_words(self.content_type)

    @property
    def obtained_text(self) -> str:
        """When and from whom it was got, on one line: "4 Dec 2026 · Forwarded by Sam", either alone, or ""."""
        return joined(self.obtained_at.strftime("%-d %b %Y") if self.obtained_at else "", self.obtained_from)

    @property
    def file_text(self) -> str:
        """Its file on one line: "screenshot.png · PNG picture · 12.3 KB"."""
        return joined(self.original_name, self.type_words, filesizeformat(self.size))


class EvidenceNote(models.Model):
    """A note kept on an exhibit, for example the description typed when the same file was added again
    and linked to another incident. The exhibit's own description is never changed by it."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="notes")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    body = models.TextField(max_length=5000)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evidence", "added_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.evidence_id}"


class Invitation(models.Model):
    """An owner's invitation to join a case: a single-use link that expires, bound to whoever accepts it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices)
    # Only a hash of the token is kept: the link in the email is the only copy.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.role}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > timezone.now()


class Comment(models.Model):
    """A member's comment on a case or on one incident. Deleting leaves a marker."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "incident", "created_at"], name="comment_case_incident")]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
