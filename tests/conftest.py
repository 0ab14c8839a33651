"""Shared fixtures, and the rule that CI never skips a test.

Tests that need something a laptop may lack (PostgreSQL, its streaming
replica, Chromium) skip there with a reason. Under CI=true a skip is turned
into a failure, except for PostgreSQL-only and replica tests during the
SQLite pass, which are deselected because .ci/run runs the whole suite again
on PostgreSQL with a replica.
"""

import os

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"

# The browser tests' fixtures (Chromium, Playwright, sign-in, axe-core).
pytest_plugins = ["tests.e2e_support"]


def pytest_configure(config):
    # Production hashes passwords with PBKDF2 at a million iterations, on
    # purpose slow (about 0.3 s a user here, more on a loaded machine); the
    # suite makes a few users per test (2.5 minutes of test_workflow.py's
    # 2.75 went to it). Tests hash with MD5, keeping the production hashers
    # after it so a production hash still verifies. No test logs a user in
    # to a server in another process (which would not know MD5).
    from django.contrib.auth.hashers import get_hashers

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *[h for h in settings.PASSWORD_HASHERS if not h.endswith("MD5PasswordHasher")],
    ]
    get_hashers.cache_clear()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def has_replica() -> bool:
    return "replica" in settings.DATABASES


def pytest_collection_modifyitems(config, items):
    if not on_postgres():
        _skip_or_deselect(
            config,
            items,
            "postgres",
            "needs PostgreSQL: set DATABASE_URL=postgres://...",
        )
        _skip_or_deselect(
            config, items, "replica", "needs PostgreSQL and a streaming replica"
        )
    elif not has_replica():
        # CI's PostgreSQL pass has a replica: there this skip is a failure.
        for item in items:
            if item.get_closest_marker("replica"):
                item.add_marker(
                    pytest.mark.skip(
                        reason="needs a streaming replica: scripts/replica.sh start "
                        "and DATABASE_REPLICA_URL=$(scripts/replica.sh url)"
                    )
                )


def _skip_or_deselect(config, items, marker: str, reason: str) -> None:
    keep, dropped = [], []
    for item in items:
        if item.get_closest_marker(marker):
            if IN_CI:
                dropped.append(item)
                continue
            item.add_marker(pytest.mark.skip(reason=reason))
        keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        report.longrepr = f"skipped under CI=true, which CI never allows: {reason}"


@pytest.fixture(autouse=True)
def _primary_only_unless_marked_replica(request):
    """Public reads go to the replica only in tests marked ``replica``.

    The others write their data inside a transaction that is rolled back,
    which a replica (another server) never sees.
    """
    if has_replica() and not request.node.get_closest_marker("replica"):
        request.getfixturevalue("settings").READ_REPLICA = False


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def redis_cache(settings):
    """Django's cache on the real Redis (database 7 unless REDIS_TEST_URL says
    otherwise), under a key prefix of this test's own, removed afterwards."""
    import uuid

    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {REDIS_TEST_URL}")
    prefix = f"factcheck-test-{uuid.uuid4().hex[:12]}"
    settings.REDIS_URL = REDIS_TEST_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


# ---------------------------------------------------------------- workflow roles


def _member(username: str, role: str):
    from registry.roles import roles_setup
    from tests.factories import UserFactory

    groups = roles_setup()
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(groups[role])
    return user


@pytest.fixture
def editor(db):
    from registry.roles import EDITOR

    return _member("editor", EDITOR)


@pytest.fixture
def reviewer(db):
    from registry.roles import REVIEWER

    return _member("reviewer", REVIEWER)


@pytest.fixture
def second_reviewer(db):
    from registry.roles import REVIEWER

    return _member("reviewer2", REVIEWER)


# ------------------------------------------------------------ public projection


@pytest.fixture
def projection_follows_rows(db):
    """For tests whose fixtures write rows directly, as an import would:
    before each request the public projection is rebuilt from those rows,
    as ``manage.py rebuild_public`` would. Tests that go through the
    services do not use this: they check that the services keep it current.
    """
    from django.core.signals import request_started

    from tests.api_support import rebuild_on_request

    request_started.connect(rebuild_on_request, dispatch_uid="test-projection")
    yield
    request_started.disconnect(dispatch_uid="test-projection")
