import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from registry.choices import ClaimState
from tests.api_support import (
    add_transition,
    make_claim,
    make_conflict,
    same_quantity_pair,
)
from tests.factories import SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_claim_detail_carries_provenance(api):
    relay = SourceFactory(name="Al Masdar News", short_name="AMN")
    claim = make_claim(relay=relay, citations=2, figures=1, confidence=2)

    data = api.get(f"/api/v1/claims/{claim.public_id}/").json()

    assert data["id"] == claim.public_id
    assert data["statement"] == claim.statement
    assert data["confidence"] == {
        "level": 2,
        "label": "probably true",
        "rationale": claim.confidence_rationale,
    }
    assert data["event"]["id"] == claim.event.public_id
    assert len(data["citations"]) == 2
    citation = data["citations"][0]
    assert citation["originator"]["name"].endswith("originator 0")
    assert [s["short_name"] for s in citation["relay_chain"]] == ["AMN"]
    assert citation["document"]["title"].endswith("document 0")
    assert citation["document"]["url"].startswith("https://example.org/")
    assert citation["quote"].endswith("quote 0 soldiers")
    figure = data["figures"][0]
    assert figure["qualifier"] == "at_least"
    assert figure["interval"]["low"] == 8
    assert figure["interval"]["high"] is None
    assert data["permalink"].endswith(f"/claims/{claim.public_id}/")
    assert "pk" not in data and str(claim.pk) != data["id"]


def test_unpublished_claim_answers_the_same_404_as_a_missing_one(api):
    draft = make_claim(ClaimState.DRAFT)

    hidden = api.get(f"/api/v1/claims/{draft.public_id}/")
    missing = api.get("/api/v1/claims/doesnotexist/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not found."}


def test_writes_answer_405(api):
    claim = make_claim()
    assert api.post("/api/v1/claims/", {}, format="json").status_code == 405
    url = f"/api/v1/claims/{claim.public_id}/"
    for method in (api.put, api.patch, api.delete):
        response = method(url, {}, format="json")
        assert response.status_code == 405
        assert "not allowed" in response.json()["detail"]


def test_unknown_api_address_is_a_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_bad_filter_value_is_a_json_400_with_a_message(api):
    response = api.get("/api/v1/claims/", {"min_confidence": "seven"})
    assert response.status_code == 400
    assert "min_confidence" in response.json()


def test_list_pages_with_a_cursor_and_caps_the_page_size(api):
    base = timezone.now()
    claims = [
        make_claim(published_at=base - dt.timedelta(minutes=i), figures=0)
        for i in range(5)
    ]
    first = api.get("/api/v1/claims/", {"page_size": 2}).json()
    assert [c["id"] for c in first["results"]] == [c.public_id for c in claims[:2]]
    second = api.get(first["next"]).json()
    assert [c["id"] for c in second["results"]] == [c.public_id for c in claims[2:4]]
    big = api.get("/api/v1/claims/", {"page_size": 10_000}).json()
    assert len(big["results"]) == 5  # capped at 100, and there are 5
    assert "count" not in big


def test_filter_by_source_alias_and_role(api):
    sohr = SourceFactory(name="Syrian Observatory for Human Rights", short_name="SOHR")
    amn = SourceFactory(name="Al Masdar News")
    original = make_claim(originator=sohr)
    relayed = make_claim(relay=sohr)
    other = make_claim(originator=amn)

    assert ids(api.get("/api/v1/claims/", {"source": "sohr"})) == {
        original.public_id,
        relayed.public_id,
    }
    assert ids(
        api.get("/api/v1/claims/", {"source": "SOHR", "source_role": "originator"})
    ) == {original.public_id}
    assert ids(
        api.get("/api/v1/claims/", {"source": sohr.public_id, "source_role": "relay"})
    ) == {relayed.public_id}
    assert ids(api.get("/api/v1/claims/", {"source": "al masdar news"})) == {
        other.public_id
    }
    assert ids(api.get("/api/v1/claims/", {"source": "nobody"})) == set()


