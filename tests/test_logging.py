"""A refused request (403) is one plain line in the log at INFO: not a warning, no traceback, not twice."""

import logging

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as account_services


def _request_records(caplog):
    return [r for r in caplog.records if r.name.startswith(("django.request", "django.server", "rest_framework"))]


@pytest.mark.django_db
def test_a_page_403_is_one_info_line_without_a_traceback(client, case, editor, caplog):
    client.force_login(editor)
    with caplog.at_level(logging.DEBUG):
        response = client.get(reverse("incidents:case_settings", args=[case.pk]))
    assert response.status_code == 403
    records = _request_records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    (record,) = records
    assert record.levelno == logging.INFO
    assert record.exc_info is None
    assert record.getMessage() == f"Forbidden (Permission denied): /cases/{case.pk}/settings/"


@pytest.mark.django_db
def test_an_api_403_is_one_info_line_without_a_traceback(case, owner, caplog):
    _token, raw = account_services.access_token_create(user=owner, name="t", scope="read", days=7)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with caplog.at_level(logging.DEBUG):
        response = api.post(f"/api/v1/cases/{case.pk}/parties/", {"kind": "suspect", "name": "x"}, format="json")
    assert response.status_code == 403
    records = _request_records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    (record,) = records
    assert record.levelno == logging.INFO
    assert record.exc_info is None
    assert record.getMessage() == f"Forbidden: /api/v1/cases/{case.pk}/parties/"
