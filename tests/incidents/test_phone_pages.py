"""What the pages give a phone, checked without a browser (the browser's view is tests/e2e/test_phone_browser.py):
the camera on the evidence form, one "Log something" button, the case menu, and every table cell labelled."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from incidents.models import Evidence
from tests.factories import png_bytes, upload

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CAMERA_INPUT = '<input type="file" name="files" id="id_files_camera" accept="image/*" capture="environment">'


def test_the_evidence_form_offers_the_camera_into_the_same_field_as_the_files(client, case, owner):
    client.force_login(owner)
    page = client.get(reverse("incidents:evidence_new", args=[case.pk])).content.decode()
    assert CAMERA_INPUT in page
    assert '<label for="id_files_camera">Or take a photo now:</label>' in page
    assert page.index('name="files" multiple') < page.index(CAMERA_INPUT)  # after "Files", before the rest
    assert page.index(CAMERA_INPUT) < page.index('name="kind"')


def test_a_file_and_a_photo_sent_together_are_two_exhibits(client, case, owner):
    client.force_login(owner)
    response = client.post(
        reverse("incidents:evidence_new", args=[case.pk]),
        {
            "kind": "photo",
            "description": "The letter and its envelope.",
            # What the browser sends from the two inputs: two parts named "files", one empty (no photo taken).
            "files": [
                upload("letter.png", png_bytes(20, 20, (0, 0, 200)), "image/png"),
                upload("envelope.jpg", png_bytes(20, 20, (200, 0, 0)), "image/png"),
            ],
        },
    )
    assert response.status_code == 302
    assert sorted(Evidence.objects.values_list("mark", "original_name")) == [
        ("AJ/1", "letter.png"),
        ("AJ/2", "envelope.jpg"),
    ]


def test_changing_an_exhibits_details_offers_no_camera(client, case, owner):
    client.force_login(owner)
    client.post(
        reverse("incidents:evidence_new", args=[case.pk]),
        {"kind": "web_page", "description": "The post.", "source_url": "https://example.com/post/1"},
    )
    evidence = Evidence.objects.get()
    page = client.get(reverse("incidents:evidence_edit", args=[case.pk, evidence.pk])).content.decode()
    assert 'type="file"' not in page


def test_the_incident_form_has_no_second_log_something_button(client, case, owner):
    client.force_login(owner)
    button = ">Log something that happened</a>"
    timeline = client.get(reverse("incidents:timeline", args=[case.pk])).content.decode()
    assert timeline.count(button) == 1
    form = client.get(reverse("incidents:incident_new", args=[case.pk])).content.decode()
    assert form.count(button) == 0
    assert "<h1>Log something that happened</h1>" in form


def test_the_cases_pages_are_a_menu_for_a_phone_and_tabs_for_a_wider_screen(client, case, owner):
    client.force_login(owner)
    page = client.get(reverse("incidents:timeline", args=[case.pk])).content.decode()
    menu = re.search(
        r'<nav aria-label="This case" class="case-nav case-menu-nav">\s*<details class="case-menu">\s*'
        r"<summary>Menu</summary>(.*?)</details>",
        page,
        re.S,
    )
    tabs = re.search(r'<nav aria-label="This case" class="case-nav case-tabs">(.*?)</nav>', page, re.S)
    assert menu and tabs
    timeline = f'<a href="/cases/{case.pk}/timeline/" aria-current="page">Timeline</a>'
    assert timeline in menu.group(1) and timeline in tabs.group(1)
    assert re.findall(r">([^<>]+)</a></li>", menu.group(1)) == re.findall(r">([^<>]+)</a></li>", tabs.group(1))


def test_every_table_cell_in_the_templates_names_its_column():
    """On a phone a table's rows are stacked, each cell headed by its data-label (site.css)."""
    unlabelled = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            unlabelled += [
                f"{template.relative_to(TEMPLATES)}:{number}" for _ in re.findall(r"<td(?![^>]*data-label=)", line)
            ]
    assert unlabelled == []