def test_filter_by_confidence_kind_state_metric_language(api):
    confirmed = make_claim(confidence=1, metric="injured", language="es")
    doubtful = make_claim(confidence=4)
    retracted = make_claim(ClaimState.RETRACTED, confidence=3)

    assert ids(api.get("/api/v1/claims/", {"confidence": 4})) == {doubtful.public_id}
    assert ids(api.get("/api/v1/claims/", {"min_confidence": 3})) == {
        confirmed.public_id,
        retracted.public_id,
    }
    assert ids(api.get("/api/v1/claims/", {"state": "retracted"})) == {
        retracted.public_id
    }
    assert ids(api.get("/api/v1/claims/", {"metric": "INJURED"})) == {
        confirmed.public_id
    }
    assert ids(api.get("/api/v1/claims/", {"language": "es"})) == {confirmed.public_id}
    assert ids(api.get("/api/v1/claims/", {"kind": "quotation"})) == set()


def test_filter_by_event_and_dates(api):
    old = make_claim(published_at=timezone.now() - dt.timedelta(days=10))
    old.event.date_earliest = old.event.date_latest = dt.date(2019, 10, 26)
    old.event.save()
    new = make_claim()
    new.event.date_earliest = dt.date(2020, 6, 1)
    new.event.date_latest = dt.date(2020, 6, 30)
    new.event.save()

    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(api.get("/api/v1/claims/", {"published_after": since})) == {
        new.public_id
    }
    assert ids(api.get("/api/v1/claims/", {"published_before": since})) == {
        old.public_id
    }
    assert ids(api.get("/api/v1/claims/", {"event_after": "2020-06-15"})) == {
        new.public_id
    }
    assert ids(api.get("/api/v1/claims/", {"event_before": "2020-01-01"})) == {
        old.public_id
    }
    assert ids(api.get("/api/v1/claims/", {"event": old.event.public_id})) == {
        old.public_id
    }


def test_full_text_search_matches_statements_and_quotes(api):
    claim = make_claim(label="barisha")
    make_claim(label="mayadeen")

    assert ids(api.get("/api/v1/claims/", {"q": "barisha"})) == {claim.public_id}
    # The quote of the first citation: "barisha quote 0 soldiers".
    assert claim.public_id in ids(api.get("/api/v1/claims/", {"q": "barisha quote"}))
    assert ids(api.get("/api/v1/claims/", {"q": "zanzibar"})) == set()


def test_ordering_by_confidence(api):
    low = make_claim(confidence=5)
    high = make_claim(confidence=1)
    results = api.get("/api/v1/claims/", {"ordering": "confidence"}).json()["results"]
    assert [r["id"] for r in results] == [high.public_id, low.public_id]


def test_conflicting_figures_and_consensus_from_other_published_claims(api):
    a, b = same_quantity_pair(values=(8, 5))
    conflict = make_conflict(a.figures.get(), b.figures.get())

    data = api.get(f"/api/v1/claims/{a.public_id}/").json()
    figure = data["figures"][0]
    assert data["has_conflict"] is True
    assert figure["consensus_interval"] is None
    [shown] = figure["conflicts"]
    assert shown["id"] == conflict.public_id
    [other] = shown["figures"]
    assert other["claim"] == b.public_id
    assert other["interval"]["low"] == 5
    assert other["sources"][0]["name"].endswith("originator 0")
    assert ids(api.get("/api/v1/claims/", {"has_conflict": "true"})) == {
        a.public_id,
        b.public_id,
    }
    listed = api.get("/api/v1/conflicts/").json()["results"]
    assert [c["id"] for c in listed] == [conflict.public_id]
    assert {f["claim"] for f in listed[0]["figures"]} == {a.public_id, b.public_id}


def test_overlapping_figures_have_their_intersection_as_consensus(api):
    a, b = same_quantity_pair(values=(8, 8))
    figure = b.figures.get()
    figure.qualifier, figure.value = "between", 5
    figure.value_high = 10
    figure.save()

    data = api.get(f"/api/v1/claims/{a.public_id}/").json()
    assert data["figures"][0]["consensus_interval"]["low"] == 8
    assert data["figures"][0]["consensus_interval"]["high"] == 8
    assert data["has_conflict"] is False


def test_conflict_with_an_unpublished_claim_is_not_public(api):
    a, b = same_quantity_pair(second_state=ClaimState.IN_REVIEW)
    make_conflict(a.figures.get(), b.figures.get())

    data = api.get(f"/api/v1/claims/{a.public_id}/").json()
    assert data["has_conflict"] is False
    assert data["figures"][0]["conflicts"] == []
    # One published figure alone agrees with nobody: no consensus (the rule
    # needs two or more), whatever the claim in review says.
    assert data["figures"][0]["consensus_interval"] is None
    assert data["figures"][0]["ranges"]["best"]["best"] == 8
    assert api.get("/api/v1/conflicts/").json()["results"] == []
    assert ids(api.get("/api/v1/claims/", {"has_conflict": "true"})) == set()


