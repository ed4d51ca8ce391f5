"""The SHA-256 check itself, on stored bytes that still decrypt.

Flipping an encrypted byte is caught by AES-GCM before any hash is compared. These tests make changes that
AES-GCM cannot see: an exhibit's stored object replaced by another valid object of the same case (the
file format binds no exhibit into the associated data, so it decrypts), or the recorded hash changed in
the database. verify_evidence and the dossier's exhibit check must both refuse, naming the exhibit; no
dossier PDF is made or served. The expected marks, hashes and words are written out here.
"""

import hashlib
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from incidents.models import Evidence
from incidents.services import evidence as evidence_services
from tests.dossiers.conftest import _signing_pair, signing_key  # noqa: F401 - the dossier tests' signing pair
from tests.factories import confirm_recent_login, log_incident, png_bytes, upload
from vault import store

pytestmark = pytest.mark.django_db

NOTE = b"Notes written on the day of the visit.\nTwo officers, 10 minutes.\n"
LETTER = b"Dear parent,\nWe received a referral about your family.\nYours, the council\n"
PHOTO = png_bytes(60, 40, colour=(10, 120, 200))
SHA = {name: hashlib.sha256(data).hexdigest() for name, data in (("photo", PHOTO), ("note", NOTE), ("letter", LETTER))}
OPTIONS = {"audience": "police", "date_from": None, "date_to": None, "photos": "inline", "redact": False}


@pytest.fixture
def exhibits(case, owner):
    """AJ/1 a photo, AJ/2 a note, AJ/3 a letter, all cited by one incident; all check out untouched."""
    incident = log_incident(case, owner, title="Welfare check")
    made = {}
    for name, file_name, data in (("photo", "p.png", PHOTO), ("note", "n.txt", NOTE), ("letter", "l.txt", LETTER)):
        made[name] = evidence_services.evidence_attach(
            user=owner,
            case=case,
            kind="other",
            description=name,
            uploaded_file=upload(file_name, data),
            incidents=[incident],
        ).evidence
    assert [(e.mark, e.sha256) for e in made.values()] == [
        ("AJ/1", SHA["photo"]),
        ("AJ/2", SHA["note"]),
        ("AJ/3", SHA["letter"]),
    ]
    call_command("verify_evidence")  # untouched, they pass: what fails below fails because of the change
    return made


def stored_files(settings, case) -> set[str]:
    folder = settings.EVIDENCE_ROOT / str(case.pk)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def swap_file(exhibits, case):
    """AJ/2's stored file replaced by a byte-for-byte copy of AJ/3's (a valid object of the same case)."""
    note, letter = exhibits["note"], exhibits["letter"]
    shutil.copyfile(store.stored_path(case.pk, letter.storage_name), store.stored_path(case.pk, note.storage_name))


def swap_pointer(exhibits, case):
    """AJ/2's row pointed at AJ/3's stored object."""
    Evidence.objects.filter(pk=exhibits["note"].pk).update(storage_name=exhibits["letter"].storage_name)


def change_recorded_hash(exhibits, case):
    """AJ/2's recorded SHA-256 changed in the database; its stored bytes are untouched."""
    Evidence.objects.filter(pk=exhibits["note"].pk).update(sha256=SHA["photo"][::-1])


# What AJ/2's bytes hash to after each change, and what its row says they should hash to.
CHANGES = {
    "stored file copied over": (swap_file, SHA["letter"], SHA["note"]),
    "storage name pointed elsewhere": (swap_pointer, SHA["letter"], SHA["note"]),
    "recorded hash changed": (change_recorded_hash, SHA["note"], SHA["photo"][::-1]),
}


@pytest.fixture(params=list(CHANGES))
def changed(request, exhibits, case):
    change, now, recorded = CHANGES[request.param]
    change(exhibits, case)
    note = Evidence.objects.select_related("case").get(pk=exhibits["note"].pk)
    # AES-GCM has nothing to object to: the stored object still decrypts, to bytes with this hash.
    assert hashlib.sha256(store.read_all(note.case, note.storage_name)).hexdigest() == now
    assert note.sha256 == recorded
    return {"exhibit": note, "now": now, "recorded": recorded}


def test_verify_evidence_refuses_naming_the_exhibit(changed, case, capsys):
    note = changed["exhibit"]
    capsys.readouterr()
    with pytest.raises(CommandError, match=r"^1 of 3 exhibits do not match their recorded SHA-256\.$"):
        call_command("verify_evidence")
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"MISMATCH case {case.pk} exhibit AJ/2 (id {note.pk}): "
        f"its SHA-256 is now {changed['now']}, not {changed['recorded']}"
    ]
    with pytest.raises(CommandError, match="1 of 3"):
        call_command("verify_evidence", case=case.pk)


def test_store_check_names_the_hash_it_found(changed):
    assert store.check(changed["exhibit"]) == f"its SHA-256 is now {changed['now']}, not {changed['recorded']}"


def test_the_dossier_refuses_naming_the_exhibit_and_no_pdf_is_made_or_served(changed, case, owner, settings, client):
    note = changed["exhibit"]
    before = stored_files(settings, case)
    dossier = Dossier.objects.create(case=case, requested_by=owner, options=dict(OPTIONS))

    assert compile_dossier(dossier.pk) == "failed"
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.FAILED
    assert dossier.error.startswith(
        f"Exhibit AJ/2 does not match its recorded fingerprint: "
        f"its SHA-256 is now {changed['now']}, not {changed['recorded']}. The dossier was not made."
    )
    assert "AJ/1" not in dossier.error and "AJ/3" not in dossier.error
    assert (dossier.file_name, dossier.sha256, dossier.pack_name, dossier.size, dossier.pages) == ("", "", "", 0, 0)
    assert stored_files(settings, case) == before  # no PDF, no pack
    assert note.pk  # the exhibit itself is left as it was found, for someone to look at

    client.force_login(owner)
    confirm_recent_login(client)
    for name in ("dossiers:dossier_pdf", "dossiers:dossier_pack"):
        assert client.get(reverse(name, args=[case.pk, dossier.pk])).status_code == 404


def test_an_untouched_case_makes_its_dossier(exhibits, case, owner):
    """The control: the same exhibits, unchanged, make a dossier, so the refusals above are the change's doing."""
    dossier = Dossier.objects.create(case=case, requested_by=owner, options=dict(OPTIONS))
    assert compile_dossier(dossier.pk) == "done"
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.DONE and dossier.file_name and dossier.pages > 0
