"""Import and export of the whole registry in one JSON Lines format.

One JSON object a line. The first line is a header::

    {"type": "meta", "format": "factcheck-registry", "version": 1}

then records of type ``source``, ``document``, ``event``, ``claim`` (with
its ``citations``, ``figures`` and ``transitions`` inline), ``citation`` (a
citation added to a claim by its id) and ``conflict``, each defined by
``docs/import-format.schema.json`` and checked against it. Records refer to
one another by their public ``id``. A document may name a ``text_file``
inside the import file's folder instead of carrying its ``text``, and a
citation may leave out its offsets when its quote occurs once in the
document. The seed file (``seeds/registry.yaml``) holds the same records as
a YAML list.

An import runs in one transaction: the first bad record stops it, names the
line, the record and the field, and leaves the database as it was. A record
already present is compared with the file (see ``docs/import.md``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import DatabaseError, transaction
from django.db.models import F, Prefetch
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from registry.models import (
    Citation,
    CitationDerivation,
    CitationRelay,
    Claim,
    ClaimTransition,
    Conflict,
    Document,
    Event,
    Figure,
    Source,
    SourceAlias,
    text_hash,
)
from registry.selectors.review import citation_at
from registry.services.conflicts import record_decision
from registry.services.import_schema import check_record

log = logging.getLogger(__name__)

FORMAT = "factcheck-registry"
VERSION = 1
RECORD_TYPES = ("source", "document", "event", "claim", "citation", "conflict")
PUBLISHED_STATES = frozenset({"approved", "retracted", "superseded"})
# Whatever a malformed record can make the reading code raise: each becomes
# a RecordError naming the record, never a traceback.
RECORD_FAILURES = (
    ValueError,
    TypeError,
    LookupError,
    ArithmeticError,
    AttributeError,
    RecursionError,
    DatabaseError,
    ValidationError,
    ObjectDoesNotExist,
)


class RecordError(Exception):
    """A record that cannot be imported; says which one and why.

    ``number`` is the line of a JSON Lines file (the position in a YAML
    list, where ``where`` is "record")."""

    def __init__(
        self, number: int, record: dict | None, reason: str, where: str = "line"
    ):
        self.number = number
        self.record = record
        self.reason = reason
        label = ""
        if isinstance(record, dict):
            kind = record.get("type")
            kind = kind if isinstance(kind, str) else "?"
            ident = record.get("id") if "id" in record else record.get("claim")
            if ident is not None:
                label = f" ({kind} {ident!r:.80})"
            elif kind != "?":
                label = f" ({kind})"
        super().__init__(f"{where} {number}{label}: {reason}")


class Line(NamedTuple):
    """A record and where it was read: its line (JSON Lines) or position."""

    number: int
    record: Any
    where: str = "line"


@dataclass
class ImportResult:
    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    # Per record, for a dry run's report: "claim 'x'" and, for differing
    # records, each field's stored and new value.
    new: list[str] = field(default_factory=list)
    identical: list[str] = field(default_factory=list)
    differing: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=dict)

    def summary(self) -> str:
        parts = []
        for verb, counts in (
            ("created", self.created),
            ("updated", self.updated),
            ("already present", self.skipped),
        ):
            if counts:
                parts.append(
                    f"{verb} "
                    + ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
                )
        return "; ".join(parts) or "nothing to do"

    def report(self) -> str:
        """What a dry run found, record by record."""
        lines = [f"would create: {label}" for label in self.new]
        lines += [f"identical: {label}" for label in self.identical]
        for label, changes in self.differing.items():
            lines.append(f"differs: {label}")
            lines += [
                f"    {name}: {old!r:.120} -> {new!r:.120}"
                for name, old, new in changes
            ]
        return "\n".join(lines)


# Bookkeeping and derived fields: never a difference between a file and the
# registry.
NOT_COMPARED = frozenset(
    {"type", "id", "created_at", "updated_at", "content_hash", "text_file"}
)


def _same(old: Any, new: Any) -> bool:
    if old in (None, "", []) and new in (None, "", []):
        return True
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(
            _same(a, b) for a, b in zip(old, new, strict=True)
        )
    if isinstance(old, dict) and isinstance(new, dict):
        # Only what the file gives: a file may leave out offsets or intervals.
        return all(
            _same(old.get(k), v) for k, v in new.items() if k not in {"low", "high"}
        )
    if (
        isinstance(old, str)
        and isinstance(new, int | float)
        and not isinstance(new, bool)
    ):
        try:
            return Decimal(old) == Decimal(str(new))
        except ArithmeticError:
            return False
    return old == new


# --------------------------------------------------------------------- reading


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def read_jsonl(path: Path) -> Iterator[Line]:
    # Bytes, decoded line by line: invalid UTF-8 is named by its line.
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise RecordError(
                    number, None, f"not valid UTF-8 (byte {exc.start + 1})"
                ) from exc
            if not line.strip():
                continue
            try:
                yield Line(number, json.loads(line, parse_constant=_no_constant))
            except json.JSONDecodeError as exc:
                raise RecordError(number, None, f"not valid JSON: {exc.msg}") from exc
            except (ValueError, RecursionError) as exc:
                raise RecordError(number, None, f"not valid JSON: {exc}") from exc


def _plain(value: Any) -> Any:
    """YAML's dates and times as the ISO strings the schema expects."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def read_yaml(path: Path) -> list[Line]:
    with path.open(encoding="utf-8") as handle:
        try:
            data = yaml.safe_load(handle)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise RecordError(0, None, f"not valid YAML: {exc}", "record") from exc
    if not isinstance(data, list):
        raise RecordError(
            0, None, "the YAML file must hold a list of records", "record"
        )
    return [Line(number, _plain(r), "record") for number, r in enumerate(data, start=1)]


def read_records(path: Path) -> Iterable[Line]:
    if path.suffix in {".yaml", ".yml"}:
        return read_yaml(path)
    return read_jsonl(path)


# --------------------------------------------------------------------- helpers


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
    return parsed


def _datetime(value: Any, name: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(f"{name}: {value!r} is not a date-time with a time zone")
    return parsed


def _time(value: Any, name: str) -> dt.time | None:
    if value in (None, ""):
        return None
    parsed = parse_time(str(value))
    if parsed is None:
        raise ValueError(f"{name}: {value!r} is not a time of day (HH:MM[:SS])")
    return parsed


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(msgs)}" if name != "__all__" else " ".join(msgs)
            for name, msgs in exc.message_dict.items()
        )
    return " ".join(exc.messages)


class _Retry(Exception):
    """The bulk path met an error only the database saw, which it cannot pin
    on a record: import again record by record, which names it."""


# Rows held before a bulk write (all types together).
BULK_BATCH = 5000
# In the order they are written (foreign keys are checked at commit anyway).
BULK_MODELS = (
    Source,
    SourceAlias,
    Document,
    Event,
    Claim,
    Citation,
    CitationRelay,
    Figure,
    ClaimTransition,
)
# Rows that others point at get their keys up front; the rest are numbered
# by the database.
KEYED = frozenset({Source, Document, Event, Claim, Citation, Figure})
HISTORY = frozenset({Source, Document, Event, Claim, Citation, Figure})


