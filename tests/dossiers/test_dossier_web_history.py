"""A web exhibit in the dossier: under its row in the exhibit list, every check of the page the server made,
in order, with what the address answered (pdftotext reads it back)."""

import pytest

from capture import services
from tests.capture.builders import finish
from tests.dossiers.test_dossier_output import compile_now, flat, pdf_path, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(services, "publish", lambda task, **kwargs: True)


def test_a_police_dossier_prints_the_history_under_the_web_exhibit(case, owner, signing_key, tmp_path):
    first = finish(case, owner, text="the post")
    finish(case, owner, first=first, text="the post, edited", colour=(5, 5, 5))
    finish(case, owner, first=first, outcome="gone", status=404, message="The address answered 404 Not Found.")
    text = flat(pdf_text(pdf_path(compile_now(case, owner), tmp_path)))
    assert "History of this web page, as checked by the server:" in text
    history = text.split("History of this web page, as checked by the server:", 1)[1]
    assert history.index(": Captured.") < history.index(": Changed.") < history.index(": Gone.")
    assert "The address answered 404 Not Found." in history
