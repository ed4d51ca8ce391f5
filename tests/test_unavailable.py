"""While the database cannot be reached, the site says so calmly (503, Retry-After), not "something went wrong".

The outages are real: PostgreSQL ends this process's connection (pg_terminate_backend, as a restart
does), or the connection points at a port of 127.0.0.1 where nothing listens (PostgreSQL stopped).
transaction=True: a dropped connection cannot be inside the test's own transaction.
"""

import socket
import time

import psycopg2
import pytest
from django.db import InterfaceError, OperationalError, connection

from accounts import services as account_services
from incidents.queries import cases as queries

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds: the bound on the wait for PostgreSQL to end a connection

CALM_JSON = {"detail": "The site cannot reach its records for a moment. Please try again in a minute."}


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    client.raise_request_exception = False  # answer as the server would, with the error page
    return client


@pytest.fixture
def bearer(user):
    """An API token's header, made while the database is still there."""
    _, token = account_services.access_token_create(user=user, name="outage", scope="read", days=7)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def connection_dropped():
    """PostgreSQL ends this process's connection, as when it restarts; Django finds out on its next query."""
    connection.ensure_connection()
    pid = connection.connection.get_backend_pid()
    other = psycopg2.connect(**connection.get_connection_params())
    # Autocommit: inside one transaction pg_stat_activity is a snapshot and would never show the end.
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
            deadline = time.monotonic() + WAIT
            while True:  # until the backend has gone
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() == (0,):
                    break
                assert time.monotonic() < deadline, f"PostgreSQL did not end backend {pid} within {WAIT} s"
                time.sleep(0.05)
        yield
    finally:
        other.close()
        connection.close()  # the next query (the flush after the test) connects again


@pytest.fixture
def database_stopped():
    """The connection points at a free port of 127.0.0.1: nothing listens there, as with PostgreSQL stopped."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    connection.close()
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def assert_calm_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "Referral Tracker is unavailable for a moment" in text
    assert "please try again in a minute" in text
    assert "Something went wrong" not in text


def test_a_page_answers_503_with_a_calm_message_when_the_connection_drops(signed_in, connection_dropped):
    response = signed_in.get("/")
    assert_calm_page(response)
    assert isinstance(response.exc_info[1], OperationalError)
    # psycopg2 reports the server's farewell, or only that the socket closed, depending on what it read.
    message = str(response.exc_info[1])
    assert "terminating connection" in message or "server closed the connection unexpectedly" in message
    # The same connection again, now closed: psycopg2's "connection already closed", a 503 too.
    response = signed_in.get("/cases/1/timeline/")
    assert_calm_page(response)
    assert isinstance(response.exc_info[1], InterfaceError)
    assert "connection already closed" in str(response.exc_info[1])


def test_a_page_answers_503_with_a_calm_message_when_the_database_is_stopped(signed_in, database_stopped):
    # The session is read by the middleware, before any view runs: the failure is there.
    response = signed_in.get("/cases/1/timeline/")
    assert_calm_page(response)
    assert isinstance(response.exc_info[1], OperationalError)
    assert "Connection refused" in str(response.exc_info[1])


def test_the_api_answers_503_in_json_when_the_database_is_stopped(signed_in, database_stopped):
    response = signed_in.get("/api/v1/cases/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == CALM_JSON
    assert isinstance(response.exc_info[1], OperationalError)


def test_the_api_answers_503_in_json_when_a_token_cannot_be_checked(client, bearer, connection_dropped):
    # No session: the first query is the token's, inside the API view (DRF's authentication).
    client.raise_request_exception = False
    response = client.get("/api/v1/cases/", **bearer)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == CALM_JSON
    assert isinstance(response.exc_info[1], OperationalError)


def test_any_other_error_is_still_the_something_went_wrong_page(signed_in, monkeypatch):
    # A double: a bug cannot be made to happen for real without planting one in the app.
    def a_bug(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(queries, "dashboard_cases", a_bug)
    response = signed_in.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert not response.has_header("Retry-After")
