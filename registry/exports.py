"""Streamed exports of every published claim: CSV and JSON Lines.

Both walk the published claims in primary-key order, a batch at a time
(``selectors.published_claim_batches``: plain rows, keyset pagination), so
memory stays flat however many claims there are. JSON Lines carries the
same objects as the API (without the conflict context and the correction
chain; ``corrects`` and ``corrected_by`` are there); CSV has one row per
claim, with its citations and figures in readable, " | "-separated columns
(citation *n* is the *n*-th item of each citation column).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from django.db import connection

from . import selectors
from .api.representation import Urls, confidence_label, iso
from .choices import Confidence, FigureKind
from .selectors import PUBLIC

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


def _source(row: dict, prefix: str) -> dict:
    return {
        "id": row[f"{prefix}__public_id"],
        "name": row[f"{prefix}__name"],
        "short_name": row[f"{prefix}__short_name"],
        "kind": row[f"{prefix}__kind"],
        "reliability": row[f"{prefix}__reliability"],
    }


def _interval(f: dict) -> dict | None:
    if f["kind"] == FigureKind.DATE:
        if f["date_earliest"] is None:
            return None
        return {
            "low": None,
            "high": None,
            "earliest": iso(f["date_earliest"]),
            "latest": iso(f["date_latest"]),
        }
    if f["low"] is None:
        return None
    return {"low": f["low"], "high": f["high"], "earliest": None, "latest": None}


def _claim_ref(row: dict, urls: Urls, prefix: str = "") -> dict:
    public_id = row[f"{prefix}public_id"]
    return {
        "id": public_id,
        "url": urls.api(public_id),
        "statement": row[f"{prefix}statement"],
        "state": row[f"{prefix}state"],
        "published_at": iso(row[f"{prefix}published_at"]),
    }


def claim_record(claim: dict, batch: selectors.ExportBatch, urls: Urls) -> dict:
    """One claim as ``claim_data(..., with_conflicts=False)`` shows it, from rows."""
    pk = claim["pk"]
    public_id = claim["public_id"]
    successor = batch.successors.get(pk)
    predecessor_public = claim["corrects_id"] and claim["corrects__state"] in PUBLIC
    return {
        "id": public_id,
        "url": urls.api(public_id),
        "permalink": urls.permalink(public_id),
        "statement": claim["statement"],
        "kind": claim["kind"],
        "state": claim["state"],
        "confidence": {
            "level": claim["confidence"],
            "label": confidence_label(claim["confidence"]),
            "rationale": claim["confidence_rationale"],
        },
        "event": None
        if claim["event__public_id"] is None
        else {
            "id": claim["event__public_id"],
            "title": claim["event__title"],
            "place": claim["event__place"],
            "date_earliest": iso(claim["event__date_earliest"]),
            "date_latest": iso(claim["event__date_latest"]),
            "date_precision": claim["event__date_precision"],
        },
        "figures": [
            {
                "kind": f["kind"],
                "metric": f["metric"],
                "subject": f["subject"],
                "stated": f["stated"],
                "qualifier": f["qualifier"],
                "value": f["value"],
                "value_high": f["value_high"],
                "unit": f["unit"] if f["kind"] == FigureKind.QUANTITY else "",
                "date_value": iso(f["date_value"]),
                "date_precision": f["date_precision"],
                "period_start": iso(f["period_start"]),
                "period_end": iso(f["period_end"]),
                "as_of": iso(f["as_of"]),
                "interval": _interval(f),
            }
            for f in batch.figures.get(pk, ())
        ],
        "citations": [
            {
                "originator": _source(c, "originator"),
                "relay_chain": [
                    _source(r, "source") for r in batch.relays.get(c["pk"], ())
                ],
                "document": {
                    "id": c["document__public_id"],
                    "kind": c["document__kind"],
                    "title": c["document__title"],
                    "publisher": _source(c, "document__publisher")
                    if c["document__publisher_id"]
                    else None,
                    "url": c["document__url"],
                    "archive_url": c["document__archive_url"],
                    "published_on": iso(c["document__published_on"]),
                    "published_precision": c["document__published_precision"],
                    "language": c["document__language"],
                },
                "quote": c["quote"],
                "start": c["start"],
                "end": c["end"],
                "stance": c["stance"],
            }
            for c in batch.citations.get(pk, ())
        ],
        "public_note": claim["public_note"],
        "corrects": _claim_ref(claim, urls, "corrects__")
        if predecessor_public
        else None,
        "corrected_by": _claim_ref(successor, urls) if successor else None,
        "published_at": iso(claim["published_at"]),
        "updated_at": iso(claim["updated_at"]),
    }


def _records(urls: Urls) -> Iterator[dict]:
    for batch in selectors.published_claim_batches(CHUNK_SIZE):
        for claim in batch.claims:
            yield claim_record(claim, batch, urls)


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


def iter_csv(urls: Urls) -> Iterator[str | bytes]:
    """The CSV export, a chunk of rows at a time."""
    if connection.vendor == "postgresql":
        return _iter_csv_postgres(urls)
    return _iter_csv_python(urls)


def _iter_csv_python(urls: Urls) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rows, record in enumerate(_records(urls), start=1):
        writer.writerow(_csv_row(record))
        if rows % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def iter_jsonl(urls: Urls) -> Iterator[str]:
    """The JSON Lines export: one claim object a line."""
    lines = []
    for record in _records(urls):
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        if len(lines) == 200:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


# -- CSV written by PostgreSQL ---------------------------------------------------
#
# The same columns as _csv_row, computed by one query and written by
# PostgreSQL's COPY ... TO STDOUT (CSV): the rows never become Python
# objects, so the export runs at the database's pace with flat memory.
# tests/test_exports.py checks that both paths write the same file.

_TS = '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\''


def _ts(column: str) -> str:
    return f"coalesce(to_char({column} AT TIME ZONE 'UTC', {_TS}), '')"


def _day(column: str) -> str:
    return f"coalesce(to_char({column}, 'YYYY-MM-DD'), '')"


def _csv_sql() -> str:
    states = ", ".join(f"'{state}'" for state in PUBLIC)
    labels = " ".join(
        f"WHEN {level} THEN '{confidence_label(level)}'" for level in Confidence.values
    )
    sep = f"'{SEPARATOR}'"
    return f"""
