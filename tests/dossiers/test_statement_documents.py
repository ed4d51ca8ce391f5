"""The witness statement as an officer gets it: the PDF read back with poppler and qpdf, the DOCX opened by an
independent reader (Debian's LibreOffice converts it to PDF, poppler reads that).

The StatementDocs are built here by hand, as casework.queries would hand them over: a long one (three pages of
statement and a contact page), one full of ReportLab markup and Word-breaking characters, one in Welsh, Polish and
Arabic. Expected words are written out here, not taken from statement_layout.
"""

import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import replace
from datetime import date

import pytest

from casework.documents import ExhibitDoc, ParagraphDoc, StatementDoc
from dossiers.statement_docx import render_statement_docx
from dossiers.statement_pdf import render_statement_pdf

DECLARATION_3 = (
    "This statement (consisting of 3 pages each signed by me) is true to the best of my knowledge and belief and I "
    "make it knowing that, if it is tendered in evidence, I shall be liable to prosecution if I have wilfully stated "
    "in it anything which I know to be false, or do not believe to be true."
)
LEGAL = "Criminal Procedure Rules, r 16.2; Criminal Justice Act 1967, s. 9; Magistrates' Courts Act 1980, s. 5B"
SIGNATURE = "Signature ........................"
WITNESSED = "Signature witnessed by ........................"

OPENING = (
    "My name is Sarah Jane Williams. I live in Winchester with my husband and our two children, E.W., who is nine, "
    "and T.W., who is six. I am a primary school teacher. Since March 2026 someone has made false reports about my "
    "family to Hampshire Children's Services, to the police and to my employer."
)
CLOSING = (
    "These reports have had a serious effect on me and on my children. I do not sleep well, I dread the post, and "
    "my son has asked me whether strangers are coming to take him away."
)


def incident(n: int) -> str:
    # Words that differ from paragraph to paragraph, so that finding one cannot be finding its neighbour.
    return (
        f"On {n} April 2026 I received a letter, reference HCC/{1000 + n}, from Hampshire Children's Services. It said "
        f"that an anonymous caller, call number {n}, had reported that my children were neglected. A social worker "
        "visited our home, spoke to both children at school and found nothing of concern. The case was closed within "
        f"a week. I produce a copy of the letter as exhibit SW/{n}."
    )


def long_doc(**changes) -> StatementDoc:
    paragraphs = [ParagraphDoc(1, OPENING)]
    paragraphs += [ParagraphDoc(n + 1, incident(n), exhibits=(f"SW/{n}",)) for n in range(1, 15)]
    paragraphs.append(ParagraphDoc(16, CLOSING))
    doc = StatementDoc(
        kind="witness",
        title="Witness statement",
        maker_name="Sarah Jane WILLIAMS",
        maker_age="Over 18",
        maker_occupation="Teacher",
        maker_address="12 Acacia Avenue\nWinchester SO23 9AA",
        maker_phone="07700 900123",
        paragraphs=tuple(paragraphs),
        exhibits=tuple(ExhibitDoc(f"SW/{n}", f"Letter {n}") for n in range(1, 15)),
        references=("Crime ref 44/123456/26",),
        dated=date(2026, 12, 3),
    )
    return replace(doc, **changes)


HOSTILE_IMG = '<img src="/etc/passwd" width="100" height="100"/>'
HOSTILE_LINK = '<a href="file:///etc/passwd">open this</a>'
HOSTILE_FONT = '<font name="Courier" size="40">big</font>'


def hostile_doc() -> StatementDoc:
    return StatementDoc(
        kind="witness",
        title="Witness statement",
        maker_name="<b>Eve</b> & <i>Mallory</i>",
        maker_age="Over 18",
        maker_occupation='<img src="/etc/hostname"/>',
        maker_address="",
        maker_phone="",
        paragraphs=(
            ParagraphDoc(1, f"The post said {HOSTILE_IMG} and nothing else."),
            ParagraphDoc(2, f"A message read {HOSTILE_LINK} &amp; {HOSTILE_FONT} end.", exhibits=("SW/1",)),
            ParagraphDoc(3, "Controls: bell\x07 and an override file\u202egnp.exe here.\nSecond line <br/> kept."),
        ),
        exhibits=(ExhibitDoc("SW/1", "Screenshot"),),
        references=("<u>ref</u>",),
    )


