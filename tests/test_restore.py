"""Restore: export, import into an empty registry (the bulk path), export
again gives the same bytes; a file the bulk path cannot pin an error on is
imported again row by row, which names the record. Runs on SQLite and, with
DATABASE_URL, on PostgreSQL (COPY)."""

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from registry.models import (
    Citation,
    Claim,
    ClaimTransition,
    Conflict,
    ConflictDecision,
    Document,
    Event,
    Figure,
    PublicClaim,
    Source,
)
from registry.services import transfer
from registry.services.transfer import (
    RecordError,
    export_records,
    import_records,
)
from tests import test_import_strict as strict

pytestmark = pytest.mark.django_db

HEADER = {"type": "meta", "format": "factcheck-registry", "version": 1}
SUBJECTS = ["soldiers", "civilians", "fighters"]


def synthetic(claims: int, seed: int = 7) -> list[dict]:
    """A small registry with what a restore must carry: parents and aliases,
    captions part of articles, relays, published, retracted, superseded and
    draft claims, corrections, revisions, times of day and disagreeing
    figures (which open conflicts)."""
    rng = random.Random(seed)
    records = [HEADER]
    for i in range(1, 11):
        records.append(
            {
                "type": "source",
                "id": f"s{i}",
                "name": f"Source {i}",
                "short_name": f"S{i}",
                "kind": "monitor" if i % 2 else "news_outlet",
                "reliability": "ABCDEF"[i % 6],
                "parent": "s1" if i in (4, 5) else None,
                "aliases": [f"Agency number {i}", f"Ag{i}"] if i % 3 == 0 else [],
            }
        )
    texts = {}
    for i in range(1, 6):
        text = " ".join(
            f"Sentence {j}: {n} {subject} were killed in town {i}."
            for j, (n, subject) in enumerate(
                (rng.randint(1, 40), rng.choice(SUBJECTS)) for _ in range(30)
            )
        )
        texts[f"d{i}"] = text
        records.append(
            {
                "type": "document",
                "id": f"d{i}",
                "kind": "article",
                "title": f"Article {i}",
                "publisher": f"s{i}",
                "language": "es" if i == 5 else "en",
                "published_on": f"2020-04-{i:02d}",
                "text": text,
            }
        )
    texts["d6"] = "Pie de foto: 12 soldiers were killed."
    records.append(
        {
            "type": "document",
            "id": "d6",
            "kind": "caption",
            "title": "Caption",
            "part_of": "d1",
            "language": "es",
            "text": texts["d6"],
        }
    )
    for i in range(1, 4):
        records.append(
            {
                "type": "event",
                "id": f"e{i}",
                "title": f"Attack {i}",
                "date_earliest": "2020-04-09",
                "date_latest": "2020-04-10",
                "place": f"Town {i}",
                "latitude": "34.5",
                "longitude": "40.25",
            }
        )
    for n in range(claims):
        document = f"d{rng.randint(1, 5)}"
        sentence = rng.randint(0, 29)
        text = texts[document]
        start = text.index(f"Sentence {sentence}:")
        quote = text[start : text.index(".", start) + 1]
        value = int(quote.split(": ")[1].split()[0])
        subject = quote.split()[3]
        state = rng.choice(["approved"] * 6 + ["draft", "in_review", "retracted"])
        claim = {
            "type": "claim",
            "id": f"c{n:04d}",
            "statement": f"{value} {subject} were killed.",
            "kind": "casualty_figure",
            "event": f"e{rng.randint(1, 3)}",
            "state": state,
            "confidence": rng.randint(1, 6) if state != "draft" else None,
            "public_note": "Withdrawn by its source." if state == "retracted" else "",
            "created_at": f"2020-05-01T10:{n % 60:02d}:00+00:00",
            "updated_at": f"2020-05-02T10:{n % 60:02d}:00+00:00",
            "published_at": (
                f"2020-05-03T10:{n % 60:02d}:00+00:00"
                if state in ("approved", "retracted")
                else None
            ),
            "created_by": "editor",
            "citations": [
                {
                    "document": document,
                    "originator": f"s{rng.randint(1, 10)}",
                    "relays": [f"s{rng.randint(1, 10)}"] if n % 3 == 0 else [],
                    "quote": quote,
                    "start": start,
                    "end": start + len(quote),
                    "stance": "asserts",
                }
            ],
            "figures": [
                {
                    "metric": "killed",
                    "subject": subject,
                    "stated": str(value),
                    "qualifier": "exactly",
                    "value": value,
                    "as_of": "2020-04-10",
                    "as_of_time": "08:30:00" if n % 7 == 0 else None,
                }
            ],
            "transitions": [
                {
                    "actor": "editor",
                    "from": "draft",
                    "to": "in_review",
                    "comment": "",
                    "at": "2020-05-02T09:00:00+00:00",
                }
            ],
        }
        if n % 11 == 1:
            # The same originator's later figure about the same quantity.
            claim["figures"].append(
                {
                    **claim["figures"][0],
                    "value": value + 1,
                    "stated": str(value + 1),
                    "as_of": "2020-04-11",
                    "revises": {"claim": claim["id"], "index": 0},
                }
            )
        records.append(claim)
    # A correction: the original superseded, its correction approved.
    records.append(
        {
            **records[-1],
            "id": "c-original",
            "state": "superseded",
            "confidence": 3,
            "published_at": "2020-05-03T11:00:00+00:00",
        }
    )
    records.append(
        {
            **records[-2],
            "id": "c-correction",
            "state": "approved",
            "confidence": 2,
            "corrects": "c-original",
            "published_at": "2020-05-04T11:00:00+00:00",
        }
    )
    return records