class _Importer:
    def __init__(
        self,
        *,
        base_dir: Path | None,
        existing: str,
        actor=None,
        dry_run=False,
        bulk=False,
    ):
        # Bulk: rows are validated in Python as one by one, but written a
        # batch at a time (COPY / bulk_create) with keys allocated up front.
        # Only into an empty registry, where nothing stored can clash, and
        # only for sources, documents, events and claims: the first record of
        # another type writes what is pending and goes on row by row.
        self.bulk = bulk
        self.pending: dict[type, list] = {model: [] for model in BULK_MODELS}
        self.pending_count = 0
        self.ids: dict[type, Any] = {}
        self.seen_ids: dict[type, set[str]] = {}
        self.alias_keys: dict[str, SourceAlias] = {}
        # The documents of the claim being read, in citation order.
        self.claim_documents: list[Document] = []
        self.base_dir = base_dir
        self.actor = actor
        self.dry_run = dry_run
        self.was_empty: dict[type, bool] = {}
        self.where = "line"
        self.existing = existing  # "error", "update" or "skip"
        self.result = ImportResult()
        self.users: dict[str, Any] = {}
        self.sources: dict[str, Source] = {}
        self.documents: dict[str, Document] = {}
        self.events: dict[str, Event] = {}
        self.claims: dict[str, Claim] = {}
        self.source_parents: list[tuple[int, dict, Source, str]] = []
        self.claim_corrects: list[tuple[int, dict, Claim, str]] = []
        # (number, record, figure, {"claim", "index"}, figure's position)
        self.figure_revises: list[tuple] = []
        # (number, record, citation, [{"claim", "index"}], label, only check)
        self.citation_derivations: list[tuple] = []
        self.quantity_keys: set[str] = set()
        self.claim_ids: set[int] = set()

    # -- references

    def _lookup(self, cache: dict, model, ref: Any, what: str):
        if ref in (None, ""):
            return None
        ref = str(ref)
        if ref not in cache:
            try:
                cache[ref] = model.objects.get(public_id=ref)
            except ObjectDoesNotExist:
                if model is Source and self.bulk:
                    clash = self.alias_keys.get(SourceAlias.normalise(ref))
                    if clash is not None:
                        cache[ref] = clash.source
                        return clash.source
                elif model is Source:
                    matches = list(Source.objects.by_alias(ref)[:2])
                    if len(matches) == 1:
                        cache[ref] = matches[0]
                        return matches[0]
                raise ValueError(f"unknown {what} {ref!r}") from None
        return cache[ref]

    def source(self, ref):
        return self._lookup(self.sources, Source, ref, "source")

    def document(self, ref):
        return self._lookup(self.documents, Document, ref, "document")

    def event(self, ref):
        return self._lookup(self.events, Event, ref, "event")

    def claim(self, ref):
        return self._lookup(self.claims, Claim, ref, "claim")

    def user(self, username: str | None):
        if not username:
            return None
        if username not in self.users:
            user_model = get_user_model()
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"is_active": False}
            )
            if created:
                # An account known only from an import cannot sign in.
                user.set_unusable_password()
                user.save(update_fields=["password"])
            self.users[username] = user
        return self.users[username]

    # -- records

    def _exists(self, model, record: dict) -> bool:
        """False for a new record; otherwise compare it with the stored one:
        identical is left alone, a difference is refused, reported (dry run)
        or applied (``existing="update"``)."""
        label = f"{record['type']} {record['id']!r}"
        if model not in self.was_empty:
            self.was_empty[model] = not model.objects.exists()
        # Into an empty table nothing can be present but what this file
        # made, which the unique index refuses: no query a record.
        stored = (
            None
            if self.was_empty[model]
            else model.objects.filter(public_id=record["id"]).first()
        )
        if stored is None:
            self.result.new.append(label)
            return False
        plural = record["type"] + "s"
        if self.existing == "skip":
            self.result.skipped[plural] += 1
            return True
        current = EXPORTERS[record["type"]](stored)
        if isinstance(record.get("aliases"), list):
            # A set of names: their order is no difference.
            current["aliases"] = sorted(current.get("aliases") or [])
            record = {**record, "aliases": sorted(record["aliases"])}
        changes = [
            (name, current.get(name), self._comparable(name, value))
            for name, value in record.items()
            if name not in NOT_COMPARED
            and not _same(current.get(name), self._comparable(name, value))
        ]
        if not changes:
            self.result.identical.append(label)
            self.result.skipped[plural] += 1
            return True
        self.result.differing[label] = changes
        if self.dry_run:
            return True
        names = ", ".join(name for name, _, _ in changes)
        if model is Claim:
            if stored.state in PUBLISHED_STATES:
                raise ValueError(
                    f"{names}: differs from the stored claim, which is "
                    f"{stored.state}: a published claim never changes in place; "
                    "import a correction (a new claim with corrects)"
                )
            raise ValueError(
                f"{names}: differs from the stored claim; claims are edited in "
                "the admin (a citation record adds a citation)"
            )
        if model is Conflict:
            raise ValueError(
                f"{names}: differs from the stored conflict; reviewers settle "
                "conflicts in the admin"
            )
        if self.existing != "update":
            raise ValueError(
                f"{names}: differs from the stored {record['type']} (--dry-run "
                "shows how; --update applies it)"
            )
        if self.actor is None:
            raise ValueError("--update needs an actor (--actor USERNAME)")
        self._update(stored, record, {name for name, _, _ in changes})
        self.result.updated[plural] += 1
        return True

    def _comparable(self, name: str, value: Any) -> Any:
        """A file's value as the export writes it: references by public id."""
        try:
            if name in {"parent", "publisher"} and value:
                return self.source(value).public_id
            if name == "part_of" and value:
                return self.document(value).public_id
            if name == "citations" and isinstance(value, list):
                return [
                    {
                        **c,
                        "relays": [
                            self.source(r).public_id for r in c.get("relays") or []
                        ],
                    }
                    if isinstance(c, dict)
                    else c
                    for c in value
                ]
        except ValueError:
            return value
        return value

    def _update(self, stored, record: dict, names: set[str]) -> None:
        """Apply a file's differing fields through the services, which keep
        history (who, when) and the public projection current."""
        from registry.services.records import document_save, event_save, source_save

        dates = {"published_on", "date_earliest", "date_latest"}
        refs = {
            "parent": self.source,
            "publisher": self.source,
            "part_of": self.document,
        }
        defaults = {
            "reliability": "F",
            "published_precision": "day",
            "date_precision": "day",
            "place_precision": "exact",
        }
        for name in names - {"aliases"}:
            value = record[name]
            if name in refs:
                value = refs[name](value)
            elif name in dates:
                value = _date(value, name)
            elif name == "retrieved_at":
                value = _datetime(value, name)
            elif name in {"latitude", "longitude"}:
                value = None if value in (None, "") else Decimal(str(value))
            elif value is None:
                value = defaults.get(name, "")
            setattr(stored, name, value)
        cited_text = (
            isinstance(stored, Document)
            and "text" in names
            and stored.citations.exists()
        )
        if cited_text:
            raise ValueError(
                "text: differs, and the document is cited: its quotes are "
                "checked against this text, so import the new text as a new "
                "document"
            )
        if isinstance(stored, Source):
            source_save(source=stored, actor=self.actor)
            if "aliases" in names:
                self._set_aliases(stored, record.get("aliases") or [])
        elif isinstance(stored, Document):
            document_save(document=stored, actor=self.actor)
        else:
            event_save(event=stored, actor=self.actor)

    def _set_aliases(self, source: Source, aliases: list[str]) -> None:
        keep = {SourceAlias.normalise(a) for a in aliases}
        keep |= {
            SourceAlias.normalise(n) for n in (source.name, source.short_name) if n
        }
        source.aliases.exclude(key__in=keep).delete()
        for alias in aliases:
            key = SourceAlias.normalise(alias)
            clash = SourceAlias.objects.filter(key=key).first()
            if clash is not None and clash.source_id != source.pk:
                raise ValueError(f"aliases: {alias!r} already names {clash.source}")
            if clash is None:
                SourceAlias.objects.create(source=source, alias=alias)

    def _timestamps(self, obj, record: dict) -> None:
        for name in ("created_at", "updated_at"):
            value = _datetime(record.get(name), name)
            if value is not None:
                setattr(obj, name, value)

    def _save(self, obj, exclude: Iterable[str] = ()) -> None:
        # The check constraints are left to the database, which enforces them
        # on insert anyway: validating them in Django costs a query each
        # (most of an import's time), and a violation still stops the import
        # at this record, named by its constraint.
        if self.bulk:
            self._queue_valid(obj, exclude)
            return
        obj.full_clean(
            exclude=list(exclude), validate_unique=True, validate_constraints=False
        )
        obj.save(touch=False) if hasattr(obj, "public_id") else obj.save()

    def _save_row(self, obj) -> None:
        """A citation or a figure: validated, then saved (or queued)."""
        if self.bulk:
            self._queue_valid(obj, ())
            return
        obj.full_clean(validate_constraints=False)
        obj.save()

    def _insert(self, obj) -> None:
        """A row with nothing to validate: a transition, a relay, an alias."""
        if not self.bulk:
            obj.save()
            return
        if isinstance(obj, SourceAlias):
            obj.key = SourceAlias.normalise(obj.alias)
            self.alias_keys[obj.key] = obj
        self._queue(obj)

    def _alias_owner(self, key: str) -> SourceAlias | None:
        if self.bulk:
            return self.alias_keys.get(key)
        return SourceAlias.objects.filter(key=key).first()

    # -- the bulk path

    def _queue_valid(self, obj, exclude: Iterable[str]) -> None:
        """Validate as ``full_clean`` would, without a query: references were
        resolved by this importer (so foreign keys are not looked up again)
        and uniqueness is checked against this file, the registry being empty."""
        model = type(obj)
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        if model is Source:
            # Source.clean asks the database for alias clashes and walks the
            # parents (set at the end): both are done here, against the file.
            obj.clean_fields(exclude=[*exclude, *relations])
        else:
            obj.full_clean(
                exclude=[*exclude, *relations],
                validate_unique=False,
                validate_constraints=False,
            )
        if hasattr(obj, "public_id"):
            seen = self.seen_ids.setdefault(model, set())
            if obj.public_id in seen:
                raise ValidationError(
                    {
                        "public_id": f"{model._meta.verbose_name.capitalize()} "
                        "with this Public id already exists."
                    }
                )
            seen.add(obj.public_id)
        if model is Source:
            # Source.clean and Source.save, against the aliases of this file
            # (the stored ones are none): a name or short name is an alias too.
            for name in ("name", "short_name"):
                value = getattr(obj, name)
                clash = self.alias_keys.get(SourceAlias.normalise(value or ""))
                if value and clash is not None and clash.source is not obj:
                    raise ValidationError(
                        {name: f"{clash.alias!r} already names {clash.source}."}
                    )
        if model is Document:
            obj.content_hash = text_hash(obj.text)
        if model in KEYED:
            allocator = self.ids.get(model)
            if allocator is None:
                from registry.services.bulk import IdAllocator

                allocator = self.ids[model] = IdAllocator(model)
            obj.pk = allocator.take()
            obj._state.adding = False
            obj._state.db = "default"
        if model is Source:
            for value in (obj.name, obj.short_name):
                key = SourceAlias.normalise(value or "")
                if value and key not in self.alias_keys:
                    self._insert(SourceAlias(source=obj, alias=value))
        self._queue(obj)

    def _queue(self, obj) -> None:
        self.pending[type(obj)].append(obj)
        self.pending_count += 1
        if self.pending_count >= BULK_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write every queued row (and its history row) now."""
        from registry.services.bulk import history_rows, write_rows

        if not self.pending_count:
            return
        try:
            with transaction.atomic():
                for model in BULK_MODELS:
                    rows = self.pending[model]
                    if not rows:
                        continue
                    write_rows(model, rows, with_pk=model in KEYED)
                    if model in HISTORY:
                        write_rows(
                            model.history.model,
                            history_rows(model, rows),
                            with_pk=False,
                        )
                    self.pending[model] = []
        except DatabaseError as exc:
            raise _Retry(str(exc)) from exc
        self.pending_count = 0
        # Written claims are looked up in the database from now on (by the
        # few records that name one: corrections, revisions, conflicts), so
        # memory does not grow with the number of claims.
        self.claims.clear()

    def bulk_off(self) -> None:
        """Write what is pending and go on one row at a time."""
        if self.bulk:
            self.flush()
            self.bulk = False

    def import_source(self, number: int, record: dict) -> None:
        if self._exists(Source, record):
            return
        source = Source(
            public_id=record["id"],
            name=record["name"],
            short_name=record.get("short_name") or "",
            kind=record["kind"],
            based_in=record.get("based_in") or "",
            reliability=record.get("reliability") or "F",
            reliability_rationale=record.get("reliability_rationale") or "",
            homepage=record.get("homepage") or "",
            platform=record.get("platform") or "",
            handle=record.get("handle") or "",
        )
        self._timestamps(source, record)
        self._save(source)
        for alias in record.get("aliases") or []:
            key = SourceAlias.normalise(alias)
            clash = self._alias_owner(key)
            if clash is not None and clash.source_id != source.pk:
                raise ValueError(f"alias {alias!r} already names {clash.source}")
            if clash is None:
                self._insert(SourceAlias(source=source, alias=alias))
        self.sources[source.public_id] = source
        if record.get("parent"):
            self.source_parents.append((number, record, source, record["parent"]))
        self.result.created["sources"] += 1

    def import_document(self, number: int, record: dict) -> None:
        text = record.get("text")
        if record.get("text_file"):
            if text is not None:
                raise ValueError("text, text_file: give one, not both")
            text = self._text_file(record["text_file"])
            record = {**record, "text": text}
        if self._exists(Document, record):
            return
        if not text:
            raise ValueError("a document needs its text")
        if record.get("content_hash") and record["content_hash"] != text_hash(text):
            raise ValueError(
                "content_hash does not match the text: the text was altered"
            )
        document = Document(
            public_id=record["id"],
            kind=record["kind"],
            title=record["title"],
            publisher=self.source(record.get("publisher")),
            part_of=self.document(record.get("part_of")),
            url=record.get("url") or "",
            archive_url=record.get("archive_url") or "",
            retrieved_at=_datetime(record.get("retrieved_at"), "retrieved_at"),
            published_on=_date(record.get("published_on"), "published_on"),
            published_precision=record.get("published_precision") or "day",
            language=record.get("language") or "",
            text=text,
        )
        self._timestamps(document, record)
        self._save(document, exclude=["content_hash"])
        self.documents[document.public_id] = document
        self.result.created["documents"] += 1

    def _text_file(self, name: str) -> str:
        """A document's text from a file in the import file's folder, and
        nowhere else: an import file must not read the machine's files."""
        if self.base_dir is None:
            raise ValueError("text_file: only a file being imported may name one")
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(
                f"text_file: {name!r} must be a path inside the import file's folder"
            )
        base = self.base_dir.resolve()
        path = (base / relative).resolve()
        if not path.is_relative_to(base):  # a link that leads out
            raise ValueError(
                f"text_file: {name!r} leads outside the import file's folder"
            )
        if not path.is_file():
            raise ValueError(f"text_file: {name!r} not found")
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                return handle.read()
        except UnicodeDecodeError as exc:
            raise ValueError(f"text_file: {name!r} is not valid UTF-8") from exc

    def import_event(self, number: int, record: dict) -> None:
        if self._exists(Event, record):
            return
        event = Event(
            public_id=record["id"],
            title=record["title"],
            description=record.get("description") or "",
            date_earliest=_date(record.get("date_earliest"), "date_earliest"),
            date_latest=_date(record.get("date_latest"), "date_latest"),
            date_precision=record.get("date_precision") or "day",
            place=record.get("place") or "",
            place_precision=record.get("place_precision") or "exact",
            latitude=record.get("latitude"),
            longitude=record.get("longitude"),
        )
        self._timestamps(event, record)
        self._save(event)
        self.events[event.public_id] = event
        self.result.created["events"] += 1

    def import_claim(self, number: int, record: dict) -> None:
        if self._exists(Claim, record):
            return
        state = record.get("state") or "draft"
        if state in PUBLISHED_STATES and not record.get("citations"):
            raise ValueError(
                f"citations: a published ({state}) claim needs at least one citation"
            )
        claim = Claim(
            public_id=record["id"],
            statement=record["statement"],
            kind=record["kind"],
            event=self.event(record.get("event")),
            confidence=record.get("confidence"),
            confidence_rationale=record.get("confidence_rationale") or "",
            state=record.get("state") or "draft",
            public_note=record.get("public_note") or "",
            proposer_version=record.get("proposer_version") or "",
            published_at=_datetime(record.get("published_at"), "published_at"),
            created_by=self.user(record.get("created_by")),
            updated_by=self.user(record.get("updated_by")),
            submitted_by=self.user(record.get("submitted_by")),
            # The time of the last submission, from the workflow log below.
            submitted_at=max(
                (
                    _datetime(item["at"], "at")
                    for item in record.get("transitions") or []
                    if item.get("to") == "in_review"
                ),
                default=None,
            ),
        )
        self._timestamps(claim, record)
        if (
            claim.state in {"approved", "retracted", "superseded"}
            and not claim.published_at
        ):
            claim.published_at = claim.created_at
        self._save(claim)
        self.claims[claim.public_id] = claim
        self.claim_ids.add(claim.pk)
        if record.get("corrects"):
            self.claim_corrects.append((number, record, claim, record["corrects"]))

        self.claim_documents = []
        for index, item in enumerate(record.get("citations") or [], start=1):
            try:
                citation = self._citation(claim, item)
                if item.get("derived_from"):
                    self.citation_derivations.append(
                        (number, record, citation, item["derived_from"],
                         f"citation {index}: ", False)
                    )
            except (ValueError, ValidationError) as exc:
                reason = (
                    _messages(exc) if isinstance(exc, ValidationError) else str(exc)
                )
                raise ValueError(f"citation {index}: {reason}") from exc
        built: list[Figure] = []
        for index, item in enumerate(_with_computed_totals(record), start=1):
            try:
                figure = self._figure(claim, item, built)
                built.append(figure)
                if item.get("revises"):
                    self.figure_revises.append(
                        (number, record, figure, item["revises"], index)
                    )
            except (ValueError, ValidationError) as exc:
                reason = (
                    _messages(exc) if isinstance(exc, ValidationError) else str(exc)
                )
                raise ValueError(f"figure {index}: {reason}") from exc
        for item in record.get("transitions") or []:
            self._insert(
                ClaimTransition(
                    claim=claim,
                    actor=self.user(item.get("actor")),
                    from_state=item["from"],
                    to_state=item["to"],
                    comment=item.get("comment") or "",
                    created_at=_datetime(item["at"], "at"),
                )
            )
        self.result.created["claims"] += 1

    def _citation(self, claim: Claim, item: dict) -> Citation:
        citation, relays = self._build_citation(claim, item)
        self._save_row(citation)
        self.claim_documents.append(citation.document)
        self._relays(citation, relays)
        return citation

    def _relays(self, citation: Citation, relays: list[Source]) -> None:
        for position, source in enumerate(relays, start=1):
            self._insert(
                CitationRelay(citation=citation, source=source, position=position)
            )

    def import_citation(self, number: int, record: dict) -> None:
        """A citation added to a claim by the claim's id: one article's file
        may cite a claim that another article's file (or a reviewer) made."""
        claim = self.claim(record["claim"])
        item = {k: v for k, v in record.items() if k not in {"type", "claim"}}
        citation, relays = self._build_citation(claim, item)
        same = claim.citations.filter(
            document=citation.document,
            originator=citation.originator,
            attributed_to=citation.attributed_to,
            start=citation.start,
            end=citation.end,
            quote=citation.quote,
            stance=citation.stance,
        ).first()
        if same is not None and [
            link.source_id for link in same.relay_links.order_by("position")
        ] == [s.pk for s in relays]:
            self.result.skipped["citations"] += 1
            self.result.identical.append(f"citation of claim {claim.public_id!r}")
            if record.get("derived_from") or same.derivation_links.exists():
                # Identical only if it is derived from the same citations.
                self.citation_derivations.append(
                    (number, record, same, record.get("derived_from") or [], "", True)
                )
            return
        if claim.state in PUBLISHED_STATES:
            raise ValueError(
                f"claim: {claim.public_id!r} is {claim.state}, so its citations "
                "are frozen; a correction is a new claim"
            )
        if claim.pk in self.claim_ids:
            # Made by this very file: no one else has seen it yet.
            citation.full_clean(validate_constraints=False)
            citation.save()
        else:
            if self.actor is None:
                raise ValueError(
                    "claim: adding a citation to a claim already in the registry "
                    "needs an actor (--actor USERNAME)"
                )
            from registry.services.workflow import citation_save

            try:
                citation_save(citation=citation, actor=self.actor)
            except PermissionDenied as exc:
                raise ValueError(f"claim: {exc}") from exc
        self._relays(citation, relays)
        if record.get("derived_from"):
            self.citation_derivations.append(
                (number, record, citation, record["derived_from"], "", False)
            )
        self.result.created["citations"] += 1

    def _build_citation(
        self, claim: Claim, item: dict
    ) -> tuple[Citation, list[Source]]:
        document = self.document(item.get("document"))
        if document is None:
            raise ValueError("a citation needs its document")
        quote = item.get("quote") or ""
        start, end = item.get("start"), item.get("end")
        if start is None:
            found = document.text.find(quote) if quote else -1
            if found < 0:
                raise ValueError(
                    f"the quote {quote[:60]!r} is not verbatim in \u201c{document}\u201d"
                )
            if document.text.find(quote, found + 1) >= 0:
                raise ValueError(
                    "the quote occurs more than once: give its start offset"
                )
            start = found
        if end is None:
            end = start + len(quote)
        originator = self.source(item.get("originator"))
        attributed_to = " ".join((item.get("attributed_to") or "").split())
        if originator is None and not attributed_to:
            raise ValueError(
                "a citation needs its originator, or attributed_to for an unnamed one"
            )
        if originator is not None and attributed_to:
            raise ValueError(
                "attributed_to describes an unnamed originator: give it or "
                "originator, not both"
            )
        citation = Citation(
            claim=claim,
            document=document,
            originator=originator,
            attributed_to=attributed_to,
            quote=quote,
            start=start,
            end=end,
            stance=item.get("stance") or "asserts",
        )
        return citation, [self.source(ref) for ref in item.get("relays") or []]

    def _figure(self, claim: Claim, item: dict, built: list[Figure]) -> Figure:
        """One figure of a claim; ``built``: the claim's figures read so far
        (a part names its total among them by position)."""
        kind = item.get("kind") or "quantity"
        if kind == "quantity" and item.get("value") is None and item.get("stated"):
            # Only the wording is given: read it in the language it was cited in.
            from registry.figures.parser import parse_figure_text

            # The claim's first citation, read just before its figures.
            cited = self.claim_documents[0] if self.claim_documents else None
            parsed = parse_figure_text(
                item["stated"], cited.language if cited else "en"
            )
            item = {
                **item,
                "qualifier": parsed.qualifier,
                "value": parsed.value,
                "value_high": parsed.value_high,
            }
        figure = Figure(
            claim=claim,
            kind=kind,
            metric=item.get("metric") or "",
            subject=item.get("subject") or "",
            stated=item.get("stated") or "",
            qualifier=item.get("qualifier")
            or ("exactly" if kind == "quantity" else ""),
            value=item.get("value"),
            value_high=item.get("value_high"),
            unit=item.get("unit") if item.get("unit") is not None else "people",
            period_start=_date(item.get("period_start"), "period_start"),
            period_end=_date(item.get("period_end"), "period_end"),
            as_of=_date(item.get("as_of"), "as_of"),
            as_of_time=_time(item.get("as_of_time"), "as_of_time"),
            date_value=_date(item.get("date"), "date"),
            date_precision=item.get("date_precision")
            or ("day" if kind == "date" else ""),
        )
        if kind == "date":
            figure.unit = ""
        figure.computed = bool(item.get("computed"))
        ref = item.get("part_of")
        if ref is not None:
            if not 0 <= ref < len(built):
                raise ValueError(
                    f"part_of: {ref} is not an earlier figure of this claim "
                    "(a part names its total by its position among the "
                    "claim's figures, from 0, and comes after it)"
                )
            figure.part_of = built[ref]
        figure.derive_interval()
        figure.quantity_key = figure.compute_quantity_key()
        self._save_row(figure)
        self.quantity_keys.add(figure.quantity_key)
        return figure

    def import_conflict(self, number: int, record: dict) -> None:
        if self._exists(Conflict, record):
            return
        figures = []
        for ref in record.get("figures") or []:
            claim = self.claim(ref.get("claim"))
            try:
                figures.append(claim.figures.order_by("pk")[int(ref["index"])])
            except (IndexError, KeyError, TypeError, ValueError):
                raise ValueError(f"unknown figure {ref!r}") from None
        preferred = None
        if record.get("preferred"):
            ref = record["preferred"]
            claim = self.claim(ref.get("claim"))
            try:
                preferred = claim.figures.order_by("pk")[int(ref["index"])]
            except (IndexError, KeyError, TypeError, ValueError, AttributeError):
                raise ValueError(f"preferred: unknown figure {ref!r}") from None
            if preferred not in figures:
                raise ValueError("preferred: not one of the conflict's figures")
        conflict = Conflict(
            public_id=record["id"],
            quantity_key=record["quantity_key"],
            event=self.event(record.get("event")),
            kind=record["kind"],
            metric=record["metric"],
            subject=record["subject"],
            period_start=_date(record.get("period_start"), "period_start"),
            period_end=_date(record.get("period_end"), "period_end"),
            status=record.get("status") or "open",
            preferred_figure=preferred,
            rationale=record.get("rationale") or "",
            settled_by=self.user(record.get("settled_by")),
            settled_at=_datetime(record.get("settled_at"), "settled_at"),
        )
        self._timestamps(conflict, record)
        self._save(conflict)
        conflict.figures.set(figures)
        if conflict.status != "open":
            # The decision's audit row: what the public projection checks a
            # decision against (``rules.decision_holds``).
            record_decision(
                conflict,
                conflict.status,
                actor=conflict.settled_by,
                preferred_figure=preferred,
                rationale=conflict.rationale,
                figures=figures,
                created_at=conflict.settled_at or conflict.updated_at,
            )
        self.result.created["conflicts"] += 1

    def finish(self) -> None:
        """Links that may point forwards in the file: parents and corrections."""
        for number, record, source, ref in self.source_parents:
            try:
                source.parent = self.source(ref)
                source.full_clean(validate_constraints=False)
                source.save(touch=False, update_fields=["parent"])
            except RECORD_FAILURES as exc:
                reason = (
                    _messages(exc) if isinstance(exc, ValidationError) else str(exc)
                )
                raise RecordError(
                    number, record, f"parent: {reason}", self.where
                ) from exc
        for number, record, claim, ref in self.claim_corrects:
            try:
                claim.corrects = self.claim(ref)
                claim.full_clean(validate_constraints=False)
                claim.save(touch=False, update_fields=["corrects"])
            except RECORD_FAILURES as exc:
                reason = (
                    _messages(exc) if isinstance(exc, ValidationError) else str(exc)
                )
                raise RecordError(
                    number, record, f"corrects: {reason}", self.where
                ) from exc
        for number, record, figure, ref, index in self.figure_revises:
            try:
                earlier = self.claim(ref.get("claim")).figures.order_by("pk")[
                    int(ref["index"])
                ]
                if earlier.pk == figure.pk or earlier.quantity_key != (
                    figure.quantity_key
                ):
                    raise ValueError(
                        "a figure can only revise another figure of its quantity"
                    )
                figure.revises = earlier
                figure.save(update_fields=["revises"])
            except (IndexError, KeyError, TypeError) as exc:
                raise RecordError(
                    number,
                    record,
                    f"figure {index}: revises: unknown figure {ref!r}",
                    self.where,
                ) from exc
            except RECORD_FAILURES as exc:
                reason = (
                    _messages(exc) if isinstance(exc, ValidationError) else str(exc)
                )
                raise RecordError(
                    number, record, f"figure {index}: revises: {reason}", self.where
                ) from exc
        for number, record, citation, refs, label, only_check in (
            self.citation_derivations
        ):
            self._derivations(number, record, citation, refs, label, only_check)
        for number, record, claim, _ref in self.claim_corrects:
            reason = self._correction_problem(claim)
            if reason:
                raise RecordError(number, record, f"corrects: {reason}", self.where)

    def _derivations(
        self, number, record, citation, refs, label, only_check
    ) -> None:
        """Link a citation to the citations its figure is derived from."""
        from registry.services.workflow import derivation_problem

        bases = []
        for ref in refs:
            try:
                claim = self.claim(ref["claim"])
                bases.append(citation_at(claim.public_id, int(ref["index"])))
            except (Citation.DoesNotExist, ValueError) as exc:
                raise RecordError(
                    number, record, f"{label}derived_from: {exc}", self.where
                ) from exc
        if only_check:
            stored = set(citation.derivation_links.values_list("basis_id", flat=True))
            if stored != {b.pk for b in bases}:
                raise RecordError(
                    number,
                    record,
                    f"{label}derived_from: differs from the stored citation's; "
                    "citations are edited in the admin",
                    self.where,
                )
            return
        problem = derivation_problem(citation, bases)
        if problem is not None:
            raise RecordError(
                number, record, f"{label}derived_from: {problem}", self.where
            )
        CitationDerivation.objects.bulk_create(
            CitationDerivation(citation=citation, basis=basis) for basis in bases
        )

    @staticmethod
    def _correction_problem(claim: Claim) -> str | None:
        """The workflow's rules for a correction, which rows alone can break."""
        seen = [claim.public_id]
        target = claim.corrects
        while target is not None:
            if target.public_id == claim.public_id:
                return "a correction cycle: " + " corrects ".join(
                    [*seen, claim.public_id]
                )
            seen.append(target.public_id)
            if len(seen) > 10_000:
                break
            target = target.corrects
        original = claim.corrects
        if claim.state in PUBLISHED_STATES and original.state != "superseded":
            return (
                f"{original.public_id!r} is {original.state}: a published "
                "correction supersedes the claim it corrects"
            )
        return None


