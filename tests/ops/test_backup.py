"""Backup and restore: a restored copy passes verify_audit and verify_evidence."""

import io
import os
import subprocess
import sys
import tarfile
import uuid

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from incidents.services import evidence as evidence_services
from tests.factories import log_incident, make_case, png_bytes, upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def empty_database():
    if connection.vendor != "postgresql":
        pytest.skip("the restore target is a fresh PostgreSQL database")
    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"])
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_backup_restores_into_an_empty_database_and_verifies(owner, settings, tmp_path, empty_database, capsys):
    case = make_case(owner)
    incident = log_incident(case, owner, new_suspect="troll99")
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="photo",
        description="p",
        uploaded_file=upload("p.png", png_bytes()),
        incidents=[incident],
    )
    evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="d", uploaded_file=upload("a.pdf", b"%PDF-1.4 letter" * 100)
    )
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    assert "evidence master key is not in the archive" in capsys.readouterr().out
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert "manifest.json" in names and "database.dump" in names
    assert not any(name.startswith("keys/") for name in names)

    restored_evidence = tmp_path / "restored-evidence"
    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "EVIDENCE_ROOT": str(restored_evidence),
        "EVIDENCE_KEY_FILE": str(settings.EVIDENCE_KEY_FILE),
        "SECRET_KEY": "x",
        "DEBUG": "0",
        "VAR_DIR": str(tmp_path / "var"),
    }
    result = _manage("restore", str(archive), env=env)
    assert result.returncode == 0, result.stderr
    audit = _manage("verify_audit", env=env)
    assert audit.returncode == 0, audit.stderr
    assert "OK:" in audit.stdout
    evidence = _manage("verify_evidence", env=env)
    assert evidence.returncode == 0, evidence.stderr
    assert "OK: 2 exhibits" in evidence.stdout

    again = _manage("restore", str(archive), env=env)  # never over a live database
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_damaged_archive_is_refused(owner, settings, tmp_path, empty_database):
    case = make_case(owner)
    evidence_services.evidence_attach(
        user=owner, case=case, kind="document", description="d", uploaded_file=upload("a.pdf", b"%PDF-1.4 letter" * 100)
    )
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("evidence/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "EVIDENCE_ROOT": str(tmp_path / "ev"),
        "EVIDENCE_KEY_FILE": str(settings.EVIDENCE_KEY_FILE),
        "SECRET_KEY": "x",
        "DEBUG": "0",
        "VAR_DIR": str(tmp_path / "var"),
    }
    result = _manage("restore", str(damaged), env=env)
    assert result.returncode != 0 and "does not match its manifest" in result.stderr