WELSH = "Rwy'n byw yng Nghaerdydd gyda'm plant; mae'r ŵyr yn gŵr ifanc a'r tŷ ar y bryn."
POLISH = "Zażółć gęślą jaźń: sąsiadka napisała fałszywe zgłoszenie do opieki społecznej."
ARABIC = "كتب أحد الحسابات المجهولة رسالة تهديد على صفحة المدرسة"


def scripts_doc() -> StatementDoc:
    return StatementDoc(
        kind="victim",
        title="Victim personal statement",
        maker_name="Gwenllïan Łucja Wójcik",
        maker_age="16",
        maker_occupation="Myfyrwraig / Uczennica",
        maker_address="",
        maker_phone="",
        paragraphs=(
            ParagraphDoc(1, WELSH),
            ParagraphDoc(2, POLISH, exhibits=("GW/1",)),
            ParagraphDoc(3, ARABIC),
        ),
        exhibits=(ExhibitDoc("GW/1", "Llythyr"),),
    )


def run(*args, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False)


def pdf_pages(path) -> list[str]:
    """pdftotext -layout, one string per page (pages end with a form feed)."""
    result = run("pdftotext", "-layout", path, "-")
    assert result.returncode == 0, result.stderr
    pages = unicodedata.normalize("NFC", result.stdout).split("\f")
    assert pages[-1].strip() == ""
    return pages[:-1]


FURNITURE = re.compile(r"^\s*(Signature \.{24}|Page \d+ of \d+|Continuation of statement of:).*$", re.M)


def flowing(pages: list[str]) -> str:
    """The statement's words as one line: each page's signature lines, page number and continuation line taken out,
    so that a paragraph broken over two pages reads on."""
    return " ".join(" ".join(FURNITURE.sub("", page).split()) for page in pages)


def squashed(text: str) -> str:
    return " ".join(text.split())


def page_count(path) -> int:
    result = run("qpdf", "--show-npages", path)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


@pytest.fixture
def long_pdf(tmp_path):
    path = tmp_path / "statement.pdf"
    assert render_statement_pdf(long_doc(), path) == 4
    return path


# The PDF ------------------------------------------------------------------------------------------------------


def test_statement_opens_with_the_mg11_header_and_the_declaration_counting_its_pages(long_pdf):
    first = pdf_pages(long_pdf)[0]
    lines = [squashed(line) for line in first.splitlines() if line.strip()]
    assert lines[:2] == ["WITNESS STATEMENT", LEGAL]
    assert "URN: Crime ref 44/123456/26" in lines
    assert "Statement of: Sarah Jane WILLIAMS" in lines
    assert "Age if under 18: Over 18 Occupation: Teacher" in lines
    assert "(if over 18 insert 'over 18')" in lines
    assert DECLARATION_3 in squashed(first)
    assert "Signature ........................ Date 3 December 2026" in lines
    # The header and the declaration come before the first paragraph.
    assert squashed(first).index(DECLARATION_3) < squashed(first).index("1. My name is Sarah Jane Williams.")


def test_every_paragraph_is_printed_numbered_and_in_order(long_pdf):
    text = flowing(pdf_pages(long_pdf))
    expected = [f"1. {OPENING}"] + [f"{n + 1}. {incident(n)}" for n in range(1, 15)] + [f"16. {CLOSING}"]
    positions = [text.find(paragraph) for paragraph in expected]
    assert -1 not in positions, [p for p, at in zip(expected, positions, strict=True) if at == -1]
    assert positions == sorted(positions)


