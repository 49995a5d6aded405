"""R9 (quality.md): `manage.py check --deploy` is clean with production settings, and the
secret comes only from the environment. Run in subprocesses so that the production settings
module is read fresh, not the test settings of this process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The settings read a local .env under the environment: it would change what is checked.
pytestmark = pytest.mark.skipif(
    (ROOT / ".env").exists(), reason="a local .env changes the production settings under test"
)
# Variables of the developer's shell, .env or this test process that would change what is
# checked (the browser tests' session fixture sets DJANGO_ALLOW_ASYNC_UNSAFE in this process
# when xdist gives them the same worker).
CLEARED = ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
           "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "EMAIL_HOST", "DATABASE_URL",
           "DJANGO_ALLOW_ASYNC_UNSAFE")  # fmt: skip


def production_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(48),  # 64 random characters
            "ALLOWED_HOSTS": "example.com",
        }
    )
    env.update(extra)
    return env


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_a_mail_server():
    done = check_deploy(production_env(EMAIL_HOST="smtp.example.com"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_is_clean_with_the_minimal_production_environment():
    done = check_deploy(production_env())
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_secret_key_in_production_refuses_to_start():
    env = production_env()
    del env["SECRET_KEY"]
    done = check_deploy(env)
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr
