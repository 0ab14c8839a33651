"""Sources, documents and events: their edits go through here, so that the
published claims that use them show the change at once (the public
projection is refreshed in the same transaction) and history records who
made it."""

from __future__ import annotations

from django.db import transaction

from registry.models import Document, Event, PublicClaim, PublicFacet, Source
from registry.services.projection import projection_refresh


def _claims_with_facet(facets: list[str], pk: int) -> set[int]:
    return set(
        PublicFacet.objects.filter(facet__in=facets, value=str(pk)).values_list(
            "claim_id", flat=True
        )
    )


def _save(record, actor) -> None:
    record._history_user = actor
    record.full_clean()
    record.save()


@transaction.atomic
def source_save(*, source: Source, actor) -> Source:
    """Create or change a source; published claims citing it show the change."""
    _save(source, actor)
    projection_refresh(
        claim_ids=_claims_with_facet(
            [PublicFacet.ORIGINATOR, PublicFacet.RELAY, PublicFacet.PUBLISHER],
            source.pk,
        )
    )
    return source


@transaction.atomic
def document_save(*, document: Document, actor) -> Document:
    """Create or change a document; published claims citing it show the change."""
    _save(document, actor)
    projection_refresh(
        claim_ids=_claims_with_facet([PublicFacet.DOCUMENT], document.pk)
    )
    return document


@transaction.atomic
def event_save(*, event: Event, actor) -> Event:
    """Create or change an event; published claims about it show the change."""
    _save(event, actor)
    projection_refresh(
        claim_ids=set(
            PublicClaim.objects.filter(event=event).values_list("pk", flat=True)
        )
    )
    return event
