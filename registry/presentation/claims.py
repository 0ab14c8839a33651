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
from django.utils import translation

from registry import policy
from registry.choices import (
    Confidence,
    FigureKind,
    Reliability,
    SourceKind,
)
from registry.figures import intervals, rules
from registry.models import Citation, Claim, Document, Event, Figure, Source


def iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # Always UTC with microseconds: one fixed width, as the SQL export writes.
        utc = value.astimezone(dt.UTC)
        return utc.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return value.isoformat()


def english(label) -> str:
    """A choice's label as the public data states it: in English, whatever
    language the request or the reviewer who published it uses (the API's
    JSON is language-neutral; the pages translate from the codes)."""
    with translation.override("en"):
        return str(label)


def confidence_label(level: int | None) -> str:
    if level is None:
        return ""
    return english(Confidence(level).label).split(": ", 1)[-1]


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
        "place_precision": event.place_precision,
        "latitude": None if event.latitude is None else float(event.latitude),
        "longitude": None if event.longitude is None else float(event.longitude),
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


def originator_ref(citation: Citation) -> dict[str, Any] | None:
    """The named originator, or None for an unnamed one (``attributed_to``)."""
    return source_ref(citation.originator) if citation.originator_id else None


def originator_name(citation: dict) -> str:
    """A public citation's originator as a reader names it: the source's
    name, or an unnamed one's description."""
    if citation["originator"] is not None:
        return citation["originator"]["name"]
    return f"{citation['attributed_to']} (unnamed)"


def derived_from_data(citation: Citation, urls: Urls) -> list[dict[str, Any]]:
    """The published citations this citation's figure is derived from (pass
    ``derivation_links`` prefetched with ``basis__claim``, ``basis__originator``
    and ``basis__document``). A basis in a claim the public cannot see is
    left out; ``derived`` still says the figure is not independent."""
    found = []
    for link in citation.derivation_links.all():
        basis = link.basis
        if not policy.is_public(basis.claim.state):
            continue
        found.append(
            {
                "claim": basis.claim.public_id,
                "claim_url": urls.api(basis.claim.public_id),
                "originator": originator_ref(basis),
                "attributed_to": basis.attributed_to,
                "document": basis.document.public_id,
                "quote": basis.quote,
            }
        )
    return found


def citation_data(citation: Citation, urls: Urls | None = None) -> dict[str, Any]:
    links = citation.derivation_links.all()
    return {
        "originator": originator_ref(citation),
        "attributed_to": citation.attributed_to,
        "relay_chain": [source_ref(link.source) for link in citation.relay_links.all()],
        "document": document_ref(citation.document),
        "quote": citation.quote,
        "start": citation.start,
        "end": citation.end,
        "stance": citation.stance,
        "derived": bool(links),
        "derived_from": derived_from_data(citation, urls or Urls()) if links else [],
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
    originators, seen, unnamed = [], set(), []
    for citation in claim.citations.all():
        if citation.originator_id is None:
            if citation.attributed_to not in unnamed:
                unnamed.append(citation.attributed_to)
        elif citation.originator_id not in seen:
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
        "unnamed_sources": unnamed,
    }


def figure_fields(figure: Figure) -> dict[str, Any]:
    """A figure as stated and as an interval."""
    return {
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
        "as_of_time": figure.as_of_time.isoformat() if figure.as_of_time else None,
        "interval": interval_data(figure.kind, figure.interval),
    }


def parts_data(figures: list[Figure]) -> list[dict[str, Any]]:
    """For each of a claim's figures (in order): the position of the total
    it is a part of, whether it is a total computed from its parts, and for
    a total with parts the check that they add up (``rules.check_parts``)."""
    position = {f.pk: i for i, f in enumerate(figures)}
    parts: dict[Any, list[Figure]] = {}
    for figure in figures:
        if figure.part_of_id in position:
            parts.setdefault(figure.part_of_id, []).append(figure)
    found = []
    for figure in figures:
        check = rules.check_parts(figure, parts.get(figure.pk, ()))
        found.append(
            {
                "part_of": position.get(figure.part_of_id),
                "computed": figure.computed,
                "parts_check": None
                if check is None
                else {
                    "parts": [position[p.pk] for p in check.parts],
                    "parts_sum": interval_data(figure.kind, check.parts_sum),
                    "consistent": check.consistent,
                    "reason": check.reason,
                },
            }
        )
    return found


