import pytest
from django.core.management import call_command

from vault import store


def test_prepare_keys_creates_both_keys_once(settings, tmp_path, capsys):
    settings.SIGNING_KEY_FILE = tmp_path / "keys" / "signing-key.pem"
    settings.SIGNING_CERT_FILE = tmp_path / "keys" / "signing-cert.pem"
    call_command("prepare_keys")
    assert "Created the evidence master key" in capsys.readouterr().out
    key_bytes = settings.EVIDENCE_KEY_FILE.read_bytes()
    signing = settings.SIGNING_KEY_FILE.read_bytes()
    assert settings.EVIDENCE_KEY_FILE.stat().st_mode & 0o777 == 0o600
    assert settings.SIGNING_KEY_FILE.stat().st_mode & 0o777 == 0o600
    assert b"BEGIN CERTIFICATE" in settings.SIGNING_CERT_FILE.read_bytes()
    call_command("prepare_keys")  # again: nothing replaced
    assert capsys.readouterr().out == ""
    assert settings.EVIDENCE_KEY_FILE.read_bytes() == key_bytes
    assert settings.SIGNING_KEY_FILE.read_bytes() == signing


def test_a_bad_master_key_is_refused(settings):
    settings.EVIDENCE_MASTER_KEY = "dG9vIHNob3J0"  # "too short"
    with pytest.raises(RuntimeError, match="32 bytes"):
        store.ensure_master_key()
