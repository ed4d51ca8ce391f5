"""Every page of the accounts app, under /accounts/ and the one namespace "accounts"."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_http_methods

from .forms import LoginForm, QueuedPasswordResetForm
from .views import email, profile, sessions, tokens, two_factor

# Django's form views also answer PUT (as POST): the pages serve GET and POST only.
form_page = require_http_methods(["GET", "POST"])

app_name = "accounts"

urlpatterns = [
    path("signup/", profile.signup, name="signup"),
    path(
        "login/",
        form_page(
            auth_views.LoginView.as_view(
                template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", profile.profile, name="profile"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path(
        "password/change/",
        form_page(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
            )
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        form_page(auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        form_page(
            auth_views.PasswordResetView.as_view(
                form_class=QueuedPasswordResetForm,
                template_name="accounts/password_reset.html",
                email_template_name="accounts/email/password_reset_body.txt",
                subject_template_name="accounts/email/password_reset_subject.txt",
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        form_page(auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        form_page(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                success_url=reverse_lazy("accounts:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        form_page(auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")),
        name="password_reset_complete",
    ),
    # Sessions
    path("logout-everywhere/", sessions.logout_everywhere, name="logout_everywhere"),
    path("sessions/end/", sessions.session_end, name="session_end"),
    path("quick-exit/", sessions.quick_exit, name="quick_exit"),
    # Two-step verification, and giving the password or a code again before a sensitive action
    path("two-step/", two_factor.status, name="two_factor_status"),
    path("two-step/set-up/", two_factor.setup, name="two_factor_setup"),
    path("two-step/code/", two_factor.verify, name="two_factor_verify"),
    path("two-step/turn-off/", two_factor.disable, name="two_factor_disable"),
    path("confirm/", two_factor.reauth, name="reauth"),
    path("email/", email.email_change, name="email_change"),
]
