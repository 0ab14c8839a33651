"""The lean GET path of the hottest public reads answers exactly as the DRF
views do: the same status, body and headers for good and bad requests, one
throttle count a request, a fixed number of queries."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import AnonRateThrottle

from registry.api import views
from registry.choices import ClaimState
from registry.services.projection import projection_rebuild
from tests.api_support import add_transition, make_claim, make_conflict
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Type", "Cache-Control", "Allow", "Vary", "Link", "Retry-After")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def registry():
    """A few published claims (one retracted, two in conflict) and a draft."""
    sohr = SourceFactory(name="Syrian Observatory for Human Rights", short_name="SOHR")
    now = timezone.now()
    claims = [
        make_claim(
            originator=sohr if i % 2 else None,
            confidence=1 + i % 5,
            published_at=now - dt.timedelta(hours=i),
            language="es" if i == 3 else "en",
            value=i + 1,
            qualifier="exactly",
        )
        for i in range(5)
    ]
    make_conflict(claims[0].figures.first(), claims[1].figures.first())
    retracted = make_claim(ClaimState.RETRACTED, label="retracted")
    add_transition(retracted, to_state=ClaimState.RETRACTED, comment="wrong")
    make_claim(ClaimState.DRAFT, label="draft")
    projection_rebuild()
    return claims


def both_ways(client: Client, url: str, monkeypatch, **headers):
    """The response of the lean path, then of the DRF view alone."""
    cache.clear()
    lean = client.get(url, **headers)
    cache.clear()
    with monkeypatch.context() as patch:
        patch.setattr(views.LeanReads, "_lean_handler", lambda self, request: None)
        full = client.get(url, **headers)
    return lean, full


def assert_same(lean, full, url):
    assert lean.status_code == full.status_code, (url, lean.content, full.content)
    assert lean.content == full.content, url
    for header in HEADERS:
        assert lean.get(header) == full.get(header), (url, header)


def urls(claims) -> list[str]:
    one = claims[0].public_id
    return [
        "/api/v1/claims/",
        "/api/v1/claims/?page_size=2",
        "/api/v1/claims/?page_size=0",
        "/api/v1/claims/?page_size=x",
        "/api/v1/claims/?page_size=1000",
        "/api/v1/claims/?ordering=confidence",
        "/api/v1/claims/?ordering=-updated_at&page_size=1",
        "/api/v1/claims/?ordering=nope",
        "/api/v1/claims/?cursor=garbage",
        "/api/v1/claims/?source=sohr&source_role=originator",
        "/api/v1/claims/?source=SOHR&source_role=boss",
        "/api/v1/claims/?min_confidence=2",
        "/api/v1/claims/?min_confidence=seven",
        "/api/v1/claims/?confidence=9&kind=nonsense",
        "/api/v1/claims/?has_conflict=true",
        "/api/v1/claims/?has_conflict=maybe",
        "/api/v1/claims/?state=retracted",
        "/api/v1/claims/?state=draft",
        "/api/v1/claims/?metric=KILLED&language=es",
        "/api/v1/claims/?published_after=2000-01-01T00:00:00Z",
        "/api/v1/claims/?published_after=0001-01-01T00:00:00%2B05:00",
        "/api/v1/claims/?published_before=yesterday",
        "/api/v1/claims/?event_after=2020-01-01&event_before=2030-01-01",
        "/api/v1/claims/?event_after=2020-13-45",
        "/api/v1/claims/?q=statement&unknown=1",
        "/api/v1/claims/?format=json",
        "/api/v1/claims/?format=xml",
        f"/api/v1/claims/{one}/",
        "/api/v1/claims/nope/",
        f"/api/v1/claims/{claims[-1].public_id}/claimreview/",
        "/api/v1/claims/nope/claimreview/",
        "/api/v1/claimreview/?page_size=2",
        "/api/v1/claimreview/?cursor=x",
        "/api/v1/corrections/",
        "/api/v1/corrections/?page_size=-1",
    ]


def test_lean_path_answers_as_the_drf_views_do(registry, monkeypatch):
    client = Client()
    for url in urls(registry):
        assert_same(*both_ways(client, url, monkeypatch), url)
    # Following the cursors, both ways.
    lean = client.get("/api/v1/claims/?page_size=2").json()
    while lean["next"]:
        assert_same(*both_ways(client, lean["next"], monkeypatch), lean["next"])
        lean = client.get(lean["next"]).json()


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "text/html,application/xhtml+xml,*/*;q=0.8",
        "application/*",
        "text/html",
        "application/xml",
        "application/ld+json",
    ],
)
def test_content_negotiation_is_drfs(registry, monkeypatch, accept):
    client = Client()
    one = registry[0].public_id
    for url in ("/api/v1/claims/", f"/api/v1/claims/{one}/claimreview/"):
        lean, full = both_ways(client, url, monkeypatch, HTTP_ACCEPT=accept)
        assert_same(lean, full, (url, accept))


def test_head_answers_as_get(registry):
    client = Client()
    assert client.head("/api/v1/claims/").status_code == 200
    assert client.head("/api/v1/claims/nope/").status_code == 404


PARAMS = [
    "source",
    "source_role",
    "event",
    "kind",
    "confidence",
    "min_confidence",
    "state",
    "has_conflict",
    "metric",
    "published_after",
    "published_before",
    "event_after",
    "event_before",
    "language",
    "q",
    "ordering",
    "page_size",
    "cursor",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "1",
            "2",
            "7",
            "-1",
            "true",
            "false",
            "sohr",
            "originator",
            "relay",
            "killed",
            "es",
            "approved",
            "retracted",
            "casualty",
            "confidence",
            "-published_at",
            "2020-01-01",
            "2020-02-30",
            "2020-01-01T00:00:00Z",
            "9999-12-31T23:59:59-05:00",
            "abc",
        ]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=12,
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4))
def test_any_query_answers_as_the_drf_view_does(registry, monkeypatch, query):
    client = Client()
    cache.clear()
    lean = client.get("/api/v1/claims/", query)
    cache.clear()
    with monkeypatch.context() as patch:
        patch.setattr(views.LeanReads, "_lean_handler", lambda self, request: None)
        full = client.get("/api/v1/claims/", query)
    assert lean.status_code in (200, 400), lean.content
    assert_same(lean, full, query)


def test_each_request_is_counted_once_by_the_throttle(registry, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "4/minute"})
    client = Client()
    codes = [
        client.get(url).status_code
        for url in (
            "/api/v1/claims/?min_confidence=seven",  # handed to DRF: one count
            "/api/v1/claims/nope/",
            "/api/v1/claims/",
            "/api/v1/claims/",
            "/api/v1/claims/",
        )
    ]
    assert codes == [400, 404, 200, 200, 429]
    throttled = client.get("/api/v1/claims/")
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"].lower()
    assert throttled["Retry-After"]


@pytest.mark.parametrize(
    "url, queries",
    [
        ("/api/v1/claims/", 1),
        ("/api/v1/claims/?has_conflict=true&min_confidence=3&state=approved", 1),
        ("/api/v1/claims/?metric=killed&language=en", 1),
        ("/api/v1/claims/?source=SOHR", 2),  # the source, then the page
        ("/api/v1/claims/{id}/", 1),
        ("/api/v1/claims/{id}/claimreview/", 1),
        ("/api/v1/claimreview/", 1),
        ("/api/v1/corrections/", 1),
    ],
)
def test_a_lean_read_is_a_fixed_number_of_queries(registry, url, queries):
    url = url.format(id=registry[0].public_id)
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert len(captured) == queries, [q["sql"] for q in captured]
