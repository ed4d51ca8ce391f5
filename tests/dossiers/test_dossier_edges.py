"""The dossier claim and the exhibit re-check before a dossier, with every answer written out
(docs/mutation.md)."""

import datetime as dt
import hashlib
import io
import zipfile

import pytest

from dossiers import compile as dossier_compile
from dossiers import services
from dossiers.models import Dossier
from incidents.models import Case, Evidence
from incidents.services import evidence as evidence_services
from tests.factories import log_incident, upload

pytestmark = pytest.mark.django_db

OPTIONS = {"audience": "police", "date_from": None, "date_to": None, "photos": "inline", "redact": False}


def _dossier(case, user, **fields) -> Dossier:
    return Dossier.objects.create(case=case, requested_by=user, options=dict(OPTIONS), **fields)


def test_a_claim_takes_a_queued_dossier_once(case, owner):
    dossier = _dossier(case, owner, error="left from before")
    token = services.dossier_claim(dossier_id=dossier.pk)
    assert isinstance(token, str) and len(token) == 32 and int(token, 16) >= 0
    dossier.refresh_from_db()
    assert (dossier.status, dossier.claim_token, dossier.attempts, dossier.progress, dossier.stage, dossier.error) == (
        "running",
        token,
        1,
        1,
        "Starting",
        "",
    )
    assert dossier.started_at is not None and dossier.started_at == dossier.heartbeat_at
    assert services.dossier_claim(dossier_id=dossier.pk) is None
    dossier.refresh_from_db()
    assert (dossier.claim_token, dossier.attempts) == (token, 1)


@pytest.mark.parametrize("status", ["running", "done", "failed"])
def test_only_a_queued_dossier_is_claimed(case, owner, status):
    dossier = _dossier(case, owner, status=status, attempts=2)
    assert services.dossier_claim(dossier_id=dossier.pk) is None
    dossier.refresh_from_db()
    assert (dossier.status, dossier.attempts, dossier.claim_token) == (status, 2, "")


def test_no_such_dossier_is_not_claimed():
    assert services.dossier_claim(dossier_id=987654) is None


def test_a_claim_takes_that_dossier_only(case, owner):
    mine, other = _dossier(case, owner), _dossier(case, owner)
    first = services.dossier_claim(dossier_id=mine.pk)
    other.refresh_from_db()
    assert (other.status, other.attempts, other.claim_token, other.stage) == ("queued", 0, "", "")
    second = services.dossier_claim(dossier_id=other.pk)
    assert first and second and first != second


def _exhibits(case, owner, texts):
    Case.objects.filter(pk=case.pk).update(exhibit_prefix="AJ")
    incident = log_incident(case, owner, title="A post")
    for n, text in enumerate(texts, start=1):
        evidence_services.evidence_attach(
            user=owner,
            case=case,
            kind="document",
            description=f"Note {n}",
            uploaded_file=upload(f"note{n}.txt", text),
            obtained_from="School",
            incidents=[incident],
        )
    return incident


def _pack(case, owner, with_data=False):
    data, exhibits = dossier_compile.snapshot(_dossier(case, owner))
    buffer, progress = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w") as archive:
        rows = dossier_compile.pack_exhibits(archive, exhibits, data, progress.append)
    if with_data:
        return rows, zipfile.ZipFile(io.BytesIO(buffer.getvalue())), progress, data
    return rows, zipfile.ZipFile(io.BytesIO(buffer.getvalue())), progress


def test_the_pack_holds_each_original_and_its_row(case, owner):
    _exhibits(case, owner, [b"first note\n", b"second note\n"])
    rows, archive, progress = _pack(case, owner)
    first = Evidence.objects.get(case=case, number=1)
    assert [r["mark"] for r in rows] == ["AJ/1", "AJ/2"]
    assert rows[0] == {
        "mark": "AJ/1",
        "file": "exhibits/AJ-1.txt",
        "size": 11,
        "sha256": hashlib.sha256(b"first note\n").hexdigest(),
        "obtained": "School",
        "uploaded": first.uploaded_at.isoformat(),
        "incidents": rows[0]["incidents"],
        "withdrawn": "",
        "source_url": "",
    }
    assert rows[0]["incidents"]  # the incident that cites it
    assert archive.namelist() == ["exhibits/AJ-1.txt", "exhibits/AJ-2.txt"]
    assert archive.read("exhibits/AJ-2.txt") == b"second note\n"
    assert progress == []  # told every 20 exhibits


def test_a_changed_recorded_hash_fails_the_pack_naming_the_exhibit(case, owner):
    """The bytes still decrypt; only the SHA-256 comparison can see that they are not what was recorded."""
    _exhibits(case, owner, [b"first note\n", b"second note\n"])
    Evidence.objects.filter(case=case, number=2).update(sha256="0" * 64)
    with pytest.raises(dossier_compile.CompileError) as failed:
        _pack(case, owner)
    actual = hashlib.sha256(b"second note\n").hexdigest()
    assert str(failed.value) == (
        f"Exhibit AJ/2 does not match its recorded fingerprint: its SHA-256 is now {actual}, not {'0' * 64}. "
        "The dossier was not made."
    )