def test_every_exhibit_is_produced_by_its_mark(long_pdf):
    text = flowing(pdf_pages(long_pdf))
    for n in range(1, 15):
        assert f"I produce a copy of the letter as exhibit SW/{n}." in text
    assert text.count("as exhibit SW/") == 14


def test_every_statement_page_has_the_signature_lines_and_page_x_of_y(long_pdf):
    pages = pdf_pages(long_pdf)
    assert len(pages) == page_count(long_pdf) == 4
    for number, page in enumerate(pages[:3], start=1):
        assert f"Page {number} of 3" in page
        footer = [squashed(line) for line in page.splitlines() if WITNESSED in line]
        assert footer == [f"{SIGNATURE} {WITNESSED}"], page
    for page in pages[1:3]:
        assert "Continuation of statement of: Sarah Jane WILLIAMS" in page
        assert "WITNESS STATEMENT" in page
    assert "Continuation of statement of" not in pages[0]


def test_contact_details_are_on_a_last_page_of_their_own_not_counted(long_pdf):
    pages = pdf_pages(long_pdf)
    contact = pages[3]
    assert "NOT FOR DISCLOSURE" in contact
    assert "Witness contact details" in contact
    assert "12 Acacia Avenue" in contact and "Winchester SO23 9AA" in contact
    assert "Telephone: 07700 900123" in squashed(contact)
    assert "Page 4" not in contact and WITNESSED not in contact
    for page in pages[:3]:
        assert "Acacia" not in page and "07700" not in page


def test_no_contact_page_when_the_maker_gave_no_details(tmp_path):
    path = tmp_path / "no-contact.pdf"
    assert render_statement_pdf(long_doc(maker_address="", maker_phone=""), path) == 3
    text = "".join(pdf_pages(path))
    assert "Witness contact details" not in text and "NOT FOR DISCLOSURE" not in text
    assert "Page 3 of 3" in text


def test_only_the_phone_is_printed_when_only_the_phone_is_given(tmp_path):
    path = tmp_path / "phone.pdf"
    assert render_statement_pdf(long_doc(maker_address="  "), path) == 4
    contact = pdf_pages(path)[3]
    assert "Telephone: 07700 900123" in squashed(contact)
    assert "Address:" not in contact


def test_pdf_passes_qpdf_check_and_embeds_every_font(long_pdf):
    check = run("qpdf", "--check", long_pdf)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout
    fonts = run("pdffonts", long_pdf)
    assert fonts.returncode == 0, fonts.stderr
    rows = fonts.stdout.splitlines()[2:]
    assert rows, fonts.stdout
    for row in rows:
        columns = row[37:].split()
        assert (columns[-5], columns[-4]) == ("yes", "yes"), row  # embedded, subset
    for base14 in ("Helvetica", "Courier", "Times"):
        assert base14 not in fonts.stdout


def test_pdf_properties_give_the_title_and_no_name(long_pdf):
    info = run("pdfinfo", long_pdf)
    assert info.returncode == 0, info.stderr
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert fields["Title"].strip() == "Witness statement"
    assert fields["Author"].strip() == ""
    assert "Williams" not in info.stdout and "WILLIAMS" not in info.stdout
    assert b"WILLIAMS" not in long_pdf.read_bytes()  # not in any uncompressed dictionary either


def test_paragraph_flags_are_not_printed(tmp_path):
    doc = long_doc(
        paragraphs=(
            ParagraphDoc(1, OPENING),
            ParagraphDoc(2, incident(1), exhibits=("SW/1",), flag="The incident behind this paragraph was withdrawn."),
        ),
        maker_address="",
        maker_phone="",
    )
    path = tmp_path / "flagged.pdf"
    assert render_statement_pdf(doc, path) == 1
    text = flowing(pdf_pages(path))
    assert f"2. {incident(1)}" in text
    assert "withdrawn" not in text
    # One page: the declaration says so, in the singular.
    assert "This statement (consisting of 1 page each signed by me)" in text
    assert "Page 1 of 1" in "".join(pdf_pages(path))


