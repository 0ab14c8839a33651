"""HTTP behaviour of the public API: caching, CORS, throttling, gzip."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import AnonRateThrottle

from registry.services.projection import projection_rebuild
from tests.api_support import make_claim, no_rebuild

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_get_is_publicly_cacheable_with_an_etag_and_answers_304():
    claim = make_claim()
    client = Client()
    url = f"/api/v1/claims/{claim.public_id}/"

    first = client.get(url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    assert "max-age=60" in first["Cache-Control"]
    etag = first["ETag"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_errors_are_not_marked_cacheable():
    response = Client().get("/api/v1/claims/nope/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_cors_allows_get_from_any_origin_on_the_api_only():
    claim = make_claim()
    client = Client()
    api = client.get("/api/v1/claims/", HTTP_ORIGIN="https://dashboard.example")
    assert api["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/claims/",
        HTTP_ORIGIN="https://dashboard.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    page = client.get(f"/claims/{claim.public_id}/", HTTP_ORIGIN="https://x.example")
    assert "Access-Control-Allow-Origin" not in page


def test_responses_are_gzipped_when_the_client_accepts_it():
    for _ in range(3):
        make_claim(citations=2, figures=2)
    response = Client().get("/api/v1/claims/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(response.content))
    assert len(data["results"]) == 3


def test_anonymous_clients_are_throttled(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    client = Client()
    codes = [client.get("/api/v1/claims/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = client.get("/api/v1/claims/").json()
    assert "throttled" in body["detail"].lower()


def test_a_page_is_a_few_queries_and_a_publication_shows_at_once():
    claim = make_claim()
    client = Client()
    for url in ("/api/v1/claims/", f"/api/v1/claims/{claim.public_id}/"):
        first = client.get(url)
        projection_rebuild()  # the fixture's rebuild stays out of the count
        with CaptureQueriesContext(connection) as queries, no_rebuild():
            again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert len(queries) <= 2, url
        assert "max-age=" in first["Cache-Control"]
    newer = make_claim()
    page = client.get("/api/v1/claims/")
    assert newer.public_id in page.content.decode()


def test_errors_and_exports_are_never_cached():
    client = Client()
    assert client.get("/api/v1/claims/nope/").status_code == 404
    claim = make_claim()
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/claims/nope/")
    assert len(queries) > 0
    first = b"".join(client.get("/api/v1/exports/claims.jsonl").streaming_content)
    make_claim()
    second = b"".join(client.get("/api/v1/exports/claims.jsonl").streaming_content)
    assert claim.public_id.encode() in first
    assert second.count(b"\n") == 2