def _with_computed_totals(record: dict) -> list[dict]:
    """A claim's figures, a total marked ``computed`` without a value given
    its qualifier and value from the parts that name it
    (``rules.total_from_parts``), as the admin computes it."""
    from types import SimpleNamespace

    from registry.figures import intervals, rules
    from registry.figures.parser import parse_figure_text

    items = list(record.get("figures") or [])
    for position, item in enumerate(items):
        if not item.get("computed") or item.get("value") is not None:
            continue
        parts = []
        for part in items:
            if part.get("part_of") != position:
                continue
            qualifier, value, high = (
                part.get("qualifier") or "exactly",
                part.get("value"),
                part.get("value_high"),
            )
            if value is None and part.get("stated"):
                parsed = parse_figure_text(part["stated"])
                qualifier, value, high = parsed.qualifier, parsed.value, parsed.value_high
            if value is None:
                raise ValueError(
                    f"figure {position + 1}: a computed total needs parts with "
                    "values"
                )
            parts.append(
                SimpleNamespace(
                    qualifier=qualifier,
                    value=value,
                    value_high=high,
                    interval=intervals.quantity_interval(qualifier, value, high),
                )
            )
        if not parts:
            raise ValueError(
                f"figure {position + 1}: a computed total needs a value or parts "
                "that name it (part_of)"
            )
        qualifier, value, high = rules.total_from_parts(parts)
        items[position] = {
            **item, "qualifier": qualifier, "value": value, "value_high": high
        }
    return items


