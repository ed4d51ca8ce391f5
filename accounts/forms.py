import zoneinfo

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.template import loader

from . import addresses, services
from .models import AccessToken, User

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]


def _normalised(email: str) -> str:
    try:
        return addresses.normalise(email)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from error


def _refuse_confusable(email: str, others) -> None:
    # Every other account's address is compared as it looks (accounts.addresses.looks_alike).
    if addresses.confusable_with(email, list(others.values_list("email", flat=True))):
        raise forms.ValidationError(addresses.CONFUSABLE)


class SignUpForm(forms.Form):
    full_name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Not a common password.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = _normalised(self.cleaned_data["email"])
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("There is already an account with this email address. Try logging in.")
        _refuse_confusable(email, get_user_model().objects.all())
        return email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are not the same.")
        elif p1:
            candidate = get_user_model()(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)

    class Meta:
        model = get_user_model()
        fields = ["full_name", "initials", "time_zone", "digest_enabled", "deadline_reminders_enabled"]
        labels = {
            "digest_enabled": "Email me when others act on my cases",
            "deadline_reminders_enabled": "Email me before a deadline",
        }
        help_texts = {
            "digest_enabled": "At most one email an hour, saying what others did on cases you own.",
            "deadline_reminders_enabled": "At most one email a day: 7 days before, the day before and on the day.",
        }

    def clean_initials(self) -> str:
        initials = self.cleaned_data["initials"].strip().upper()
        if not initials.isalpha():
            raise forms.ValidationError("Use letters only, for example AJ.")
        return initials


class LoginForm(AuthenticationForm):
    """Django's log-in form, with the length of the address checked on the server too.

    Django sets the username's max_length after the field is made, so only the browser enforced it;
    a longer value reached django-axes, whose record of the failure (255 characters) then failed: a 500.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email is sent by the worker."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(self._render(subject_template_name, context).splitlines())
        body = self._render(email_template_name, context)
        html = self._render(html_email_template_name, context) if html_email_template_name else None
        services.email_queue(to=[to_email], subject=subject, body=body, html=html)

    @staticmethod
    def _render(name: str, context: dict) -> str:
        return loader.render_to_string(name, context)


def _days_label(days: int) -> str:
    return "1 year" if days == 365 else f"{days} days"


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so that you know which one to revoke, for example “backup script”.",
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=AccessToken.Scope.choices,
        initial=AccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(days, _days_label(days)) for days in services.TOKEN_DAYS_CHOICES],
        coerce=int,
        initial=30 if 30 in services.TOKEN_DAYS_CHOICES else services.TOKEN_DAYS_CHOICES[0],
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label="New email address")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = _normalised(self.cleaned_data["email"])
        _refuse_confusable(email, User.objects.exclude(pk=self.user.pk))
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError("Another account uses this address.")
        return email


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class ReauthForm(forms.Form):
    secret = forms.CharField(
        label="Your password, or a code from your authenticator app",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