def test_progress_every_twenty_exhibits(case, owner):
    _exhibits(case, owner, [f"note {n}\n".encode() for n in range(21)])
    rows, _archive, progress = _pack(case, owner)
    assert len(rows) == 21
    assert progress == [20 / 21]


def test_nineteen_exhibits_are_never_told(case, owner):
    _exhibits(case, owner, [f"note {n}\n".encode() for n in range(19)])
    rows, _archive, progress = _pack(case, owner)
    assert (len(rows), progress) == (19, [])


def test_rows_for_a_link_a_dated_exhibit_a_withdrawn_one_and_the_appendix(case, owner):
    incident = _exhibits(case, owner, [b"first note\n", b"second note\n"])
    first, second = Evidence.objects.get(case=case, number=1), Evidence.objects.get(case=case, number=2)
    Evidence.objects.filter(pk=first.pk).update(obtained_at=dt.date(2026, 1, 5))
    evidence_services.evidence_withdraw(user=owner, evidence=second, reason="A duplicate")
    evidence_services.evidence_attach(
        user=owner, case=case, kind="link", description="The post", source_url="https://example.org/post"
    )
    rows, archive, _progress, data = _pack(case, owner, with_data=True)
    by_mark = {r["mark"]: r for r in rows}
    assert by_mark["AJ/1"]["obtained"] == "2026-01-05 School"
    assert (by_mark["AJ/2"]["withdrawn"], by_mark["AJ/1"]["withdrawn"]) == ("A duplicate", "")
    assert (by_mark["AJ/3"]["file"], by_mark["AJ/3"]["size"], by_mark["AJ/3"]["source_url"]) == (
        "",
        0,
        "https://example.org/post",
    )
    assert by_mark["AJ/3"]["incidents"] == ""  # cited by no incident
    assert by_mark["AJ/1"]["incidents"] != ""
    assert archive.namelist() == ["exhibits/AJ-1.txt", "exhibits/AJ-2.txt"]
    entries = {e.mark: e for e in data.exhibits}
    assert entries["AJ/1"].appendix.text == "first note"
    assert entries["AJ/2"].appendix is None  # withdrawn: not printed
    assert incident.pk


@pytest.mark.parametrize(
    ("room", "printed"),
    [
        (30, [True, True, True]),  # 10 + 10 + 10 characters: room for all three
        (20, [True, True, False]),  # the room is used up exactly by the first two
        (11, [True, True, False]),  # one character left is still room for the next letter (it may overrun)
        (10, [True, False, False]),
        (9, [True, False, False]),
    ],
)
def test_the_appendix_takes_letters_until_its_room_is_used(case, owner, monkeypatch, room, printed):
    # A smaller room (400,000 characters in use), not a double of anything outside the app.
    monkeypatch.setattr("dossiers.exhibit_text.MAX_TOTAL_CHARS", room)
    _exhibits(case, owner, [b"0123456789\n", b"abcdefghij\n", b"klmnopqrst\n"])
    _rows, _archive, _progress, data = _pack(case, owner, with_data=True)
    entries = {e.mark: e for e in data.exhibits}
    assert [entries[m].appendix is not None for m in ("AJ/1", "AJ/2", "AJ/3")] == printed
    assert entries["AJ/1"].appendix.text == "0123456789"


def _scan() -> bytes:
    """A one-page PDF with no text in it, as a scanned letter is: the appendix prints a picture of it."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 500, 300, 200, fill=1)
    page.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("room", "letter_printed"),
    [
        (2000, False),  # a picture counts as 2,000 characters: it uses up a room of 2,000
        (2001, True),  # one character left: the letter after it is still printed
    ],
)
def test_a_picture_in_the_appendix_takes_two_thousand_characters_of_its_room(
    case, owner, monkeypatch, room, letter_printed
):
    monkeypatch.setattr("dossiers.exhibit_text.MAX_TOTAL_CHARS", room)
    Case.objects.filter(pk=case.pk).update(exhibit_prefix="AJ")
    incident = log_incident(case, owner, title="A letter")
    for n, (name, data) in enumerate([("scan.pdf", _scan()), ("note.txt", b"0123456789\n")], start=1):
        evidence_services.evidence_attach(
            user=owner,
            case=case,
            kind="document",
            description=f"Item {n}",
            uploaded_file=upload(name, data),
            incidents=[incident],
        )
    _rows, _archive, _progress, data = _pack(case, owner, with_data=True)
    entries = {e.mark: e for e in data.exhibits}
    scan = entries["AJ/1"].appendix
    assert (scan.text, len(scan.pictures), scan.how) == ("", 1, "PDF, 1 page: pictures of its pages")
    assert (entries["AJ/2"].appendix is not None) == letter_printed
