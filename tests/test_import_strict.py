"""The import file is checked strictly against its published schema and the
workflow's rules: every bad file is refused with its line, record id and
field, and leaves the database as it was (issue 11's list, one test each)."""

import copy
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from registry import choices
from registry.models import Citation, Claim, Conflict, Source
from registry.services.import_schema import SCHEMA_PATH
from registry.services.transfer import RecordError, import_file
from tests.factories import ARTICLE_TEXT

pytestmark = pytest.mark.django_db

HEADER = {"type": "meta", "format": "factcheck-registry", "version": 1}
BASE = [
    HEADER,
    {
        "type": "source",
        "id": "sohr",
        "name": "Observatory",
        "kind": "monitor",
        "reliability": "B",
        "aliases": ["the London-based agency"],
    },
    {"type": "source", "id": "amn", "name": "Al Masdar", "kind": "news_outlet"},
    {
        "type": "document",
        "id": "doc",
        "kind": "article",
        "title": "An article",
        "language": "en",
        "text": ARTICLE_TEXT,
        "publisher": "amn",
    },
    {
        "type": "event",
        "id": "ev",
        "title": "Attack",
        "date_earliest": "2020-04-09",
        "date_latest": "2020-04-09",
        "date_precision": "day",
    },
    {
        "type": "claim",
        "id": "eight",
        "statement": "At least eight soldiers were killed.",
        "kind": "casualty_figure",
        "event": "ev",
        "state": "approved",
        "confidence": 3,
        "citations": [
            {
                "document": "doc",
                "originator": "sohr",
                "relays": ["amn"],
                "quote": "at least eight soldiers",
                "stance": "asserts",
            }
        ],
        "figures": [
            {
                "metric": "killed",
                "subject": "soldiers",
                "qualifier": "at_least",
                "value": 8,
                "as_of": "2020-04-10",
            }
        ],
        "transitions": [
            {
                "actor": "rev",
                "from": "in_review",
                "to": "approved",
                "comment": "",
                "at": "2020-04-10T10:00:00+00:00",
            }
        ],
    },
    {
        "type": "claim",
        "id": "five",
        "statement": "Five soldiers died.",
        "kind": "casualty_figure",
        "event": "ev",
        "state": "in_review",
        "citations": [
            {"document": "doc", "originator": "amn", "quote": "five soldiers died"}
        ],
        "figures": [
            {
                "metric": "killed",
                "subject": "soldiers",
                "qualifier": "exactly",
                "value": 5,
            }
        ],
    },
    {
        "type": "conflict",
        "id": "toll",
        "quantity_key": "toll-key",
        "event": "ev",
        "kind": "quantity",
        "metric": "killed",
        "subject": "soldiers",
        "status": "settled",
        "figures": [{"claim": "eight", "index": 0}, {"claim": "five", "index": 0}],
        "preferred": {"claim": "eight", "index": 0},
        "rationale": "SOHR is closer.",
        "settled_by": "rev",
        "settled_at": "2020-04-11T10:00:00+00:00",
    },
]


def snapshot():
    models = [*apps.get_app_config("registry").get_models(), get_user_model()]
    return {m.__name__: m.objects.count() for m in models}


