"""`manage.py check --deploy` refuses a site that lets the capture worker reach private networks."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def private_networks_refused(app_configs, **kwargs):
    if getattr(settings, "CAPTURE_ALLOW_PRIVATE_NETWORKS", False):
        return [
            Error(
                "CAPTURE_ALLOW_PRIVATE_NETWORKS is on: the capture worker could be made to fetch this server's own "
                "network (loopback, private and link-local addresses, cloud metadata).",
                hint="Only the tests turn it on, to serve their pages from loopback. Leave it unset in production.",
                id="capture.E001",
            )
        ]
    return []