def _registry_is_empty() -> bool:
    return not any(
        model.objects.exists()
        for model in (Source, SourceAlias, Document, Event, Claim, Conflict)
    )


def import_records(
    records: Iterable[dict | Line] | Callable[[], Iterable[dict | Line]],
    *,
    base_dir: Path | None = None,
    existing: str = "error",
    require_header: bool | None = None,
    actor=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    bulk: bool | None = None,
) -> ImportResult:
    """Import records in one transaction; raise RecordError on the first bad one.

    ``records`` are what ``read_records`` yields (numbered lines), or plain
    dicts numbered from 1, or a function returning them afresh. Every record
    is checked against the published schema
    (``docs/import-format.schema.json``) before it is read. A file needs its
    header line unless it is a seed (``base_dir`` given, no
    ``require_header``).

    Into an empty registry the records are written in bulk (``bulk=None``
    decides so): the same checks, a batch of rows written at once. Should
    the database refuse a batch (a constraint only it checks), the import
    starts again row by row, which names the record; that needs records
    that can be read twice (a list or a function).
    """
    again = records if callable(records) else None
    if again is None and not isinstance(records, Iterator):
        again = lambda: records  # noqa: E731 - a list reads twice
    if bulk is None:
        bulk = again is not None and _registry_is_empty()
    if bulk:
        try:
            return _import(
                again(),
                base_dir=base_dir,
                existing=existing,
                require_header=require_header,
                actor=actor,
                dry_run=dry_run,
                progress=progress,
                bulk=True,
            )
        except _Retry:
            pass
    return _import(
        again() if again is not None else records,
        base_dir=base_dir,
        existing=existing,
        require_header=require_header,
        actor=actor,
        dry_run=dry_run,
        progress=progress,
        bulk=False,
    )


