"""Session safety pages (log out everywhere). Kept apart from accounts/urls.py."""

app_name = "security"

urlpatterns: list = []
