"""What an outside probe broke: forged cursors, deeply nested JSON, control characters in API paths, and
tokens that outlived a new password or "log out everywhere". Each answer is a 4xx JSON with a reason."""

import base64
import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import AccessToken
from referral_tracker.parsers import nesting_depth
from tests.factories import log_incident

pytestmark = pytest.mark.django_db


def _client(user, scope="write"):
    _, token = account_services.access_token_create(user=user, name="probe", scope=scope, days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client, token


def _cursor(position: str) -> str:
    return base64.b64encode(urlencode({"o": "0", "r": "0", "p": position}).encode()).decode()


LISTS = ["api:party-list", "api:reference-list", "api:incident-list", "api:evidence-list", "api:audit-list"]
FORGED = ["p=10' OR 1=1--", "abc", "2026-13-45T99:00:00", "1e400", "1\x002", "9" * 40, "-" * 3]


@pytest.mark.attack(category="api_cursor")
@pytest.mark.parametrize("name", [*LISTS, "api:case-list"])
@pytest.mark.parametrize("position", FORGED)
def test_a_forged_cursor_is_a_404_json_with_a_reason(case, owner, name, position):
    log_incident(case, owner)
    client, _ = _client(owner)
    url = reverse(name) if name == "api:case-list" else reverse(name, args=[case.pk])
    response = client.get(url, {"cursor": _cursor(position)})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Invalid cursor"}


def test_a_real_cursor_still_pages(case, owner):
    for n in range(3):
        log_incident(case, owner, narrative=f"Incident {n}")
    client, _ = _client(owner)
    first = client.get(reverse("api:incident-list", args=[case.pk]), {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert [i["narrative"] for i in first["results"] + second["results"]] == ["Incident 0", "Incident 1", "Incident 2"]


@pytest.mark.parametrize(
    ("body", "depth"), [(b"[]", 1), (b'{"a": [1, {"b": 2}]}', 3), (b'["[[[[", "]"]', 1), (b'"\\"[["', 0)]
)
def test_nesting_depth_counts_brackets_outside_strings(body, depth):
    assert nesting_depth(body) == depth


@pytest.mark.attack(category="api_depth")
@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[" * 21 + "]" * 21])
def test_deeply_nested_json_is_a_400_before_it_is_parsed(case, owner, body):
    client, _ = _client(owner)
    response = client.post(reverse("api:party-list", args=[case.pk]), data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON is nested too deeply: at most 20 levels are accepted."}


@pytest.mark.attack(category="api_depth")
def test_a_json_body_over_the_limit_is_a_400(case, owner, settings):
    settings.API_JSON_MAX_BYTES = 1000
    client, _ = _client(owner)
    body = json.dumps({"kind": "suspect", "name": "x", "notes": "n" * 2000})
    response = client.post(reverse("api:party-list", args=[case.pk]), data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is too large: at most 1000 bytes of JSON are accepted."}


def test_twenty_levels_are_still_read(case, owner):
    client, _ = _client(owner)
    body = json.dumps({"kind": "suspect", "name": "Deep", "notes": "", "x": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]})
    response = client.post(reverse("api:party-list", args=[case.pk]), data=body, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.attack(category="api_control_chars")
@pytest.mark.parametrize(
    "path", ["/api/v1/cases/%0A/", "/api/v1/cases/1/%0Aincidents/", "/api/v1/x%00y/", "/api/v1/%0D%0A/", "/api/nope%0A"]
)
def test_every_answer_under_api_is_json_even_with_control_characters(owner, path):
    client, _ = _client(owner)
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_pages_outside_the_api_still_answer_html_404(client, owner):
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_new_password_ends_every_token(case, owner):
    client, _ = _client(owner)
    assert client.get(reverse("api:case-list")).status_code == 200
    owner.set_password("a-completely-new-passphrase")
    owner.save()
    assert client.get(reverse("api:case-list")).status_code == 401
    assert AccessToken.objects.filter(user=owner, revoked_at__isnull=True).count() == 0
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(action="account.tokens_ended", actor_id=owner.pk)
    assert event.details == {"reason": "password_changed", "count": 1, "names": ["probe"]}


def test_changing_the_password_on_the_page_ends_every_token_and_says_so(client, owner):
    api, _ = _client(owner)
    owner.set_password("old-pass-phrase-123")
    owner.save()  # the token made before this save is ended by it: make the one under test afterwards
    api, _ = _client(owner)
    client.force_login(owner)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "old-pass-phrase-123",
            "new_password1": "brand-new-pass-456",
            "new_password2": "brand-new-pass-456",
        },
        follow=True,
    )
    assert "every API token of this account was ended" in response.content.decode()
    assert api.get(reverse("api:case-list")).status_code == 401


def test_log_out_everywhere_ends_every_token(client, owner):
    api, _ = _client(owner)
    client.force_login(owner)
    page = client.get(reverse("accounts:logout_everywhere"))
    assert "ends every API token of your account" in page.content.decode()
    client.post(reverse("accounts:logout_everywhere"))
    assert api.get(reverse("api:case-list")).status_code == 401
