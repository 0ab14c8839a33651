"""A list page costs the same number of queries whatever it holds."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry.choices import ClaimState
from registry.models import Source
from registry.services.projection import projection_rebuild
from tests.api_support import add_transition, make_claim, make_conflict
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/claims/",
    "/api/v1/claims/?q=soldiers&has_conflict=false&source=relay",
    "/api/v1/sources/",
    "/api/v1/documents/",
    "/api/v1/events/",
    "/api/v1/conflicts/",
    "/api/v1/corrections/",
    "/api/v1/claimreview/",
]


def build(claims: int, per_claim: int):
    # Built twice per test; a source's name is unique among names and aliases.
    relay = Source.objects.filter(name="relay").first() or SourceFactory(name="relay")
    made = []
    for i in range(claims):
        state = ClaimState.RETRACTED if i % 4 == 3 else ClaimState.APPROVED
        claim = make_claim(
            state,
            citations=per_claim,
            figures=per_claim,
            relay=relay,
            value=i + 1,
            qualifier="exactly",
        )
        if state == ClaimState.RETRACTED:
            add_transition(claim, to_state=state, comment="x")
        made.append(claim)
    # Conflicts between neighbours, so the conflict paths are exercised.
    for a, b in zip(made[::2], made[1::2], strict=False):
        make_conflict(a.figures.first(), b.figures.first())


def count_queries(url: str) -> int:
    cache.clear()
    projection_rebuild()
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
        assert response.status_code == 200, response.content
        if response.streaming:
            assert b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("url", LISTS)
def test_queries_do_not_grow_with_page_size(url):
    build(2, per_claim=1)
    small = count_queries(url)
    build(18, per_claim=1)
    assert count_queries(url) <= small


@pytest.mark.parametrize("url", LISTS)
def test_queries_do_not_grow_with_citations_and_figures(url):
    build(3, per_claim=1)
    few = count_queries(url)
    build(3, per_claim=3)
    assert count_queries(url) <= few


def test_export_queries_do_not_grow_with_claims():
    build(2, per_claim=2)
    small = count_queries("/api/v1/exports/claims.jsonl")
    build(20, per_claim=2)
    assert count_queries("/api/v1/exports/claims.jsonl") <= small
