"""Captures finished on the row without a browser, for the tests of what a finished capture reads as: the files
are stored through the vault as the worker stores them."""

from django.utils import timezone

from capture import services
from capture.models import Capture
from tests.factories import png_bytes, upload
from vault import store

URL = "https://example.org/thread/123"


def running(case, user, first=None, **fields) -> tuple[Capture, str]:
    capture = Capture.objects.create(case=case, requested_by=user, url=URL, first=first, **fields)
    token = services.capture_claim(capture_id=capture.pk)
    assert token
    return capture, token


def kept_files(case, text: str, colour=(200, 30, 30)):
    files = [
        services.KeptFile("screenshot", "page.png", "image/png", store.store_stream(case, [png_bytes(colour=colour)])),
        services.KeptFile("text", "page.txt", "text/plain", store.store_stream(case, [text.encode()])),
    ]
    screenshot = store.store_upload(case, upload("page.png", png_bytes(colour=colour), "image/png"))
    return files, screenshot


def answer(outcome="captured", text="", status=200, message="The address answered 200 OK.") -> services.Answer:
    return services.Answer(
        outcome=outcome,
        message=message,
        final_url=URL,
        http_status=status,
        title="A thread",
        user_agent="Mozilla/5.0 test",
        captured_at=timezone.now(),
        text=text,
    )


def finish(case, user, text="first words\nsecond line", first=None, outcome="captured", colour=(200, 30, 30), **kw):
    capture, token = running(case, user, first=first)
    files, screenshot = kept_files(case, text, colour) if outcome in ("captured", "gone") else ([], None)
    done = services.capture_finish(
        capture_id=capture.pk, token=token, answer=answer(outcome, text, **kw), files=files, screenshot=screenshot
    )
    assert done is not None
    return done
