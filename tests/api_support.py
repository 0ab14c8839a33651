"""Builders for the public API tests: claims in any state with provenance."""

from __future__ import annotations

import datetime as dt
import itertools
from contextlib import contextmanager

from django.utils import timezone

from registry.choices import PUBLIC_STATES, ClaimState
from registry.models import CitationRelay, ClaimTransition, Conflict, Figure
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DocumentFactory,
    EventFactory,
    FigureFactory,
    SourceFactory,
    UserFactory,
)

_counter = itertools.count(1)


def rebuild_on_request(**kwargs):
    """See the ``projection_follows_rows`` fixture."""
    from registry.services.projection import projection_rebuild

    projection_rebuild()


@contextmanager
def no_rebuild():
    """Requests in this block read the projection as it stands."""
    from django.core.signals import request_started

    request_started.disconnect(dispatch_uid="test-projection")
    try:
        yield
    finally:
        request_started.connect(rebuild_on_request, dispatch_uid="test-projection")


def make_claim(
    state=ClaimState.APPROVED,
    *,
    label: str | None = None,
    citations: int = 1,
    figures: int = 1,
    event=None,
    confidence: int = 3,
    language: str = "en",
    originator=None,
    relay=None,
    published_at=None,
    metric: str = "killed",
    value: int = 8,
    qualifier: str = "at_least",
    **fields,
):
    """A claim whose every visible text carries ``label`` (to detect leaks)."""
    n = next(_counter)
    label = label or f"claim{n}"
    public = state in PUBLIC_STATES
    if public:
        fields.setdefault("published_at", published_at or timezone.now())
    if state == ClaimState.RETRACTED:
        fields.setdefault("public_note", f"{label} withdrawn: wrong figure")
    claim = ClaimFactory(
        statement=f"{label} statement about soldiers",
        state=state,
        confidence=confidence,
        confidence_rationale=f"{label} rationale",
        event=event or EventFactory(title=f"{label} event"),
        **fields,
    )
    for i in range(citations):
        quote = f"{label} quote {i} soldiers"
        document = DocumentFactory(
            title=f"{label} document {i}",
            text=f"Preamble. {quote}. The end.",
            language=language,
            publisher=SourceFactory(name=f"{label} publisher {i}"),
            url=f"https://example.org/{label}/{i}",
        )
        citation = CitationFactory(
            claim=claim,
            document=document,
            originator=originator or SourceFactory(name=f"{label} originator {i}"),
            quote=quote,
        )
        if relay is not None:
            CitationRelay.objects.create(citation=citation, source=relay, position=1)
    for i in range(figures):
        FigureFactory(
            claim=claim,
            metric=metric,
            subject=f"soldiers {i}",
            stated=f"{label} stated {i}",
            qualifier=qualifier,
            value=value,
        )
    return claim


def add_transition(claim, *, to_state, comment, actor=None, at=None):
    actor = actor or UserFactory(
        username="reviewer-jsmith", email="jsmith@newsroom.example"
    )
    return ClaimTransition.objects.create(
        claim=claim,
        actor=actor,
        from_state=ClaimState.APPROVED,
        to_state=to_state,
        comment=comment,
        created_at=at or timezone.now(),
    )


def make_conflict(*figures: Figure, status="open", rationale=""):
    first = figures[0]
    conflict = Conflict.objects.create(
        quantity_key=first.quantity_key,
        event=first.claim.event,
        kind=first.kind,
        metric=first.metric,
        subject=first.subject,
        status=status,
        rationale=rationale,
    )
    conflict.figures.set(figures)
    return conflict


def same_quantity_pair(
    *, first_state=ClaimState.APPROVED, second_state=ClaimState.APPROVED, values=(8, 5)
):
    """Two claims with a figure about one quantity of one event."""
    event = EventFactory(title="Shared event", date_earliest=dt.date(2020, 6, 1))
    a = make_claim(first_state, event=event, value=values[0], qualifier="exactly")
    b = make_claim(second_state, event=event, value=values[1], qualifier="exactly")
    # Same subject so that both figures measure the same quantity.
    for claim in (a, b):
        figure = claim.figures.get()
        figure.subject = "soldiers"
        figure.save()
    return a, b
