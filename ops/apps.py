from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations: keys, backups, verification"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the installation's system checks
