"""Plain-dict representations of public objects.

The API, the JSON Lines export, the ClaimReview feed and the permalink page
all read claims through these functions, so they say the same thing. They
are plain Python (no per-field serializer machinery) because a page of
claims with their citations and figures is the hot path; the shapes are
documented by the serializers in ``serializers.py``, and the schemathesis
test checks every response against that documentation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.urls import reverse

from registry import intervals
from registry.choices import (
    Confidence,
    FigureKind,
    Reliability,
    SourceKind,
)
from registry.models import Citation, Claim, Conflict, Document, Event, Figure, Source
from registry.selectors import is_public, public_conflict_figures


def iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # Always UTC with microseconds: one fixed width, as the SQL export writes.
        utc = value.astimezone(dt.UTC)
        return utc.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return value.isoformat()


def confidence_label(level: int | None) -> str:
    if level is None:
        return ""
    return Confidence(level).label.split(": ", 1)[-1]


def claim_api_path(public_id: str) -> str:
    return reverse("api:claim-detail", kwargs={"public_id": public_id})


def claim_permalink_path(public_id: str) -> str:
    return reverse("claim-permalink", kwargs={"public_id": public_id})


class Urls:
    """Builds absolute addresses from one base, computed once per response.

    ``reverse()`` is resolved once per address kind and then filled in, so
    a page or an export of many claims does not pay for it per claim.
    """

    _MARK = "--public-id--"

    def __init__(self, base: str = ""):
        self.base = base.rstrip("/")
        self._api = self._permalink = None

    def _template(self, path: str) -> tuple[str, str]:
        before, after = path.split(self._MARK)
        return self.base + before, after

    def api(self, public_id: str) -> str:
        if self._api is None:
            self._api = self._template(claim_api_path(self._MARK))
        return self._api[0] + quote(public_id, safe="") + self._api[1]

    def permalink(self, public_id: str) -> str:
        if self._permalink is None:
            self._permalink = self._template(claim_permalink_path(self._MARK))
        return self._permalink[0] + quote(public_id, safe="") + self._permalink[1]


def source_ref(source: Source) -> dict[str, Any]:
    return {
        "id": source.public_id,
        "name": source.name,
        "short_name": source.short_name,
        "kind": source.kind,
        "reliability": source.reliability,
    }


def event_ref(event: Event | None) -> dict[str, Any] | None:
    if event is None:
        return None
    return {
        "id": event.public_id,
        "title": event.title,
        "place": event.place,
        "date_earliest": iso(event.date_earliest),
        "date_latest": iso(event.date_latest),
        "date_precision": event.date_precision,
    }


def document_ref(document: Document) -> dict[str, Any]:
    return {
        "id": document.public_id,
        "kind": document.kind,
        "title": document.title,
        "publisher": source_ref(document.publisher) if document.publisher else None,
        "url": document.url,
        "archive_url": document.archive_url,
        "published_on": iso(document.published_on),
        "published_precision": document.published_precision,
        "language": document.language,
    }


def citation_data(citation: Citation) -> dict[str, Any]:
    return {
        "originator": source_ref(citation.originator),
        "relay_chain": [source_ref(link.source) for link in citation.relay_links.all()],
        "document": document_ref(citation.document),
        "quote": citation.quote,
        "start": citation.start,
        "end": citation.end,
        "stance": citation.stance,
    }


def interval_data(kind: str, interval: intervals.Interval | None) -> dict | None:
    """An interval as numbers (quantities) or ISO dates (date figures)."""
    if interval is None:
        return None
    if kind == FigureKind.DATE:
        return {
            "low": None,
            "high": None,
            "earliest": dt.date.fromordinal(interval.low).isoformat(),
            "latest": dt.date.fromordinal(interval.high).isoformat(),
        }
    return {
        "low": interval.low,
        "high": interval.high,
        "earliest": None,
        "latest": None,
    }


def other_figure_data(figure: Figure, urls: Urls) -> dict[str, Any]:
    claim = figure.claim
    originators, seen = [], set()
    for citation in claim.citations.all():
        if citation.originator_id not in seen:
            seen.add(citation.originator_id)
            originators.append(source_ref(citation.originator))
    return {
        "claim": claim.public_id,
        "claim_url": urls.api(claim.public_id),
        "statement": claim.statement,
        "claim_state": claim.state,
        "stated": figure.stated,
        "interval": interval_data(figure.kind, figure.interval),
        "sources": originators,
    }


def figure_conflicts(figure: Figure, urls: Urls) -> list[dict[str, Any]]:
    out = []
    for conflict in figure.conflicts.all():
        others = [
            f
            for f in public_conflict_figures(conflict)
            if f.claim_id != figure.claim_id
        ]
        if not others:
            continue  # a conflict with unpublished figures only is not public
        preferred = conflict.preferred_figure_id
        out.append(
            {
                "id": conflict.public_id,
                "status": conflict.status,
                "rationale": conflict.rationale,
                "preferred": preferred == figure.pk
                if preferred and conflict.status == "settled"
                else None,
                "figures": [other_figure_data(f, urls) for f in others],
            }
        )
    return out


def figure_data(figure: Figure, urls: Urls, *, with_conflicts: bool = True) -> dict:
    context = getattr(figure, "context", None)
    data = {
        "kind": figure.kind,
        "metric": figure.metric,
        "subject": figure.subject,
        "stated": figure.stated,
        "qualifier": figure.qualifier,
        "value": figure.value,
        "value_high": figure.value_high,
        "unit": figure.unit if figure.kind == FigureKind.QUANTITY else "",
        "date_value": iso(figure.date_value),
        "date_precision": figure.date_precision,
        "period_start": iso(figure.period_start),
        "period_end": iso(figure.period_end),
        "as_of": iso(figure.as_of),
        "interval": interval_data(figure.kind, figure.interval),
    }
    if with_conflicts:
        data["consensus_interval"] = (
            interval_data(figure.kind, context.consensus) if context else None
        )
        data["conflicts"] = figure_conflicts(figure, urls)
    return data


def claim_ref(claim: Claim, urls: Urls) -> dict[str, Any]:
    return {
        "id": claim.public_id,
        "url": urls.api(claim.public_id),
        "statement": claim.statement,
        "state": claim.state,
        "published_at": iso(claim.published_at),
    }


def successor_of(claim: Claim) -> Claim | None:
    try:
        successor = claim.corrected_by
    except Claim.DoesNotExist:
        return None
    return successor if is_public(successor) else None


def predecessor_of(claim: Claim) -> Claim | None:
    return claim.corrects if claim.corrects_id and is_public(claim.corrects) else None


def claim_data(
    claim: Claim, urls: Urls, *, with_conflicts: bool = True
) -> dict[str, Any]:
    figures = [
        figure_data(f, urls, with_conflicts=with_conflicts) for f in claim.figures.all()
    ]
    predecessor, successor = predecessor_of(claim), successor_of(claim)
    data = {
        "id": claim.public_id,
        "url": urls.api(claim.public_id),
        "permalink": urls.permalink(claim.public_id),
        "statement": claim.statement,
        "kind": claim.kind,
        "state": claim.state,
        "confidence": {
            "level": claim.confidence,
            "label": confidence_label(claim.confidence),
            "rationale": claim.confidence_rationale,
        },
        "event": event_ref(claim.event),
        "figures": figures,
        "citations": [citation_data(c) for c in claim.citations.all()],
        "has_conflict": any(f.get("conflicts") for f in figures),
        "public_note": claim.public_note,
        "corrects": claim_ref(predecessor, urls) if predecessor else None,
        "corrected_by": claim_ref(successor, urls) if successor else None,
        "correction_chain": [
            claim_ref(c, urls) for c in getattr(claim, "correction_chain", [])
        ],
        "published_at": iso(claim.published_at),
        "updated_at": iso(claim.updated_at),
    }
    if not with_conflicts:  # the exports: no conflict context, no chain
        del data["has_conflict"], data["correction_chain"]
    return data


def source_data(source: Source) -> dict[str, Any]:
    return {
        **source_ref(source),
        "kind_label": SourceKind(source.kind).label,
        "aliases": source.extra_aliases,
        "based_in": source.based_in,
        "parent": source_ref(source.parent) if source.parent_id else None,
        "reliability_label": Reliability(source.reliability).label.split(": ", 1)[-1],
        "reliability_rationale": source.reliability_rationale,
        "homepage": source.homepage,
        "published_claim_count": source.published_claim_count,
        "relayed_claim_count": source.relayed_claim_count,
    }


def document_data(document: Document) -> dict[str, Any]:
    return {
        **document_ref(document),
        "part_of": document.part_of.public_id if document.part_of_id else None,
        "retrieved_at": iso(document.retrieved_at),
        "content_hash": document.content_hash,
    }


def event_data(event: Event) -> dict[str, Any]:
    return {
        **event_ref(event),
        "description": event.description,
        "place_precision": event.place_precision,
        "latitude": None if event.latitude is None else float(event.latitude),
        "longitude": None if event.longitude is None else float(event.longitude),
        "published_claim_count": event.published_claim_count,
    }


def conflict_data(conflict: Conflict, urls: Urls) -> dict[str, Any]:
    figures = public_conflict_figures(conflict)
    consensus = None
    if figures:
        consensus = figures[0].interval
        for figure in figures[1:]:
            if consensus is None or figure.interval is None:
                consensus = None
                break
            consensus = consensus.intersection(figure.interval)
    preferred = conflict.preferred_figure
    return {
        "id": conflict.public_id,
        "kind": conflict.kind,
        "metric": conflict.metric,
        "subject": conflict.subject,
        "event": event_ref(conflict.event),
        "period_start": iso(conflict.period_start),
        "period_end": iso(conflict.period_end),
        "status": conflict.status,
        "rationale": conflict.rationale,
        "preferred_claim": preferred.claim.public_id
        if preferred is not None and is_public(preferred.claim)
        else None,
        "consensus_interval": interval_data(conflict.kind, consensus),
        "figures": [other_figure_data(f, urls) for f in figures],
        "updated_at": iso(conflict.updated_at),
    }


def correction_data(claim: Claim, urls: Urls) -> dict[str, Any]:
    successor = successor_of(claim)
    note = claim.public_note or (successor.public_note if successor else "")
    return {
        "claim": claim_ref(claim, urls),
        "type": "retraction" if claim.state == "retracted" else "supersession",
        "said": claim.statement,
        "now_says": successor.statement if successor else None,
        "withdrawn": successor is None,
        "corrected_by": claim_ref(successor, urls) if successor else None,
        "corrected_at": iso(claim.corrected_at),
        "note": note,
    }
