"""make serve's gunicorn: its config file, and the JSON access log."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from factcheck.gunicorn_logging import access_record

ROOT = Path(__file__).resolve().parent.parent


def test_access_log_lines_are_json_whatever_the_request_holds():
    atoms = {
        "t": "[25/Nov/2026:10:00:00 +0000]",
        "h": "127.0.0.1",
        "m": "GET",
        "U": '/api/v1/claims/"\\',
        "q": "q=a%22b",
        "H": "HTTP/1.1",
        "s": "200",
        "B": 512,
        "D": 12345,
        "f": "-",
        "a": 'curl "quoted" \\ agent',
        "p": "<4242>",
    }
    line = json.dumps(access_record(atoms))
    record = json.loads(line)
    assert record["path"] == '/api/v1/claims/"\\'
    assert record["user_agent"] == 'curl "quoted" \\ agent'
    assert record["status"] == 200
    assert record["duration_ms"] == 12.345
    assert record["referer"] is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_healthz_with_the_production_config(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key-for-the-serve-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "factcheck/gunicorn.conf.py",
            "factcheck.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=5
                ) as response:
                    status, body = response.status, json.load(response)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert status == 200
    assert body["checks"]["default"]["ok"] is True
    access = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(r["path"] == "/healthz" and r["status"] == 200 for r in access)
