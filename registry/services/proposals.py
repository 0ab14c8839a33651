"""From a document's text to draft claims: accepting a proposal of the claim
proposer, citing a selected span ("cite this"), and remembering a rejected
proposal so it is not offered again.

Each goes through the workflow's own services (``claim_create``,
``citation_save``, ``figure_save``), in one transaction: a claim is created
with its citation and figures, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registry.models import (
    Citation,
    CitationRelay,
    Claim,
    Document,
    Event,
    Figure,
    RejectedProposal,
    Source,
)
from registry.services.workflow import (
    WorkflowError,
    citation_save,
    claim_create,
    figure_save,
)

# The figure fields an editor may set on a proposed figure.
FIGURE_FIELDS = frozenset(
    {
        "kind",
        "metric",
        "subject",
        "stated",
        "qualifier",
        "value",
        "value_high",
        "period_start",
        "as_of",
        "date_value",
        "date_precision",
    }
)


def _check_span(document: Document, start: int, end: int, quote: str) -> None:
    if not (0 <= start < end <= len(document.text)):
        raise WorkflowError(
            _("Characters %(start)s-%(end)s are not inside the document's text.")
            % {"start": start, "end": end}
        )
    if document.text[start:end] != quote:
        raise WorkflowError(
            _(
                "The quote is not the document's text at characters "
                "%(start)s-%(end)s: was the document changed? Reload the page."
            )
            % {"start": start, "end": end}
        )


def _messages(exc: ValidationError, prefix: str) -> list[str]:
    return [f"{prefix}{message}" for message in exc.messages]


def claim_cite_document(
    *,
    actor,
    document: Document,
    start: int,
    end: int,
    quote: str,
    originator: Source | None,
    attributed_to: str = "",
    claim: Claim | None = None,
    event: Event | None = None,
    statement: str = "",
    kind: str = "",
    figures: Iterable[dict[str, Any]] = (),
    relays: Iterable[Source] = (),
    proposer_version: str = "",
) -> Claim:
    """Cite ``document[start:end]`` (which must be ``quote``) as said by
    ``originator`` (or by an unnamed one, described in ``attributed_to``),
    with ``figures``: into ``claim`` when given (it must be
    editable), else into a new draft claim with ``statement`` and ``kind``
    created by ``actor`` about ``event`` (marked as proposed when
    ``proposer_version`` is given). Returns the claim."""
    figures = [dict(f) for f in figures]
    for figure in figures:
        unknown = set(figure) - FIGURE_FIELDS
        if unknown:
            raise WorkflowError(
                _("These figure fields cannot be set: %(fields)s.")
                % {"fields": ", ".join(sorted(unknown))}
            )
    _check_span(document, start, end, quote)
    with transaction.atomic():
        if claim is None:
            claim = claim_create(
                actor=actor,
                statement=(statement or "").strip(),
                kind=kind,
                event=event,
                proposer_version=proposer_version,
            )
        citation = Citation(
            claim=claim,
            document=document,
            originator=originator,
            attributed_to=attributed_to,
            quote=quote,
            start=start,
            end=end,
        )
        citation_save(citation=citation, actor=actor)
        chain = []
        for source in relays:
            if source.pk != getattr(originator, "pk", None) and source.pk not in chain:
                chain.append(source.pk)
        for position, source_id in enumerate(chain, start=1):
            CitationRelay.objects.create(
                citation=citation, source_id=source_id, position=position
            )
        problems: list[str] = []
        for number, fields in enumerate(figures, start=1):
            figure = Figure(claim=claim, **fields)
            try:
                figure_save(figure=figure, actor=actor)
            except ValidationError as exc:
                problems += _messages(
                    exc, _("Figure %(number)s: ") % {"number": number}
                )
        if problems:
            # Nothing of this claim is kept: the editor corrects and retries.
            raise WorkflowError(problems)
    return claim


def proposal_reject(
    *,
    actor,
    document: Document,
    start: int,
    end: int,
    quote: str,
    proposer_version: str,
) -> RejectedProposal:
    """Remember that an editor turned this proposal down: the proposer of
    this version will not offer this span of this document again."""
    if actor is None or not actor.is_active or not actor.has_perm("registry.add_claim"):
        raise PermissionDenied(_("Only an editor can reject proposals."))
    if not (proposer_version or "").strip():
        raise WorkflowError(_("A rejected proposal needs the proposer's version."))
    _check_span(document, start, end, quote)
    try:
        with transaction.atomic():
            rejected, _created = RejectedProposal.objects.get_or_create(
                document=document,
                start=start,
                end=end,
                proposer_version=proposer_version,
                defaults={"quote": quote, "rejected_by": actor},
            )
    except IntegrityError:
        # Two editors rejecting the same proposal at once: one row is enough.
        rejected = RejectedProposal.objects.get(
            document=document,
            start=start,
            end=end,
            proposer_version=proposer_version,
        )
    return rejected
