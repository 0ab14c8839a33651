"""No endpoint shows the public anything that is not published.

Claims are created in every state; every unpublished one, and every
internal comment and reviewer identity, carries a marker string that must
appear in no response of any public endpoint, whatever the parameters.
"""

import itertools

import pytest
from django.core.cache import cache
from django.test import Client

from registry.choices import PUBLIC_STATES, ClaimState
from tests.api_support import add_transition, make_claim, make_conflict
from tests.factories import EventFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]

HIDDEN_STATES = [s for s in ClaimState if s not in PUBLIC_STATES]
SECRETS = [
    "secret",  # every unpublished claim's texts carry "secret-<state>"
    "internal-comment",
    "reviewer-jsmith",
    "jsmith@newsroom.example",
    "Jane Smith-Reviewer",
]

LIST_ENDPOINTS = [
    "/api/v1/claims/",
    "/api/v1/sources/",
    "/api/v1/documents/",
    "/api/v1/events/",
    "/api/v1/conflicts/",
    "/api/v1/corrections/",
    "/api/v1/claimreview/",
    "/api/v1/exports/claims.csv",
    "/api/v1/exports/claims.jsonl",
]


def body(response) -> str:
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return content.decode()


@pytest.fixture
def registry():
    """Published claims entangled with unpublished ones in every way we know."""
    cache.clear()
    reviewer = UserFactory(
        username="reviewer-jsmith",
        email="jsmith@newsroom.example",
        first_name="Jane",
        last_name="Smith-Reviewer",
    )
    shared_source = SourceFactory(name="Shared Monitor", short_name="SM")
    shared_event = EventFactory(title="Shared event")
    published = {}
    for state in sorted(PUBLIC_STATES):
        claim = make_claim(
            state,
            label=f"public-{state}",
            originator=shared_source,
            event=shared_event,
            updated_by=reviewer,
            created_by=reviewer,
        )
        add_transition(
            claim, to_state=state, comment="internal-comment: check", actor=reviewer
        )
        published[state] = claim
    hidden = {}
    for state in HIDDEN_STATES:
        hidden[state] = make_claim(
            state,
            label=f"secret-{state}",
            originator=shared_source if state != ClaimState.DRAFT else None,
            relay=shared_source,
            event=shared_event if state != ClaimState.REJECTED else None,
            created_by=reviewer,
        )
        add_transition(
            hidden[state], to_state=state, comment="internal-comment", actor=reviewer
        )
    # A draft correction of a published claim, and a conflict with a hidden figure.
    approved = published[ClaimState.APPROVED]
    make_claim(ClaimState.DRAFT, label="secret-correction", corrects=approved)
    make_conflict(approved.figures.get(), hidden[ClaimState.IN_REVIEW].figures.get())
    return published, hidden, shared_source


def parameter_sets(published, hidden, source):
    claim = published[ClaimState.APPROVED]
    values = {
        "q": ["soldiers", "secret", "quote"],
        "source": [source.public_id, "SM", "secret-draft originator 0"],
        "source_role": ["originator", "relay"],
        "has_conflict": ["true", "false"],
        "state": ["approved", "draft", "in_review"],
        "event": [claim.event.public_id],
        "metric": ["killed"],
        "language": ["en"],
        "min_confidence": ["6"],
        "page_size": ["1", "100"],
    }
    yield {}
    for name, options in values.items():
        for value in options:
            yield {name: value}
    for a, b in itertools.combinations(["q", "source", "has_conflict"], 2):
        yield {a: values[a][0], b: values[b][0]}


def test_no_endpoint_leaks_an_unpublished_claim_or_internal_data(registry):
    published, hidden, source = registry
    client = Client()
    pages = []
    for url in LIST_ENDPOINTS:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append((url, body(response)))
    for params in parameter_sets(published, hidden, source):
        response = client.get("/api/v1/claims/", params)
        assert response.status_code in (200, 400), params
        pages.append((f"claims {params}", body(response)))
    for claim in published.values():
        for url in (
            f"/api/v1/claims/{claim.public_id}/",
            f"/api/v1/claims/{claim.public_id}/claimreview/",
            f"/claims/{claim.public_id}/",
            f"/api/v1/events/{claim.event.public_id}/",
            f"/api/v1/sources/{source.public_id}/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            pages.append((url, body(response)))

    for where, text in pages:
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked by {where}"

    # The shared source counts only the published claims it originated.
    data = client.get(f"/api/v1/sources/{source.public_id}/").json()
    assert data["published_claim_count"] == len(PUBLIC_STATES)
    assert data["relayed_claim_count"] == 0


def test_unpublished_objects_answer_exactly_like_missing_ones(registry):
    _published, hidden, _source = registry
    client = Client()
    missing = {
        url: client.get(url.format("no-such-id"))
        for url in (
            "/api/v1/claims/{}/",
            "/api/v1/claims/{}/claimreview/",
            "/api/v1/documents/{}/",
            "/api/v1/events/{}/",
            "/api/v1/sources/{}/",
        )
    }
    for claim in hidden.values():
        document = claim.citations.first().document
        cases = {
            "/api/v1/claims/{}/": claim.public_id,
            "/api/v1/claims/{}/claimreview/": claim.public_id,
            "/api/v1/documents/{}/": document.public_id,
            "/api/v1/sources/{}/": document.publisher.public_id,
        }
        if claim.event and claim.event.title.startswith("secret"):
            cases["/api/v1/events/{}/"] = claim.event.public_id
        for url, public_id in cases.items():
            response = client.get(url.format(public_id))
            assert response.status_code == 404
            assert response.content == missing[url].content
        page = client.get(f"/claims/{claim.public_id}/")
        assert page.status_code == 404
        assert "secret" not in body(page)
