"""Session safety pages (log out everywhere). Kept apart from accounts/urls.py."""

from django.urls import path

from . import security_views

app_name = "security"

urlpatterns = [
    path("logout-everywhere/", security_views.logout_everywhere, name="logout_everywhere"),
]