def _import(
    records, *, base_dir, existing, require_header, actor, dry_run, progress, bulk
) -> ImportResult:
    importer = _Importer(
        base_dir=base_dir,
        existing=existing,
        actor=actor,
        dry_run=dry_run,
        bulk=bulk,
    )
    if require_header is None:
        require_header = base_dir is None
    handlers = {
        "source": importer.import_source,
        "document": importer.import_document,
        "event": importer.import_event,
        "claim": importer.import_claim,
        "citation": importer.import_citation,
        "conflict": importer.import_conflict,
    }
    started, cpu = time.monotonic(), time.process_time()
    with transaction.atomic():
        seen_header = False
        for position, item in enumerate(records, start=1):
            if isinstance(item, Line):
                number, record, importer.where = item
            else:
                number, record = position, item
                importer.where = "record"
            problem = check_record(record)
            if problem is not None:
                raise RecordError(
                    number,
                    record if isinstance(record, dict) else None,
                    problem,
                    importer.where,
                )
            kind = record["type"]
            if kind == "meta":
                seen_header = True
                continue
            if require_header and not seen_header:
                raise RecordError(
                    number,
                    record,
                    f"missing header line (type 'meta', format {FORMAT!r})",
                    importer.where,
                )
            if kind not in {"source", "document", "event", "claim"}:
                importer.bulk_off()
            try:
                if importer.bulk:
                    # Nothing written here: no savepoint needed to report.
                    handlers[kind](number, record)
                else:
                    # A savepoint per record keeps PostgreSQL's transaction
                    # usable long enough to report which record failed.
                    with transaction.atomic():
                        handlers[kind](number, record)
            except RecordError:
                raise
            except ValidationError as exc:
                raise RecordError(
                    number, record, _messages(exc), importer.where
                ) from exc
            except RECORD_FAILURES as exc:
                raise RecordError(number, record, str(exc), importer.where) from exc
            if progress is not None:
                progress(1)
        if require_header and not seen_header:
            raise RecordError(
                1, None, f"missing header line (type 'meta', format {FORMAT!r})"
            )
        importer.bulk_off()
        importer.finish()
        log.info(
            "import: records read and written in %.1f s, %.1f s CPU (%s)",
            time.monotonic() - started,
            time.process_time() - cpu,
            "bulk" if bulk else "row by row",
        )
        if dry_run:
            # Every record was checked and written as a real import would
            # write it; none of it stays.
            transaction.set_rollback(True)
            return importer.result
        # Detection runs once per quantity the file's figures touch, after
        # the file's own conflicts are in: it finds them unchanged (an export
        # re-imports byte-identical) and opens what the file does not carry.
        from registry.services.conflicts import conflicts_refresh
        from registry.services.projection import (
            projection_rebuild,
            projection_refresh,
        )

        mark, cpu = time.monotonic(), time.process_time()
        detected = conflicts_refresh(quantity_keys=importer.quantity_keys)
        if detected.opened:
            importer.result.created["conflicts detected"] += len(detected.opened)
        log.info(
            "import: conflicts refreshed in %.1f s, %.1f s CPU",
            time.monotonic() - mark,
            time.process_time() - cpu,
        )
        mark, cpu = time.monotonic(), time.process_time()
        if importer.was_empty.get(Claim):
            # No claim before this file, so the projection held none: one
            # rebuild in batches gives the same rows as refreshing each claim,
            # faster (a restore into an empty registry).
            projection_rebuild()
        else:
            projection_refresh(
                claim_ids=importer.claim_ids, quantity_keys=importer.quantity_keys
            )
        log.info(
            "import: public projection written in %.1f s, %.1f s CPU",
            time.monotonic() - mark,
            time.process_time() - cpu,
        )
    return importer.result


