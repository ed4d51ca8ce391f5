"""Every free-text field that reaches the dossier, typed as hostile ReportLab markup: printed as typed, nothing loaded.

ReportLab's paragraph markup can load local files (<img src>), make links (<a href>), change fonts and sizes, and
it decodes entities. So each field below is given a unique marker and markup payloads, a real dossier is compiled,
and pdftotext must show every payload character for character next to its field's marker, as many times as the
dossier prints that field (the FIELDS table, written out here, not read from the code under test). The PDF must
hold no image but the case's own photo, no link annotation or action, and no font the payloads name.

A field the dossier does not print (NOT_PRINTED) must not show at all: a field added to the layout later fails here
until it is moved into FIELDS with the places it prints. The redacted dossier is checked too: a child's first name
inside every field is replaced by the child's initials, which are themselves markup ("<BR/>") and print as typed.
Payloads are ASCII and markup only: what control and direction characters print as is another test's business.
"""

import datetime as dt
import email.message
import json
import re
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone

from incidents.services import cases as case_services
from incidents.services import comments as comment_services
from incidents.services import evidence as evidence_services
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.dossiers.test_dossier_output import compile_now, image_count, pdf_path, pdf_text, run
from tests.factories import log_incident, png_bytes, upload

pytestmark = pytest.mark.django_db

# The payloads. FULL has every construct; the shorter ones fit the fields with a short limit.
FULL = (
    '<b>x</b> <font name="Courier" size="40">big</font> <img src="/etc/passwd"/> '
    '<a href="file:///etc/passwd">link</a> <para>p</para> <br/> &amp; &lt; &#65; <b ]]>'
)
SHORT = '<b>x</b> <img src="/etc/passwd"/> <a href="file:///e">l</a> <br/> &amp; &#65; <b ]]>'
# A text file with "<a href" in it is sniffed as HTML (and then has no text in the appendix): the rest of FULL.
FILE_TEXT = FULL.replace('<a href="file:///etc/passwd">link</a> ', "")
TITLE = '<b>x</b> <img src="/etc/passwd"/> &amp; &lt; &#65; <br/> ]]>'  # the statement of record keeps 80
TAG_A = "<b>x</b> &amp;&#65; <br/>"  # tags: 40 characters, lower case
TAG_B = "<img src=/e> <a href=x>]]>"
# A picture that can be read and a web link: were this markup read, the PDF would have a second image and a link.
# (No hyphen in any payload: pdftotext joins a word broken after a hyphen at the end of a line without it.)
PROBE_PNG = Path("/tmp/rt_dossier_probe.png")
PROBE = f'<img src="{PROBE_PNG}" width="40" height="30"/> <a href="https://example.org/">x</a>'
URL = "https://forum.example/{m}/{n}<b>x</b><br/>?a=&amp;&lt;&#65;]]>"  # a web address has no spaces

