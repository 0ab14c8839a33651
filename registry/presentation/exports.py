"""Streamed exports of every published claim: tidy tables, JSON Lines, GeoJSON.

Every export reads the public projection (``selectors.public``: the stored
documents, in primary-key order, a batch at a time), so memory stays flat
however many claims there are, and an export says exactly what the API
says.

- ``claims.csv``: one row per claim, citations and figures in readable,
  " | "-separated columns (citation *n* is the *n*-th item of each
  citation column), plus numeric columns (counts, event dates and place).
- ``claims.jsonl``: each claim's document as the API serves it, one a line.
- ``figures.csv`` / ``figures.jsonl``: one row per figure, tidy (one value
  a cell): the figure as stated and as numbers, its quantity's consensus
  and ranges, its conflict, its event's dates and place. Column names
  follow UCDP GED (``best``, ``low``, ``high``, ``date_start``,
  ``date_end``, ``date_prec``, ``where_prec``, ``latitude``, ...) where
  the meaning is the same.
- ``events.geojson``: events with coordinates, each a GeoJSON Point
  feature carrying its published figures.

Each table's columns are declared once below (``CLAIM_FIELDS``,
``FIGURE_FIELDS``, ``EVENT_FIELDS``): the CSV header, the data package's
Table Schema (``datapackage.json``) and ``docs/exports.md`` follow them.

Cells a spreadsheet would run as a formula (starting with =, +, -, @, a tab
or a carriage return) are written with a leading apostrophe, as OWASP
recommends for CSV injection; numbers are never text, so a negative number
stays a number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Max
from django.urls import reverse

from registry.choices import DatePrecision, PlacePrecision, Stance
from registry.presentation.claims import originator_name
from registry.selectors import public

CHUNK_SIZE = 2000
SEPARATOR = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

# UCDP GED's codes: date_prec 1 exact day ... 5 only the year is known;
# where_prec 1 exact place, 2 near it (within 25 km), 3 second-order
# administrative division, 4 first-order division, 6 only the country.
DATE_PREC = {
    DatePrecision.DAY: 1,
    DatePrecision.DAYS: 2,
    DatePrecision.WEEK: 3,
    DatePrecision.MONTH: 4,
    DatePrecision.YEAR: 5,
}
WHERE_PREC = {
    PlacePrecision.EXACT: 1,
    PlacePrecision.NEAR: 2,
    PlacePrecision.DISTRICT: 3,
    PlacePrecision.PROVINCE: 4,
    PlacePrecision.COUNTRY: 6,
}
GRADES = "ABCDEF"


@dataclass(frozen=True)
class Field:
    """One column: its name, Table Schema type and meaning."""

    name: str
    type: str  # Frictionless Table Schema type: string, integer, number, ...
    description: str


def _fields(*rows: tuple[str, str, str] | Field) -> list[Field]:
    return [row if isinstance(row, Field) else Field(*row) for row in rows]


LIST_NOTE = ' (" | "-separated, one item per citation, in citation order)'

CLAIM_FIELDS = _fields(
    ("id", "string", "The claim's stable public identifier."),
    ("url", "string", "The claim's public page (permalink)."),
    ("statement", "string", "The claim in the registry's neutral wording."),
    ("kind", "string", "casualty_figure, event, date, quotation or other."),
    ("state", "string", "approved, retracted or superseded."),
    ("confidence", "integer", "The registry's confidence, Admiralty credibility "
     "1 (confirmed) to 5 (improbable); 6: cannot be judged."),
    ("confidence_label", "string", "The confidence level in words."),
    ("confidence_rationale", "string", "The reviewer's reasons for the level."),
    ("event_id", "string", "The event's public identifier."),
    ("event_title", "string", "The event's title."),
    ("event_date_earliest", "date", "Earliest date the event may have happened."),
    ("event_date_latest", "date", "Latest date the event may have happened."),
    ("originators", "string", "Who first made the statement" + LIST_NOTE
     + "; an unnamed originator as the document describes them, marked "
     "'(unnamed)'."),
    ("relay_chains", "string", "Through whom it reached the document, "
     '" > "-separated' + LIST_NOTE + "."),
    ("document_titles", "string", "Titles of the documents" + LIST_NOTE + "."),
    ("document_publishers", "string", "Publishers of the documents" + LIST_NOTE + "."),
    ("document_urls", "string", "Addresses of the documents" + LIST_NOTE + "."),
    ("document_dates", "string", "Publication dates of the documents" + LIST_NOTE + "."),
    ("document_languages", "string", "BCP 47 language codes" + LIST_NOTE + "."),
    ("quotes", "string", "The exact quotes" + LIST_NOTE + "."),
    ("figures", "string", 'Each figure as "metric subject: as stated", " | "-separated.'),
    ("figure_intervals", "string", "Each figure's interval, [low, high] or "
     "[low, open), or [earliest, latest] for dates, in figure order."),
    ("public_note", "string", "The public note of a retraction or correction."),
    ("corrects", "string", "Public id of the claim this one corrects."),
    ("corrected_by", "string", "Public id of the claim that corrects this one."),
    ("published_at", "datetime", "When the claim was published (UTC)."),
    ("updated_at", "datetime", "When its public document last changed (UTC)."),
    ("citation_count", "integer", "Number of citations."),
    ("originator_count", "integer", "Number of distinct originators (a relay "
     "is not an originator; each distinct unnamed description counts once)."),
    ("figure_count", "integer", "Number of figures."),
    ("has_conflict", "boolean", "true when a figure disagrees with another "
     "published claim's figure about the same quantity."),
    ("date_start", "date", "The event's earliest date (UCDP GED date_start)."),
    ("date_end", "date", "The event's latest date (UCDP GED date_end)."),
    ("date_prec", "integer", "Precision of the event's date, UCDP GED codes: "
     "1 day, 2 a few days, 3 week, 4 month, 5 year."),
    ("where_description", "string", "The event's place, as written."),
    ("where_prec", "integer", "Precision of the place, UCDP GED codes: 1 exact, "
     "2 near, 3 district, 4 province, 6 country."),
    ("latitude", "number", "WGS 84 latitude of the event's place."),
    ("longitude", "number", "WGS 84 longitude of the event's place."),
    ("source_grade", "string", "Best reliability grade (A-F, Admiralty scale) "
     "among the originators who assert the claim; F when none."),
)

FIGURE_FIELDS = _fields(
    ("claim_id", "string", "Public identifier of the claim holding the figure."),
    ("claim_url", "string", "The claim's public page (permalink)."),
    ("claim_state", "string", "approved, retracted or superseded; figures of "
     "retracted or superseded claims take no part in consensus, ranges or "
     "conflicts."),
    ("claim_kind", "string", "casualty_figure, event, date, quotation or other."),
    ("statement", "string", "The claim in the registry's neutral wording."),
    ("figure_number", "integer", "Position of the figure in its claim, from 1."),
    ("figure_kind", "string", "quantity or date."),
    ("source_original", "string", 'Originators, who first made the statement, '
     '" | "-separated (UCDP GED source_original).'),
    ("originator_ids", "string", 'Public ids of the originators, " | "-separated.'),
    ("source_relays", "string", 'Sources through which it reached a document '
     '(relays are not corroboration), " | "-separated.'),
    ("document_ids", "string", 'Public ids of the documents, " | "-separated.'),
    ("source_article", "string", 'Titles of the documents, " | "-separated '
     "(UCDP GED source_article)."),
    ("source_office", "string", 'Publishers of the documents, " | "-separated '
     "(UCDP GED source_office)."),
    ("source_url", "string", 'Addresses of the documents, " | "-separated.'),
    ("source_date", "string", 'Publication dates of the documents, " | "-separated '
     "(UCDP GED source_date)."),
    ("metric", "string", "What is counted or dated: killed, injured, died_on, ..."),
    ("subject", "string", "Who or what: Syrian Arab Army soldiers, ..."),
    ("qualifier", "string", "exactly, at_least, more_than, at_most, "
     "fewer_than, about or between; empty for dates."),
    ("stated", "string", "The figure in the source's words."),
    ("unit", "string", "Unit of a quantity (people, ...); empty for dates."),
    ("value", "integer", "The number as stated (the lower one of a between)."),
    ("value_high", "integer", "The upper number of a between."),
    ("figure_low", "integer", "Lower bound of the figure's interval."),
    ("figure_high", "integer", "Upper bound of the figure's interval; empty: open "
     "(at least / more than)."),
    ("figure_date", "date", "The date as stated (date figures)."),
    ("figure_date_precision", "string", "Precision of that date: day, days, "
     "week, month or year."),
    ("figure_date_earliest", "date", "Earliest day the stated date covers."),
    ("figure_date_latest", "date", "Latest day the stated date covers."),
    ("consensus_low", "integer", "Lower bound of the intersection of the "
     "quantity's current published figures (where they overlap)."),
    ("consensus_high", "integer", "Upper bound of that intersection; empty: open."),
    ("consensus_earliest", "date", "Earliest day of the consensus (date quantities)."),
    ("consensus_latest", "date", "Latest day of the consensus (date quantities)."),
    ("conservative_low", "integer", "The quantity's conservative value (rule "
     "'conservative', as ACLED codes fatalities): lowest lower bound among "
     "figures from sources graded A-C."),
    ("conservative_best", "integer", "Same number as conservative_low."),
    ("conservative_high", "integer", "Same number as conservative_low."),
    ("best", "integer", "The quantity's best estimate by the rule named in "
     "range_rule (UCDP GED best)."),
    ("low", "integer", "The quantity's low estimate (UCDP GED low)."),
    ("high", "integer", "The quantity's high estimate (UCDP GED high); empty: open."),
    ("range_rule", "string", "Name of the rule that gave best / low / high "
     "(see docs/conflicts-and-confidence.md)."),
    ("range_as_of", "date", "Date the range's figures are as of, when known."),
    ("range_note", "string", "Why a range is empty or partial, when it is."),
    ("best_date", "date", "Best estimate of a date quantity."),
    ("low_date", "date", "Earliest estimate of a date quantity."),
    ("high_date", "date", "Latest estimate of a date quantity."),
    ("conflict_id", "string", "Public id of the conflict this figure takes part in."),
    ("conflict_status", "string", "open, explained or settled."),
    ("conflict_preferred", "boolean", "In a settled conflict, true for the "
     "preferred figure."),
    ("revision_status", "string", "current, or revised when the same "
     "originator has since given a later figure (a revised figure counts in "
     "no range, consensus or conflict)."),
    ("revised_by_claim", "string", "Public id of the claim with the "
     "originator's later figure, when revised."),
    ("as_of", "date", "Date the figure is as of (a toll 'as of' a day)."),
    ("period_start", "date", "Start of the period the figure covers."),
    ("period_end", "date", "End of the period the figure covers."),
    ("event_id", "string", "Public id of the event."),
    ("event_title", "string", "The event's title."),
    *[f for f in CLAIM_FIELDS if f.name in (
        "date_start", "date_end", "date_prec")],
    ("date_precision", "string", "The event date's precision in words: day, "
     "days, week, month or year."),
    *[f for f in CLAIM_FIELDS if f.name in (
        "where_description", "where_prec")],
    ("where_precision", "string", "The place's precision in words: exact, "
     "near, district, province or country."),
    *[f for f in CLAIM_FIELDS if f.name in ("latitude", "longitude")],
    ("confidence", "integer", "The registry's confidence in the claim, "
     "Admiralty credibility 1 (confirmed) to 5 (improbable); 6: cannot be judged."),
    ("confidence_label", "string", "The confidence level in words."),
    ("source_grade", "string", "Best reliability grade (A-F) among the "
     "originators who assert the claim; F when none."),
    ("published_at", "datetime", "When the claim was published (UTC)."),
    ("updated_at", "datetime", "When the claim's public document last changed (UTC)."),
)

EVENT_FIELDS = _fields(
    ("id", "string", "The event's stable public identifier."),
    ("url", "string", "The event in the API."),
    ("title", "string", "The event's title."),
    ("description", "string", "What happened."),
    *[f for f in CLAIM_FIELDS if f.name in (
        "where_description", "where_prec")],
    ("where_precision", "string", "exact, near, district, province or country."),
    *[f for f in CLAIM_FIELDS if f.name in ("date_start", "date_end", "date_prec")],
    ("date_precision", "string", "day, days, week, month or year."),
    ("published_claim_count", "integer", "Published claims about the event."),
    ("figures", "array", "Its published figures, each an object with the "
     "figures.csv columns from claim_id to conflict_preferred, and confidence "
     "and source_grade."),
)

CSV_COLUMNS = [f.name for f in CLAIM_FIELDS]
FIGURE_COLUMNS = [f.name for f in FIGURE_FIELDS]
_EVENT_FIGURE_COLUMNS = [*FIGURE_COLUMNS[:FIGURE_COLUMNS.index("event_id")], "confidence", "source_grade"]


def csv_safe(value) -> object:
    """A cell as a spreadsheet will read it as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_safe(value)


