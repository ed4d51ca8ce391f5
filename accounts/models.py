import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Choose a time zone from the list.")


def initials_from_name(name: str) -> str:
    """'Alice Jane Smith' -> 'AJS'; used as the default exhibit prefix."""
    letters = [part[0] for part in name.replace("-", " ").split() if part[:1].isalpha()]
    return "".join(letters).upper()[:4] or "EX"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        fields.setdefault("initials", initials_from_name(fields.get("full_name", "")))
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str):
        # Email addresses are stored lower-case; sign-in ignores case.
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. They sign in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField("your name", max_length=150)
    initials = models.CharField(
        max_length=4,
        help_text="Used to mark your exhibits, for example AJ/1.",
    )
    time_zone = models.CharField(max_length=64, default="Europe/London", validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised to end every session of this account at once (log out everywhere, a new
    # password or two-factor device): it is part of the session's auth hash.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # One email at most an hour telling the owner what members did on their cases; switchable off.
    digest_enabled = models.BooleanField("email me when others act on my cases", default=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The daily email before a deadline (casework/services/reminders.py); switchable off.
    deadline_reminders_enabled = models.BooleanField("email me before a deadline", default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "accounts.User.get_session_auth_hash", f"{self.password}:{self.session_epoch}", algorithm="sha256"
        ).hexdigest()

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        # A new password ends every API token of the account when the row is saved (audit_hooks).
        self._password_changed = True

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AccessToken(models.Model):
    """A personal access token for the API: shown once, stored hashed, read-only or read-write, expiring."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    # The token is "rt_<prefix>_<secret>"; the prefix finds the row, the secret is checked by its hash.
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class SignIn(models.Model):
    """One attempt to sign in to an account, kept for its owner's "Recent sign-ins" page: when, which
    browser and device, and the network shortened ("81.2.x.x"). The full address is never kept here."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_ins")
    at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField()
    browser = models.CharField(max_length=100, blank=True)
    device = models.CharField(max_length=100, blank=True)
    network = models.CharField(max_length=50, blank=True)
    # A hash of the session key of a successful sign-in: finds the session to end it.
    session_hash = models.CharField(max_length=64, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="signin_user_at")]

    def __str__(self) -> str:
        return f"{'Sign-in' if self.succeeded else 'Failed sign-in'} to {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
