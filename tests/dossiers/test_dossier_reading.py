"""The dossier as an officer reads it (issue 13): a chart that prints in grey, reference numbers that never
break, a cover naming who the record is about, the text of letters and emails, and dossier cards that differ.

Checked with poppler's tools on the compiled, signed PDF (pdftotext, pdftoppm)."""

import datetime as dt
import html
import io
import itertools
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.rules import dossier_options
from incidents.models import Case
from incidents.services import evidence as evidence_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.dossiers.test_dossier_output import compile_now, flat, image_count, pdf_path, pdf_text, run
from tests.factories import log_incident, png_bytes, upload

pytestmark = pytest.mark.django_db

KINDS = [
    ("referral_social_services", "False referral to social services"),
    ("referral_nspcc", "Referral via the NSPCC"),
    ("police_contact", "Police contact"),
    ("agency_letter", "Letter from an agency"),
    ("agency_visit", "Visit from an agency"),
    ("agency_call", "Call from an agency"),
    ("online_post", "Online post"),
    ("direct_message", "Direct message"),
    ("third_party", "Employer, brand or other third party contacted"),
    ("doxing", "Personal details published (doxing)"),
    ("other", "Something else"),
]


def page_of(path: Path, heading: str) -> int:
    pages = pdf_text(path).split("\f")
    return next(n for n, page in enumerate(pages, start=1) if heading in page)


def words(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points from the page's top left, in reading order."""
    result = run("pdftotext", "-bbox", "-f", page, "-l", page, path, "-")
    assert result.returncode == 0, result.stderr
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', result.stdout
    )
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]


def grey_page(path: Path, page: int, dpi: int, tmp_path: Path) -> tuple[int, int, bytes]:
    """The page in greyscale as pdftoppm renders it (a PGM: width, height, one byte a pixel)."""
    prefix = tmp_path / f"grey-{page}"
    result = run("pdftoppm", "-gray", "-r", dpi, "-f", page, "-l", page, "-singlefile", path, prefix)
    assert result.returncode == 0, result.stderr
    data = Path(f"{prefix}.pgm").read_bytes()
    magic, width, height, top, pixels = data.split(maxsplit=4)
    assert (magic, top) == (b"P5", b"255")
    return int(width), int(height), pixels


def test_chart_kinds_are_told_apart_in_grey_with_a_labelled_axis_and_a_legend(case, owner, tmp_path):
    now = timezone.now()
    for n, (kind, _label) in enumerate(KINDS):
        log_incident(case, owner, kind=kind, title=f"Incident {n}", occurred_at=now - dt.timedelta(hours=n + 1))
    path = pdf_path(compile_now(case, owner), tmp_path)
    page = page_of(path, "Incidents per month, by kind")
    text = pdf_text(path).split("\f")[page - 1]
    assert "Number of incidents" in text
    assert "Month" in text
    placed = words(path, page)
    names = [w for w, *_ in placed]
    axis = names.index("Number")
    assert names[axis : axis + 3] == ["Number", "of", "incidents"]
    # The ticks, 0 to 15 for a peak of 11, right of the page margin and left of the bars, bottom to top.
    ticks = [(w, y0) for w, x0, y0, x1, _ in placed if re.fullmatch(r"\d+", w) and x1 < 95]
    assert [w for w, _ in sorted(ticks, key=lambda t: -t[1])] == ["0", "5", "10", "15"]

    # The legend names each kind; its swatches (just left of each name) differ pixel by pixel in grey.
    dpi = 100
    width, _height, pixels = grey_page(path, page, dpi, tmp_path)
    scale = dpi / 72
    legend = placed[: placed.index(placed[axis])]
    swatches = {}
    for _kind, label in KINDS:
        label_words = label.split()
        start = next(i for i in range(len(legend)) if [w for w, *_ in legend[i : i + len(label_words)]] == label_words)
        _, x0, y0, _, y1 = legend[start]
        # The swatch is 16 x 10 pt, its right edge 4 pt before the name, centred on the name's line.
        cx, cy = x0 - 4 - 8, (y0 + y1) / 2 - 0.5
        block = bytes(
            pixels[int(y * scale) * width + int(x * scale)]
            for y in [cy - 3 + i * 0.5 for i in range(13)]
            for x in [cx - 6 + i * 0.5 for i in range(25)]
        )
        swatches[label] = block
    assert len(swatches) == len(KINDS)
    for (a, block_a), (b, block_b) in itertools.combinations(swatches.items(), 2):
        difference = sum(abs(p - q) for p, q in zip(block_a, block_b, strict=True)) / len(block_a)
        assert difference > 20, f"{a!r} and {b!r} look alike in grey ({difference:.1f} of 255 apart)"


