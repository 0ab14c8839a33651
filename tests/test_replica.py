"""Public reads from a real PostgreSQL streaming replica (scripts/replica.sh).

These run with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the
hot standby copied from it. The replica is another server: it sees only
committed data, so every test here commits (``transaction=True``) and waits
for replication before reading. Under CI=true a missing replica fails them.
"""

import logging
import time

import pytest
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from factcheck import db_router
from registry import services
from registry.choices import ClaimState
from registry.models import Claim, Source
from registry.services.projection import projection_refresh
from tests.api_support import make_claim
from tests.factories import CitationFactory, SourceFactory

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

TIMEOUT = 10.0  # seconds a committed row may take to reach the replica


@pytest.fixture(autouse=True)
def _replica_trusted_again():
    db_router._down_until = 0.0
    yield
    db_router._down_until = 0.0
    connections["replica"].close()


def wait_until_replicated(claim) -> float:
    """Seconds until the replica has ``claim`` and its public projection row
    as the primary has them now.

    Fixtures write the claim's rows directly, as an import would; the public
    projection is then brought up to date on the primary, as the services or
    ``rebuild_public`` would.
    """
    from registry.models import PublicClaim

    projection_refresh(claim_ids=[claim.pk])
    expected = Claim.objects.using("default").get(pk=claim.pk)
    public = PublicClaim.objects.using("default").filter(pk=claim.pk).first()
    started = time.monotonic()
    while time.monotonic() - started < TIMEOUT:
        copy = Claim.objects.using("replica").filter(pk=claim.pk).first()
        copied = PublicClaim.objects.using("replica").filter(pk=claim.pk).first()
        if (
            copy is not None
            and copy.state == expected.state
            and (public is None or (copied and copied.body == public.body))
        ):
            return time.monotonic() - started
        time.sleep(0.005)
    pytest.fail(f"claim {claim.public_id} did not reach the replica in {TIMEOUT}s")


def queries_by_database(path: str):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = Client().get(path)
        if response.streaming:
            body = b"".join(response.streaming_content)
        else:
            body = response.content
    return response, body, len(primary), len(replica)


def test_the_replica_is_a_read_only_standby_of_the_test_database():
    primary = connections["default"].settings_dict
    replica = connections["replica"].settings_dict
    assert replica["NAME"] == primary["NAME"]  # pytest-django's test_<name>
    assert (replica["HOST"], str(replica["PORT"])) != (
        primary["HOST"],
        str(primary["PORT"]),
    )
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    with pytest.raises(DatabaseError, match="read-only"):
        Source.objects.using("replica").create(name="Nobody writes here")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/{id}/",
        "/api/v1/claims/",
        "/api/v1/claims/{id}/claimreview/",
        "/claims/{id}/",
        "/api/v1/exports/claims.jsonl",
    ],
)
def test_public_reads_come_from_the_replica(path):
    claim = make_claim(label="replicated")
    wait_until_replicated(claim)
    response, body, on_primary, on_replica = queries_by_database(
        path.format(id=claim.public_id)
    )
    assert response.status_code == 200
    assert b"replicated statement" in body
    assert on_replica > 0
    assert on_primary == 0


def test_an_approval_on_the_primary_reaches_the_public_api_within_the_lag(
    editor, reviewer
):
    claim = services.claim_create(
        actor=editor,
        statement="At least eight soldiers were killed.",
        kind="casualty_figure",
    )
    CitationFactory(claim=claim)
    services.claim_submit(claim=claim, actor=editor)
    path = f"/api/v1/claims/{claim.public_id}/"
    wait_until_replicated(claim)
    assert Client().get(path).status_code == 404  # in review: not public

    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    # Within the lag the replica may still say 404; never an error.
    started = time.monotonic()
    while (status := Client().get(path).status_code) == 404:
        assert time.monotonic() - started < TIMEOUT
        time.sleep(0.005)
    assert status == 200
    assert Claim.objects.using("replica").get(pk=claim.pk).state == ClaimState.APPROVED


def test_admin_pages_read_from_the_primary(reviewer, settings):
    # Tests run with DEBUG off; the manifest storage would need collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    client = Client()
    client.force_login(reviewer)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get("/admin/registry/claim/", secure=True)
    assert response.status_code == 200
    assert len(on_replica) == 0


def test_health_check_reads_each_database_itself():
    response = Client().get("/healthz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["default"]["ok"] is True
    assert checks["default"]["read_only"] is False
    assert checks["replica"]["ok"] is True
    assert checks["replica"]["read_only"] is True


def _routed(path: str, method: str = "get", steps=()):
    """Run ``steps`` inside a request through the middleware; the aliases read."""
    seen = []

    def view(request):
        for step in steps:
            if step == "read":
                seen.append(db_router.read_alias())
            else:
                SourceFactory(name=f"written in {path}")
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method)(path)
    db_router.ReadReplicaMiddleware(view)(request)
    return seen


def test_a_request_reads_from_the_primary_once_it_has_written():
    assert _routed("/api/v1/claims/", steps=["read", "write", "read"]) == [
        "replica",
        "default",
    ]


def test_only_public_gets_read_from_the_replica():
    assert _routed("/claims/x/", steps=["read"]) == ["replica"]
    assert _routed("/api/v1/claims/", "head", steps=["read"]) == ["replica"]
    assert _routed("/api/v1/claims/", "post", steps=["read"]) == ["default"]
    assert _routed("/admin/", steps=["read"]) == ["default"]
    assert _routed("/healthz", steps=["read"]) == ["default"]
    # Outside a request (management commands, services, shells): the primary.
    assert db_router.read_alias() == "default"


def test_an_unreachable_replica_falls_back_to_the_primary(monkeypatch, caplog):
    claim = make_claim(label="fallback")
    projection_refresh(claim_ids=[claim.pk])  # fixtures wrote the rows directly
    connections["replica"].close()
    monkeypatch.setitem(connections["replica"].settings_dict, "PORT", "1")
    with (
        caplog.at_level(logging.WARNING, logger="factcheck.db_router"),
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = Client().get(f"/api/v1/claims/{claim.public_id}/")
    assert response.status_code == 200
    assert b"fallback statement" in response.content
    assert len(on_primary) > 0
    assert "read replica unreachable" in caplog.text


def test_a_replica_failing_during_a_request_is_answered_from_the_primary(
    monkeypatch, caplog
):
    claim = make_claim(label="midway")
    projection_refresh(claim_ids=[claim.pk])  # fixtures wrote the rows directly
    connections["replica"].close()
    monkeypatch.setitem(connections["replica"].settings_dict, "PORT", "1")
    # The connection check passed, then the replica went away.
    monkeypatch.setattr(db_router, "_replica_reachable", lambda: True)
    with caplog.at_level(logging.WARNING):
        response = Client().get(f"/claims/{claim.public_id}/")
    assert response.status_code == 200
    assert b"midway statement" in response.content
    assert "read replica unreachable" in caplog.text
    assert "Internal Server Error" not in caplog.text
