"""Every ClaimReview the registry emits expands as schema.org JSON-LD and
passes Google's required and recommended fields (tests/claimreview_checks.py)."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from registry import services
from registry.choices import ClaimState, Confidence
from registry.models import Claim, PublicClaim
from registry.presentation import claimreview
from tests.api_support import make_claim
from tests.claimreview_checks import google_problems, jsonld_problems
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def emitted() -> list[dict]:
    reviews = []
    for public_id in PublicClaim.objects.values_list("public_id", flat=True):
        response = Client().get(f"/api/v1/claims/{public_id}/claimreview/")
        assert response.status_code == 200
        reviews.append(response.json())
    feed = Client().get("/api/v1/claimreview/", {"page_size": 100}).json()
    assert len(feed["@graph"]) == len(reviews)
    return [*reviews, feed]


def test_seeded_registry_emits_valid_claimreviews(reviewer):
    call_command("load_seeds", verbosity=0)
    # A retracted seed claim too, as the workflow retracts it.
    approved = Claim.objects.filter(state=ClaimState.APPROVED).order_by("pk").first()
    services.claim_retract(
        claim=approved, actor=reviewer, comment="test", public_note="Wrong toll."
    )
    reviews = emitted()
    assert len(reviews) > 10
    for review in reviews:
        assert jsonld_problems(review) == [], review.get("url")
        for item in review.get("@graph", [review]):
            assert google_problems(item) == [], item["url"]
            assert item["reviewRating"]["ratingExplanation"]
    retracted = next(r for r in reviews if r.get("url", "").endswith(f"/{approved.public_id}/"))
    assert retracted["reviewRating"]["alternateName"] == claimreview.RETRACTED
    assert "Wrong toll." in retracted["reviewRating"]["ratingExplanation"]


def test_factory_claims_of_every_state_and_level_are_valid():
    relay = SourceFactory(name="EFE")
    for level in Confidence.values:
        make_claim(confidence=level, citations=2, relay=relay)
    old = make_claim(ClaimState.SUPERSEDED)
    make_claim(corrects=old)
    make_claim(ClaimState.RETRACTED)
    from registry.services.projection import projection_rebuild

    projection_rebuild()
    for review in emitted():
        assert jsonld_problems(review) == []
        for item in review.get("@graph", [review]):
            assert google_problems(item) == [], item["url"]


def test_scale_is_best_above_worst_and_confidence_6_has_no_value():
    assert [claimreview.rating_value(level) for level in range(1, 7)] == [
        5, 4, 3, 2, 1, None,
    ]


def test_short_form_stays_within_75_characters():
    long = "SOHR said " + "at least 570 Syrian soldiers were killed " * 4
    short = claimreview.short_form(long)
    assert len(short) <= 75 and short.endswith("…")
    assert long.startswith(short[:-1])
    assert claimreview.short_form("Short.") == "Short."


def test_relays_firstappearance_and_one_appearance_per_document(projection_follows_rows):
    relay = SourceFactory(name="EFE")
    claim = make_claim(citations=1, relay=relay, confidence=2)
    citation = claim.citations.get()
    # A second quote from the same document: still one appearance.
    from tests.factories import CitationFactory

    CitationFactory(
        claim=claim, document=citation.document, originator=citation.originator,
        quote="The end", start=len(citation.document.text) - 8,
        end=len(citation.document.text) - 1,
    )
    from registry.services.projection import projection_refresh

    projection_refresh(claim_ids=[claim.pk])
    review = Client().get(f"/api/v1/claims/{claim.public_id}/claimreview/").json()
    item = review["itemReviewed"]
    [appearance] = item["appearance"]
    assert appearance["isBasedOn"] == [
        {"@type": "CreativeWork", "author": {"@type": "Organization", "name": "EFE"}}
    ]
    assert item["firstAppearance"] == appearance
    assert review["author"]["url"] == "http://testserver/"
    assert review["reviewRating"]["ratingValue"] == 4


def test_the_jsonld_check_catches_a_term_schema_org_does_not_have():
    problems = jsonld_problems(
        {"@type": "ClaimReview", "claimReviewd": "x", "reviewRating": {"@type": "Ratin"}}
    )
    assert problems == [
        "term 'claimReviewd' is not a schema.org term",
        "type 'Ratin' is not a schema.org type",
    ]