def _join(values: Iterable) -> str:
    return SEPARATOR.join(v or "" for v in values)


def _unique(items: Iterable[dict]) -> list[dict]:
    seen, found = set(), []
    for item in items:
        if item["id"] not in seen:
            seen.add(item["id"])
            found.append(item)
    return found


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


def _grade(citations: list[dict]) -> str:
    grades = [
        c["originator"]["reliability"] if c["originator"] else "F"
        for c in citations
        if c["stance"] == Stance.ASSERTS
    ]
    return min(grades, key=GRADES.index) if grades else "F"


def _event_columns(event: dict | None) -> dict:
    event = event or {}
    return {
        "date_start": event.get("date_earliest"),
        "date_end": event.get("date_latest"),
        "date_prec": DATE_PREC.get(event.get("date_precision")),
        "where_description": event.get("place") or None,
        "where_prec": WHERE_PREC.get(event.get("place_precision")),
        "latitude": event.get("latitude"),
        "longitude": event.get("longitude"),
    }


def claim_record(doc: dict) -> dict:
    """One claim document as a ``CLAIM_FIELDS`` row (typed values)."""
    citations = doc["citations"]
    figures = doc["figures"]
    event = doc["event"] or {}
    return {
        "id": doc["id"],
        "url": doc["permalink"],
        "statement": doc["statement"],
        "kind": doc["kind"],
        "state": doc["state"],
        "confidence": doc["confidence"]["level"],
        "confidence_label": doc["confidence"]["label"],
        "confidence_rationale": doc["confidence"]["rationale"],
        "event_id": event.get("id"),
        "event_title": event.get("title"),
        "event_date_earliest": event.get("date_earliest"),
        "event_date_latest": event.get("date_latest"),
        "originators": _join(originator_name(c) for c in citations),
        "relay_chains": _join(
            " > ".join(s["name"] for s in c["relay_chain"]) for c in citations
        ),
        "document_titles": _join(c["document"]["title"] for c in citations),
        "document_publishers": _join(
            (c["document"]["publisher"] or {}).get("name") for c in citations
        ),
        "document_urls": _join(c["document"]["url"] for c in citations),
        "document_dates": _join(c["document"]["published_on"] for c in citations),
        "document_languages": _join(c["document"]["language"] for c in citations),
        "quotes": _join(c["quote"] for c in citations),
        "figures": _join(
            f"{f['metric']} {f['subject']}: {_as_stated(f)}" for f in figures
        ),
        "figure_intervals": _join(_interval_text(f["interval"]) for f in figures),
        "public_note": doc["public_note"],
        "corrects": (doc["corrects"] or {}).get("id"),
        "corrected_by": (doc["corrected_by"] or {}).get("id"),
        "published_at": doc["published_at"],
        "updated_at": doc.get("updated_at"),
        "citation_count": len(citations),
        "originator_count": len(
            _unique(c["originator"] for c in citations if c["originator"])
        )
        + len({c["attributed_to"] for c in citations if c["originator"] is None}),
        "figure_count": len(figures),
        "has_conflict": doc["has_conflict"],
        **_event_columns(doc["event"]),
        "source_grade": _grade(citations),
    }


