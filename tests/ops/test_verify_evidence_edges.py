"""manage.py verify_evidence, with its every line written out (docs/mutation.md)."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.models import Case, Evidence
from incidents.services import evidence as evidence_services
from ops.management.commands.verify_evidence import Command
from tests.factories import make_case, upload

pytestmark = pytest.mark.django_db


def _attach(case, user, data):
    return evidence_services.evidence_attach(
        user=user, case=case, kind="document", description="", uploaded_file=upload("n.txt", data)
    ).evidence


def test_all_match(case, owner, outsider, capsys):
    Case.objects.filter(pk=case.pk).update(exhibit_prefix="AJ")
    _attach(case, owner, b"one note\n")
    _attach(case, owner, b"two notes\n")
    other = make_case(outsider, title="Other")
    _attach(other, outsider, b"three notes\n")
    evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="", source_url="https://example.org/"
    )
    call_command("verify_evidence")
    assert capsys.readouterr().out == "OK: 3 exhibits re-read, decrypted and re-hashed; all match.\n"
    call_command("verify_evidence", "--case", str(other.pk))
    assert capsys.readouterr().out == "OK: 1 exhibits re-read, decrypted and re-hashed; all match.\n"


def test_each_mismatch_is_named_and_counted(case, owner, capsys):
    Case.objects.filter(pk=case.pk).update(exhibit_prefix="AJ")
    first = _attach(case, owner, b"one note\n")
    _attach(case, owner, b"two notes\n")
    third = _attach(case, owner, b"three notes\n")
    Evidence.objects.filter(pk=first.pk).update(sha256="0" * 64)
    Evidence.objects.filter(pk=third.pk).update(sha256="f" * 64)
    with pytest.raises(CommandError) as failed:
        call_command("verify_evidence")
    assert str(failed.value) == "2 of 3 exhibits do not match their recorded SHA-256."
    err = capsys.readouterr().err
    one, three = hashlib.sha256(b"one note\n").hexdigest(), hashlib.sha256(b"three notes\n").hexdigest()
    assert err == (
        f"MISMATCH case {case.pk} exhibit AJ/1 (id {first.pk}): its SHA-256 is now {one}, not {'0' * 64}\n"
        f"MISMATCH case {case.pk} exhibit AJ/3 (id {third.pk}): its SHA-256 is now {three}, not {'f' * 64}\n"
    )


def test_the_case_option():
    parser = Command().create_parser("manage.py", "verify_evidence")
    assert parser.parse_args(["--case", "12"]).case == 12
    (option,) = [action for action in parser._actions if "--case" in action.option_strings]
    assert (option.help, option.type, option.default) == ("Check one case only.", int, None)
