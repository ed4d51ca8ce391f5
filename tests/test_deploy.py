"""Production settings: the README's production example passes Django's deploy
checks, and a missing secret stops the site instead of running insecurely."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
README = BASE_DIR / "README.md"
SETTINGS_FILES = [BASE_DIR / "referral_tracker" / "settings.py", BASE_DIR / "referral_tracker" / "celery.py"]


def production_example() -> dict[str, str]:
    """The variables in the fenced block that follows `<!-- production-example -->` in README.md."""
    text = README.read_text()
    match = re.search(r"<!-- production-example -->\s*```\w*\n(.*?)```", text, re.DOTALL)
    assert match, "README.md has no block marked <!-- production-example -->"
    variables = {}
    for line in match.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        variables[key] = value.strip('"')
    return variables


def bare_env(**variables: str) -> dict[str, str]:
    """Only what a process needs to start Python, plus the given variables."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env["DJANGO_SETTINGS_MODULE"] = "referral_tracker.settings"
    env.update(variables)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def production_env(**changes: str) -> dict[str, str]:
    variables = production_example()
    # README tells the reader to put a fresh random value here; so does the test.
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    variables.update(changes)
    return bare_env(**variables)


def test_readme_production_example_uses_production_services():
    variables = production_example()
    assert variables["DEBUG"] == "0"
    assert variables["TLS"] == "1"
    assert variables["DATABASE_URL"].startswith("postgres://")
    assert variables["CELERY_BROKER_URL"].startswith("redis://")
    assert variables["EMAIL_URL"].startswith("smtp")
    assert "SECRET_KEY" in variables
    assert variables["ALLOWED_HOSTS"]


@pytest.mark.attack(category="deploy")
def test_production_example_passes_the_deploy_checks():
    result = manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.attack(category="deploy")
def test_deploy_checks_fail_without_tls():
    # The same check must be able to fail, or the test above proves nothing.
    result = manage(production_env(TLS="0"), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W004" in result.stderr  # HSTS


def test_site_refuses_to_start_without_secret_key():
    result = manage(bare_env(), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_debug_off_with_an_empty_secret_key_is_refused():
    result = manage(bare_env(DEBUG="0", SECRET_KEY=""), "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_runs_without_secret_key(tmp_path):
    result = manage(bare_env(DEBUG="1", VAR_DIR=str(tmp_path)), "check")
    assert result.returncode == 0, result.stderr


def environment_variables_read_by_settings() -> set[str]:
    names = set()
    for path in SETTINGS_FILES:
        text = path.read_text()
        names |= set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"", text))
        names |= set(re.findall(r"os\.environ(?:\.get|\.setdefault)?[\[(]\s*\"([A-Z0-9_]+)\"", text))
    return names


def test_readme_lists_every_environment_variable():
    names = environment_variables_read_by_settings()
    # Guard the pattern itself: these are certainly read.
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "DEBUG", "EMAIL_URL"} <= names
    table_rows = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", README.read_text(), re.MULTILINE))
    missing = names - table_rows
    assert not missing, f"README.md's table of environment variables lacks: {sorted(missing)}"


def test_checking_migrations_needs_no_secret_but_everything_else_does(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), "HOME": str(tmp_path)}
    check = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BASE_DIR,
    )
    assert check.returncode == 0, check.stderr
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BASE_DIR,
    )
    assert migrate.returncode != 0 and "SECRET_KEY is not set" in migrate.stderr