SELECT c.public_id, %(permalink_before)s || c.public_id || %(permalink_after)s,
  c.statement, c.kind, c.state, c.confidence, CASE c.confidence {labels} ELSE '' END,
  c.confidence_rationale, coalesce(e.public_id, ''), coalesce(e.title, ''),
  {_day("e.date_earliest")}, {_day("e.date_latest")},
  coalesce(cit.originators, ''), coalesce(cit.relay_chains, ''),
  coalesce(cit.titles, ''), coalesce(cit.publishers, ''), coalesce(cit.urls, ''),
  coalesce(cit.dates, ''), coalesce(cit.languages, ''), coalesce(cit.quotes, ''),
  coalesce(fig.figures, ''), coalesce(fig.intervals, ''),
  c.public_note, coalesce(p.public_id, ''), coalesce(s.public_id, ''),
  {_ts("c.published_at")}, {_ts("c.updated_at")}
FROM registry_claim c
LEFT JOIN registry_event e ON e.id = c.event_id
LEFT JOIN registry_claim p ON p.id = c.corrects_id AND p.state IN ({states})
LEFT JOIN registry_claim s ON s.corrects_id = c.id AND s.state IN ({states})
LEFT JOIN LATERAL (
  SELECT string_agg(o.name, {sep} ORDER BY ci.id) AS originators,
    string_agg(coalesce((
      SELECT string_agg(rs.name, ' > ' ORDER BY r.position)
      FROM registry_citationrelay r JOIN registry_source rs ON rs.id = r.source_id
      WHERE r.citation_id = ci.id), ''), {sep} ORDER BY ci.id) AS relay_chains,
    string_agg(d.title, {sep} ORDER BY ci.id) AS titles,
    string_agg(coalesce(pub.name, ''), {sep} ORDER BY ci.id) AS publishers,
    string_agg(d.url, {sep} ORDER BY ci.id) AS urls,
    string_agg({_day("d.published_on")}, {sep} ORDER BY ci.id) AS dates,
    string_agg(d.language, {sep} ORDER BY ci.id) AS languages,
    string_agg(ci.quote, {sep} ORDER BY ci.id) AS quotes
  FROM registry_citation ci
  JOIN registry_source o ON o.id = ci.originator_id
  JOIN registry_document d ON d.id = ci.document_id
  LEFT JOIN registry_source pub ON pub.id = d.publisher_id
  WHERE ci.claim_id = c.id
) cit ON true
LEFT JOIN LATERAL (
  SELECT string_agg(f.metric || ' ' || f.subject || ': ' || coalesce(
      nullif(f.stated, ''), f.value::text, to_char(f.date_value, 'YYYY-MM-DD'), ''),
      {sep} ORDER BY f.id) AS figures,
    string_agg(CASE
      WHEN f.kind = 'date' THEN CASE WHEN f.date_earliest IS NULL THEN ''
        ELSE '[' || {_day("f.date_earliest")} || ', ' || {_day("f.date_latest")} || ']'
        END
      WHEN f.low IS NULL THEN ''
      ELSE '[' || f.low || ', ' || coalesce(f.high::text || ']', 'open)')
    END, {sep} ORDER BY f.id) AS intervals
  FROM registry_figure f WHERE f.claim_id = c.id
) fig ON true
WHERE c.state IN ({states})
ORDER BY c.id
"""


def _iter_csv_postgres(urls: Urls) -> Iterator[bytes]:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(CSV_COLUMNS)
    yield buffer.getvalue().encode()
    before, after = urls.permalink("--id--").split("--id--")
    connection.ensure_connection()
    # A cursor of the driver itself: Django's cursor wrapper has no COPY.
    with connection.connection.cursor() as cursor:
        statement = cursor.mogrify(
            _csv_sql(), {"permalink_before": before, "permalink_after": after}
        )
        chunk = bytearray()
        with cursor.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
            for data in copy:
                chunk += data
                if len(chunk) >= 64 * 1024:
                    yield bytes(chunk)
                    chunk.clear()
        yield bytes(chunk)
