"""docker-compose.yml and the Dockerfile describe a production deployment that can start.

There is no Docker engine on the test machines, so these tests read the files
and check that everything they name exists in this project.
"""

import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands
from django.urls import resolve

from referral_tracker.celery import CAPTURE_QUEUE, DEFAULT_QUEUE, app
from tests.test_deploy import environment_variables_read_by_settings, production_example

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
APP_SERVICES = ["web", "worker", "capture-worker", "beat"]
WORKERS = ["worker", "capture-worker"]
# Only what `docker compose config` needs to fill in the required values.
REQUIRED_VALUES = {
    "SECRET_KEY": "compose-config-test-secret",
    "POSTGRES_PASSWORD": "compose-config-test-password",
    "ALLOWED_HOSTS": "tracker.example.org",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "no-reply@tracker.example.org",
    "SITE_URL": "https://tracker.example.org",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def option(command: list[str], name: str) -> str:
    """The value of `--name=value` in a command."""
    values = [part.split("=", 1)[1] for part in command if part.startswith(f"--{name}=")]
    assert len(values) == 1, f"--{name}= appears {len(values)} times in {command}"
    return values[0]


def test_compose_has_the_production_services(services):
    assert {"postgres", "redis", "web", "worker", "capture-worker", "beat", "migrate"} <= set(services)
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"].startswith("redis:")


def test_web_runs_gunicorn_on_the_projects_wsgi_application(services):
    command = services["web"]["command"]
    assert command[0] == "gunicorn"
    module_name, _, attribute = command[1].partition(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application)
    assert option(command, "bind") == "0.0.0.0:8000"
    assert option(command, "workers") == "${WEB_CONCURRENCY:-3}"


@pytest.mark.parametrize(
    ("service", "subcommand"), [("worker", "worker"), ("capture-worker", "worker"), ("beat", "beat")]
)
def test_celery_services_name_the_projects_celery_app(services, service, subcommand):
    command = services[service]["command"]
    assert command[0] == "celery"
    assert subcommand in command
    app = find_app(option(command, "app"))
    assert isinstance(app, Celery)
    assert app.main == "referral_tracker"


def queues_consumed(command: list[str]) -> set[str]:
    return set(option(command, "queues").split(","))


def test_captures_have_a_queue_and_a_worker_of_their_own(services):
    # A slow page must never delay a dossier: the capture tasks are routed to their own queue, which only the
    # capture worker consumes, and the worker consumes only the default queue.
    routes = {name: app.amqp.router.route({}, name)["queue"].name for name in ["capture.run", "dossiers.compile"]}
    assert routes == {"capture.run": CAPTURE_QUEUE, "dossiers.compile": DEFAULT_QUEUE}
    assert CAPTURE_QUEUE != DEFAULT_QUEUE
    assert queues_consumed(services["worker"]["command"]) == {DEFAULT_QUEUE}
    assert queues_consumed(services["capture-worker"]["command"]) == {CAPTURE_QUEUE}
    # Every Celery worker in the file says what it consumes; between them, every queue is consumed.
    workers = [name for name, service in services.items() if "worker" in service.get("command", [])]
    assert sorted(workers) == sorted(WORKERS)
    assert set().union(*(queues_consumed(services[name]["command"]) for name in workers)) == {
        DEFAULT_QUEUE,
        CAPTURE_QUEUE,
    }


def test_the_capture_worker_has_what_chromium_needs(services):
    capture = services["capture-worker"]
    # Chromium's shared memory: Docker gives /dev/shm 64 MB unless told otherwise.
    assert capture["shm_size"] == "1gb"
    # A bound on processes, so a page that opens hundreds of windows cannot exhaust the host.
    assert isinstance(capture["pids_limit"], int) and 64 <= capture["pids_limit"] <= 4096
    # An init process as PID 1 reaps the Chromium processes a killed pool child leaves behind.
    assert capture["init"] is True
    # One browser a pool process: one or two at a time.
    assert option(capture["command"], "concurrency") in {"${CAPTURE_CONCURRENCY:-1}", "${CAPTURE_CONCURRENCY:-2}"}
    # The same image, settings and volumes as the other worker.
    worker = services["worker"]
    for key in ["image", "build", "environment", "volumes", "depends_on", "restart", "healthcheck"]:
        assert capture[key] == worker[key], key


def test_migrations_run_before_the_site_starts(services):
    command = services["migrate"]["command"]
    assert command[:2] == ["sh", "-c"]
    steps = [step.split() for step in command[2].split("&&")]
    assert steps == [["python", "manage.py", "migrate", "--no-input"], ["python", "manage.py", "prepare_keys"]]
    assert {"migrate", "prepare_keys"} <= set(get_commands())
    assert "keys:/data/keys" in services["migrate"]["volumes"]
    assert (BASE_DIR / "manage.py").is_file()
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends_on["postgres"] == {"condition": "service_healthy"}, name
        assert depends_on["redis"] == {"condition": "service_healthy"}, name


def test_every_long_running_service_has_a_healthcheck(services):
    tests = {name: " ".join(services[name]["healthcheck"]["test"]) for name in [*APP_SERVICES, "postgres", "redis"]}
    assert "pg_isready" in tests["postgres"]
    assert "redis-cli ping" in tests["redis"]
    for name in WORKERS:
        assert "inspect ping" in tests[name], name
        assert "--app=referral_tracker" in tests[name], name
    url = re.search(r"http://127\.0\.0\.1:8000(/\S*?)'", tests["web"])
    assert url, tests["web"]
    assert resolve(url.group(1)).url_name == "healthz"


def test_python_healthchecks_compile(services):
    snippets = [
        service["healthcheck"]["test"][3]
        for service in services.values()
        if service.get("healthcheck", {}).get("test", [])[:3] == ["CMD", "python", "-c"]
    ]
    assert len(snippets) >= 2  # web and beat
    for snippet in snippets:
        compile(snippet, "<healthcheck>", "exec")


def test_data_lives_on_named_volumes(compose, services):
    volumes = compose["volumes"]
    assert {"postgres-data", "evidence", "dossiers"} <= set(volumes)
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for name in ["web", *WORKERS]:
        environment = services[name]["environment"]
        mounts = services[name]["volumes"]
        assert f"evidence:{environment['EVIDENCE_ROOT']}" in mounts, name
        assert f"dossiers:{environment['DOSSIER_ROOT']}" in mounts, name


def test_settings_come_from_the_environment(services):
    for name in [*APP_SERVICES, "migrate"]:
        environment = services[name]["environment"]
        assert environment["DEBUG"] == "0"
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["DATABASE_URL"].endswith("@postgres:5432/tracker")
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"


def test_compose_sets_only_variables_the_settings_read(services):
    read = environment_variables_read_by_settings()
    unknown = set(services["web"]["environment"]) - read
    assert not unknown, f"docker-compose.yml sets variables that settings.py never reads: {sorted(unknown)}"


def test_compose_sets_every_variable_of_the_readme_production_example(services):
    missing = set(production_example()) - set(services["web"]["environment"])
    assert not missing, f"docker-compose.yml does not set: {sorted(missing)}"


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_builds_a_slim_image_that_runs_as_a_user():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    users = [value for keyword, value in instructions if keyword == "USER"]
    assert users, "the Dockerfile never leaves root"
    assert users[-1] not in {"root", "0"}
    assert ("EXPOSE", "8000") in instructions
    runs = " ".join(value for keyword, value in instructions if keyword == "RUN")
    # libmagic1 and the fonts come from debian-packages.txt (tests/test_debian_packages.py reads the list).
    for needed in ["debian-packages.txt", "libpq-dev", "gcc", "pip install -r requirements.txt", "collectstatic"]:
        assert needed in runs, needed


def test_dockerfile_bakes_no_secret_key_into_the_image():
    for keyword, value in dockerfile_instructions():
        if keyword in {"ENV", "ARG"}:
            assert "SECRET_KEY" not in value


def test_dockerignore_keeps_secrets_and_local_data_out():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".env", ".venv", "var", ".git"} <= set(ignored)


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def compose_config(environment: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    command = compose_command()
    if command is None:
        pytest.skip("neither the docker compose plugin nor docker-compose is installed")
    # An empty env file, so that a developer's own .env cannot change the outcome.
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    return subprocess.run(
        [*command, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config"],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_accepts_the_file(services, tmp_path):
    result = compose_config(REQUIRED_VALUES, tmp_path)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    database_url = config["services"]["web"]["environment"]["DATABASE_URL"]
    assert database_url == "postgres://tracker:compose-config-test-password@postgres:5432/tracker"
    # docker-compose reads the capture worker's Chromium settings as meant (not dropped as unknown).
    capture = config["services"]["capture-worker"]
    assert capture["shm_size"] in {"1gb", 1073741824}
    assert capture["pids_limit"] == services["capture-worker"]["pids_limit"]
    assert capture["init"] is True
    assert "--queues=capture" in capture["command"] and "--concurrency=1" in capture["command"]
    assert "--queues=celery" in config["services"]["worker"]["command"]
    assert capture["environment"] == config["services"]["worker"]["environment"]


def test_docker_compose_refuses_to_start_without_a_secret_key(tmp_path):
    result = compose_config({key: value for key, value in REQUIRED_VALUES.items() if key != "SECRET_KEY"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
