"""``datapackage.json``: a Frictionless Data Package describing every export.

A Data Package (https://specs.frictionlessdata.io/data-package/) lists each
export with its address, format and media type and, for the tables, a
Table Schema: each column's name, type and description, taken from the
same field lists the exports write (``exports.CLAIM_FIELDS``, ...). With it
pandas, R (frictionless / datapackage.r), Datasette (via frictionless's
SQL export) and spreadsheet users can load the exports with their types
and read what each column means without reading the code.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from registry.presentation import exports
from registry.presentation.claims import iso

# SPDX identifiers the registry may be configured with, and where they live.
LICENSES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution Share-Alike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": (
        "Creative Commons CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "ODbL-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}


def _schema(fields: list[exports.Field], primary_key: list[str]) -> dict:
    return {
        "fields": [
            {"name": f.name, "type": f.type, "description": f.description}
            for f in fields
        ],
        "missingValues": [""],
        "primaryKey": primary_key,
    }


def _license() -> dict:
    name = settings.REGISTRY_DATA_LICENSE
    title, path = LICENSES.get(name, (name, ""))
    return {"name": name, "title": title, **({"path": path} if path else {})}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "registry"


def data_package(base: str) -> dict:
    """The descriptor, with absolute addresses built on ``base``."""
    base = base.rstrip("/")
    home = settings.REGISTRY_URL or base + "/"
    name = settings.REGISTRY_NAME

    def url(name: str) -> str:
        return base + reverse(f"api:{name}")

    modified = iso(exports.last_modified())
    csv_dialect = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
    resources = [
        {
            "name": "claims",
            "title": "Published claims, one row per claim",
            "path": url("export-csv"),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "dialect": csv_dialect,
            "description": "Every published claim (approved, retracted or "
            "superseded) with its provenance; add ?bom=1 for Excel.",
            "schema": _schema(exports.CLAIM_FIELDS, ["id"]),
        },
        {
            "name": "figures",
            "title": "Published figures, one row per figure",
            "path": url("export-figures-csv"),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "dialect": csv_dialect,
            "description": "Tidy table of every figure of a published claim, "
            "with its quantity's consensus and ranges, conflict, event dates "
            "and place; column names follow UCDP GED where the meaning is the "
            "same.",
            "schema": _schema(exports.FIGURE_FIELDS, ["claim_id", "figure_number"]),
        },
        {
            "name": "figures-jsonl",
            "title": "Published figures as JSON Lines",
            "path": url("export-figures-jsonl"),
            "format": "jsonl",
            "mediatype": "application/jsonl",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "description": "The figures table, one JSON object a line, typed "
            "values (null for empty).",
            "schema": _schema(exports.FIGURE_FIELDS, ["claim_id", "figure_number"]),
        },
        {
            "name": "claims-jsonl",
            "title": "Published claims as JSON Lines",
            "path": url("export-jsonl"),
            "format": "jsonl",
            "mediatype": "application/jsonl",
            "encoding": "utf-8",
            "description": "Each claim's full document, one a line, as the "
            "API's claims/{id}/ serves it (documented in the OpenAPI schema "
            "at " + base + reverse("schema") + ").",
        },
        {
            "name": "events",
            "title": "Events with coordinates and their published figures",
            "path": url("export-events-geojson"),
            "format": "geojson",
            "mediatype": "application/geo+json",
            "encoding": "utf-8",
            "description": "A GeoJSON FeatureCollection: one Point per event "
            "(longitude, latitude, WGS 84). Feature properties: "
            + ", ".join(f"{f.name} ({f.type}): {f.description}" for f in exports.EVENT_FIELDS),
        },
    ]
    package = {
        "profile": "data-package",
        "name": _slug(name),
        "title": name,
        "description": "Published claims of a source-tracking fact-check "
        "registry: who first said each figure, how it reached us, how far "
        "the registry trusts it and which sources give a different figure. "
        "Column by column documentation: docs/exports.md.",
        "homepage": home,
        "licenses": [_license()],
        "contributors": [{"title": name, "path": home, "role": "publisher"}],
        "resources": resources,
    }
    if modified:
        package["created"] = modified
        package["last_modified"] = modified
    return package