def write(tmp_path: Path, records, name="article.jsonl") -> Path:
    path = tmp_path / name
    lines = [
        r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode()
        for r in records
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def base():
    return copy.deepcopy(BASE)


def refused(tmp_path, records, match):
    before = snapshot()
    with pytest.raises(RecordError, match=match):
        import_file(write(tmp_path, records))
    assert snapshot() == before


def test_a_valid_file_imports(tmp_path):
    result = import_file(write(tmp_path, base()))
    assert result.created["claims"] == 2
    assert Conflict.objects.get(public_id="toll").preferred_figure.value == 8


def test_schema_enumerations_follow_the_models():
    schema = json.loads(SCHEMA_PATH.read_text())
    enums = {name: set(d["enum"]) for name, d in schema["$defs"].items() if "enum" in d}
    assert enums["qualifier"] == set(choices.Qualifier.values)
    assert enums["stance"] == set(choices.Stance.values)
    assert enums["claim_kind"] == set(choices.ClaimKind.values)
    assert enums["source_kind"] == set(choices.SourceKind.values)
    assert enums["document_kind"] == set(choices.DocumentKind.values)
    assert enums["grade"] == set(choices.Reliability.values)
    assert enums["state"] == set(choices.ClaimState.values)
    assert enums["precision"] == set(choices.DatePrecision.values)
    assert enums["place_precision"] == set(choices.PlacePrecision.values)
    assert enums["conflict_status"] == set(choices.ConflictStatus.values)
    assert enums["figure_kind"] == set(choices.FigureKind.values)


# ------------------------------------------------------- issue 11, one by one


def test_relays_under_a_misspelled_key_are_refused_not_dropped(tmp_path):
    records = base()
    records[5]["citations"][0]["relay"] = records[5]["citations"][0].pop("relays")
    refused(
        tmp_path,
        records,
        r"line 6 \(claim 'eight'\): citations\[0\]\.relay: unknown key",
    )


def test_misspelled_qualifier_is_refused_not_exactly(tmp_path):
    records = base()
    records[5]["figures"][0]["qualifier"] = "atleast"
    refused(
        tmp_path,
        records,
        r"line 6 \(claim 'eight'\): figures\[0\]\.qualifier: 'atleast'",
    )


def test_misspelled_as_of_is_refused_not_emptied(tmp_path):
    records = base()
    records[5]["figures"][0]["as_off"] = records[5]["figures"][0].pop("as_of")
    refused(tmp_path, records, r"figures\[0\]\.as_off: unknown key")


@pytest.mark.parametrize(
    ("index", "path", "value", "field"),
    [
        (5, ("citations", 0, "stance"), "claims", r"citations\[0\]\.stance"),
        (5, ("kind",), "casualty", r"kind"),
        (1, ("reliability",), "G", r"reliability"),
        (5, ("state",), "published", r"state"),
        (4, ("date_precision",), "decade", r"date_precision"),
        (3, ("published_precision",), "hour", r"published_precision"),
        (1, ("kind",), "blog", r"kind"),
    ],
)
def test_unknown_enumerations_are_refused(tmp_path, index, path, value, field):
    records = base()
    target = records[index]
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    refused(
        tmp_path, records, rf"line {index + 1} \(.*\): {field}: '{value}' is not one of"
    )


def test_citations_as_a_string_are_refused(tmp_path):
    records = base()
    records[5]["citations"] = "abc"
    refused(
        tmp_path, records, r"line 6 \(claim 'eight'\): citations: 'abc' is not of type"
    )


def test_aliases_as_a_string_are_refused_not_split_into_letters(tmp_path):
    records = base()
    records[1]["aliases"] = "xyz"
    refused(
        tmp_path, records, r"line 2 \(source 'sohr'\): aliases: 'xyz' is not of type"
    )


def test_type_as_a_list_is_refused(tmp_path):
    records = base()
    records.insert(2, {"type": ["claim"]})
    refused(tmp_path, records, r"line 3: type: \['claim'\] is not one of")


def test_preferred_index_out_of_range_is_refused(tmp_path):
    records = base()
    records[7]["preferred"] = {"claim": "eight", "index": 5}
    refused(tmp_path, records, r"line 8 \(conflict 'toll'\): preferred: unknown figure")


def test_preferred_figure_outside_the_conflict_is_refused(tmp_path):
    records = base()
    records[7]["figures"] = [{"claim": "five", "index": 0}]
    refused(tmp_path, records, r"preferred: not one of the conflict's figures")


def test_invalid_utf8_is_refused_with_its_line(tmp_path):
    records = base()
    records.insert(
        3, b'{"type": "source", "id": "x\xff", "name": "n", "kind": "other"}'
    )
    refused(tmp_path, records, r"line 4: not valid UTF-8")


def test_a_correction_cycle_is_refused(tmp_path):
    records = base()
    one = copy.deepcopy(records[6]) | {"id": "one", "state": "draft", "corrects": "two"}
    two = copy.deepcopy(records[6]) | {"id": "two", "state": "draft", "corrects": "one"}
    records[7:7] = [one, two]
    refused(tmp_path, records, r"\(claim '(one|two)'\): corrects: a correction cycle")


def test_an_approved_claim_without_a_citation_is_refused(tmp_path):
    records = base()
    records[5]["citations"] = []
    refused(
        tmp_path,
        records,
        r"line 6 \(claim 'eight'\): citations: a published \(approved\) claim needs",
    )


def test_a_published_correction_of_a_claim_left_approved_is_refused(tmp_path):
    records = base()
    fix = copy.deepcopy(records[5]) | {"id": "eight-fixed", "corrects": "eight"}
    records.insert(7, fix)
    refused(
        tmp_path,
        records,
        r"line 8 \(claim 'eight-fixed'\): corrects: 'eight' is approved: a published correction supersedes",
    )


def test_a_published_correction_of_a_superseded_claim_imports(tmp_path):
    records = base()
    records[5]["state"] = "superseded"
    fix = copy.deepcopy(records[5]) | {
        "id": "eight-fixed",
        "state": "approved",
        "corrects": "eight",
    }
    records.insert(7, fix)
    import_file(write(tmp_path, records))
    assert Claim.objects.get(public_id="eight-fixed").corrects.public_id == "eight"


def test_missing_header_is_refused(tmp_path):
    refused(tmp_path, base()[1:], r"line 1 \(source 'sohr'\): missing header line")


def test_the_command_names_the_record_and_imports_nothing(tmp_path):
    records = base()
    records[5]["figures"][0]["value"] = "eight"
    path = write(tmp_path, records)
    with pytest.raises(
        CommandError,
        match=r"line 6 \(claim 'eight'\): figures\[0\]\.value: 'eight' is not of type.*Nothing was imported",
    ):
        call_command("import_registry", str(path))
    assert not Source.objects.exists()


# ---------------------------------------------------------------- text files


def test_text_file_is_read_from_the_import_files_folder(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    records = base()
    del records[3]["text"]
    records[3]["text_file"] = "texts/a.txt"
    import_file(write(tmp_path, records))
    assert Citation.objects.count() == 2


@pytest.mark.parametrize(
    "name", ["../secret.txt", "/etc/hostname", "texts/../../x.txt"]
)
def test_text_file_outside_the_folder_is_refused(tmp_path, name):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "secret.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    records = base()
    del records[3]["text"]
    records[3]["text_file"] = name
    before = snapshot()
    with pytest.raises(
        RecordError,
        match=r"line 4 \(document 'doc'\): text_file: .* inside the import file's folder",
    ):
        import_file(write(inner, records))
    assert snapshot() == before


def test_text_file_through_a_link_out_of_the_folder_is_refused(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "secret.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    (inner / "link.txt").symlink_to(tmp_path / "secret.txt")
    records = base()
    del records[3]["text"]
    records[3]["text_file"] = "link.txt"
    with pytest.raises(RecordError, match="leads outside"):
        import_file(write(inner, records))


def test_load_seeds_refuses_a_text_file_outside_its_folder(tmp_path):
    inner = tmp_path / "seeds"
    inner.mkdir()
    (inner / "seed.yaml").write_text(
        "- {type: document, id: d, kind: article, title: T, text_file: /etc/hostname}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CommandError, match=r"record 1 \(document 'd'\): text_file: .*inside"
    ):
        call_command("load_seeds", str(inner / "seed.yaml"))


# ------------------------------------------------------------------ fuzzing

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


def _mutate(data, records):
    how = data.draw(st.sampled_from(["replace", "value", "delete", "add", "bytes"]))
    index = data.draw(st.integers(0, len(records) - 1))
    if how == "replace":
        records[index] = data.draw(json_values)
        return
    if how == "bytes":
        records[index] = data.draw(st.binary(max_size=40))
        return
    # Walk down to a random dict or list inside the record.
    target = records[index]
    if not isinstance(target, dict | list) or not target:
        records[index] = data.draw(json_values)
        return
    for _ in range(data.draw(st.integers(0, 3))):
        children = [
            v
            for v in (target.values() if isinstance(target, dict) else target)
            if isinstance(v, dict | list) and v
        ]
        if not children:
            break
        target = data.draw(st.sampled_from(children))
    if isinstance(target, list):
        position = data.draw(st.integers(0, len(target) - 1))
        if how == "delete":
            del target[position]
        else:
            target[position] = data.draw(json_values)
        return
    keys = sorted(target)
    if how == "add" or not keys:
        target[data.draw(st.text(max_size=10))] = data.draw(json_values)
    elif how == "delete":
        del target[data.draw(st.sampled_from(keys))]
    else:
        target[data.draw(st.sampled_from(keys))] = data.draw(json_values)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(data=st.data())
def test_no_input_makes_the_importer_fail_otherwise(tmp_path, data):
    """Random records and mutated valid ones: the importer imports or raises
    its own RecordError, and a refused file changes nothing."""
    records = base()
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(data, records)
    path = write(tmp_path, records)
    before = snapshot()
    with transaction.atomic():
        try:
            import_file(path)
        except RecordError as exc:
            assert str(exc)
            assert snapshot() == before
        # Each example starts from the same empty registry.
        transaction.set_rollback(True)


def test_the_schema_is_served_at_its_stable_address(client):
    response = client.get("/api/v1/schemas/import.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert response.content == SCHEMA_PATH.read_bytes()
    schema = json.loads(response.content)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "/api/v1/schemas/import.json"


@pytest.mark.parametrize("bad_id", ["ab\x1fc", "abc\n", "a b", "a\x00b", "a\x7fb"])
def test_an_id_with_a_space_or_control_character_is_refused_by_both_checks(bad_id):
    # Found by the fast-vs-full schema property test: Python's \s counts
    # \x1c-\x1f as space where jsonschema-rs's does not, and Python's '$'
    # matches before a final newline. Both validators must refuse these.
    from registry.services import import_schema

    record = next(r for r in base() if r["type"] == "source")
    record = {**record, "id": bad_id}
    assert not import_schema._fast_validators()["source"].is_valid(record)
    assert not import_schema._validators()["source"].is_valid(record)
    assert import_schema.check_record(record) is not None
