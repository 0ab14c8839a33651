import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry.choices import ClaimState
from registry.presentation import exports
from registry.selectors import public
from registry.services.projection import projection_rebuild
from tests.api_support import make_claim
from tests.conftest import on_postgres
from tests.factories import SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]


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


def test_jsonl_records_are_the_api_documents():
    relay = SourceFactory(name="EFE")
    old = make_claim(ClaimState.SUPERSEDED, citations=2, figures=2, relay=relay)
    new = make_claim(corrects=old, citations=1, figures=1)
    make_claim(ClaimState.DRAFT, corrects=new)  # an unpublished correction

    response = Client().get("/api/v1/exports/claims.jsonl")
    records = {r["id"]: r for r in map(json.loads, read(response).splitlines())}

    for claim in (old, new):
        detail = Client().get(f"/api/v1/claims/{claim.public_id}/").json()
        assert records[claim.public_id] == detail
    assert records[new.public_id]["corrects"]["id"] == old.public_id
    assert records[new.public_id]["corrected_by"] is None


def test_jsonl_export_streams_whole_lines_in_chunks_with_a_fixed_number_of_queries():
    for _ in range(5):
        make_claim()
    projection_rebuild()
    with CaptureQueriesContext(connection) as queries:
        chunks = list(public.export_documents(base="http://x", chunk_bytes=1))
    # Each chunk is whole lines; with chunks of at least one byte, one a line
    # on PostgreSQL (rows arrive one by one), one a batch elsewhere.
    assert all(chunk.endswith(b"\n") for chunk in chunks)
    assert sum(chunk.count(b"\n") for chunk in chunks) == 5
    assert len(chunks) == (5 if on_postgres() else 1)
    # One COPY on PostgreSQL, else one query a batch of 2,000 and one empty
    # batch to finish.
    assert len(queries) == (1 if on_postgres() else 2)


def test_jsonl_lines_are_the_detail_documents_byte_for_byte():
    # Backslashes (which a text COPY would double), quotes, escaped controls,
    # a character JSON escapes as \u0001 (the base mark is a raw \x01) and
    # text beyond ASCII, all through the export exactly as the detail has it.
    tricky = 'back\\slash \\\\two "quoted" tab\there\nnew \x01mark é ✓ 𝄞'
    claims = [make_claim(label=tricky), make_claim()]
    projection_rebuild()
    client = Client()

    lines = b"".join(client.get("/api/v1/exports/claims.jsonl").streaming_content)

    details = [client.get(f"/api/v1/claims/{c.public_id}/").content for c in claims]
    assert lines == b"".join(detail + b"\n" for detail in details)
    assert json.loads(details[0])["statement"].startswith(tricky)
    assert b"http://testserver/api/v1/claims/" in lines
    assert b"\x01" not in lines


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_start_a_formula(start):
    make_claim(label=f"{start}HYPERLINK(x)")
    text = read(Client().get("/api/v1/exports/claims.csv"))
    [row] = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["statement"].startswith(f"'{start}HYPERLINK")
    assert row["public_note"] == ""


@pytest.mark.parametrize("block", [1, 2, 5, 7, 19, 64, 10_000])
def test_binary_copy_values_are_read_whatever_the_blocks(block):
    values = [b"", b'{"a":"\\\\"}', "é ✓ \x01".encode(), b"x" * 300]
    stream = (
        b"PGCOPY\n\xff\r\n\x00"
        + (0).to_bytes(4, "big")  # flags
        + (3).to_bytes(4, "big")  # a header extension of three bytes
        + b"ext"
        + b"".join(
            (1).to_bytes(2, "big") + len(v).to_bytes(4, "big") + v for v in values
        )
        + b"\xff\xff"
    )
    blocks = [stream[i : i + block] for i in range(0, len(stream), block)]
    read = []

    def copy():
        for b in blocks:
            read.append(b)
            yield b

    assert list(public._binary_copy_values(copy())) == values
    assert len(read) == len(blocks)  # read to the end
