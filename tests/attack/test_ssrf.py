"""SSRF: every URL field (found on the forms and in the API schema) given addresses an attacker would like
the server to fetch. Each is stored as text or refused with a message, and nothing is ever fetched:
a listener on a free local port, whose addresses are among the payloads (and inside ReportLab markup),
receives no connection while every page is visited and a dossier with its evidence pack is compiled."""

import pytest
from django import forms
from django.urls import reverse

from incidents.models import Evidence, Incident
from incidents.rules import WEB_ADDRESS
from incidents.services import parties as party_services
from tests.attack.corpus import error_shown, fill, routes
from tests.attack.report import tally
from tests.attack.test_markup import TARGETS, api_writes, baseline
from tests.dossiers.test_dossier_output import compile_now

pytestmark = [pytest.mark.django_db, pytest.mark.attack(category="ssrf")]

FIXED = [
    "http://127.0.0.1:6379/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://0x7f000001/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "dict://127.0.0.1:11211/stat",
    "ftp://127.0.0.1/",
]
HTTP = ("http://", "https://", "ftp://", "ftps://")
# A link field of the API's schema carries the link pattern (incidents.rules.WEB_ADDRESS).
LINK = WEB_ADDRESS.replace("\\", "\\\\")


def url_targets():
    found = []
    for target in TARGETS:
        for name, f in target.form.base_fields.items():
            if isinstance(f, forms.URLField):
                found.append((target, name))
    return found


def test_url_fields_store_addresses_as_text_and_never_fetch_them(
    ids, owner, owner_client, api_client, listener, no_throttle, case
):
    payloads = FIXED + listener.urls
    failures, tried = [], 0
    form_fields = url_targets()
    api_fields = [(w, n) for w in api_writes() for n, node in w[2].items() if LINK in str(node) and w[0] == "post"]
    assert {name for _, name in form_fields} >= {"url", "source_url"} and len(api_fields) >= 2
    for url in payloads:
        for target, name in form_fields:
            tried += 1
            args = [ids[a] for a in target.args]
            data = {**baseline(target), name: url}
            response = owner_client.post(reverse(target.url, args=args), data)
            where = f"{target.url}.{name} <- {url}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif response.status_code in (301, 302):
                if not url.startswith(HTTP):
                    failures.append(f"{where}: a {url.split(':')[0]} address was accepted")
            elif not error_shown(response.content.decode()):
                failures.append(f"{where}: refused without a reason")
        for (_method, template, _texts, others), name in api_fields:
            tried += 1
            body = {k: "police" if "enum" in v else "2020-01-01T10:00:00Z" for k, v in others.items()}
            body = {**body, "kind": "online_post" if "incidents" in template else "web_page"}
            body.setdefault("narrative", "n")
            body.setdefault("description", "d")
            body[name] = url
            response = api_client.post(template.replace("{case_id}", str(case.pk)), body, format="json")
            where = f"API {template}.{name} <- {url}"
            if response.status_code >= 500 or response.status_code not in (200, 201, 400):
                failures.append(f"{where}: {response.status_code}")
            elif response.status_code == 400 and name not in response.json():
                failures.append(f"{where}: refused without naming the field")
            elif response.status_code != 400 and response.json()[name] != url:
                failures.append(f"{where}: stored as {response.json()[name]!r}")
            elif response.status_code != 400 and not url.startswith(HTTP):
                failures.append(f"{where}: a {url.split(':')[0]} address was accepted")
    stored = set(Incident.objects.values_list("url", flat=True)) | set(
        Evidence.objects.values_list("source_url", flat=True)
    )
    if not set(listener.urls) <= stored:
        failures.append("the listener's addresses were not stored: the fetch check below would prove nothing")
    # ReportLab markup that would fetch the listener, were it not escaped.

    party_services.party_create(
        user=owner, case=case, kind="suspect", name=f'<img src="{listener.urls[0]}/x.png"/> remote', notes="n"
    )
    for _name, route in routes():
        tried += 1
        owner_client.get(fill(route, ids))
    compile_now(case, owner)
    tried += 1
    connections = listener.wait(1, timeout=0.5)
    if connections:
        failures.append(f"{connections} connections reached the listener: a stored address was fetched")
    tally.add("ssrf", tried=tried, failures=failures)
    assert not failures, "\n".join(failures)