def export() -> list[dict]:
    """The export, without what the file did not give: timestamps, and the
    random ids of the conflicts detection opened (in their keys' order)."""
    records = [
        {k: v for k, v in r.items() if k not in ("created_at", "updated_at")}
        for r in export_records()
    ]
    for record in records:
        if record["type"] == "conflict":
            del record["id"]
    return sorted(
        records, key=lambda r: (r["type"] == "conflict", r.get("quantity_key", ""))
    )


def export_text() -> str:
    out = io.StringIO()
    call_command("export_registry", "-", stdout=out)
    return out.getvalue()


def wipe():
    PublicClaim.objects.all().delete()
    ConflictDecision.objects.all().delete()
    Conflict.objects.all().delete()
    Figure.objects.update(revises=None)
    Figure.objects.all().delete()
    Citation.objects.all().delete()
    ClaimTransition.objects.all().delete()
    Claim.objects.update(corrects=None)
    Claim.objects.all().delete()
    Event.objects.all().delete()
    Document.objects.filter(part_of__isnull=False).delete()
    Document.objects.all().delete()
    Source.objects.filter(parent__isnull=False).delete()
    Source.objects.all().delete()


def test_restore_into_an_empty_registry_gives_the_same_bytes(tmp_path):
    import_records(synthetic(120))
    assert Conflict.objects.exists(), "the file's figures should disagree"
    assert Figure.objects.filter(revises__isnull=False).exists()
    first = export_text()
    path = tmp_path / "backup.jsonl"
    path.write_text(first, encoding="utf-8")
    wipe()
    with CaptureQueriesContext(connection) as queries:
        call_command("import_registry", str(path), stdout=io.StringIO())
    # Claims, citations and public claims a batch at a time (COPY on
    # PostgreSQL, which is not captured here), not one INSERT each.
    for table in ("registry_claim", "registry_citation", "registry_publicclaim"):
        sql = f'INSERT INTO "{table}"'
        inserts = [q for q in queries if q["sql"].startswith(sql)]
        assert len(inserts) <= 3, (table, len(inserts))
    assert export_text() == first
    assert PublicClaim.objects.filter(public_id="c-correction").exists()


def history_counts() -> list[int]:
    return [m.history.count() for m in (Source, Document, Event, Claim, Figure)]


def test_bulk_and_row_by_row_write_the_same_registry_and_history(monkeypatch):
    # Small batches: claims written, forgotten, then named by a correction,
    # a revision and a conflict read later in the file.
    monkeypatch.setattr(transfer, "BULK_BATCH", 25)
    records = synthetic(40)
    import_records(records, bulk=True)
    bulk, bulk_history = export(), history_counts()
    wipe()
    before = history_counts()
    import_records(records, bulk=False)
    assert export() == bulk
    after = history_counts()
    assert [a - b for a, b in zip(after, before, strict=True)] == bulk_history
    assert Source.objects.get(public_id="s9").aliases.count() == 4


def test_a_clash_found_in_python_is_named_without_a_retry():
    records = synthetic(30)
    records[1]["aliases"] = ["Ag3"]  # s1; s3 (record 4) has it too
    with pytest.raises(RecordError, match=r"record 4 \(source 's3'\).*'Ag3'"):
        import_records(records)
    assert not Source.objects.exists()


def test_an_error_only_the_database_finds_is_named_and_nothing_changes():
    records = synthetic(30)
    retracted = next(r for r in records if r.get("state") == "retracted")
    retracted["public_note"] = ""  # a CHECK constraint, not validated in Python
    with pytest.raises(
        RecordError,
        match=rf"\(claim '{retracted['id']}'\): .*claim_retraction_has_note",
    ):
        import_records(records)
    assert not Source.objects.exists()
    assert not Claim.objects.exists()


def test_a_quote_off_its_offsets_is_named_in_bulk():
    records = synthetic(30)
    claim = next(r for r in records if r["type"] == "claim")
    claim["citations"][0]["start"] += 1
    claim["citations"][0]["end"] += 1
    with pytest.raises(RecordError, match=r"\(claim 'c0000'\): citation 1: quote"):
        import_records(records)
    assert not Claim.objects.exists()


@settings(
    max_examples=300,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(data=st.data())
def test_the_fast_schema_check_accepts_nothing_jsonschema_refuses(data):
    """The importer trusts jsonschema-rs when it accepts a record; it must
    never accept one that jsonschema (whose messages we show) refuses."""
    from registry.services import import_schema

    records = [r for r in strict.base() if r["type"] != "meta"]
    for _ in range(data.draw(st.integers(1, 3))):
        strict._mutate(data, records)
    for record in records:
        if not isinstance(record, dict) or record.get("type") not in (
            import_schema.record_types()
        ):
            continue
        fast = import_schema._fast_validators()[record["type"]]
        slow = import_schema._validators()[record["type"]]
        if fast.is_valid(record):
            assert slow.is_valid(record), record
