"""Every letter template, filled for a fixture case, as the agency gets it: the PDF read back with poppler, the DOCX
opened by an independent reader (Debian's LibreOffice converts it to PDF, poppler reads that), and each drawn to PNG
in /tmp/letters-look/ for a person to look at.

The values are written out here as a caller would give them; the reference numbers and dates are the ones each
letter must show.
"""

import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from casework import letter_text
from dossiers.letter_docx import render_letter_docx
from dossiers.letter_pdf import render_letter_pdf

LOOK = Path("/tmp/letters-look")

SS_REF = "SS/2026/001234"
CRIME_REF = "CR-26-998877"
INCIDENT_REF = "INC-2026-0412-0077"
NSPCC_REF = "NSPCC-HL-55120"
REPORT_ID = "TS-48151623"
CODE = "RT-7Q4M-9K2D"

VALUES = {
    "sender_name": "Sarah Jane Williams",
    "sender_address": "12 Acacia Avenue\nWinchester\nSO23 9AA\nsarah.williams@example.org",
    "recipient_name": "Data Protection Officer, Hampshire County Council",
    "recipient_address": "Information Governance Team\nElizabeth II Court\nThe Castle\nWinchester\nSO23 8UJ",
    "letter_date": letter_text.format_date(date(2026, 12, 3)),
    "recipient_salutation": "",
    "case_reference": SS_REF,
    "referral_dates": "4 March 2026 and 19 April 2026",
    "children_text": "Emily Williams (born 2 May 2017) and Thomas Williams (born 9 October 2020)",
    "due_text": "by 4 January 2027",
    "nspcc_reference": NSPCC_REF,
    "contact_dates": "3 March 2026",
    "agency_name": "Hampshire Children's Services",
    "crime_reference": CRIME_REF,
    "report_dates": "4 March 2026 and 19 April 2026",
    "message_dates": "21 April 2026",
    "message_channels": "email to the head teacher and a message through your website's contact form",
    "outcome_text": "The council closed the matter on 14 May 2026 with no further action.",
    "inaccurate_text": (
        "– that the children were left alone at home overnight on 2 March 2026;\n"
        "– that the family home was unsafe and unhygienic."
    ),
    "supplementary_statement": (
        "Mrs Williams disputes this referral. It was investigated by children's services, who found no evidence "
        "to support it and closed the matter on 14 May 2026."
    ),
    "complaint_points": (
        "– the children were spoken to at school on 6 March 2026 without my being told first;\n"
        "– I was not told for five weeks that the enquiry had found nothing of concern."
    ),
    "resolution_sought": (
        "– acknowledge these failings in writing;\n– explain what will change in how anonymous referrals are checked."
    ),
    "dossier_code": CODE,
    "incident_reference": INCIDENT_REF,
    "report_date": "12 April 2026",
    "report_method": "by telephone on 101",
    "offence_summary": "false reports have been made about my family to children's services and to my employer.",
    "incident_list": (
        "– 4 March 2026: a false referral to Hampshire Children's Services;\n"
        "– 19 April 2026: a second false referral;\n– 21 April 2026: emails to my employer."
    ),
    "decision_date": "20 November 2026",
    "decision_text": "that no further action would be taken against the suspect.",
    "review_reasons": (
        "– the suspect was identified and interviewed;\n– the messages were traced to an account in her name."
    ),
    "relationship_text": "a teacher at Oakfield Primary School",
    "agency_reference": SS_REF,
    "closed_date": "14 May 2026",
    "report_id": REPORT_ID,
    "report_channel": "through your online reporting form",
    "content_location": "the account @not_a_real_mum",
    "content_summary": "posts naming my children and falsely saying they are being abused.",
}

