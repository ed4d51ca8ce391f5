"""While the database cannot be reached, the site says so calmly (503, Retry-After), not "something went wrong"."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError

from incidents.queries import cases as queries

pytestmark = pytest.mark.django_db


def refuse(error):
    def raise_it(*args, **kwargs):
        raise error

    return raise_it


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    client.raise_request_exception = False  # answer as the server would, with the error page
    return client


@pytest.mark.parametrize(
    "error",
    [OperationalError("could not connect to server: Connection refused"), InterfaceError("connection already closed")],
)
def test_a_page_answers_503_with_a_calm_message_when_the_database_cannot_be_reached(signed_in, monkeypatch, error):
    monkeypatch.setattr(queries, "dashboard_cases", refuse(error))
    response = signed_in.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "Referral Tracker is unavailable for a moment" in text
    assert "please try again in a minute" in text
    assert "Something went wrong" not in text


def test_a_database_failure_in_a_middleware_answers_503_too(signed_in, monkeypatch):
    # The session is read by the middleware, before any view runs.
    monkeypatch.setattr(SessionStore, "load", refuse(OperationalError("server closed the connection unexpectedly")))
    response = signed_in.get("/cases/1/timeline/")
    assert response.status_code == 503
    assert "unavailable for a moment" in response.content.decode()


def test_the_api_answers_503_in_json_when_the_database_cannot_be_reached(signed_in, monkeypatch):
    monkeypatch.setattr(queries, "dashboard_cases", refuse(OperationalError("could not connect to server")))
    response = signed_in.get("/api/v1/cases/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The site cannot reach its records for a moment. Please try again in a minute."
    }


def test_any_other_error_is_still_the_something_went_wrong_page(signed_in, monkeypatch):
    monkeypatch.setattr(queries, "dashboard_cases", refuse(RuntimeError("a bug")))
    response = signed_in.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert not response.has_header("Retry-After")
