"""/metrics: absent unless METRICS=1; then request, database and workflow
figures in Prometheus's text format."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import Client

from registry import metrics, services
from tests.factories import CitationFactory

ROOT = Path(__file__).resolve().parent.parent


def test_metrics_are_off_by_default(settings):
    assert settings.METRICS is False
    assert "django_prometheus" not in settings.INSTALLED_APPS
    assert Client().get("/metrics").status_code == 404


def test_metrics_are_served_with_metrics_on():
    # Settings and URLs are read once per process: ask a fresh one.
    script = textwrap.dedent(
        """
        import django
        from django.test.utils import setup_test_environment
        django.setup()
        setup_test_environment()
        from django.test import Client
        client = Client()
        client.get("/healthz")
        response = client.get("/metrics")
        print(response.status_code)
        print(response.content.decode())
        """
    )
    env = {
        **os.environ,
        "METRICS": "1",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    status, body = done.stdout.split("\n", 1)
    assert status == "200"
    # Request latency by view, database time by alias, the workflow counter.
    assert "django_http_requests_latency_seconds_by_view_method" in body
    assert 'django_db_execute_total{alias="default",vendor="sqlite"}' in body
    assert "registry_workflow_transitions_total" in body


@pytest.mark.django_db(transaction=True)
def test_workflow_transitions_are_counted_when_committed(editor, reviewer):
    def count(to_state):
        return metrics.workflow_transitions.labels("in_review", to_state)._value.get()

    before = count("approved")
    claim = services.claim_create(
        actor=editor,
        statement="At least eight soldiers were killed.",
        kind="casualty_figure",
    )
    CitationFactory(claim=claim)
    services.claim_submit(claim=claim, actor=editor)
    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    assert count("approved") == before + 1