# What each letter must print (its references and dates), beyond the date of the letter.
EXPECTED = {
    "sar_council": [SS_REF, "4 March 2026", "4 January 2027"],
    "sar_nspcc": [NSPCC_REF, "3 March 2026", "4 January 2027"],
    "sar_police": [CRIME_REF, "19 April 2026", "4 January 2027"],
    "sar_organisation": ["21 April 2026", "4 January 2027"],
    "rectification": [SS_REF, "14 May 2026", "4 January 2027"],
    "complaint_stage1_england": [SS_REF, "14 May 2026", CODE, "17 December 2026"],
    "complaint_stage1_wales": [SS_REF, "14 May 2026", CODE, "17 December 2026"],
    "police_crime_reference": [INCIDENT_REF, "12 April 2026", "21 April 2026"],
    "police_victims_right_to_review": [CRIME_REF, "20 November 2026"],
    "employer_false_allegation": [SS_REF, CRIME_REF, "14 May 2026", CODE],
    "platform_report_record": [REPORT_ID, "12 April 2026", CRIME_REF],
}
TEMPLATES = letter_text.load_templates()
POLICE = {
    "recipient_name": "Hampshire and Isle of Wight Constabulary",
    "recipient_address": "Police Headquarters\nMottisfont Court\nTower Street\nWinchester\nSO23 8ZD",
}
# Whom each letter goes to (the council's data protection officer unless named here).
RECIPIENTS = {
    "sar_nspcc": {
        "recipient_name": "NSPCC Data Protection Team",
        "recipient_address": "Weston House\n42 Curtain Road\nLondon\nEC2A 3NH",
    },
    "sar_police": POLICE,
    "police_crime_reference": POLICE,
    "police_victims_right_to_review": {**POLICE, "recipient_salutation": "Detective Inspector Shah"},
    "complaint_stage1_england": {
        "recipient_name": "Complaints Manager, Children's Services, Hampshire County Council",
        "recipient_address": "Elizabeth II Court\nThe Castle\nWinchester\nSO23 8UJ",
        "due_text": "by 17 December 2026",
    },
    "complaint_stage1_wales": {
        "recipient_name": "Complaints Officer, Social Services, Cardiff Council",
        "recipient_address": "County Hall\nAtlantic Wharf\nCardiff\nCF10 4UW",
        "due_text": "by 17 December 2026",
    },
    "sar_organisation": {
        "recipient_name": "Data Protection Officer, Oakfield Primary School",
        "recipient_address": "Oakfield Road\nWinchester\nSO22 4LP",
    },
    "employer_false_allegation": {
        "recipient_name": "Mrs Helen Carter, Head Teacher, Oakfield Primary School",
        "recipient_address": "Oakfield Road\nWinchester\nSO22 4LP",
        "recipient_salutation": "Mrs Carter",
    },
    "platform_report_record": {
        "recipient_name": "Trust and Safety Team, Example Social Ltd",
        "recipient_address": "1 Sample Square\nLondon\nEC1A 1AA",
    },
}


NAMES = {name for template in TEMPLATES.values() for name in template.variables} | set(letter_text.FRAME)


def unfilled(text: str) -> list[str]:
    """The names of variables that appear in `text`."""
    return sorted(name for name in NAMES if re.search(rf"\b{name}\b", text))


def doc_for(key: str, **values):
    template = TEMPLATES[key]
    filled = letter_text.fill(template, {**VALUES, **RECIPIENTS.get(key, {}), **values}, final=True)
    return letter_text.letter_doc(filled, enclosures=("Copy of the council's letter of 14 May 2026",), draft=False)


def sign(key: str) -> tuple[str, str]:
    """ "Dear Sir or Madam," ... "Yours faithfully,", or a named person and "Yours sincerely,"."""
    name = RECIPIENTS.get(key, {}).get("recipient_salutation")
    return (f"Dear {name},", "Yours sincerely,") if name else ("Dear Sir or Madam,", "Yours faithfully,")


def signed_with_words(raw: str, sign_off: str) -> bool:
    """Whether the page the letter is signed on holds the sign-off, the name under it and a numbered paragraph: the
    signature never stands on a page of its own."""
    page = next(page for page in raw.split("\f") if sign_off in page)
    after = page[page.index(sign_off) :]
    return "Sarah Jane Williams" in after and bool(re.search(r"^\s*\d+\.\s", page, re.M))


def run(*args, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False)


