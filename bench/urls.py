"""The registry's URLs plus the benchmark's two ceilings."""

import os
from pathlib import Path

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from factcheck.urls import urlpatterns as registry_urlpatterns

_PAGE: bytes | None = None


def bare_page(request):
    """The ceiling: an already-serialised claim page, through the same stack."""
    global _PAGE
    if _PAGE is None:
        _PAGE = Path(os.environ["BENCH_BARE_FILE"]).read_bytes()
    return HttpResponse(_PAGE, content_type="application/json")


def _source(alias: str) -> str:
    return (
        f"json_build_object('id', {alias}.public_id, 'name', {alias}.name, "
        f"'short_name', {alias}.short_name, 'kind', {alias}.kind, "
        f"'reliability', {alias}.reliability)"
    )


# The first page of the claim list (20 published claims, newest first) as
# nested JSON, built by PostgreSQL in one statement from the base tables:
# claims with their event, figures, and citations with originator, relay
# chain and document (with publisher). It lacks what the projection adds
# (consensus, ranges and conflicts per figure, correction chain), so its
# page is somewhat smaller than the API's.
JSON_AGG_PAGE = f"""
WITH page AS (
    SELECT c.id, c.public_id, c.statement, c.kind, c.state, c.confidence,
           c.confidence_rationale, c.public_note, c.published_at, c.updated_at,
           c.event_id
    FROM registry_claim c
    WHERE c.state IN ('approved', 'retracted', 'superseded')
    ORDER BY c.published_at DESC, c.id DESC
    LIMIT 20
)
SELECT json_build_object(
    'next', NULL,
    'previous', NULL,
    'results', coalesce(json_agg(json_build_object(
        'id', p.public_id,
        'statement', p.statement,
        'kind', p.kind,
        'state', p.state,
        'confidence', json_build_object(
            'level', p.confidence, 'rationale', p.confidence_rationale),
        'event', (
            SELECT json_build_object(
                'id', e.public_id, 'title', e.title, 'place', e.place,
                'date_earliest', e.date_earliest, 'date_latest', e.date_latest,
                'date_precision', e.date_precision)
            FROM registry_event e WHERE e.id = p.event_id),
        'figures', coalesce((
            SELECT json_agg(json_build_object(
                'kind', f.kind, 'metric', f.metric, 'subject', f.subject,
                'stated', f.stated, 'qualifier', f.qualifier, 'value', f.value,
                'value_high', f.value_high, 'unit', f.unit,
                'interval', json_build_object('low', f.low, 'high', f.high))
                ORDER BY f.id)
            FROM registry_figure f WHERE f.claim_id = p.id), '[]'),
        'citations', coalesce((
            SELECT json_agg(json_build_object(
                'originator', {_source("o")},
                'relay_chain', coalesce((
                    SELECT json_agg({_source("s")} ORDER BY r.position)
                    FROM registry_citationrelay r
                    JOIN registry_source s ON s.id = r.source_id
                    WHERE r.citation_id = ct.id), '[]'),
                'document', json_build_object(
                    'id', d.public_id, 'kind', d.kind, 'title', d.title,
                    'publisher', (
                        SELECT {_source("ps")} FROM registry_source ps
                        WHERE ps.id = d.publisher_id),
                    'url', d.url, 'archive_url', d.archive_url,
                    'published_on', d.published_on,
                    'published_precision', d.published_precision,
                    'language', d.language),
                'quote', ct.quote, 'start', ct.start, 'end', ct."end",
                'stance', ct.stance)
                ORDER BY ct.id)
            FROM registry_citation ct
            JOIN registry_source o ON o.id = ct.originator_id
            JOIN registry_document d ON d.id = ct.document_id
            WHERE ct.claim_id = p.id), '[]'),
        'public_note', p.public_note,
        'published_at', p.published_at,
        'updated_at', p.updated_at)
        ORDER BY p.published_at DESC, p.id DESC), '[]'))::text
FROM page p
"""


def json_agg_page(request):
    """The SQL ceiling: one statement builds the page; Django returns it as is."""
    with connection.cursor() as cursor:
        cursor.execute(JSON_AGG_PAGE)
        (body,) = cursor.fetchone()
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench/bare/", bare_page),
    path("bench/json_agg/", json_agg_page),
    *registry_urlpatterns,
]