def import_file(
    path: Path,
    *,
    existing: str = "error",
    actor=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    bulk: bool | None = None,
) -> ImportResult:
    """Import a JSON Lines file (header required) or a YAML seed list; a
    document's ``text_file`` is read from the file's folder, never outside it."""
    return import_records(
        lambda: read_records(path),
        base_dir=path.parent,
        existing=existing,
        actor=actor,
        dry_run=dry_run,
        require_header=path.suffix not in {".yaml", ".yml"},
        progress=progress,
        bulk=bulk,
    )


# --------------------------------------------------------------------- export


def _source_record(source: Source) -> dict:
    return {
        "type": "source",
        "id": source.public_id,
        "name": source.name,
        "short_name": source.short_name,
        "kind": source.kind,
        "based_in": source.based_in,
        "parent": source.parent.public_id if source.parent_id else None,
        "reliability": source.reliability,
        "reliability_rationale": source.reliability_rationale,
        "homepage": source.homepage,
        "platform": source.platform,
        "handle": source.handle,
        "aliases": source.extra_aliases,
        "created_at": _iso(source.created_at),
        "updated_at": _iso(source.updated_at),
    }


def _document_record(document: Document) -> dict:
    return {
        "type": "document",
        "id": document.public_id,
        "kind": document.kind,
        "title": document.title,
        "publisher": document.publisher.public_id if document.publisher_id else None,
        "part_of": document.part_of.public_id if document.part_of_id else None,
        "url": document.url,
        "archive_url": document.archive_url,
        "retrieved_at": _iso(document.retrieved_at),
        "published_on": _iso(document.published_on),
        "published_precision": document.published_precision,
        "language": document.language,
        "content_hash": document.content_hash,
        "text": document.text,
        "created_at": _iso(document.created_at),
        "updated_at": _iso(document.updated_at),
    }


