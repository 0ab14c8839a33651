"""The OpenAPI schema is valid, and every endpoint keeps to it under fuzzing."""

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from registry.choices import ClaimState
from tests.api_support import make_claim, make_conflict, same_quantity_pair

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]


def test_schema_is_valid_and_raises_no_warning(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/claims/",
        "/api/v1/claims/{public_id}/",
        "/api/v1/claims/{public_id}/claimreview/",
        "/api/v1/sources/",
        "/api/v1/documents/",
        "/api/v1/events/",
        "/api/v1/conflicts/",
        "/api/v1/corrections/",
        "/api/v1/claimreview/",
        "/api/v1/exports/claims.csv",
        "/api/v1/exports/claims.jsonl",
    ):
        assert f"  {path}:" in text, path
    for parameter in ("source_role", "min_confidence", "has_conflict", "q"):
        assert f"name: {parameter}" in text


def test_docs_page_is_served_from_our_own_static_files(client, settings):
    # Production serves collected, hashed files; tests have not collected them.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in response.content
    assert b"cdn" not in response.content.lower()


def _load_schema():
    """The schema as drf-spectacular builds it, fuzzed in-process over WSGI."""
    from drf_spectacular.generators import SchemaGenerator

    loaded = schemathesis.openapi.from_dict(
        json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str))
    )
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.fixture
def fuzz_registry(settings):
    """A small registry to fuzz against: conflicts, corrections, a draft."""
    a, b = same_quantity_pair()
    make_conflict(a.figures.get(), b.figures.get())
    old = make_claim(ClaimState.SUPERSEDED)
    make_claim(corrects=old, citations=2, figures=2)
    make_claim(ClaimState.RETRACTED)
    make_claim(ClaimState.DRAFT)
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis sends
    # As Django's test client does: keep the test's connection (and its
    # transaction) open across the in-process requests.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_endpoint_answers_within_its_schema(case, fuzz_registry):
    cache.clear()  # the anonymous throttle would otherwise answer 429
    # The in-process client does not inflate gzip; gzip has its own test.
    # Lenient parameters are allowed: DRF falls back to the default page size
    # for a bad `page_size`, and django-filter ignores empty values, so a
    # schema-violating request may get a 200; and a cursor is opaque, so a
    # made-up one is a documented 400. Every answer must still match the schema.
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        excluded_checks=[
            schemathesis.checks.negative_data_rejection,
            schemathesis.checks.positive_data_acceptance,
        ],
    )
