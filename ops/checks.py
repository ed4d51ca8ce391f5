"""System checks of the installation's own settings, run by `manage.py check` (the deploy ones by
`check --deploy`)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def site_url_given(app_configs, **kwargs):
    """In production every email link and every dossier's verification address is built from SITE_URL:
    without it they would point at 127.0.0.1, a page no reader can open."""
    if settings.DEBUG or getattr(settings, "SITE_URL_GIVEN", True):
        return []
    return [
        checks.Error(
            "SITE_URL is not set.",
            hint="Set SITE_URL to the site's public address, for example https://tracker.example.org: "
            "the links in emails and the address printed on dossiers are built from it.",
            id="referral_tracker.E001",
        )
    ]
