from django.urls import include, path

from . import api_urls, health, views

# A database that cannot be reached answers 503 with a calm page (errors.py); anything else, the 500 page.
handler500 = "referral_tracker.errors.server_error"
# Under /api/ the other errors are JSON too; elsewhere Django's pages (templates/400.html, 403.html, 404.html).
handler400 = "referral_tracker.errors.bad_request"
handler403 = "referral_tracker.errors.permission_denied"
handler404 = "referral_tracker.errors.page_not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("incidents.urls")),
    path("cases/", include("casework.urls")),
    path("cases/", include("capture.urls")),
    path("", include("dossiers.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include((api_urls.urlpatterns, "api"))),
    path("api/", include(api_urls.schema_urlpatterns)),
]
