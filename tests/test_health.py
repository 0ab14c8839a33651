"""/healthz: 200 with what it checked, 503 when a configured part is down."""

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import Client

from factcheck import health

# The replica, when configured, is checked too: these tests may query it.
pytestmark = pytest.mark.django_db(databases="__all__")


def test_healthz_answers_200_with_each_check():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["default"]["ok"] is True
    assert set(body["checks"]) >= {"default"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_not_redirected_to_https(settings):
    # Load balancers probe over plain HTTP.
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200


def test_healthz_checks_redis_when_configured(redis_cache):
    body = Client().get("/healthz").json()
    assert body["checks"]["redis"]["ok"] is True


def test_healthz_is_503_when_redis_is_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/7"  # nothing listens there
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert "Connection" in body["checks"]["redis"]["error"]
    assert body["checks"]["default"]["ok"] is True


def test_healthz_is_503_when_the_replica_is_down(monkeypatch):
    down = ConnectionHandler(
        {
            "default": {},
            "replica": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "factcheck",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": "1",  # nothing listens there
                "OPTIONS": {"connect_timeout": 2},
            },
        }
    )
    monkeypatch.setattr(
        health,
        "connections",
        {"default": connections["default"], "replica": down["replica"]},
    )
    response = Client().get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["default"]["ok"] is True
    assert checks["replica"] == {
        "ok": False,
        "error": checks["replica"]["error"],
        "ms": checks["replica"]["ms"],
    }
    assert "OperationalError" in checks["replica"]["error"]


def test_healthz_answers_only_get():
    assert Client().post("/healthz").status_code == 405
