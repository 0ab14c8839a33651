import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command, **env):
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environ.update(env)
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_serve_without_a_secret_key():
    for server in ("wsgi", "asgi"):
        result = run("-c", f"import factcheck.{server}", DEBUG="0")
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr


def test_production_serves_with_a_secret_key():
    result = run("-c", "import factcheck.wsgi", DEBUG="0", SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr


def test_management_commands_run_without_a_secret_key():
    result = run("manage.py", "check", DEBUG="0")
    assert result.returncode == 0, result.stderr
    result = run("manage.py", "makemigrations", "--check", "--dry-run", DEBUG="0")
    assert result.returncode == 0, result.stderr


def test_development_starts_with_its_own_key():
    result = run("manage.py", "check", DEBUG="1")
    assert result.returncode == 0, result.stderr
