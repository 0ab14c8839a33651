"""Streamed exports of every published claim: CSV and JSON Lines.

Both walk the published claims in primary-key order with
``QuerySet.iterator(chunk_size=...)``: a server-side cursor on PostgreSQL,
with the citations and figures prefetched one chunk at a time, so memory
stays flat however many claims there are. JSON Lines carries the same
objects as the API (without the conflict context); CSV has one row per
claim, with its citations and figures in readable, " | "-separated columns
(citation *n* is the *n*-th item of each citation column).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from .api.representation import Urls, claim_data, confidence_label, iso
from .selectors import published_claims_for_export

CHUNK_SIZE = 2000
SEPARATOR = " | "

CSV_COLUMNS = [
    "id",
    "url",
    "statement",
    "kind",
    "state",
    "confidence",
    "confidence_label",
    "confidence_rationale",
    "event_id",
    "event_title",
    "event_date_earliest",
    "event_date_latest",
    "originators",
    "relay_chains",
    "document_titles",
    "document_publishers",
    "document_urls",
    "document_dates",
    "document_languages",
    "quotes",
    "figures",
    "figure_intervals",
    "public_note",
    "corrects",
    "corrected_by",
    "published_at",
    "updated_at",
]


def _claims():
    return published_claims_for_export().iterator(chunk_size=CHUNK_SIZE)


def _join(values) -> str:
    return SEPARATOR.join(v or "" for v in values)


def _successor_id(claim) -> str:
    from .api.representation import successor_of

    successor = successor_of(claim)
    return successor.public_id if successor else ""


def _csv_row(claim, urls: Urls) -> list:
    citations = list(claim.citations.all())
    figures = list(claim.figures.all())
    event = claim.event
    return [
        claim.public_id,
        urls.permalink(claim.public_id),
        claim.statement,
        claim.kind,
        claim.state,
        claim.confidence,
        confidence_label(claim.confidence),
        claim.confidence_rationale,
        event.public_id if event else "",
        event.title if event else "",
        iso(event.date_earliest) if event else "",
        iso(event.date_latest) if event else "",
        _join(c.originator.name for c in citations),
        _join(
            " > ".join(link.source.name for link in c.relay_links.all())
            for c in citations
        ),
        _join(c.document.title for c in citations),
        _join(
            c.document.publisher.name if c.document.publisher_id else ""
            for c in citations
        ),
        _join(c.document.url for c in citations),
        _join(iso(c.document.published_on) for c in citations),
        _join(c.document.language for c in citations),
        _join(c.quote for c in citations),
        _join(
            f"{f.metric} {f.subject}: {f.stated or f.value or f.date_value}"
            for f in figures
        ),
        _join(str(f.interval) if f.interval else "" for f in figures),
        claim.public_note,
        claim.corrects.public_id if claim.corrects_id else "",
        _successor_id(claim),
        iso(claim.published_at),
        iso(claim.updated_at),
    ]


def iter_csv(urls: Urls) -> Iterator[str]:
    """The CSV export, a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for rows, claim in enumerate(_claims(), start=1):
        writer.writerow(_csv_row(claim, urls))
        if rows % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def iter_jsonl(urls: Urls) -> Iterator[str]:
    """The JSON Lines export: one claim object a line."""
    lines = []
    for claim in _claims():
        data = claim_data(claim, urls, with_conflicts=False)
        lines.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        if len(lines) == 200:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"
