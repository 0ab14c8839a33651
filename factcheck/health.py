"""``/healthz``: can this app server answer? For load balancers and probes.

It checks the default database, and the read replica and Redis when they are
configured, each with a short timeout, and answers 200 with what it found, or
503 naming the part that is down. It never answers 500: a failing check is a
result, not an error. It reads no registry data and is never cached.
"""

from __future__ import annotations

import time

import redis
from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check() or {}
    except Exception as error:  # any failure is the answer, whatever raised it
        result = {"ok": False, "error": f"{type(error).__name__}: {error}".strip()}
    else:
        result = {"ok": True, **detail}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database(alias: str):
    def check():
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
                detail = {}
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT pg_is_in_recovery()")
                    detail["read_only"] = cursor.fetchone()[0]
        except Exception:
            # A broken connection is not reused by the next probe.
            connection.close()
            raise
        return detail

    return check


def _redis(url: str):
    def check():
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()

    return check


def checks() -> dict:
    found = {alias: _timed(_database(alias)) for alias in connections}
    if settings.REDIS_URL:
        found["redis"] = _timed(_redis(settings.REDIS_URL))
    return found


@never_cache
@require_GET
def healthz(request):
    found = checks()
    ok = all(part["ok"] for part in found.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": found},
        status=200 if ok else 503,
    )
