from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """Send one email from the worker, so a slow mail server never holds up a page."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(name="accounts.sweep")
def sweep() -> None:
    """Beat, every ACCOUNTS_SWEEP_SECONDS: forget what is no longer needed (services.personal_data_sweep)."""
    from . import services  # services imports this module (send_email)

    services.personal_data_sweep()