LONG_REFERENCE = "HCC/CSC/2026/048213"
LONGER_REFERENCE = "HCC/CSC/2026/048213/REFERRAL-0099"
SPACED_REFERENCE = "MET 2026 004 55123"
HANDLE = "concerned.neighbour.2026@example-mail.co.uk"


def test_reference_numbers_and_usernames_are_never_broken_across_lines(case, owner, tmp_path):
    incident = log_incident(case, owner, kind="police_contact", title="Officers called")
    for kind, number in (
        ("social_services", LONG_REFERENCE),
        ("police", SPACED_REFERENCE),
        ("other", LONGER_REFERENCE),
    ):
        reference_services.reference_create(user=owner, case=case, kind=kind, number=number, incidents=[incident])
    party = party_services.party_create(user=owner, case=case, kind="suspect", name="The neighbour", handles=HANDLE)
    log_incident(case, owner, title="Email to the school", parties=[party])
    path = pdf_path(compile_now(case, owner), tmp_path)
    text = pdf_text(path, layout=True).replace("\xa0", " ")
    # In the narrow columns: the agencies table, the suspects' usernames and the index of people.
    start = text.index("Agencies and reference numbers")
    agencies = text[start : text.index("\f", start)].splitlines()
    for token in (LONG_REFERENCE, LONGER_REFERENCE, SPACED_REFERENCE):
        assert any(token in line for line in agencies), f"{token} is broken across lines"
    suspects = text[text.index("Suspected perpetrators") : text.index("Agencies and reference numbers")]
    assert any(HANDLE in line for line in suspects.splitlines())
    index = text[text.index("Index of people and organisations") : text.index("Exhibit list")]
    assert any(HANDLE in line for line in index.splitlines())


def test_keep_whole_and_unbroken_paragraph_in_a_narrow_cell():
    from reportlab.platypus import SimpleDocTemplate, Table

    from dossiers import pdf

    pdf.register_fonts()
    st = pdf.styles()
    out = io.BytesIO()
    cell = pdf.unbroken(pdf.keep_whole("HCC/CSC/2026/048213 part 2"), st["body"])
    SimpleDocTemplate(out).build([Table([[cell, "next column"]], colWidths=[130, 200])])
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=out.getvalue(), capture_output=True, check=True
    ).stdout.decode()
    assert "HCC/CSC/2026/048213 part 2" in text.replace("\xa0", " ")
    assert pdf.keep_whole(" MET  2026 004 ") == "MET\xa02026\xa0004"


def cover_of(path: Path) -> str:
    return flat(pdf_text(path).split("\f")[0].replace("\xa0", " "))


@pytest.fixture
def about_sam(case, owner):
    Case.objects.filter(pk=case.pk).update(
        subject_name="Sam Jones", subject_contact="07700 900123\nsam.jones@example.org"
    )
    case.refresh_from_db()
    incident = log_incident(case, owner, kind="police_contact", title="Officers called")
    reference_services.reference_create(
        user=owner, case=case, kind="police", number="PC/2026/1234", incidents=[incident]
    )
    reference_services.reference_create(user=owner, case=case, kind="social_services", number="CS-2026-0412")
    reference_services.reference_create(user=owner, case=case, kind="platform", number="FB-777")
    return case


