"""Two-factor authentication and re-authentication pages."""

from django.urls import path

from . import two_factor_views as views

app_name = "two_factor"

urlpatterns = [
    path("two-step/", views.status, name="status"),
    path("two-step/set-up/", views.setup, name="setup"),
    path("two-step/code/", views.verify, name="verify"),
    path("two-step/turn-off/", views.disable, name="disable"),
    path("confirm/", views.reauth, name="reauth"),
    path("email/", views.email_change, name="email_change"),
]