def range_data(result, excluded: list[dict]) -> dict[str, Any]:
    """One ``rules.QuantityRange`` as JSON values, with the figures it left
    out and why."""
    return {
        "rule": result.rule,
        "low": iso(result.low) if isinstance(result.low, dt.date) else result.low,
        "best": iso(result.best) if isinstance(result.best, dt.date) else result.best,
        "high": iso(result.high) if isinstance(result.high, dt.date) else result.high,
        "as_of": iso(result.as_of),
        "note": result.note,
        "excluded": excluded,
    }


def figure_data(
    figure: Figure, facts: dict | None, urls: Urls, *, live: bool
) -> dict[str, Any]:
    """A figure of a published claim with its quantity's public facts.

    ``facts`` is the quantity's public document (``services.projection``),
    computed from published, current figures only. A figure of a retracted
    or superseded claim shows the quantity's consensus and ranges but takes
    no part in its conflict.
    """
    data = figure_fields(figure)
    data["revised_by"] = facts["_revised_by"].get(str(figure.pk)) if facts else None
    data["revises"] = facts["_revises"].get(str(figure.pk)) if facts else None
    data["consensus_interval"] = facts["consensus_interval"] if facts else None
    data["ranges"] = facts["ranges"] if facts else None
    data["inconsistencies"] = facts["inconsistencies"] if facts else []
    conflict = facts.get("conflict") if facts else None
    data["conflicts"] = []
    if live and conflict is not None:
        others = [f for f in conflict["figures"] if f["claim"] != figure.claim.public_id]
        if others and figure.pk in conflict["_figure_ids"]:
            data["conflicts"].append(
                {
                    "id": conflict["id"],
                    "status": conflict["status"],
                    "rationale": conflict["rationale"],
                    "preferred": (conflict["_preferred_figure"] == figure.pk)
                    if conflict["status"] == "settled"
                    else None,
                    "figures": others,
                }
            )
    return data


def claim_ref(claim: Claim, urls: Urls) -> dict[str, Any]:
    return {
        "id": claim.public_id,
        "url": urls.api(claim.public_id),
        "statement": claim.statement,
        "state": claim.state,
        "published_at": iso(claim.published_at),
    }


def claim_data(
    claim: Claim,
    urls: Urls,
    *,
    facts: dict[str, dict],
    chain: list[Claim],
) -> dict[str, Any]:
    """A published claim's public document (without ``updated_at``, which
    the projection adds). ``facts``: quantity key -> public facts;
    ``chain``: its public versions, oldest first (empty when never corrected)."""
    live = policy.is_live(claim.state)
    every = list(claim.figures.all())
    figures = [
        figure_data(f, facts.get(f.quantity_key), urls, live=live) for f in every
    ]
    for data, breakdown in zip(figures, parts_data(every), strict=True):
        data.update(breakdown)
    position = next((i for i, c in enumerate(chain) if c.pk == claim.pk), None)
    predecessor = chain[position - 1] if position else None
    successor = (
        chain[position + 1]
        if position is not None and position + 1 < len(chain)
        else None
    )
    return {
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
        "citations": [citation_data(c, urls) for c in claim.citations.all()],
        "has_conflict": any(f["conflicts"] for f in figures),
        "public_note": claim.public_note,
        "corrects": claim_ref(predecessor, urls) if predecessor else None,
        "corrected_by": claim_ref(successor, urls) if successor else None,
        "correction_chain": [claim_ref(c, urls) for c in chain],
        "published_at": iso(claim.published_at),
    }


def source_data(source: Source) -> dict[str, Any]:
    return {
        **source_ref(source),
        "kind_label": english(SourceKind(source.kind).label),
        "aliases": source.extra_aliases,
        "based_in": source.based_in,
        "parent": source_ref(source.parent) if source.parent_id else None,
        "reliability_label": english(Reliability(source.reliability).label).split(
            ": ", 1
        )[-1],
        "reliability_rationale": source.reliability_rationale,
        "homepage": source.homepage,
        "platform": source.platform,
        "handle": source.handle,
        "profile_url": source.profile_url,
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
        "published_claim_count": event.published_claim_count,
    }


def correction_data(
    claim: Claim, successor: Claim | None, corrected_at, urls: Urls
) -> dict[str, Any]:
    """A retraction or supersession, as the corrections feed shows it."""
    note = claim.public_note or (successor.public_note if successor else "")
    return {
        "claim": claim_ref(claim, urls),
        "type": "retraction" if claim.state == "retracted" else "supersession",
        "said": claim.statement,
        "now_says": successor.statement if successor else None,
        "withdrawn": successor is None,
        "corrected_by": claim_ref(successor, urls) if successor else None,
        "corrected_at": iso(corrected_at),
        "note": note,
    }