def test_cover_names_who_the_record_is_about_how_to_reach_them_and_the_references(about_sam, owner, tmp_path):
    cover = cover_of(pdf_path(compile_now(about_sam, owner), tmp_path))
    assert "This record is about: Sam Jones" in cover
    assert "How to contact them: 07700 900123 sam.jones@example.org" in cover
    assert "Police crime reference: PC/2026/1234" in cover
    assert "Social services case number: CS-2026-0412" in cover
    assert cover.index("Police crime reference") < cover.index("Social services case number")  # police first
    assert "FB-777" not in cover  # only the police's and social services' numbers


def test_a_social_services_cover_gives_their_number_first(about_sam, owner, tmp_path):
    cover = cover_of(pdf_path(compile_now(about_sam, owner, audience="social_services"), tmp_path))
    assert cover.index("Social services case number: CS-2026-0412") < cover.index("Police crime reference")


@pytest.mark.parametrize(
    ("left_out", "missing"),
    [
        ("cover_subject", ["This record is about", "Sam Jones"]),
        ("cover_contact", ["How to contact them", "07700 900123", "sam.jones@example.org"]),
        ("cover_references", ["Police crime reference", "PC/2026/1234", "Social services case number"]),
    ],
)
def test_each_cover_choice_leaves_its_part_out(about_sam, owner, tmp_path, left_out, missing):
    options = {"cover_subject": True, "cover_contact": True, "cover_references": True, left_out: False}
    cover = cover_of(pdf_path(compile_now(about_sam, owner, **options), tmp_path))
    for words_left_out in missing:
        assert words_left_out not in cover
    everything = {
        "cover_subject": "This record is about: Sam Jones",
        "cover_contact": "How to contact them: 07700 900123",
        "cover_references": "Police crime reference: PC/2026/1234",
    }
    for choice, shown in everything.items():
        if choice != left_out:
            assert shown in cover


def test_cover_options_default_to_everything_for_every_audience_and_keep_a_choice():
    for audience in ("police", "social_services", "own_record"):
        options = dossier_options(audience=audience, date_from=None, date_to=None, photos="inline", redact=True)
        assert (options["cover_subject"], options["cover_contact"], options["cover_references"]) == (True, True, True)
    options = dossier_options(
        audience="police", date_from=None, date_to=None, photos="inline", redact=True, cover_contact=False
    )
    assert (options["cover_subject"], options["cover_contact"], options["cover_references"]) == (True, False, True)


def test_the_api_takes_the_cover_choices(client, case, owner):
    client.force_login(owner)
    url = reverse("api:dossier-list", kwargs={"case_id": case.pk})
    response = client.post(url, {"audience": "own_record", "cover_references": False}, content_type="application/json")
    assert response.status_code == 201, response.content
    options = Dossier.objects.get(pk=response.json()["id"]).options
    assert (options["cover_subject"], options["cover_contact"], options["cover_references"]) == (True, True, False)


