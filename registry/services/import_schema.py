"""The import file's published JSON Schema, and checking records against it.

``docs/import-format.schema.json`` (draft 2020-12) is the contract: one
definition per record type, no unknown keys, closed enumerations. It is
served at ``/api/v1/schemas/import.json`` and the importer checks every
record against it before reading a single field, so that a misspelled key
or a wrong type is refused with the record's field path instead of being
dropped or crashing.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.conf import settings
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "import-format.schema.json"


@functools.cache
def schema_bytes() -> bytes:
    return SCHEMA_PATH.read_bytes()


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    schema = json.loads(schema_bytes())
    Draft202012Validator.check_schema(schema)
    types = schema["properties"]["type"]["enum"]
    # One validator per type (its definition, resolved within the whole
    # document), so that errors come from that type's rules alone.
    return {
        kind: Draft202012Validator(
            {**schema, "allOf": [], **schema["$defs"][f"{kind}_record"]}
        )
        for kind in types
    }


@functools.cache
def _fast_validators() -> dict:
    """The same per-type schemas compiled by jsonschema-rs: it says whether a
    record is valid many times faster; jsonschema then explains a refusal
    (its messages name the field). Both implement draft 2020-12 and, by
    default, treat ``format`` as an annotation, so they agree on validity
    (the strict import tests run through both)."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a locked dependency
        return {}
    return {
        # The same schema; an empty allOf is left out (the metaschema,
        # which jsonschema-rs checks, wants at least one item).
        kind: jsonschema_rs.validator_for(
            {k: v for k, v in validator.schema.items() if v != [] or k != "allOf"}
        )
        for kind, validator in _validators().items()
    }


def record_types() -> tuple[str, ...]:
    return tuple(_validators())


def _path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _describe(error: SchemaError) -> str:
    where = list(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        unknown = sorted(str(k) for k in error.instance if k not in allowed)
        name = _path([*where, unknown[0]]) if unknown else _path(where)
        return f"{name}: unknown key (allowed: {', '.join(sorted(allowed))})"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return f"{_path([*where, missing])}: missing"
    # An enumeration wrapped in anyOf (value, "" or null): name the values.
    leaf = error
    if error.context:
        leaf = best_match(error.context)
    message = leaf.message
    if leaf.validator == "pattern" and "description" in leaf.schema:
        message = f"{leaf.instance!r} is not {leaf.schema['description']}"
    if len(message) > 300:
        message = message[:300] + "..."
    return f"{_path(where) or 'record'}: {message}"


def check_record(record: object) -> str | None:
    """Why the record does not match the schema, or None when it does."""
    if not isinstance(record, dict):
        return f"a record must be a JSON object, not {type(record).__name__}"
    validators = _validators()
    kind = record.get("type")
    if not isinstance(kind, str) or kind not in validators:
        return f"type: {kind!r} is not one of {', '.join(validators)}"
    fast = _fast_validators().get(kind)
    if fast is not None and fast.is_valid(record):
        return None
    error = best_match(validators[kind].iter_errors(record))
    return None if error is None else _describe(error)
