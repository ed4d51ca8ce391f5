from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "capture"
    verbose_name = "Capture: web pages archived by the server"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy check
