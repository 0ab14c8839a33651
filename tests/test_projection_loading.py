"""The projection's bulk loading (``projection.load_citations`` and friends)
hands the presentation code the same rows ``prefetch_related`` would, in a
number of queries that does not grow with the claims."""

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from registry.choices import PUBLIC_STATES
from registry.models import (
    Citation,
    CitationDerivation,
    CitationRelay,
    Claim,
    Figure,
    PublicQuantity,
)
from registry.presentation import claims as shapes
from registry.services import projection, workflow
from tests.factories import EventFactory, SourceFactory
from tests.projection_support import draft, publish, published

pytestmark = pytest.mark.django_db


def prefetched(ids):
    """The claims as the projection read them before the bulk loaders."""
    return list(
        Claim.objects.filter(pk__in=ids, state__in=PUBLIC_STATES)
        .select_related("event", "corrects", "corrected_by")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related(
                    "document__publisher", "originator"
                )
                .prefetch_related(
                    Prefetch(
                        "relay_links",
                        queryset=CitationRelay.objects.select_related("source"),
                    ),
                    Prefetch(
                        "derivation_links",
                        queryset=CitationDerivation.objects.select_related(
                            "basis__claim", "basis__originator", "basis__document"
                        ).order_by("basis__claim__public_id", "basis_id"),
                    ),
                )
                .order_by("pk"),
            ),
            Prefetch("figures", queryset=Figure.objects.order_by("pk")),
        )
        .order_by("pk")
    )


def facts():
    return {
        key: projection.json.loads(body, strict=False)
        for key, body in PublicQuantity.objects.values_list("quantity_key", "body")
    }


@pytest.fixture
def registry(editor, reviewer):
    event = EventFactory()
    agency, ministry = SourceFactory(), SourceFactory()
    basis = published(editor, reviewer, event=event, value=8, originator=ministry)
    relayed = draft(editor, event=event, value=8, originator=agency)
    citation = relayed.citations.get()
    workflow.citation_save(
        citation=citation, actor=editor, relays=[SourceFactory(), SourceFactory()]
    )
    CitationDerivation.objects.create(citation=citation, basis=basis.citations.get())
    publish(relayed, editor, reviewer)
    disputed = published(editor, reviewer, event=event, value=40)
    correction = draft(editor, event=event, value=41, corrects=disputed)
    publish(correction, editor, reviewer)
    return [basis, relayed, disputed, correction]


def test_loaded_claims_give_the_documents_prefetched_ones_give(registry):
    ids = [c.pk for c in registry]
    known = facts()
    rows = projection.compute_claims(ids, known)
    chains = projection._chains(prefetched(ids))
    expected = {
        claim.pk: shapes.claim_data(
            claim, projection.URLS, facts=known, chain=chains[claim.pk]
        )
        for claim in prefetched(ids)
    }
    assert {pk: row.doc for pk, row in rows.items()} == expected
    relayed = rows[registry[1].pk].doc["citations"][0]
    assert len(relayed["relay_chain"]) == 2
    assert relayed["derived_from"][0]["claim"] == registry[0].public_id


def test_loaded_figures_point_at_one_shared_claim_with_its_citations(registry):
    keys = {f.quantity_key for c in registry for f in c.figures.all()}
    live = projection._live_figures(keys)
    figures = [f for group in live.values() for f in group]
    by_claim = {}
    for figure in figures:
        by_claim.setdefault(figure.claim_id, figure.claim)
        assert figure.claim is by_claim[figure.claim_id]
    relayed = by_claim[registry[1].pk]
    (citation,) = relayed.citations.all()
    assert citation.is_derived
    assert citation.originator.pk == registry[1].citations.get().originator_id


def test_computing_claims_takes_the_same_queries_for_more_claims(
    editor, reviewer, registry
):
    known = facts()
    with CaptureQueriesContext(connection) as few:
        projection.compute_claims([c.pk for c in registry], known)
    event = EventFactory()
    more = registry + [
        published(editor, reviewer, event=event, value=n) for n in range(5, 10)
    ]
    known = facts()
    with CaptureQueriesContext(connection) as many:
        rows = projection.compute_claims([c.pk for c in more], known)
    assert len(rows) == len(more)
    assert len(many) == len(few)