def test_an_exhibit_whose_mark_was_edited_out_is_still_named(tmp_path):
    doc = long_doc(
        paragraphs=(ParagraphDoc(1, "I took a screenshot of the post the same evening.", exhibits=("SW/7", "SW/8")),),
        maker_address="",
        maker_phone="",
        dated=None,
    )
    path = tmp_path / "edited.pdf"
    render_statement_pdf(doc, path)
    pages = pdf_pages(path)
    assert "1. I took a screenshot of the post the same evening. (Exhibits SW/7, SW/8.)" in flowing(pages)
    # No date: left to be written by hand, under the declaration and after the last word.
    assert squashed(pages[0]).count(f"{SIGNATURE} Date ............") == 2


def test_victim_personal_statement_is_titled_so_and_gives_an_age_under_18(tmp_path):
    path = tmp_path / "vps.pdf"
    render_statement_pdf(scripts_doc(), path)
    first = pdf_pages(path)[0]
    lines = [squashed(line) for line in first.splitlines() if line.strip()]
    assert lines[0] == "VICTIM PERSONAL STATEMENT"
    assert "Age if under 18: 16 Occupation: Myfyrwraig / Uczennica" in lines
    assert "URN: ........................" in lines  # no police reference yet: room to write it in
    info = run("pdfinfo", path)
    assert "Title:           Victim personal statement" in info.stdout


def test_welsh_polish_and_arabic_come_back_letter_for_letter(tmp_path):
    path = tmp_path / "scripts.pdf"
    render_statement_pdf(scripts_doc(), path)
    text = flowing(pdf_pages(path))
    assert f"1. {WELSH}" in text
    assert f"2. {POLISH} (Exhibit GW/1.)" in text
    assert "Statement of: Gwenllïan Łucja Wójcik" in text
    # Arabic is drawn in its joined forms: NFKC gives back the letters typed, every one of them.
    arabic = unicodedata.normalize("NFKC", text)
    missing = {ch for ch in ARABIC if not ch.isspace() and ch not in arabic}
    assert not missing
    fonts = run("pdffonts", path).stdout
    assert "NotoNaskhArabic" in fonts


def test_hostile_markup_is_printed_as_text_and_loads_nothing(tmp_path):
    path = tmp_path / "hostile.pdf"
    render_statement_pdf(hostile_doc(), path)
    text = flowing(pdf_pages(path))
    assert f"1. The post said {HOSTILE_IMG} and nothing else." in text
    assert f"2. A message read {HOSTILE_LINK} &amp; {HOSTILE_FONT} end. (Exhibit SW/1.)" in text
    assert "Statement of: <b>Eve</b> & <i>Mallory</i>" in text
    assert 'Occupation: <img src="/etc/hostname"/>' in text
    assert "URN: <u>ref</u>" in text
    # Control and direction characters shown, not obeyed; the line break kept, the typed <br/> printed.
    assert "bell⟨U+0007⟩ and an override file⟨U+202E⟩gnp.exe here." in text
    assert "\u202e" not in text
    assert "Second line <br/> kept." in text
    assert "root:" not in text
    images = run("pdfimages", "-list", path)
    assert images.returncode == 0, images.stderr
    assert images.stdout.splitlines()[2:] == []  # the header lines only: no image
    dictionaries = list(objects(json.loads(run("qpdf", "--json", path).stdout)))
    assert any(d.get("/Type") == "/Page" for d in dictionaries)  # the walk reaches the pages
    assert [d for d in dictionaries if d.get("/Subtype") in ("/Link", "/Image") or d.get("/S") in LINKS] == []
    assert "Courier" not in run("pdffonts", path).stdout


LINKS = ("/URI", "/Launch", "/GoToR")


