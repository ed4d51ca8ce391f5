"""SITE_URL: the address in every email link and on every dossier's cover. In development it follows the port
`make run` serves on; in production it must be given (`check --deploy` fails without it)."""

from tests.test_deploy import bare_env, manage, production_env

PRINT_SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


def site_url(tmp_path, **variables) -> str:
    result = manage(bare_env(DEBUG="1", VAR_DIR=str(tmp_path), **variables), "shell", "-c", PRINT_SITE_URL)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's note of what it imported


def test_development_site_url_follows_the_port(tmp_path):
    assert site_url(tmp_path, PORT="18801") == "http://127.0.0.1:18801"


def test_development_site_url_without_a_port_is_the_default_port(tmp_path):
    assert site_url(tmp_path) == "http://127.0.0.1:8000"


def test_a_given_site_url_wins_over_the_port(tmp_path):
    assert site_url(tmp_path, PORT="18801", SITE_URL="https://tracker.example.org") == "https://tracker.example.org"


def test_production_without_site_url_fails_the_deploy_check():
    env = production_env()
    del env["SITE_URL"]
    result = manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "referral_tracker.E001" in result.stderr
    assert "SITE_URL is not set." in result.stderr


def test_production_with_site_url_passes_that_check():
    result = manage(production_env(), "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert "referral_tracker.E001" not in result.stdout + result.stderr
