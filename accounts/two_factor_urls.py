"""Two-factor authentication and re-authentication pages."""

app_name = "two_factor"

urlpatterns: list = []
