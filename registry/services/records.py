"""Sources, documents and events: their edits go through here, so that the
published claims that use them show the change at once (the public
projection is refreshed in the same transaction) and history records who
made it.

A published claim is read-only, and so is what it rests on: who said it
and how far we trust them (a source's reliability, kind and parent), where
it was read (a document's publisher, date, address and text), and where and
when it happened (an event's date and place). Changing one of those under a
published claim takes the reviewer's permission, as publishing it did.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from registry.choices import PUBLIC_STATES
from registry.models import Claim, Document, Event, PublicClaim, PublicFacet, Source
from registry.services.projection import projection_refresh

REVIEW_PERMISSION = "registry.review_claim"

# The fields each record's published claims rest on (attribute names).
PROVENANCE_FIELDS = {
    Source: ("reliability", "kind", "parent_id", "platform", "handle"),
    Document: (
        "kind",
        "publisher_id",
        "part_of_id",
        "url",
        "published_on",
        "published_precision",
        "language",
        "text",
    ),
    Event: (
        "date_earliest",
        "date_latest",
        "date_precision",
        "place",
        "place_precision",
        "latitude",
        "longitude",
    ),
}


def _published_claims(record) -> Q:
    pk = record.pk
    if isinstance(record, Source):
        return (
            Q(citations__originator=pk)
            | Q(citations__relay_links__source=pk)
            | Q(citations__document__publisher=pk)
        )
    if isinstance(record, Document):
        return Q(citations__document=pk)
    return Q(event=pk)


def provenance_is_published(record) -> bool:
    """Whether a published claim (approved, retracted or superseded) uses it."""
    if record.pk is None:
        return False
    return (
        Claim.objects.filter(state__in=PUBLIC_STATES)
        .filter(_published_claims(record))
        .exists()
    )


def provenance_changes(record) -> list[str]:
    """The provenance fields of ``record`` that differ from the stored row."""
    if record.pk is None:
        return []
    fields = PROVENANCE_FIELDS[type(record)]
    stored = type(record).objects.filter(pk=record.pk).values(*fields).first()
    if stored is None:
        return []
    return [name for name in fields if getattr(record, name) != stored[name]]


def _check_provenance(record, actor) -> None:
    changed = provenance_changes(record)
    if not changed or not provenance_is_published(record):
        return
    if actor is not None and actor.is_active and actor.has_perm(REVIEW_PERMISSION):
        return
    names = ", ".join(name.removesuffix("_id").replace("_", " ") for name in changed)
    raise PermissionDenied(
        f"Published claims rest on this {type(record).__name__.lower()}'s {names}: "
        f"changing it takes a reviewer ({REVIEW_PERMISSION})."
    )


def _claims_with_facet(facets: list[str], pk: int) -> set[int]:
    return set(
        PublicFacet.objects.filter(facet__in=facets, value=str(pk)).values_list(
            "claim_id", flat=True
        )
    )


def _save(record, actor) -> None:
    _check_provenance(record, actor)
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
