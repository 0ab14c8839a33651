"""With REDIS_URL, app servers share one cache: throttle counters and cached
public pages live in Redis, not in each process (tested on the real Redis)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_settings_use_redis_for_the_cache_when_redis_url_is_set():
    script = (
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/7"}
    env["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert out == "django.core.cache.backends.redis.RedisCache"


def test_the_throttle_counts_in_redis_across_app_servers(redis_cache, monkeypatch):
    client, prefix = redis_cache
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    codes = [Client().get("/api/v1/claims/").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    keys = list(client.scan_iter(f"{prefix}:*throttle_anon*"))
    assert len(keys) == 1

    # Another app server (another process) on the same Redis: the fourth
    # request from the same address is refused there, before any query.
    other = textwrap.dedent(
        """
        import django
        from django.test.utils import setup_test_environment
        django.setup()
        setup_test_environment()
        from rest_framework.throttling import AnonRateThrottle
        AnonRateThrottle.THROTTLE_RATES = {"anon": "3/minute"}
        from django.test import Client
        print(Client().get("/api/v1/claims/").status_code)
        """
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": "sqlite:///:memory:",
        "REDIS_URL": redis_url(client),
        "CACHE_KEY_PREFIX": prefix,
    }
    env.pop("DATABASE_REPLICA_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", other],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "429"


def redis_url(client) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs['db']}"
