import io
import json

import pytest
from django.core.management import CommandError, call_command

from registry.models import Claim, ClaimTransition, Source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)


def export() -> str:
    out = io.StringIO()
    call_command("export_registry", "-", stdout=out)
    return out.getvalue()


def wipe():
    from registry.models import Citation, Conflict, Document, Event, Figure

    Conflict.objects.all().delete()
    Figure.objects.all().delete()
    Citation.objects.all().delete()
    ClaimTransition.objects.all().delete()
    Claim.objects.all().delete()
    Event.objects.all().delete()
    Document.objects.filter(part_of__isnull=False).delete()
    Document.objects.all().delete()
    Source.objects.filter(parent__isnull=False).delete()
    Source.objects.all().delete()


def test_export_import_export_is_identical(tmp_path):
    call_command("load_seeds", verbosity=0)
    # Include what a working registry has beyond the seed: an audit trail.
    claim = Claim.objects.get(public_id="sohr-al-mazare-eight-soldiers")
    ClaimTransition.objects.create(
        claim=claim,
        actor=UserFactory(username="rev"),
        from_state="in_review",
        to_state="approved",
        comment="Checked against SOHR's own site.",
    )
    first = export()
    path = tmp_path / "registry.jsonl"
    path.write_text(first, encoding="utf-8")

    wipe()
    assert Claim.objects.count() == 0
    call_command("import_registry", str(path), stdout=io.StringIO())
    second = export()
    assert second == first
    assert json.loads(first.splitlines()[0]) == {
        "type": "meta",
        "format": "factcheck-registry",
        "version": 1,
    }


def test_reimporting_an_export_finds_everything_identical(tmp_path):
    call_command("load_seeds", verbosity=0)
    first = export()
    path = tmp_path / "registry.jsonl"
    path.write_text(first, encoding="utf-8")
    out = io.StringIO()
    call_command("import_registry", str(path), stdout=out)
    assert "already present" in out.getvalue()
    assert "created" not in out.getvalue()
    assert export() == first


def test_a_differing_record_is_refused_and_nothing_changes(tmp_path):
    call_command("load_seeds", verbosity=0)
    lines = export().splitlines()
    index = next(i for i, line in enumerate(lines) if '"id":"sohr"' in line)
    record = json.loads(lines[index])
    record["reliability"] = "D"
    lines[index] = json.dumps(record, ensure_ascii=False)
    path = tmp_path / "registry.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = export()
    with pytest.raises(
        CommandError,
        match=rf"line {index + 1} \(source 'sohr'\): reliability: differs .*--update",
    ):
        call_command("import_registry", str(path), stdout=io.StringIO())
    assert export() == before


def test_bad_record_names_its_line_and_imports_nothing(tmp_path):
    call_command("load_seeds", verbosity=0)
    lines = export().splitlines()
    wipe()
    # Corrupt one claim's quote near the end of the file.
    index = max(i for i, line in enumerate(lines) if '"type":"claim"' in line)
    record = json.loads(lines[index])
    record["citations"][0]["quote"] = record["citations"][0]["quote"].upper() + "!"
    lines[index] = json.dumps(record, ensure_ascii=False)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        CommandError,
        match=rf"line {index + 1} \(claim '{record['id']}'\): citation 1",
    ):
        call_command("import_registry", str(path), stdout=io.StringIO())
    assert Source.objects.count() == 0
    assert Claim.objects.count() == 0


def test_altered_document_text_is_caught_by_its_hash(tmp_path):
    call_command("load_seeds", verbosity=0)
    lines = export().splitlines()
    wipe()
    index = next(i for i, line in enumerate(lines) if '"type":"document"' in line)
    record = json.loads(lines[index])
    record["text"] += " (edited)"
    lines[index] = json.dumps(record, ensure_ascii=False)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="content_hash does not match"):
        call_command("import_registry", str(path), stdout=io.StringIO())


def test_file_that_is_not_json_lines_is_refused(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"type": "meta", "format": "factcheck-registry", "version": 1}\n{oops\n'
    )
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        call_command("import_registry", str(path), stdout=io.StringIO())


def test_export_to_a_file_writes_it_whole(tmp_path):
    call_command("load_seeds", verbosity=0)
    path = tmp_path / "backup.jsonl"
    call_command("export_registry", str(path), stdout=io.StringIO())
    assert path.read_text(encoding="utf-8") == export()
    assert not (tmp_path / "backup.jsonl.partial").exists()


def test_revisions_and_times_of_day_round_trip(tmp_path):
    import datetime as dt

    from registry.models import Figure

    call_command("load_seeds", verbosity=0)
    claim = Claim.objects.get(public_id="sohr-al-mazare-eight-soldiers")
    Claim.objects.filter(pk=claim.pk).update(state="draft")
    first_figure = claim.figures.order_by("pk").first()
    Figure.objects.filter(pk=first_figure.pk).update(
        as_of=dt.date(2020, 4, 9), as_of_time=dt.time(9, 30)
    )
    later = Figure.objects.get(pk=first_figure.pk)
    later.pk = None
    later.value, later.as_of_time, later.revises = 11, dt.time(20), first_figure
    later.save()
    first = export()
    path = tmp_path / "registry.jsonl"
    path.write_text(first, encoding="utf-8")
    record = next(
        json.loads(line) for line in first.splitlines() if claim.public_id in line
        and '"type":"claim"' in line.replace(" ", "")
    )
    assert record["figures"][1]["revises"] == {"claim": claim.public_id, "index": 0}
    assert record["figures"][0]["as_of_time"] == "09:30:00"

    wipe()
    call_command("import_registry", str(path), stdout=io.StringIO())
    assert export() == first
    revised = Claim.objects.get(pk__isnull=False, public_id=claim.public_id)
    assert revised.figures.order_by("pk")[1].revises_id is not None