# (marker, the field, where the dossier prints it, how many times its whole text is printed, payload).
FIELDS = [
    ("zq01", "Case.title", "cover 'Case:' (the page footers: its first 60 characters)", 1, SHORT),
    ("zq02", "Case.subject_name", "cover 'This record is about:'", 1, SHORT),
    ("zq03", "Case.subject_contact, line 1", "cover 'How to contact them:'", 1, FULL),
    ("zq04", "Case.subject_contact, line 2", "cover 'How to contact them:'", 1, SHORT),
    ("zq05", "User.full_name, who asked for the dossier", "cover 'Prepared by:'", 1, SHORT),
    ("zq06", "User.full_name, a member who changed and withdrew", "statement of record, twice", 2, SHORT),
    ("zq07", "Incident.title", "chronology heading; statement of record", 2, TITLE),
    ("zq08", "Incident.narrative", "chronology 'What happened'", 1, FULL),
    ("zq09", "Incident.impact", "chronology 'Impact on the family'", 1, FULL),
    ("zq10", "Incident.platform", "chronology 'Where'", 1, SHORT),
    ("zq11", "Incident.url", "chronology 'Where'", 1, URL),
    ("zq12", "Incident.outcome", "chronology 'Outcome'", 1, FULL),
    ("zq13", "Tag.name", "chronology 'Tags:'", 1, TAG_A),
    ("zq14", "Tag.name, another", "chronology 'Tags:'", 1, TAG_B),
    ("zq15", "Party.name, a suspect", "summary suspects; chronology 'People'; index of people", 3, FULL),
    ("zq16", "Party.handles, line 1", "summary suspects; index of people", 2, SHORT),
    ("zq17", "Party.handles, line 2", "summary suspects; index of people", 2, SHORT),
    ("zq18", "Party.aliases, line 1", "index of people", 1, SHORT),
    ("zq19", "Party.aliases, line 2", "index of people", 1, SHORT),
    ("zq20", "Party.name, a reference's agency", "summary agencies; chronology references; index", 3, FULL),
    ("zq21", "AgencyReference.number", "cover references; summary agencies; chronology references", 3, SHORT),
    ("zq22", "AgencyReference.officer", "summary agencies 'Officer'", 1, SHORT),
    ("zq23", "Evidence.description, a text file", "exhibit list; appendix heading", 2, FULL),
    ("zq24", "Evidence.obtained_from", "exhibit list 'Obtained'", 1, FULL),
    ("zq25", "a text exhibit's contents", "appendix", 1, FILE_TEXT),
    ("zq26", "Evidence.description, a photo", "exhibit list; photographs", 2, FULL),
    ("zq27", "Evidence.description, a link", "exhibit list (a parsed paragraph, with the link)", 1, FULL),
    ("zq28", "Evidence.source_url", "exhibit list (small, under the description)", 1, URL),
    ("zq29", "Evidence.description, withdrawn", "exhibit list (a parsed paragraph, with WITHDRAWN)", 1, FULL),
    ("zq30", "Evidence.withdrawn_reason", "exhibit list 'WITHDRAWN:'", 1, FULL),
    ("zq31", "Evidence.description, an email", "exhibit list; appendix heading", 2, FULL),
    ("zq32", "an email exhibit's Subject", "appendix 'Subject'", 1, SHORT),
    ("zq33", "an email exhibit's body", "appendix", 1, FULL),
    ("zq34", "an email exhibit's attachment's file name", "appendix 'Attachments'", 1, SHORT),
    ("zq37", "Evidence.obtained_from, the photo's", "exhibit list 'Obtained'", 1, PROBE),
    ("zq35", "Incident.title, withdrawn", "statement of record, withdrawn incidents", 1, TITLE),
    ("zq36", "Incident.withdrawn_reason", "statement of record, withdrawn incidents 'Reason:'", 1, FULL),
]
# Typed into the case but never printed in the dossier.
NOT_PRINTED = [
    ("zq41", "Party.contact", FULL),
    ("zq42", "Party.notes", FULL),
    ("zq43", "AgencyReference.outcome", FULL),
    ("zq44", "Evidence.original_name", "x.txt"),
    ("zq45", "IncidentRevision.reason", SHORT),
    ("zq46", "Comment.body, on the case", FULL),
    ("zq47", "Comment.body, on an incident", FULL),
    ("zq48", "EvidenceNote.body (the same file attached again)", FULL),
]
# The member names (zq05, zq06) are not children's text: the redaction check leaves them out.
MEMBER_NAMES = {"zq05", "zq06"}
CHILD, FIRST_NAME, INITIALS = "Zebedee Quux", "Zebedee", "<BR/>"
PAYLOAD = {marker: payload for marker, _, _, _, payload in FIELDS + [(m, f, "", 0, p) for m, f, p in NOT_PRINTED]}


def typed(marker: str, name: str = "") -> str:
    """What is typed into the field: its marker, then `name` (a child's first name, or nothing), then the payload."""
    payload = PAYLOAD[marker]
    if payload is URL:
        return URL.format(m=marker, n=name)
    return f"{marker} {name + ' ' if name else ''}{payload}"


def squash(text: str) -> str:
    """Without any whitespace: table cells break long words anywhere, and wrap lines where they like."""
    return "".join(text.split())


FOOTER = re.compile(r"^(Dossier [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4} · .*|Page \d+ of \d+)$", re.M)


def body_text(text: str) -> str:
    """The dossier's text without its page footers, which would come between the halves of a paragraph split over
    two pages (the footer's title is the first 60 characters of the case's, never all of it)."""
    assert len(FOOTER.findall(text)) >= 2 * text.count("\f")  # each page's two footer lines are found
    return FOOTER.sub("", text)


def only_typed_markup(solid: str, printed: dict[str, int]) -> None:
    """Every <, > and & in the text is one a user typed: none added around a field (a field wrapped in <b>
    prints it as text, which the counts above do not notice), none lost or decoded (&amp; printed as &)."""
    for ch in "<>&":
        expected = sum(times * value.count(ch) for value, times in printed.items())
        assert solid.count(ch) == expected, f"{solid.count(ch)} {ch!r} in the dossier's text, {expected} typed"


def email_exhibit(v) -> bytes:
    message = email.message.EmailMessage()
    message["From"] = "duty.team@anytown.gov.uk"  # no <address>: the only markup characters are the payloads'
    message["Subject"] = v("zq32")
    message.set_content(v("zq33") + "\n")
    message.add_attachment(b"attached\n", maintype="application", subtype="octet-stream", filename=v("zq34"))
    return message.as_bytes()