def figure_records(doc: dict) -> Iterator[dict]:
    """One claim document's figures as ``FIGURE_FIELDS`` rows (typed values)."""
    citations = doc["citations"]
    originators = _unique(c["originator"] for c in citations if c["originator"])
    unnamed = list(
        dict.fromkeys(originator_name(c) for c in citations if c["originator"] is None)
    )
    relays = _unique(s for c in citations for s in c["relay_chain"])
    documents = _unique(c["document"] for c in citations)
    event = doc["event"] or {}
    shared = {
        "claim_id": doc["id"],
        "claim_url": doc["permalink"],
        "claim_state": doc["state"],
        "claim_kind": doc["kind"],
        "statement": doc["statement"],
        "source_original": _join([*(s["name"] for s in originators), *unnamed]),
        "originator_ids": _join(s["id"] for s in originators),
        "source_relays": _join(s["name"] for s in relays),
        "document_ids": _join(d["id"] for d in documents),
        "source_article": _join(d["title"] for d in documents),
        "source_office": _join((d["publisher"] or {}).get("name") for d in documents),
        "source_url": _join(d["url"] for d in documents),
        "source_date": _join(d["published_on"] for d in documents),
    }
    tail = {
        "event_id": event.get("id"),
        "event_title": event.get("title"),
        **_event_columns(doc["event"]),
        "date_precision": event.get("date_precision"),
        "where_precision": event.get("place_precision"),
        "confidence": doc["confidence"]["level"],
        "confidence_label": doc["confidence"]["label"],
        "source_grade": _grade(citations),
        "published_at": doc["published_at"],
        "updated_at": doc.get("updated_at"),
    }
    for number, figure in enumerate(doc["figures"], 1):
        quantity = figure["kind"] == "quantity"
        interval = figure["interval"] or {}
        consensus = figure["consensus_interval"] or {}
        ranges = figure["ranges"] or {}
        conservative = ranges.get("conservative") or {}
        best = ranges.get("best") or {}
        conflict = figure["conflicts"][0] if figure["conflicts"] else {}
        record = {
            **shared,
            "figure_number": number,
            "figure_kind": figure["kind"],
            "metric": figure["metric"],
            "subject": figure["subject"],
            "qualifier": figure["qualifier"],
            "stated": figure["stated"],
            "unit": figure["unit"],
            "value": figure["value"],
            "value_high": figure["value_high"],
            "figure_low": interval.get("low"),
            "figure_high": interval.get("high"),
            "figure_date": figure["date_value"],
            "figure_date_precision": None if quantity else figure["date_precision"],
            "figure_date_earliest": interval.get("earliest"),
            "figure_date_latest": interval.get("latest"),
            "consensus_low": consensus.get("low"),
            "consensus_high": consensus.get("high"),
            "consensus_earliest": consensus.get("earliest"),
            "consensus_latest": consensus.get("latest"),
            "conservative_low": conservative.get("low") if quantity else None,
            "conservative_best": conservative.get("best") if quantity else None,
            "conservative_high": conservative.get("high") if quantity else None,
            "best": best.get("best") if quantity else None,
            "low": best.get("low") if quantity else None,
            "high": best.get("high") if quantity else None,
            "range_rule": best.get("rule"),
            "range_as_of": best.get("as_of"),
            "range_note": best.get("note") or None,
            "best_date": None if quantity else best.get("best"),
            "low_date": None if quantity else best.get("low"),
            "high_date": None if quantity else best.get("high"),
            "conflict_id": conflict.get("id"),
            "conflict_status": conflict.get("status"),
            "conflict_preferred": conflict.get("preferred"),
            "revision_status": "revised" if figure.get("revised_by") else "current",
            "revised_by_claim": (figure.get("revised_by") or {}).get("claim"),
            "as_of": figure["as_of"],
            "period_start": figure["period_start"],
            "period_end": figure["period_end"],
            **tail,
        }
        yield {name: record[name] for name in FIGURE_COLUMNS}