def pdf_text(path) -> str:
    result = run("pdftotext", path, "-")
    assert result.returncode == 0, result.stderr
    # A no-break hyphen (the DOCX writes a reference's hyphens so) is read back as the hyphen it prints.
    return unicodedata.normalize("NFC", result.stdout).replace("\u2011", "-")


FURNITURE = re.compile(r"^\s*(Page \d+ of \d+|.* – 3 December 2026)\s*$", re.M)


def flat(text: str) -> str:
    """The words as one line, each page's furniture (page number, the later pages' heading) taken out so that a
    paragraph broken over two pages reads on."""
    return " ".join(FURNITURE.sub("", text).replace("\f", " ").split())


def look(pdf_path: Path, name: str) -> None:
    """Each page as a PNG in /tmp/letters-look/, to be looked at."""
    LOOK.mkdir(exist_ok=True)
    for old in LOOK.glob(f"{name}-*.png"):
        old.unlink()  # a page the letter no longer has
    result = run("pdftoppm", "-r", "60", "-png", pdf_path, LOOK / name)
    assert result.returncode == 0, result.stderr


def test_the_fixture_and_the_expectations_cover_every_template():
    assert set(EXPECTED) == set(TEMPLATES)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_letter_as_a_pdf_shows_its_references_and_dates_in_embedded_fonts(key, tmp_path):
    path = tmp_path / f"{key}.pdf"
    pages = render_letter_pdf(doc_for(key), path)
    look(path, key)
    raw = pdf_text(path)
    text = flat(raw)
    for expected in [*EXPECTED[key], "3 December 2026", "Sarah Jane Williams", "SO23 9AA"]:
        assert expected in text, (key, expected)
    assert "{{" not in raw and "[" not in raw and "DRAFT" not in raw
    assert not unfilled(raw)
    salutation, sign_off = sign(key)
    assert text.index(salutation) < text.index("1. ") < text.index(sign_off)
    assert signed_with_words(raw, sign_off)
    # The sender's block at the top right, the recipient's at the left, in the order a letter has them.
    layout = [line for line in run("pdftotext", "-layout", path, "-").stdout.splitlines() if line.strip()]
    assert layout[0].strip() == "Sarah Jane Williams" and len(layout[0]) - len(layout[0].lstrip()) > 40
    recipient = RECIPIENTS.get(key, {}).get("recipient_name", VALUES["recipient_name"])
    at = next(n for n, line in enumerate(layout) if line.strip() == recipient)
    assert at > 4 and not layout[at].startswith(" ")
    assert "Enclosures: – Copy of the council's letter of 14 May 2026" in text
    fonts = run("pdffonts", path)
    rows = fonts.stdout.splitlines()[2:]
    assert rows, fonts.stdout
    for row in rows:
        columns = row[37:].split()
        assert (columns[-5], columns[-4]) == ("yes", "yes"), row  # embedded, subset
    sheets = raw.split("\f")[:-1]
    assert len(sheets) == pages
    for number, sheet in enumerate(sheets, start=1):
        assert (f"Page {number} of {pages}" in sheet) == (pages > 1)


LONG_POINTS = "\n".join(f"– point {n}: the council did not answer my email of {n} June 2026." for n in range(1, 70))


def test_a_letter_over_pages_numbers_them_and_heads_the_second(tmp_path):
    path = tmp_path / "long.pdf"
    assert render_letter_pdf(doc_for("complaint_stage1_england", complaint_points=LONG_POINTS), path) == 3
    look(path, "long-complaint")
    pages = pdf_text(path).split("\f")[:-1]
    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of 3" in page
        heading = "Complaints Manager, Children's Services, Hampshire County Council – 3 December 2026"
        assert (heading in page) == (number > 1)
    assert "point 39: the council did not answer my email of 39 June 2026." in flat(pdf_text(path))