def fill(case, owner, editor, advocate, v) -> None:
    """Type v(marker) into every field of FIELDS and NOT_PRINTED."""
    case_services.child_add(user=owner, case=case, name=CHILD, initials=INITIALS)
    case_services.case_update(
        user=owner,
        case=case,
        title=v("zq01"),
        exhibit_prefix=case.exhibit_prefix,
        time_zone=case.time_zone,
        subject_name=v("zq02"),
        subject_contact=f"{v('zq03')}\n{v('zq04')}",
    )
    advocate.full_name = v("zq05")
    advocate.save(update_fields=["full_name"])
    editor.full_name = v("zq06")
    editor.save(update_fields=["full_name"])
    suspect = party_services.party_create(
        user=owner,
        case=case,
        kind="suspect",
        name=v("zq15"),
        handles=f"{v('zq16')}\n{v('zq17')}",
        aliases=f"{v('zq18')}\n{v('zq19')}",
        contact=v("zq41"),
        notes=v("zq42"),
    )
    agency = party_services.party_create(user=owner, case=case, kind="police", name=v("zq20"))
    reference = reference_services.reference_create(
        user=owner, case=case, kind="police", number=v("zq21"), agency=agency, officer=v("zq22"), outcome=v("zq43")
    )
    incident = log_incident(
        case,
        owner,
        title=v("zq07"),
        narrative="To be changed.",
        impact=v("zq09"),
        platform=v("zq10"),
        url=v("zq11"),
        outcome=v("zq12"),
        tags=[v("zq13"), v("zq14")],
        parties=[suspect],
        references=[reference],
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    incident_services.incident_edit(user=editor, incident=incident, narrative=v("zq08"), reason=v("zq45"))
    wrong = log_incident(case, owner, title=v("zq35"), occurred_at=timezone.now() - dt.timedelta(days=2))
    incident_services.incident_withdraw(user=editor, incident=wrong, reason=v("zq36"))
    comment_services.comment_add(user=owner, case=case, body=v("zq46"))
    comment_services.comment_add(user=owner, case=case, body=v("zq47"), incident=incident)

    attach = evidence_services.evidence_attach
    contents = (v("zq25") + "\n").encode()
    attach(
        user=owner,
        case=case,
        kind="other",
        description=v("zq23"),
        obtained_from=v("zq24"),
        obtained_at=timezone.localdate(),
        uploaded_file=upload(v("zq44"), contents),
        incidents=[incident],
    )
    again = attach(user=owner, case=case, kind="other", description=v("zq48"), uploaded_file=upload("b.txt", contents))
    assert again.note is not None  # the same bytes: kept as a note on the exhibit, not a new exhibit
    PROBE_PNG.write_bytes(png_bytes(40, 30, colour=(30, 200, 30)))
    attach(
        user=owner,
        case=case,
        kind="screenshot",
        description=v("zq26"),
        obtained_from=v("zq37"),
        uploaded_file=upload("s.png", png_bytes(300, 200)),
        incidents=[incident],
    )
    attach(user=owner, case=case, kind="web_page", description=v("zq27"), source_url=v("zq28"))
    withdrawn = attach(
        user=owner, case=case, kind="other", description=v("zq29"), uploaded_file=upload("w.txt", b"wrong file\n")
    ).evidence
    evidence_services.evidence_withdraw(user=owner, evidence=withdrawn, reason=v("zq30"))
    mail = attach(
        user=owner,
        case=case,
        kind="email",
        description=v("zq31"),
        uploaded_file=upload("m.eml", email_exhibit(v)),
        incidents=[incident],
    ).evidence
    assert mail.content_type == "message/rfc822"


@pytest.fixture
def hostile(case, owner, editor, advocate, tmp_path):
    """Every field filled, the dossier compiled with every option that prints a field, asked for by the advocate."""
    fill(case, owner, editor, advocate, typed)
    dossier = compile_now(
        case,
        advocate,
        redact=False,
        photos="inline",
        cover_subject=True,
        cover_contact=True,
        cover_references=True,
    )
    return pdf_path(dossier, tmp_path)


def test_the_table_has_every_marker_once_and_every_value_fits_its_field():
    markers = [row[0] for row in FIELDS] + [row[0] for row in NOT_PRINTED]
    assert len(markers) == len(set(markers)) == 45
    assert all(len(typed(m, FIRST_NAME)) <= 40 for m in ("zq13", "zq14"))  # Tag.name
    assert len(f"1. {typed('zq07', FIRST_NAME)}") <= 80  # the statement of record's first 80 characters
    assert all(len(typed(m, FIRST_NAME)) <= 100 for m in ("zq10", "zq21"))  # Incident.platform, the number


def test_every_free_text_field_is_printed_as_typed_next_to_its_marker(hostile):
    text = squash(body_text(pdf_text(hostile)))
    wrong = []
    for marker, field, where, times, _payload in FIELDS:
        found = text.count(squash(typed(marker)))
        if found != times:
            wrong.append(f"{marker} {field}: printed whole {found} times, expected {times} ({where})")
    assert not wrong, "\n".join(wrong)
    only_typed_markup(text, {typed(marker): times for marker, _, _, times, _ in FIELDS})
    # The payloads as they must read (not as parsed markup, not escaped twice, entities not decoded).
    for literal in ("<b>x</b>", '<font name="Courier" size="40">big</font>', '<img src="/etc/passwd"/>', "&#65;"):
        assert squash(literal) in text
    assert "&amp;amp;" not in text and "&amp;lt;" not in text and "&lt;b&gt;" not in text


def test_no_field_that_is_not_printed_shows(hostile):
    text = pdf_text(hostile)
    shown = [f"{marker} {field}" for marker, field, _ in NOT_PRINTED if marker in text]
    assert not shown, f"now printed: move these into FIELDS with where they print: {shown}"


def objects(node):
    """Every dictionary in qpdf's JSON, streams' dictionaries included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


def test_the_payloads_load_no_file_draw_no_image_make_no_link_and_name_no_font(hostile):
    assert image_count(hostile) == 1  # the screenshot's preview, nothing from <img src>
    result = run("qpdf", "--json", hostile)
    assert result.returncode == 0, result.stderr
    dictionaries = list(objects(json.loads(result.stdout)))
    assert any(d.get("/Type") == "/Page" for d in dictionaries)  # the walk reaches the pages
    links = [d for d in dictionaries if d.get("/Subtype") == "/Link" or d.get("/S") in ("/URI", "/Launch", "/GoToR")]
    assert links == []
    images = [d for d in dictionaries if d.get("/Subtype") == "/Image"]
    assert len(images) == 1
    fonts = run("pdffonts", hostile)
    assert fonts.returncode == 0, fonts.stderr
    assert "Courier" not in fonts.stdout and "Helvetica" not in fonts.stdout
    text = pdf_text(hostile)
    assert "root:" not in text  # the first line of /etc/passwd


def test_redaction_puts_the_initials_as_typed_in_every_field(case, owner, editor, advocate, tmp_path):
    def v(marker: str) -> str:
        return typed(marker, "" if marker in MEMBER_NAMES else FIRST_NAME)

    fill(case, owner, editor, advocate, v)
    everything = pdf_text(pdf_path(compile_now(case, advocate, redact=True), tmp_path))
    # Nowhere, the page footers (the case's title) included.
    assert FIRST_NAME.lower() not in everything.lower() and "quux" not in everything.lower()
    text = body_text(everything)
    solid, wrong = squash(text), []
    for marker, field, _where, times, _payload in FIELDS:
        expected = typed(marker, "" if marker in MEMBER_NAMES else INITIALS)
        if solid.count(squash(expected)) != times:
            wrong.append(f"{marker} {field}: {solid.count(squash(expected))} times, expected {times}")
    assert not wrong, "\n".join(wrong)
    only_typed_markup(solid, {typed(m, "" if m in MEMBER_NAMES else INITIALS): times for m, _, _, times, _ in FIELDS})
    assert "Children's names are shown as their initials." in " ".join(text.split())


def test_the_dossier_chart_shows_the_kinds_axis_totals_and_months_and_no_title(case, owner, tmp_path):
    """The summary's chart, read back in drawing order: the legend, the axis and its ticks, then each month's
    total (none for an empty month) and label. No text a user typed is in it."""
    london = zoneinfo.ZoneInfo("Europe/London")
    for day in (5, 20):
        log_incident(case, owner, kind="online_post", occurred_at=dt.datetime(2026, 1, day, 12, tzinfo=london))
    for day, kind in [(2, "police_contact"), (3, "police_contact"), (4, "online_post"), (9, "police_contact")]:
        log_incident(
            case, owner, kind=kind, title=typed("zq07"), occurred_at=dt.datetime(2026, 3, day, 12, tzinfo=london)
        )
    path = pdf_path(compile_now(case, owner), tmp_path)
    result = run("pdftotext", "-raw", "-f", "2", "-l", "2", path, "-")
    assert result.returncode == 0, result.stderr
    drawn = " ".join(result.stdout.split("Incidents per month, by kind", 1)[1].split("Incidents by kind", 1)[0].split())
    assert drawn == "Police contact Online post Number of incidents 0 1 2 3 4 2 Jan 26 Feb 26 4 Mar 26 Month"