def _documents(base: str) -> Iterator[list[dict]]:
    for bodies in public.export_bodies(base=base, batch_size=CHUNK_SIZE):
        yield [json.loads(body) for body in bodies]


def _iter_table(base: str, columns: list[str], rows_of, *, bom: bool) -> Iterator[str]:
    buffer = io.StringIO()
    # CRLF as RFC 4180 has it; it also makes the writer quote a lone \r.
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow([csv_safe(c) for c in columns])
    for docs in _documents(base):
        for doc in docs:
            for row in rows_of(doc):
                writer.writerow([_cell(row[name]) for name in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def iter_csv(base: str, *, bom: bool = False) -> Iterator[str]:
    """``claims.csv``, a batch of rows at a time."""
    return _iter_table(base, CSV_COLUMNS, lambda d: [claim_record(d)], bom=bom)


def iter_figures_csv(base: str, *, bom: bool = False) -> Iterator[str]:
    """``figures.csv``, a batch of rows at a time."""
    return _iter_table(base, FIGURE_COLUMNS, figure_records, bom=bom)


def iter_jsonl(base: str) -> Iterator[bytes]:
    """``claims.jsonl``: one claim document a line, as the API serves it."""
    return public.export_documents(base=base)


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def iter_figures_jsonl(base: str) -> Iterator[str]:
    """``figures.jsonl``: one ``figures.csv`` row a line, as a JSON object
    with typed values (numbers, booleans, null for empty)."""
    for docs in _documents(base):
        lines = [_dump(r) for doc in docs for r in figure_records(doc)]
        if lines:
            yield "\n".join(lines) + "\n"


def _event_feature(event, docs: list[dict], base: str) -> dict:
    ref = {
        "date_earliest": event.date_earliest and event.date_earliest.isoformat(),
        "date_latest": event.date_latest and event.date_latest.isoformat(),
        "date_precision": event.date_precision,
        "place": event.place,
        "place_precision": event.place_precision,
        "latitude": float(event.latitude),
        "longitude": float(event.longitude),
    }
    columns = _event_columns(ref)
    figures = [
        {name: record[name] for name in _EVENT_FIGURE_COLUMNS}
        for doc in docs
        for record in figure_records(doc)
    ]
    return {
        "type": "Feature",
        "id": event.public_id,
        "geometry": {
            "type": "Point",
            "coordinates": [columns["longitude"], columns["latitude"]],
        },
        "properties": {
            "id": event.public_id,
            "url": base
            + reverse("api:event-detail", kwargs={"public_id": event.public_id}),
            "title": event.title,
            "description": event.description,
            "where_description": columns["where_description"],
            "where_prec": columns["where_prec"],
            "where_precision": event.place_precision,
            "date_start": columns["date_start"],
            "date_end": columns["date_end"],
            "date_prec": columns["date_prec"],
            "date_precision": event.date_precision,
            "published_claim_count": event.published_claim_count,
            "figures": figures,
        },
    }


def iter_events_geojson(base: str) -> Iterator[str]:
    """``events.geojson``: a FeatureCollection of the events with published
    claims and coordinates, a batch of events at a time (two queries each)."""
    base = base.rstrip("/")
    yield '{"type":"FeatureCollection","features":['
    last, first = 0, True
    events = public.public_events().filter(
        latitude__isnull=False, longitude__isnull=False
    )
    while True:
        batch = list(events.filter(pk__gt=last).order_by("pk")[:CHUNK_SIZE])
        if not batch:
            break
        last = batch[-1].pk
        docs: dict[int, list[dict]] = {}
        for event_id, body in (
            public.published_claims()
            .filter(event_id__in=[e.pk for e in batch])
            .order_by("pk")
            .values_list("event_id", "body")
        ):
            docs.setdefault(event_id, []).append(
                json.loads(public.with_base(body, base))
            )
        parts = [
            _dump(_event_feature(event, docs.get(event.pk, []), base))
            for event in batch
        ]
        yield ("" if first else ",") + ",".join(parts)
        first = False
    yield "]}\n"


def last_modified():
    """When the public data last changed (None when nothing is published)."""
    claims = public.published_claims().aggregate(at=Max("updated_at"))["at"]
    return claims
