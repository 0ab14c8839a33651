"""One file per article: an analyst's file may reuse records already in the
registry (compared, never silently kept or overwritten), read its text from
a file beside it, and add citations to existing claims."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from registry.models import Citation, Claim, Source
from registry.services.transfer import RecordError, import_file
from tests.factories import ARTICLE_TEXT
from tests.test_import_strict import BASE, HEADER, snapshot, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(tmp_path):
    import_file(write(tmp_path, copy.deepcopy(BASE), name="first.jsonl"))


def article(tmp_path, records, name="second.jsonl"):
    return write(tmp_path, [HEADER, *records], name=name)


def run(*args):
    out = io.StringIO()
    call_command("import_registry", *map(str, args), stdout=out)
    return out.getvalue()


def sohr(**changes):
    return copy.deepcopy(BASE[1]) | changes


NEW_EVENT = {"type": "event", "id": "ev2", "title": "Another attack"}


def test_dry_run_lists_new_identical_and_differing_fields_and_changes_nothing(
    tmp_path, registry
):
    path = article(
        tmp_path, [sohr(reliability="D", based_in="London"), BASE[2], NEW_EVENT]
    )
    before = snapshot()
    out = run(path, "--dry-run")
    assert "would create: event 'ev2'" in out
    assert "identical: source 'amn'" in out
    assert "differs: source 'sohr'" in out
    assert "    reliability: 'B' -> 'D'" in out
    assert "    based_in: '' -> 'London'" in out
    assert "nothing was changed" in out
    assert snapshot() == before


def test_a_differing_source_is_refused_without_update(tmp_path, registry):
    path = article(tmp_path, [sohr(reliability="D")])
    with pytest.raises(
        CommandError, match=r"line 2 \(source 'sohr'\): reliability: differs"
    ):
        run(path)
    assert Source.objects.get(public_id="sohr").reliability == "B"


def test_update_applies_the_difference_with_history(tmp_path, registry, reviewer):
    path = article(tmp_path, [sohr(reliability="D", aliases=["OSDH"])])
    out = run(path, "--update", "--actor", reviewer.username)
    assert "updated 1 sources" in out
    source = Source.objects.get(public_id="sohr")
    assert source.reliability == "D"
    assert list(Source.objects.by_alias("OSDH")) == [source]
    assert not Source.objects.by_alias("the London-based agency").exists()
    assert source.history.latest().history_user == reviewer


def test_update_needs_an_actor(tmp_path, registry):
    path = article(tmp_path, [sohr(reliability="D")])
    with pytest.raises(CommandError, match="needs an actor"):
        run(path, "--update")


def test_a_published_claim_is_never_changed_in_place(tmp_path, registry, reviewer):
    claim = copy.deepcopy(BASE[5]) | {"statement": "Nine soldiers were killed."}
    path = article(tmp_path, [claim])
    with pytest.raises(
        CommandError,
        match=r"statement: .*approved: a published claim never changes in place",
    ):
        run(path, "--update", "--actor", reviewer.username)
    assert Claim.objects.get(public_id="eight").statement.startswith("At least eight")


def test_an_identical_claim_is_left_alone(tmp_path, registry):
    path = article(tmp_path, [BASE[1], BASE[2], BASE[3], BASE[4], BASE[5]])
    out = run(path)
    assert "already present" in out
    assert "created" not in out


CITATION = {
    "type": "citation",
    "claim": "five",
    "document": "doc2",
    "originator": "sohr",
    "quote": "five soldiers died",
}
DOC2 = {
    "type": "document",
    "id": "doc2",
    "kind": "article",
    "title": "Second",
    "language": "en",
    "text_file": "texts/second.txt",
}


def test_a_citation_is_added_to_an_existing_claim(tmp_path, registry, editor):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "second.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    path = article(tmp_path, [DOC2, CITATION])
    out = run(path, "--actor", editor.username)
    assert "created 1 citations, 1 documents" in out
    citation = Citation.objects.get(claim__public_id="five", document__public_id="doc2")
    assert citation.originator.public_id == "sohr"
    assert Claim.objects.get(public_id="five").updated_by == editor
    # The same file again: the citation is identical, nothing is added.
    out = run(path, "--actor", editor.username)
    assert "created" not in out
    assert Citation.objects.filter(claim__public_id="five").count() == 2


def test_adding_a_citation_to_an_existing_claim_needs_an_actor(tmp_path, registry):
    path = article(tmp_path, [CITATION | {"document": "doc"}])
    with pytest.raises(
        CommandError, match=r"\(citation 'five'\): claim: .*needs an actor"
    ):
        run(path)


def test_a_published_claim_gets_no_new_citation(tmp_path, registry, editor):
    path = article(tmp_path, [CITATION | {"claim": "eight", "document": "doc"}])
    before = snapshot()
    with pytest.raises(
        CommandError,
        match=r"\(citation 'eight'\): claim: 'eight' is approved, so its citations are frozen",
    ):
        run(path, "--actor", editor.username)
    assert snapshot() == before


def test_a_citation_to_an_unknown_claim_is_refused(tmp_path, registry, editor):
    path = article(tmp_path, [CITATION | {"claim": "nope", "document": "doc"}])
    with pytest.raises(RecordError, match="unknown claim 'nope'"):
        import_file(path, actor=editor)


def test_the_schema_refuses_a_citation_record_without_its_claim(tmp_path, registry):
    record = {k: v for k, v in CITATION.items() if k != "claim"}
    path = article(tmp_path, [record])
    with pytest.raises(RecordError, match=r"line 2 \(citation\): claim: missing"):
        import_file(path)
    assert json.loads(path.read_text().splitlines()[1])["type"] == "citation"


def test_aliases_in_another_order_are_identical(tmp_path, registry):
    path = article(tmp_path, [sohr(aliases=["the London-based agency"])])
    assert "already present 1 sources" in run(path)


def test_a_cited_documents_text_is_never_updated(tmp_path, registry, reviewer):
    document = copy.deepcopy(BASE[3]) | {"text": ARTICLE_TEXT + " Updated."}
    path = article(tmp_path, [document])
    with pytest.raises(CommandError, match=r"text: differs, and the document is cited"):
        run(path, "--update", "--actor", reviewer.username)


def test_update_changes_an_event_through_its_service(tmp_path, registry, reviewer):
    event = copy.deepcopy(BASE[4]) | {
        "place": "Al-Mazare",
        "latitude": 35.1,
        "longitude": 40.2,
    }
    path = article(tmp_path, [event])
    out = run(path, "--update", "--actor", reviewer.username)
    assert "updated 1 events" in out
    from registry.models import Event

    stored = Event.objects.get(public_id="ev")
    assert (stored.place, float(stored.latitude)) == ("Al-Mazare", 35.1)