def _event_record(event: Event) -> dict:
    return {
        "type": "event",
        "id": event.public_id,
        "title": event.title,
        "description": event.description,
        "date_earliest": _iso(event.date_earliest),
        "date_latest": _iso(event.date_latest),
        "date_precision": event.date_precision,
        "place": event.place,
        "place_precision": event.place_precision,
        "latitude": str(event.latitude) if event.latitude is not None else None,
        "longitude": str(event.longitude) if event.longitude is not None else None,
        "created_at": _iso(event.created_at),
        "updated_at": _iso(event.updated_at),
    }


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# A claim is exported from plain rows (``values()``), a batch of claims at a
# time with one query per kind of child: building model instances and
# prefetching them was most of an export's time.
CLAIM_BATCH = 2000
FIGURE_FIELDS = (
    "kind",
    "metric",
    "subject",
    "stated",
    "qualifier",
    "value",
    "value_high",
    "unit",
    "low",
    "high",
    "period_start",
    "period_end",
    "as_of",
    "as_of_time",
    "revises_id",
    "part_of_id",
    "computed",
    "date_value",
    "date_precision",
)


def _figure_refs(figure_ids: set[int]) -> dict[int, dict]:
    """Each figure as its claim's id and its position among the claim's
    figures (by primary key), the way a file refers to it."""
    if not figure_ids:
        return {}
    claim_ids = set(
        Figure.objects.filter(pk__in=figure_ids).values_list("claim_id", flat=True)
    )
    refs, position = {}, Counter()
    for pk, claim_id, claim_public_id in (
        Figure.objects.filter(claim_id__in=claim_ids)
        .order_by("pk")
        .values_list("pk", "claim_id", "claim__public_id")
    ):
        if pk in figure_ids:
            refs[pk] = {"claim": claim_public_id, "index": position[claim_id]}
        position[claim_id] += 1
    return refs


def _derivation_refs(claim_ids: list[int]) -> dict[int, list[dict]]:
    """For the citations of these claims, the citations each is derived from,
    as ``{"claim", "index"}`` (``selectors.review.citation_ref``'s shape),
    ordered by the basis's claim and then its own key: two queries a batch."""
    links = list(
        CitationDerivation.objects.filter(citation__claim_id__in=claim_ids)
        .order_by("basis__claim__public_id", "basis_id")
        .values_list(
            "citation_id", "basis_id", "basis__claim_id", "basis__claim__public_id"
        )
    )
    if not links:
        return {}
    positions: dict[int, int] = {}
    siblings: dict[int, int] = defaultdict(int)
    for claim_id, pk in (
        Citation.objects.filter(claim_id__in={link[2] for link in links})
        .order_by("claim_id", "pk")
        .values_list("claim_id", "pk")
    ):
        positions[pk] = siblings[claim_id]
        siblings[claim_id] += 1
    refs: dict[int, list[dict]] = defaultdict(list)
    for citation_id, basis_id, _claim_id, claim_public_id in links:
        refs[citation_id].append(
            {"claim": claim_public_id, "index": positions[basis_id]}
        )
    return refs


