"""Tidy exports (figures.csv / .jsonl, events.geojson), negotiation, BOM,
and the data package validated with the frictionless library."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from registry.choices import ClaimState
from registry.presentation import exports
from tests.api_support import make_claim
from tests.factories import EventFactory, SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "exports.md"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows(url: str, **query) -> list[dict]:
    text = body(Client().get(url, query)).decode()
    return list(csv.DictReader(io.StringIO(text, newline="")))


def located_event(**fields):
    return EventFactory(
        title="Attack at Al-Mazare",
        place="Al-Mazare, Deir ez-Zor",
        place_precision="district",
        date_precision="day",
        latitude=Decimal("35.123456"),
        longitude=Decimal("40.654321"),
        **fields,
    )


def test_figures_csv_has_one_numeric_row_per_figure():
    relay = SourceFactory(name="EFE")
    event = located_event()
    claim = make_claim(citations=2, figures=2, relay=relay, event=event, value=8)
    make_claim(ClaimState.DRAFT, label="secret")

    found = rows("/api/v1/exports/figures.csv")

    assert [r["claim_id"] for r in found] == [claim.public_id] * 2
    first = found[0]
    assert list(first) == exports.FIGURE_COLUMNS
    assert first["figure_number"] == "1"
    assert (first["value"], first["figure_low"], first["figure_high"]) == ("8", "8", "")
    assert first["qualifier"] == "at_least"
    assert first["source_relays"] == "EFE"
    assert first["source_original"].count(" | ") == 1
    assert (first["date_prec"], first["where_prec"]) == ("1", "3")
    assert (first["latitude"], first["longitude"]) == ("35.123456", "40.654321")
    assert first["range_rule"] == "best"
    assert first["low"] == "8" and first["best"] == "8" and first["high"] == ""
    assert first["confidence"] == "3"
    assert first["source_grade"] in "ABCDEF"


def test_figures_jsonl_has_typed_values():
    make_claim(figures=2, value=12, event=located_event())
    lines = body(Client().get("/api/v1/exports/figures.jsonl")).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 2
    assert list(records[0]) == exports.FIGURE_COLUMNS
    assert records[0]["value"] == 12 and records[0]["figure_high"] is None
    assert records[0]["latitude"] == pytest.approx(35.123456)


def test_conflicting_figures_carry_the_conflict_id_and_status():
    event = located_event()
    make_claim(event=event, value=8, qualifier="exactly", label="eight")
    make_claim(event=event, value=20, qualifier="exactly", label="twenty")
    found = rows("/api/v1/exports/figures.csv")
    assert len(found) == 2
    assert {r["conflict_status"] for r in found} == {"open"}
    assert len({r["conflict_id"] for r in found}) == 1 and found[0]["conflict_id"]
    assert {r["consensus_low"] for r in found} == {""}


def test_events_geojson_has_points_with_their_published_figures():
    event = located_event()
    claim = make_claim(event=event, figures=2)
    make_claim(ClaimState.DRAFT, event=event, label="secret")
    make_claim(label="nowhere")  # its event has no coordinates

    collection = json.loads(body(Client().get("/api/v1/exports/events.geojson")))

    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["geometry"] == {
        "type": "Point",
        "coordinates": [pytest.approx(40.654321), pytest.approx(35.123456)],
    }
    props = feature["properties"]
    assert props["id"] == event.public_id
    assert props["where_prec"] == 3 and props["date_prec"] == 1
    assert [f["claim_id"] for f in props["figures"]] == [claim.public_id] * 2
    assert "secret" not in json.dumps(collection)


@pytest.mark.parametrize(
    "accept", [None, "text/csv", "text/csv; charset=utf-8", "*/*", "text/*"]
)
@pytest.mark.parametrize("name", ["claims.csv", "figures.csv"])
def test_csv_exports_accept_what_clients_send(accept, name):
    make_claim()
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = Client().get(f"/api/v1/exports/{name}", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_csv_export_refuses_a_type_it_cannot_give():
    response = Client().get("/api/v1/exports/claims.csv", HTTP_ACCEPT="image/png")
    assert response.status_code == 406


@pytest.mark.parametrize("name", ["claims.jsonl", "figures.jsonl"])
@pytest.mark.parametrize(
    "accept", [None, "application/jsonl", "application/x-ndjson", "*/*"]
)
def test_jsonl_exports_accept_what_clients_send(name, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    assert Client().get(f"/api/v1/exports/{name}", **headers).status_code == 200


def excel_decode(data: bytes) -> str:
    """How Excel opens a double-clicked CSV: UTF-8 only when it starts with a
    byte-order mark, else the Windows ANSI code page (cp1252 in the West)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    return data.decode("cp1252", errors="replace")


@pytest.mark.parametrize("name", ["claims.csv", "figures.csv"])
def test_bom_variant_shows_accents_in_excel(name):
    make_claim(label="Fuerzas Democráticas")
    plain = body(Client().get(f"/api/v1/exports/{name}"))
    with_bom = body(Client().get(f"/api/v1/exports/{name}", {"bom": "1"}))

    assert "Democráticas" not in excel_decode(plain)  # shows DemocrÃ¡ticas
    text = excel_decode(with_bom)
    assert "Fuerzas Democráticas statement" in text
    assert text.startswith(exports.FIGURE_COLUMNS[0] if name == "figures.csv" else "id")
    assert with_bom.decode("utf-8-sig") == plain.decode("utf-8")


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_figures_csv_cells_never_start_a_formula(start):
    make_claim(label=f"{start}HYPERLINK(x)")
    [row] = rows("/api/v1/exports/figures.csv")
    assert row["statement"].startswith(f"'{start}HYPERLINK")
    assert row["stated"].startswith(f"'{start}HYPERLINK")


def test_every_column_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for fields in (exports.CLAIM_FIELDS, exports.FIGURE_FIELDS, exports.EVENT_FIELDS):
        for field in fields:
            assert f"`{field.name}`" in text, field.name


# ------------------------------------------------------------ data package


def test_data_package_describes_every_export():
    make_claim(event=located_event())
    package = Client().get("/api/v1/exports/datapackage.json").json()
    names = {r["name"] for r in package["resources"]}
    assert names == {"claims", "figures", "figures-jsonl", "claims-jsonl", "events"}
    assert package["licenses"][0]["name"]
    assert package["title"] and package["homepage"].startswith("http://testserver")
    assert package["last_modified"]
    for resource in package["resources"]:
        assert Client().get(resource["path"]).status_code == 200


def test_data_package_validates_with_frictionless(tmp_path):
    frictionless = pytest.importorskip("frictionless")
    event = located_event()
    make_claim(citations=2, figures=2, event=event, label="Democráticas")
    make_claim(event=event, value=20, qualifier="exactly", label="=twenty")
    make_claim(ClaimState.RETRACTED, label="withdrawn")
    descriptor = Client().get("/api/v1/exports/datapackage.json").json()

    # The exports as a client downloads them, beside the descriptor.
    for resource in descriptor["resources"]:
        local = resource["path"].rsplit("/", 1)[1]
        (tmp_path / local).write_bytes(body(Client().get(resource["path"])))
        resource["path"] = local
    package = frictionless.Package(descriptor, basepath=str(tmp_path))

    report = package.validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    figures = package.get_resource("figures").read_rows()
    assert len(figures) == 2 + 1 + 1  # the retracted claim's figure too
    assert isinstance(figures[0]["value"], int)
