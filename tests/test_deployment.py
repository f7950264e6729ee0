"""The deployment files agree with each other and with the settings; production settings pass --deploy."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _production_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="forum.example.org",
        DATABASE_URL=env.get("DATABASE_URL", "sqlite:////tmp/deploy-check.sqlite3"),
    )
    env.update(extra)
    return env


def test_check_deploy_passes_with_production_environment():
    # Given production environment values, when Django's deployment checklist runs
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then it reports no issue at all
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(SECRET_KEY=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_compose_runs_the_procfile_commands():
    compose = _compose()["services"]
    procfile = _procfile()
    for process in ("web", "worker", "beat"):
        expected = procfile[process].replace("${PORT:-8000}", "8000")
        assert compose[process]["command"] == expected, process


def test_compose_has_every_service_with_healthchecks_and_volumes():
    compose = _compose()
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat", "migrate"}
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert {"postgres-data", "redis-data"} <= set(compose["volumes"])


def test_compose_environment_names_are_the_ones_the_settings_read():
    settings_source = "\n".join(p.read_text() for p in (ROOT / "config" / "settings").glob("*.py"))
    read_by_settings = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    app_env = _compose()["services"]["web"]["environment"]
    for name in app_env:
        if name == "DJANGO_SETTINGS_MODULE":
            assert app_env[name] == "config.settings.production"
        else:
            assert name in read_by_settings, f"{name} is set in docker-compose.yml but no setting reads it"
    for required in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"):
        assert required in app_env


def test_compose_database_and_broker_point_at_its_own_services():
    env = _compose()["services"]["worker"]["environment"]
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")


def test_no_secrets_or_local_state_are_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ".env" not in tracked
    assert not any(path.startswith("var/") for path in tracked)


def test_error_pages_are_in_the_sites_own_words(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_a_form_sent_without_its_csrf_token_is_refused_kindly(db, settings):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/accounts/login/", {"login": "x", "password": "y"})
    assert response.status_code == 403
    assert "Please send that again" in response.content.decode()