def _claim_batch(rows: list[dict]) -> Iterator[dict]:
    user = get_user_model().USERNAME_FIELD
    ids = [row["pk"] for row in rows]
    citations, figures, transitions = (defaultdict(list) for _ in range(3))
    relays = defaultdict(list)
    for citation_id, source in (
        CitationRelay.objects.filter(citation__claim_id__in=ids)
        .order_by("citation_id", "position")
        .values_list("citation_id", "source__public_id")
    ):
        relays[citation_id].append(source)
    derived_from = _derivation_refs(ids)
    for c in (
        Citation.objects.filter(claim_id__in=ids)
        .order_by("pk")
        .values(
            "pk",
            "claim_id",
            "document__public_id",
            "originator__public_id",
            "attributed_to",
            "quote",
            "start",
            "end",
            "stance",
        )
    ):
        citations[c["claim_id"]].append(
            {
                "document": c["document__public_id"],
                "originator": c["originator__public_id"],
                "attributed_to": c["attributed_to"],
                "relays": relays.get(c["pk"], []),
                "quote": c["quote"],
                "start": c["start"],
                "end": c["end"],
                "stance": c["stance"],
                "derived_from": derived_from.get(c["pk"], []),
            }
        )
    figure_rows = list(
        Figure.objects.filter(claim_id__in=ids)
        .order_by("pk")
        .values("pk", "claim_id", *FIGURE_FIELDS)
    )
    revised = _figure_refs({f["revises_id"] for f in figure_rows if f["revises_id"]})
    # A part names its total by position among its claim's figures.
    positions, counted = {}, Counter()
    for f in figure_rows:
        positions[f["pk"]] = counted[f["claim_id"]]
        counted[f["claim_id"]] += 1
    for f in figure_rows:
        figures[f["claim_id"]].append(
            {
                "kind": f["kind"],
                "metric": f["metric"],
                "subject": f["subject"],
                "stated": f["stated"],
                "qualifier": f["qualifier"],
                "value": f["value"],
                "value_high": f["value_high"],
                "unit": f["unit"],
                "low": f["low"],
                "high": f["high"],
                "period_start": _iso(f["period_start"]),
                "period_end": _iso(f["period_end"]),
                "as_of": _iso(f["as_of"]),
                "as_of_time": f["as_of_time"].isoformat() if f["as_of_time"] else None,
                "revises": revised[f["revises_id"]] if f["revises_id"] else None,
                "part_of": positions.get(f["part_of_id"]),
                "computed": f["computed"],
                "date": _iso(f["date_value"]),
                "date_precision": f["date_precision"],
            }
        )
    for t in (
        ClaimTransition.objects.filter(claim_id__in=ids)
        .order_by("created_at", "pk")
        .values(
            "claim_id",
            f"actor__{user}",
            "from_state",
            "to_state",
            "comment",
            "created_at",
        )
    ):
        transitions[t["claim_id"]].append(
            {
                "actor": t[f"actor__{user}"],
                "from": t["from_state"],
                "to": t["to_state"],
                "comment": t["comment"],
                "at": _iso(t["created_at"]),
            }
        )
    for row in rows:
        pk = row["pk"]
        yield {
            "type": "claim",
            "id": row["public_id"],
            "statement": row["statement"],
            "kind": row["kind"],
            "event": row["event__public_id"],
            "confidence": row["confidence"],
            "confidence_rationale": row["confidence_rationale"],
            "state": row["state"],
            "public_note": row["public_note"],
            "proposer_version": row["proposer_version"],
            "corrects": row["corrects__public_id"],
            "published_at": _iso(row["published_at"]),
            "created_by": row[f"created_by__{user}"],
            "updated_by": row[f"updated_by__{user}"],
            "submitted_by": row[f"submitted_by__{user}"],
            "created_at": _iso(row["created_at"]),
            "updated_at": _iso(row["updated_at"]),
            "citations": citations.get(pk, []),
            "figures": figures.get(pk, []),
            "transitions": transitions.get(pk, []),
        }


def claim_records(claims=None) -> Iterator[dict]:
    """These claims' records (every claim by default), in public id order."""
    user = get_user_model().USERNAME_FIELD
    queryset = (claims if claims is not None else Claim.objects.all()).order_by(
        "public_id"
    )
    fields = (
        "pk",
        "public_id",
        "statement",
        "kind",
        "event__public_id",
        "confidence",
        "confidence_rationale",
        "state",
        "public_note",
        "proposer_version",
        "corrects__public_id",
        "published_at",
        f"created_by__{user}",
        f"updated_by__{user}",
        f"submitted_by__{user}",
        "created_at",
        "updated_at",
    )
    last = None
    while True:
        page = queryset if last is None else queryset.filter(public_id__gt=last)
        rows = list(page.values(*fields)[:CLAIM_BATCH])
        if not rows:
            return
        yield from _claim_batch(rows)
        last = rows[-1]["public_id"]


def _claim_record(claim: Claim) -> dict:
    return next(claim_records(Claim.objects.filter(pk=claim.pk)))


def _conflict_record(conflict: Conflict) -> dict:
    def ref(figure: Figure) -> dict:
        siblings = [f.pk for f in figure.claim.figures.all()]
        return {"claim": figure.claim.public_id, "index": siblings.index(figure.pk)}

    members = sorted(conflict.figures.all(), key=lambda f: (f.claim.public_id, f.pk))
    return {
        "type": "conflict",
        "id": conflict.public_id,
        "quantity_key": conflict.quantity_key,
        "event": conflict.event.public_id if conflict.event_id else None,
        "kind": conflict.kind,
        "metric": conflict.metric,
        "subject": conflict.subject,
        "period_start": _iso(conflict.period_start),
        "period_end": _iso(conflict.period_end),
        "status": conflict.status,
        "figures": [ref(f) for f in members],
        "preferred": ref(conflict.preferred_figure)
        if conflict.preferred_figure_id
        else None,
        "rationale": conflict.rationale,
        "settled_by": _username(conflict.settled_by),
        "settled_at": _iso(conflict.settled_at),
        "created_at": _iso(conflict.created_at),
        "updated_at": _iso(conflict.updated_at),
    }


EXPORTERS = {
    "source": _source_record,
    "document": _document_record,
    "event": _event_record,
    "claim": _claim_record,
    "conflict": _conflict_record,
}


def export_counts() -> int:
    return sum(
        model.objects.count() for model in (Source, Document, Event, Claim, Conflict)
    )


def export_records() -> Iterator[dict]:
    """Every record, in a deterministic order that an import can replay."""
    yield {"type": "meta", "format": FORMAT, "version": VERSION}
    # Parents before children, so an import never needs a forward reference
    # for sources; corrections are linked after all claims exist anyway.
    sources = Source.objects.select_related("parent").prefetch_related("aliases")
    for source in sources.order_by("public_id").iterator(chunk_size=2000):
        yield _source_record(source)
    documents = Document.objects.select_related("publisher", "part_of")
    # Whole articles before the captions that are part of them.
    for document in documents.order_by(
        F("part_of__public_id").asc(nulls_first=True), "public_id"
    ).iterator(chunk_size=500):
        yield _document_record(document)
    for event in Event.objects.order_by("public_id").iterator(chunk_size=2000):
        yield _event_record(event)
    yield from claim_records()
    conflicts = Conflict.objects.select_related(
        "event", "settled_by", "preferred_figure__claim"
    ).prefetch_related(
        Prefetch(
            "figures",
            queryset=Figure.objects.select_related("claim").prefetch_related(
                Prefetch("claim__figures", queryset=Figure.objects.order_by("pk"))
            ),
        ),
        Prefetch(
            "preferred_figure__claim__figures", queryset=Figure.objects.order_by("pk")
        ),
    )
    for conflict in conflicts.order_by("public_id").iterator(chunk_size=500):
        yield _conflict_record(conflict)


def write_jsonl(records: Iterable[dict], out: TextIO, progress=None) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
        if progress is not None and record.get("type") != "meta":
            progress(1)
    return count


def progress_bar(total: int | None, desc: str):
    """A progress bar on a terminal (records, rate, time left); silent otherwise."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit=" records",
        disable=not sys.stderr.isatty(),
        file=sys.stderr,
    )
