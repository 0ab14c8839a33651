"""Streamed exports of every published claim: CSV and JSON Lines.

Both read the public projection (``selectors.public.export_bodies``: the
stored documents, in primary-key order, a batch at a time), so memory stays
flat however many claims there are, and an export says exactly what the API
says. JSON Lines writes each claim's document as the API serves it, one a
line; CSV has one row per claim, with its citations and figures in
readable, " | "-separated columns (citation *n* is the *n*-th item of each
citation column). Cells a spreadsheet would run as a formula (starting
with =, +, -, @, a tab or a carriage return) are written with a leading
apostrophe, as OWASP recommends for CSV injection.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from registry.selectors import public

CHUNK_SIZE = 2000
SEPARATOR = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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


def csv_safe(value) -> object:
    """A cell as a spreadsheet will read it as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _join(values) -> str:
    return SEPARATOR.join(v or "" for v in values)


def _interval_text(interval: dict | None) -> str:
    if interval is None:
        return ""
    if interval["earliest"] is not None:
        return f"[{interval['earliest']}, {interval['latest']}]"
    high = "open)" if interval["high"] is None else f"{interval['high']}]"
    return f"[{interval['low']}, {high}"


def _as_stated(figure: dict) -> str:
    if figure["stated"]:
        return figure["stated"]
    if figure["value"] is not None:
        return str(figure["value"])
    return figure["date_value"] or ""


def _csv_row(record: dict) -> list:
    citations = record["citations"]
    figures = record["figures"]
    event = record["event"] or {}
    return [
        record["id"],
        record["permalink"],
        record["statement"],
        record["kind"],
        record["state"],
        record["confidence"]["level"],
        record["confidence"]["label"],
        record["confidence"]["rationale"],
        event.get("id", ""),
        event.get("title", ""),
        event.get("date_earliest") or "",
        event.get("date_latest") or "",
        _join(c["originator"]["name"] for c in citations),
        _join(" > ".join(s["name"] for s in c["relay_chain"]) for c in citations),
        _join(c["document"]["title"] for c in citations),
        _join((c["document"]["publisher"] or {}).get("name") for c in citations),
        _join(c["document"]["url"] for c in citations),
        _join(c["document"]["published_on"] for c in citations),
        _join(c["document"]["language"] for c in citations),
        _join(c["quote"] for c in citations),
        _join(f"{f['metric']} {f['subject']}: {_as_stated(f)}" for f in figures),
        _join(_interval_text(f["interval"]) for f in figures),
        record["public_note"],
        (record["corrects"] or {}).get("id", ""),
        (record["corrected_by"] or {}).get("id", ""),
        record["published_at"] or "",
        record["updated_at"] or "",
    ]


def iter_csv(base: str) -> Iterator[str]:
    """The CSV export, a batch of rows at a time."""
    buffer = io.StringIO()
    # CRLF as RFC 4180 has it; it also makes the writer quote a lone \r.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for bodies in public.export_bodies(base=base, batch_size=CHUNK_SIZE):
        for body in bodies:
            writer.writerow([csv_safe(v) for v in _csv_row(json.loads(body))])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def iter_jsonl(base: str) -> Iterator[str]:
    """The JSON Lines export: one claim document a line, as the API serves it."""
    for bodies in public.export_bodies(base=base, batch_size=CHUNK_SIZE):
        yield "\n".join(bodies) + "\n"