def test_a_draft_says_so_and_shows_what_is_missing(tmp_path):
    template = TEMPLATES["sar_council"]
    filled = letter_text.fill(template, {**VALUES, "recipient_address": ""}, final=False)
    path = tmp_path / "draft.pdf"
    render_letter_pdf(letter_text.letter_doc(filled, draft=True), path)
    look(path, "draft-sar")
    text = flat(pdf_text(path))
    assert "DRAFT – not yet sent." in text
    assert "[recipient's address]" in text
    docx_path = tmp_path / "draft.docx"
    render_letter_docx(letter_text.letter_doc(filled, draft=True), docx_path)
    with zipfile.ZipFile(docx_path) as archive:
        body = archive.read("word/document.xml").decode()
        headers = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("word/header"))
    assert "DRAFT – not yet sent." in body
    assert "[recipient's address]" in body
    assert headers.count(">DRAFT<") == 2  # the first page's header and the later pages'


HOSTILE = '<img src="/etc/passwd" width="100" height="100"/> {{ evil }} <a href="file:///etc/passwd">x</a>'


def test_typed_markup_is_printed_as_text_and_loads_nothing(tmp_path):
    doc = doc_for("sar_council", sender_name="<b>Eve</b> & Co", case_reference=HOSTILE)
    doc = replace(doc, enclosures=("<font size=40>big</font>",))
    path = tmp_path / "hostile.pdf"
    render_letter_pdf(doc, path)
    text = flat(pdf_text(path))
    assert HOSTILE in text
    assert "<b>Eve</b> & Co" in text
    assert "<font size=40>big</font>" in text
    assert "root:" not in text
    assert run("pdfimages", "-list", path).stdout.splitlines()[2:] == []
    docx_path = tmp_path / "hostile.docx"
    render_letter_docx(doc, docx_path)
    with zipfile.ZipFile(docx_path) as archive:
        body = archive.read("word/document.xml").decode()
        names = archive.namelist()
    assert "<w:hyperlink" not in body and not [n for n in names if n.startswith("word/media/")]
    assert "&lt;img src=" in body


def test_pdf_and_docx_properties_give_the_letter_not_the_names(tmp_path):
    doc = doc_for("sar_council")
    render_letter_pdf(doc, tmp_path / "a.pdf")
    info = run("pdfinfo", tmp_path / "a.pdf").stdout
    assert "Subject access request to children's services" in info
    assert "Williams" not in info
    render_letter_docx(doc, tmp_path / "a.docx")
    with zipfile.ZipFile(tmp_path / "a.docx") as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "Williams" not in core and "python-docx" not in core
    with zipfile.ZipFile(tmp_path / "a.docx") as archive:
        body = archive.read("word/document.xml").decode()
    assert body.count("<w:tab/>") == len(doc.paragraphs)  # each number, then a tab to the paragraph's indent


def docx_to_pdf(docx_paths: list[Path], tmp_path: Path) -> Path:
    """Debian's LibreOffice converts the DOCX files to PDF in one run, in a profile of its own."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is not installed: make test installs libreoffice-writer-nogui"
    out = tmp_path / "converted"
    result = run(
        soffice,
        f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        out,
        *docx_paths,
        timeout=400,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.mark.processes
def test_each_letter_as_docx_read_by_libreoffice_shows_its_references_and_dates(tmp_path):
    paths = []
    for key in sorted(EXPECTED):
        path = tmp_path / f"{key}.docx"
        render_letter_docx(doc_for(key), path)
        paths.append(path)
    long_path = tmp_path / "long.docx"
    render_letter_docx(doc_for("complaint_stage1_england", complaint_points=LONG_POINTS), long_path)
    out = docx_to_pdf([*paths, long_path], tmp_path)
    for key in sorted(EXPECTED):
        converted = out / f"{key}.pdf"
        assert converted.exists(), key
        look(converted, f"{key}-docx")
        raw = pdf_text(converted)
        text = flat(raw)
        for expected in [*EXPECTED[key], "3 December 2026", "Sarah Jane Williams", "SO23 9AA"]:
            assert expected in text, (key, expected)
        assert "{{" not in text and "[" not in text and "DRAFT" not in text
        assert not unfilled(text)
        salutation, sign_off = sign(key)
        assert text.index(salutation) < text.index("1. ") < text.index(sign_off)
        assert signed_with_words(raw, sign_off), key
    pages = pdf_text(out / "long.pdf").split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