def objects(node):
    """Every dictionary in qpdf's JSON of the file."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


# The DOCX, opened by LibreOffice ------------------------------------------------------------------------------


def docx_to_pdf(docx_path, tmp_path):
    """Debian's LibreOffice converts the DOCX to PDF, in a profile of its own (runs side by side do not collide)."""
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
        docx_path,
        timeout=240,
    )
    converted = out / (docx_path.stem + ".pdf")
    assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
    return converted


def test_docx_read_by_libreoffice_gives_the_same_statement(tmp_path):
    docx_path = tmp_path / "statement.docx"
    render_statement_docx(long_doc(), docx_path)
    converted = docx_to_pdf(docx_path, tmp_path)
    pages = pdf_pages(converted)
    total = page_count(converted)
    assert total >= 3 and len(pages) == total
    text = flowing(pages)
    expected = [f"1. {OPENING}"] + [f"{n + 1}. {incident(n)}" for n in range(1, 15)] + [f"16. {CLOSING}"]
    positions = [text.find(paragraph) for paragraph in expected]
    assert -1 not in positions, [p for p, at in zip(expected, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    first = [squashed(line) for line in pages[0].splitlines() if line.strip()]
    assert first[:2] == ["WITNESS STATEMENT", LEGAL]
    assert "Statement of: Sarah Jane WILLIAMS" in first
    assert (
        f"This statement (consisting of {total} page(s) each signed by me) is true to the best of my knowledge and "
        "belief and I make it knowing that, if it is tendered in evidence, I shall be liable to prosecution if I have "
        "wilfully stated in it anything which I know to be false, or do not believe to be true."
    ) in squashed(pages[0])
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        assert f"{SIGNATURE} {WITNESSED}" in squashed(page)
    # The contact details are the PDF's separate page only, never in the document an officer files.
    assert "Acacia" not in text and "07700" not in text


def test_docx_carries_hostile_text_as_text_and_no_name_in_its_properties(tmp_path):
    docx_path = tmp_path / "hostile.docx"
    render_statement_docx(hostile_doc(), docx_path)
    with zipfile.ZipFile(docx_path) as archive:
        names = archive.namelist()
        body = archive.read("word/document.xml").decode()
        core = archive.read("docProps/core.xml").decode()
    assert not [name for name in names if name.startswith("word/media/")]
    assert "<w:hyperlink" not in body
    assert "<dc:title>Witness statement</dc:title>" in core
    assert "python-docx" not in core and "Eve" not in core and "Mallory" not in core
    converted = docx_to_pdf(docx_path, tmp_path)
    text = flowing(pdf_pages(converted))
    assert f"1. The post said {HOSTILE_IMG} and nothing else." in text
    assert f"2. A message read {HOSTILE_LINK} &amp; {HOSTILE_FONT} end. (Exhibit SW/1.)" in text
    assert "bell⟨U+0007⟩ and an override file⟨U+202E⟩gnp.exe here." in text
    assert "Statement of: <b>Eve</b> & <i>Mallory</i>" in text
    assert "root:" not in text


def test_docx_in_welsh_polish_and_arabic(tmp_path):
    docx_path = tmp_path / "scripts.docx"
    render_statement_docx(scripts_doc(), docx_path)
    with zipfile.ZipFile(docx_path) as archive:
        body = archive.read("word/document.xml").decode()
    assert body.count("<w:bidi/>") == 1  # the Arabic paragraph reads right to left
    converted = docx_to_pdf(docx_path, tmp_path)
    pages = pdf_pages(converted)
    text = flowing(pages)
    assert pages[0].split("\n", 1)[0].strip() == "VICTIM PERSONAL STATEMENT"
    assert f"1. {WELSH}" in text
    assert f"2. {POLISH} (Exhibit GW/1.)" in text
    arabic = unicodedata.normalize("NFKC", text)
    assert not {ch for ch in ARABIC if not ch.isspace() and ch not in arabic}
    assert "Page 1 of 1" in pages[0]