def test_case_settings_save_who_the_record_is_about(client, case, owner):
    client.force_login(owner)
    url = reverse("incidents:case_settings", kwargs={"case_id": case.pk})
    page = client.get(url).content.decode()
    assert "Who is this record about? (optional)" in page
    assert "How to contact them (optional)" in page
    response = client.post(
        url,
        {
            "title": case.title,
            "exhibit_prefix": case.exhibit_prefix,
            "time_zone": "Europe/London",
            "nation": "england",
            "subject_name": "  Sam Jones ",
            "subject_contact": "07700 900123",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.subject_name, case.subject_contact) == ("Sam Jones", "07700 900123")
    assert "Sam Jones" in client.get(url).content.decode()


EMAIL = (
    b"From: Duty Team <duty.team@anytown.gov.uk>\r\n"
    b"To: Alex Jones <alex@example.org>\r\n"
    b"Date: Tue, 3 Mar 2026 09:15:00 +0000\r\n"
    b"Subject: Referral received about your family\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: text/plain; charset="utf-8"\r\n'
    b"\r\n"
    b"Dear Mr Jones,\r\n\r\nWe have received an anonymous referral. A social worker will call you.\r\n"
    b'<font size="40">big</font> <img src="/etc/passwd"/> &amp;\r\n'
)


def letter_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    letter = canvas.Canvas(out)
    letter.drawString(72, 750, "Anytown Children's Services")
    letter.drawString(72, 730, "We are closing the referral with no further action.")
    letter.showPage()
    letter.drawString(72, 750, "Second page of the letter.")
    letter.save()
    return out.getvalue()


def test_appendix_prints_the_text_of_emails_pdf_letters_and_notes(case, owner, tmp_path):
    incident = log_incident(case, owner, title="The referral")
    attach = evidence_services.evidence_attach
    mail = attach(
        user=owner,
        case=case,
        kind="email",
        description="Email from the duty team",
        uploaded_file=upload("referral.eml", EMAIL),
        incidents=[incident],
    ).evidence
    letter = attach(
        user=owner,
        case=case,
        kind="document",
        description="Letter closing the referral",
        uploaded_file=upload("letter.pdf", letter_pdf()),
        incidents=[incident],
    ).evidence
    assert (mail.content_type, letter.content_type) == ("message/rfc822", "application/pdf")
    path = pdf_path(compile_now(case, owner), tmp_path)
    result = run("qpdf", "--check", path)
    assert result.returncode == 0, result.stdout + result.stderr
    text = pdf_text(path)
    appendix = flat(text[text.index("Appendix: text of exhibits") :])
    assert f"Exhibit {mail.mark}: Email from the duty team" in appendix
    assert "From Duty Team <duty.team@anytown.gov.uk>" in appendix
    assert "To Alex Jones <alex@example.org>" in appendix
    assert "Date Tue, 03 Mar 2026 09:15:00 +0000" in appendix
    assert "Subject Referral received about your family" in appendix
    assert "We have received an anonymous referral. A social worker will call you." in appendix
    assert '<font size="40">big</font> <img src="/etc/passwd"/> &amp;' in appendix  # printed, not read
    assert f"Exhibit {letter.mark}: Letter closing the referral" in appendix
    assert "PDF, 2 pages: its text" in appendix
    assert "[Page 1] Anytown Children's Services We are closing the referral with no further action." in appendix
    assert "[Page 2] Second page of the letter." in appendix
    assert "root:x:0:0" not in text


def test_appendix_redacts_childrens_names_and_leaves_withdrawn_exhibits_out(case, owner, tmp_path):
    from incidents.services import cases as case_services

    case_services.child_add(user=owner, case=case, name="Ella May Jones")
    attach = evidence_services.evidence_attach
    attach(
        user=owner,
        case=case,
        kind="other",
        description="Our notes",
        uploaded_file=upload("notes.txt", b"Ella May Jones was upset after the visit.\n"),
    )
    wrong = attach(
        user=owner,
        case=case,
        kind="other",
        description="Wrong notes",
        uploaded_file=upload("wrong.txt", b"These are another family's notes.\n"),
    ).evidence
    evidence_services.evidence_withdraw(user=owner, evidence=wrong, reason="Wrong file")
    text = flat(pdf_text(pdf_path(compile_now(case, owner, redact=True), tmp_path)))
    appendix = text[text.index("Appendix: text of exhibits") :]
    assert "EMJ was upset after the visit." in appendix
    assert "Ella" not in appendix
    assert "another family's notes" not in text


def test_dossier_cards_say_what_each_was_asked_for_and_by_whom(client, case, owner, editor):
    Dossier.objects.create(
        case=case,
        requested_by=editor,
        options=dossier_options(
            audience="social_services",
            date_from=dt.date(2024, 6, 1),
            date_to=dt.date(2024, 6, 30),
            photos="listed",
            redact=False,
            cover_contact=False,
        ),
    )
    Dossier.objects.create(
        case=case,
        requested_by=owner,
        options=dossier_options(audience="police", date_from=None, date_to=None, photos="inline", redact=True),
    )
    client.force_login(owner)
    page = client.get(reverse("dossiers:dossier_list", kwargs={"case_id": case.pk})).content.decode()
    cards = [flat(html.unescape(re.sub(r"<[^>]+>", " ", card))) for card in page.split('<li class="card"')[1:]]
    assert len(cards) == 2
    newest, older = cards
    assert "Asked for by Alex Jones" in newest
    for words_shown in (
        "For: The police",
        "Period: All dates",
        "Photos: printed",
        "Children's names: as initials",
        "Cover shows: who it is about, contact details, reference numbers",
    ):
        assert words_shown in newest
    assert "Asked for by Sam Jones" in older
    for words_shown in (
        "For: Social services",
        "Period: 1 Jun 2024 to 30 Jun 2024",
        "Photos: listed only",
        "Children's names: in full",
        "Cover shows: who it is about, reference numbers",
    ):
        assert words_shown in older
    assert '<ul class="dossier-list">' in page


def test_the_list_has_no_bullets_beside_its_cards_and_pages_keep_reference_numbers_whole():
    css = Path(__file__).resolve().parents[2].joinpath("static/css/site.css").read_text()
    assert re.search(r"\.dossier-list \{[^}]*list-style: none", css)
    # A reference number (the <strong> opening a list item or a cell, or in the timeline's references), a code
    # or anything marked nobreak moves to the next line whole.
    rule = re.search(r"\n(\.nobreak, [^{]*)\{([^}]*)\}", css)
    assert rule is not None
    selectors = [s.strip() for s in rule.group(1).split(",")]
    assert selectors == [
        ".nobreak",
        ".incident-refs strong",
        ".plain-list li > strong:first-child",
        "td > strong:first-child",
    ]
    assert "display: inline-block" in rule.group(2)


def scanned_letter_pdf() -> bytes:
    """A letter that is only a picture, as a scanner makes it: no text to read."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    letter = canvas.Canvas(out)
    letter.drawImage(ImageReader(io.BytesIO(png_bytes(400, 560, (235, 235, 225)))), 72, 200, 400, 560)
    letter.save()
    return out.getvalue()


def test_a_scanned_letter_is_shown_as_a_picture_of_its_page(case, owner, tmp_path):
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="document",
        description="Scanned letter from the school",
        uploaded_file=upload("scan.pdf", scanned_letter_pdf()),
    )
    path = pdf_path(compile_now(case, owner, photos="listed"), tmp_path)
    appendix = flat(pdf_text(path).split("Appendix: text of exhibits", 1)[1])
    assert "Scanned letter from the school" in appendix
    assert "PDF, 1 page: pictures of its pages" in appendix
    assert image_count(path) == 1  # photos are listed only: the one picture is the letter's page


def test_the_index_of_people_says_which_incidents_by_number(case, owner, tmp_path):
    party = party_services.party_create(user=owner, case=case, kind="suspect", name="troll_account_99")
    now = timezone.now()
    for n in range(1, 5):
        log_incident(
            case,
            owner,
            title=f"Post {n}",
            occurred_at=now - dt.timedelta(days=10 - n),
            parties=[party] if n in (1, 3) else [],
        )
    party_services.party_create(user=owner, case=case, kind="witness", name="Neighbour at no. 9")
    text = pdf_text(pdf_path(compile_now(case, owner), tmp_path), layout=True)
    index = text[text.index("Index of people and organisations") : text.index("Exhibit list")]
    line = next(line for line in index.splitlines() if "troll_account_99" in line)
    assert "No. 1, 3" in line
    assert "None in this period" in next(line for line in index.splitlines() if "Neighbour" in line)
