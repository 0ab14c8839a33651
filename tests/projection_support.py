"""Claims built through the services, as editors and reviewers make them,
so the public projection is kept by the services themselves."""

from __future__ import annotations

from registry import services
from registry.models import Citation, Figure
from tests.factories import DocumentFactory, SourceFactory

QUOTE = "at least eight soldiers"


def draft(editor, *, event, value=8, qualifier="exactly", value_high=None,
          subject="soldiers", metric="killed", originator=None, corrects=None,
          statement=None):
    """A draft claim with one citation and one figure about (event, metric,
    subject), written through the services."""
    claim = services.claim_create(
        actor=editor,
        statement=statement or f"{qualifier} {value} {subject} {metric}.",
        kind="casualty_figure",
        event=event,
        corrects=corrects,
    )
    document = DocumentFactory()
    start = document.text.find(QUOTE)
    services.citation_save(
        citation=Citation(
            claim=claim,
            document=document,
            originator=originator or SourceFactory(),
            quote=QUOTE,
            start=start,
            end=start + len(QUOTE),
        ),
        actor=editor,
    )
    services.figure_save(
        figure=Figure(
            claim=claim,
            metric=metric,
            subject=subject,
            stated=f"{qualifier} {value}",
            qualifier=qualifier,
            value=value,
            value_high=value_high,
        ),
        actor=editor,
    )
    return claim


def publish(claim, editor, reviewer, confidence=3):
    services.claim_submit(claim=claim, actor=editor)
    return services.claim_approve(
        claim=claim, actor=reviewer, confidence=confidence, rationale="checked"
    )


def published(editor, reviewer, **kwargs):
    return publish(draft(editor, **kwargs), editor, reviewer)