def test_correction_chain_and_feed(api):
    old = make_claim(ClaimState.SUPERSEDED, label="old")
    new = make_claim(corrects=old, label="new", public_note="Figure corrected.")
    withdrawn = make_claim(ClaimState.RETRACTED, label="gone")
    add_transition(old, to_state=ClaimState.SUPERSEDED, comment="internal: typo")
    add_transition(
        withdrawn,
        to_state=ClaimState.RETRACTED,
        comment="internal: source burned",
        at=timezone.now() + dt.timedelta(seconds=5),
    )

    data = api.get(f"/api/v1/claims/{old.public_id}/").json()
    assert data["corrected_by"]["id"] == new.public_id
    assert [c["id"] for c in data["correction_chain"]] == [old.public_id, new.public_id]
    newer = api.get(f"/api/v1/claims/{new.public_id}/").json()
    assert newer["corrects"]["id"] == old.public_id

    response = api.get("/api/v1/corrections/")
    feed = response.json()["results"]
    assert [item["claim"]["id"] for item in feed] == [
        withdrawn.public_id,
        old.public_id,
    ]
    assert feed[0]["type"] == "retraction"
    assert feed[0]["withdrawn"] is True
    assert feed[0]["now_says"] is None
    assert feed[0]["note"] == withdrawn.public_note
    assert feed[1]["type"] == "supersession"
    assert feed[1]["said"] == old.statement
    assert feed[1]["now_says"] == new.statement
    assert feed[1]["note"] == "Figure corrected."
    assert b"internal" not in response.content


def test_sources_count_only_published_claims(api):
    sohr = SourceFactory(name="SOHR")
    make_claim(originator=sohr)
    make_claim(originator=sohr)
    make_claim(ClaimState.DRAFT, originator=sohr)
    make_claim(ClaimState.REJECTED, originator=sohr)

    data = api.get(f"/api/v1/sources/{sohr.public_id}/").json()
    assert data["published_claim_count"] == 2
    assert data["reliability"] == "B"


def test_sources_documents_events_only_of_published_claims(api):
    shown = make_claim(label="shown")
    make_claim(ClaimState.DRAFT, label="hidden")

    sources = api.get("/api/v1/sources/", {"page_size": 100}).json()["results"]
    assert {s["name"] for s in sources} == {
        "shown originator 0",
        "shown publisher 0",
    }
    documents = api.get("/api/v1/documents/").json()["results"]
    assert [d["title"] for d in documents] == ["shown document 0"]
    events = api.get("/api/v1/events/").json()["results"]
    assert [e["id"] for e in events] == [shown.event.public_id]
    assert events[0]["published_claim_count"] == 1


@pytest.mark.postgres
def test_postgres_search_is_stemmed_and_follows_quotes_as_they_change(api):
    from registry.models import Citation

    claim = make_claim(label="raqqa")
    citation = Citation.objects.get(claim=claim)
    document = citation.document

    # Statements are stemmed ("statements" finds "statement"); quotes are
    # matched word for word, and a changed quote changes what is found.
    assert ids(api.get("/api/v1/claims/", {"q": "statements"})) == {claim.public_id}
    assert ids(api.get("/api/v1/claims/", {"q": "quote"})) == {claim.public_id}
    assert ids(api.get("/api/v1/claims/", {"q": "Preamble"})) == set()

    document.text = "Preamble. Los soldados murieron. The end."
    document.save()
    citation.quote = "Los soldados murieron"
    citation.start = document.text.index(citation.quote)
    citation.end = citation.start + len(citation.quote)
    citation.save()
    assert ids(api.get("/api/v1/claims/", {"q": "murieron"})) == {claim.public_id}
    assert ids(api.get("/api/v1/claims/", {"q": "quote"})) == set()
    assert ids(api.get("/api/v1/claims/", {"q": '"soldados murieron"'})) == {
        claim.public_id
    }
    assert ids(api.get("/api/v1/claims/", {"q": "murieron -raqqa"})) == set()
