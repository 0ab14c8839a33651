import pytest
from django.core.cache import cache
from django.test import Client

from registry.choices import ClaimState, SourceKind
from tests.api_support import make_claim
from tests.factories import SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_claimreview_of_one_claim():
    voronkov = SourceFactory(name="Vladimir Voronkov", kind=SourceKind.OFFICIAL)
    claim = make_claim(originator=voronkov, confidence=3)

    response = Client().get(f"/api/v1/claims/{claim.public_id}/claimreview/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    review = response.json()
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.statement  # short already
    assert review["itemReviewed"]["text"] == claim.statement
    assert review["url"] == f"http://testserver/claims/{claim.public_id}/"
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Vladimir Voronkov"}
    [appearance] = item["appearance"]
    assert appearance["url"] == claim.citations.get().document.url
    rating = review["reviewRating"]
    assert rating["ratingValue"] == 3  # confidence 3 on the 5-best scale
    assert rating["alternateName"].startswith("Possibly accurate")
    assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
    assert rating["ratingExplanation"] == claim.confidence_rationale
    assert review["datePublished"].startswith(str(claim.published_at.date()))
    assert "dateModified" not in review


def test_corrected_claim_carries_date_modified():
    old = make_claim(ClaimState.SUPERSEDED)
    make_claim(corrects=old)
    retracted = make_claim(ClaimState.RETRACTED)

    for claim in (old, retracted):
        review = Client().get(f"/api/v1/claims/{claim.public_id}/claimreview/").json()
        assert "dateModified" in review
    review = Client().get(f"/api/v1/claims/{retracted.public_id}/claimreview/").json()
    assert review["reviewRating"]["alternateName"].startswith("Retracted")
    assert "ratingValue" not in review["reviewRating"]
    assert "withdrawn" in review["reviewRating"]["ratingExplanation"]


def test_claimreview_feed_lists_published_claims_only():
    shown = [make_claim() for _ in range(3)]
    make_claim(ClaimState.DRAFT)

    response = Client().get("/api/v1/claimreview/", {"page_size": 2})
    feed = response.json()
    assert feed["@context"] == "https://schema.org"
    assert len(feed["@graph"]) == 2
    assert 'rel="next"' in response["Link"]
    next_url = response["Link"].split(">")[0].lstrip("<")
    rest = Client().get(next_url).json()["@graph"]
    urls = {r["url"] for r in feed["@graph"] + rest}
    assert urls == {f"http://testserver/claims/{c.public_id}/" for c in shown}
