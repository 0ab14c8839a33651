import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry import exports
from registry.api.representation import claim_data
from registry.choices import ClaimState
from registry.selectors import published_claims
from tests.api_support import make_claim
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def read(response) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_csv_export_has_one_row_per_published_claim_with_provenance():
    relay = SourceFactory(name="EFE")
    claim = make_claim(citations=2, figures=2, relay=relay, label="two")
    make_claim(ClaimState.SUPERSEDED, label="old")
    make_claim(ClaimState.DRAFT, label="secret")

    response = Client().get("/api/v1/exports/claims.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(read(response))))

    assert {r["statement"].split()[0] for r in rows} == {"two", "old"}
    row = next(r for r in rows if r["id"] == claim.public_id)
    assert row["originators"] == "two originator 0 | two originator 1"
    assert row["relay_chains"] == "EFE | EFE"
    assert row["quotes"] == "two quote 0 soldiers | two quote 1 soldiers"
    assert row["figure_intervals"] == "[8, open) | [8, open)"
    assert row["confidence"] == "3"
    assert list(rows[0]) == exports.CSV_COLUMNS


def test_jsonl_export_has_one_claim_object_a_line():
    claims = [make_claim(citations=1, figures=2) for _ in range(3)]
    make_claim(ClaimState.REJECTED)

    lines = read(Client().get("/api/v1/exports/claims.jsonl")).splitlines()

    records = [json.loads(line) for line in lines]
    assert {r["id"] for r in records} == {c.public_id for c in claims}
    assert all(len(r["figures"]) == 2 for r in records)
    assert records[0]["citations"][0]["quote"]


def test_jsonl_records_are_the_api_representation_without_conflicts():
    relay = SourceFactory(name="EFE")
    old = make_claim(ClaimState.SUPERSEDED, citations=2, figures=2, relay=relay)
    new = make_claim(corrects=old, citations=1, figures=1)
    make_claim(ClaimState.DRAFT, corrects=new)  # an unpublished correction
    urls = exports.Urls("http://testserver")

    lines = "".join(exports.iter_jsonl(urls)).splitlines()
    records = {r["id"]: r for r in map(json.loads, lines)}

    for claim in (old, new):
        expected = claim_data(
            published_claims().get(pk=claim.pk), urls, with_conflicts=False
        )
        assert records[claim.public_id] == json.loads(json.dumps(expected))
    assert records[new.public_id]["corrects"]["id"] == old.public_id
    assert records[new.public_id]["corrected_by"] is None


def test_export_streams_in_chunks_over_an_iterator(monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    for _ in range(5):
        make_claim()
    with CaptureQueriesContext(connection) as queries:
        chunks = list(exports.iter_jsonl(exports.Urls("http://x")))
    assert sum(chunk.count("\n") for chunk in chunks) == 5
    # Three batches of five queries, and one empty batch to finish.
    assert len(queries) == 3 * 5 + 1


@pytest.mark.postgres
def test_postgres_writes_the_same_csv_as_python():
    import datetime as dt

    from registry.models import Figure

    relay = SourceFactory(name="EFE, relayed")
    old = make_claim(ClaimState.SUPERSEDED, citations=2, figures=2, relay=relay)
    make_claim(corrects=old, citations=1, figures=0, event=None)
    make_claim(ClaimState.RETRACTED, label='quote "and" comma, newline\nhere')
    dated = make_claim(figures=0)
    Figure.objects.create(
        claim=dated,
        kind="date",
        metric="died_on",
        subject="al-Baghdadi",
        date_value=dt.date(2019, 10, 26),
        date_precision="day",
    )
    make_claim(ClaimState.DRAFT)
    urls = exports.Urls("http://testserver")

    python = "".join(exports._iter_csv_python(urls))
    postgres = b"".join(exports._iter_csv_postgres(urls)).decode()

    assert list(csv.reader(io.StringIO(postgres))) == list(
        csv.reader(io.StringIO(python))
    )
    assert postgres.count("\n") >= 5
