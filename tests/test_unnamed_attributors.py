"""Unnamed originators: "a military source", "medical sources", "local
activists", described on their citation, optionally via a named source (the
first relay), never stored as a made-up source.

Excerpts of real reporting (as found):

- OBSERVATORY: syriahr.com/en/64063/ (Syrian Observatory for Human Rights,
  Khan Shaykhun, April 2017): medical sources, via the Observatory.
- ACTIVISTS: prensalatina.com.br/2023/02/06/sobe-para-307-numero-de-mortos-em-terremoto-na-siria
  (Portuguese): local activists, unnamed, on the 2023 earthquake.
"""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.figures import rules
from registry.models import Citation, CitationRelay, Claim, PublicClaim
from registry.services import conflicts
from registry.services.confidence import (
    claim_suggested_confidence,
    independent_originators,
)
from registry.services.projection import projection_refresh
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    EventFactory,
    FigureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

OBSERVATORY_TEXT = (
    "medical sources confirmed to the Syrian observatory for human rights in "
    "conjunction with the activists of the observatory that the death toll was "
    "raised to 58 person at least including 11 children"
)
OBSERVATORY_QUOTE = "the death toll was raised to 58 person at least"
ACTIVISTS_TEXT = (
    "Por sua vez, ativistas locais relataram a morte de 70 pessoas em áreas da "
    "província de Aleppo que estão fora do controle do governo, o que soma 307 "
    "ao total de mortes."
)
ACTIVISTS_QUOTE = "ativistas locais relataram a morte de 70 pessoas"


@pytest.fixture
def sohr():
    return SourceFactory(
        name="Syrian Observatory for Human Rights", short_name="SOHR",
        reliability="B",
    )


def cite(claim, text, quote, *, originator=None, attributed_to="", via=None):
    document = DocumentFactory(text=text, language="en")
    start = text.index(quote)
    citation = Citation.objects.create(
        claim=claim,
        document=document,
        originator=originator,
        attributed_to=attributed_to,
        quote=quote,
        start=start,
        end=start + len(quote),
    )
    if via is not None:
        CitationRelay.objects.create(citation=citation, source=via, position=1)
    return citation


def published(**fields):
    return ClaimFactory(
        state="approved", confidence=3, published_at=timezone.now(), **fields
    )


def test_a_citation_names_a_source_or_describes_an_unnamed_one_never_both(sohr):
    claim = ClaimFactory()
    document = DocumentFactory(text=OBSERVATORY_TEXT)
    start = OBSERVATORY_TEXT.index(OBSERVATORY_QUOTE)
    base = dict(
        claim=claim, document=document, quote=OBSERVATORY_QUOTE, start=start,
        end=start + len(OBSERVATORY_QUOTE),
    )
    for fields in ({}, {"originator": sohr, "attributed_to": "medical sources"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Citation.objects.create(**base, **fields)
    with pytest.raises(ValidationError, match="describe an unnamed one"):
        Citation(**base).full_clean()
    with pytest.raises(ValidationError, match="leave it empty"):
        Citation(**base, originator=sohr, attributed_to="medical sources").full_clean()
    Citation(**base, attributed_to="  medical   sources ").full_clean()


def test_an_unnamed_originator_counts_once_and_cannot_be_judged(sohr):
    claim = ClaimFactory()
    cite(claim, OBSERVATORY_TEXT, OBSERVATORY_QUOTE, originator=sohr)
    cite(
        claim, OBSERVATORY_TEXT, OBSERVATORY_QUOTE,
        attributed_to="medical sources", via=sohr,
    )
    found = independent_originators(claim)
    assert [str(s) for s in found] == [
        "Syrian Observatory for Human Rights (SOHR)",
        "medical sources (unnamed)",
    ]
    assert found[1].reliability == "F"
    suggestion = claim_suggested_confidence(claim)
    assert suggestion.level == 3
    assert "corroborated only by D-F sources" in suggestion.reasons[0]

    only_unnamed = ClaimFactory()
    cite(only_unnamed, ACTIVISTS_TEXT, ACTIVISTS_QUOTE, attributed_to="local activists")
    assert claim_suggested_confidence(only_unnamed).level == 6


def test_two_unnamed_originators_never_form_one_timeline():
    import datetime as dt

    event = EventFactory()
    figures = []
    for day, value in ((1, 30), (2, 41)):
        claim = ClaimFactory(event=event)
        cite(claim, ACTIVISTS_TEXT, ACTIVISTS_QUOTE, attributed_to="local activists")
        figures.append(
            FigureFactory(claim=claim, value=value, qualifier="exactly",
                          as_of=dt.date(2023, 2, day))
        )
    # One named originator's later figure would revise the earlier one; two
    # unnamed "local activists" are not known to be the same people.
    assert rules.revisions(figures, rules.originators_of(figures)) == {}


def test_the_public_document_page_and_exports_show_an_unnamed_originator(sohr):
    claim = published(statement="At least 58 people were killed in Khan Shaykhun")
    cite(
        claim, OBSERVATORY_TEXT, OBSERVATORY_QUOTE,
        attributed_to="medical sources", via=sohr,
    )
    FigureFactory(claim=claim, subject="people", value=58)
    projection_refresh(claim_ids=[claim.pk])

    doc = json.loads(PublicClaim.objects.get(pk=claim.pk).body, strict=False)
    [citation] = doc["citations"]
    assert citation["originator"] is None
    assert citation["attributed_to"] == "medical sources"
    assert [s["short_name"] for s in citation["relay_chain"]] == ["SOHR"]

    client = Client()
    api = client.get(reverse("api:claim-detail", kwargs={"public_id": claim.public_id}))
    assert api.status_code == 200
    assert api.json()["citations"][0]["attributed_to"] == "medical sources"
    page = client.get(f"/claims/{claim.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "medical sources</strong> (unnamed" in html
    assert "via <a" in html
    export = client.get("/api/v1/exports/claims.csv")
    assert export.status_code == 200
    content = b"".join(export.streaming_content) if export.streaming else export.content
    [row] = csv.DictReader(io.StringIO(content.decode(), newline=""))
    assert row["originators"] == "medical sources (unnamed)"
    assert row["originator_count"] == "1"
    assert row["source_grade"] == "F"


def _export() -> list[dict]:
    out = io.StringIO()
    call_command("export_registry", "-", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_unnamed_originators_round_trip_through_export_and_import(sohr, tmp_path):
    claim = ClaimFactory()
    cite(
        claim, OBSERVATORY_TEXT, OBSERVATORY_QUOTE,
        attributed_to="medical sources", via=sohr,
    )
    first = _export()
    [record] = [r for r in first if r["type"] == "claim"]
    assert record["citations"][0]["originator"] is None
    assert record["citations"][0]["attributed_to"] == "medical sources"
    path = tmp_path / "registry.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in first))
    Claim.objects.all().delete()
    call_command("import_registry", str(path), stdout=io.StringIO())
    assert _export() == first


@pytest.mark.parametrize(
    ("citation", "message"),
    [
        ({}, "needs its originator, or attributed_to"),
        ({"originator": "sohr", "attributed_to": "medical sources"}, "not both"),
        ({"attributed_to": "x" * 201}, "is too long"),
    ],
)
def test_an_import_refuses_a_citation_without_a_clear_originator(
    tmp_path, citation, message
):
    lines = [
        {"type": "meta", "format": "factcheck-registry", "version": 1},
        {"type": "source", "id": "sohr", "name": "SOHR", "kind": "monitor"},
        {"type": "document", "id": "d1", "kind": "article", "title": "t",
         "language": "en", "text": OBSERVATORY_TEXT},
        {"type": "claim", "id": "c1", "statement": "s", "kind": "other",
         "citations": [{"document": "d1", "quote": OBSERVATORY_QUOTE, **citation}]},
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in lines))
    with pytest.raises(CommandError, match=message) as caught:
        call_command("import_registry", str(path), stdout=io.StringIO())
    assert "line 4" in str(caught.value)
    assert not Claim.objects.exists()


def test_conflicts_detect_figures_of_unnamed_originators(sohr, reviewer):
    event = EventFactory()
    named = published(event=event)
    cite(named, OBSERVATORY_TEXT, OBSERVATORY_QUOTE, originator=sohr)
    FigureFactory(claim=named, qualifier="exactly", value=58)
    unnamed = published(event=event)
    cite(unnamed, ACTIVISTS_TEXT, ACTIVISTS_QUOTE, attributed_to="local activists")
    FigureFactory(claim=unnamed, qualifier="exactly", value=70)
    conflicts.conflicts_refresh(quantity_keys={named.figures.get().quantity_key})
    assert named.figures.get().conflicts.count() == 1


@pytest.fixture
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def test_an_editor_records_an_unnamed_originator_in_the_admin(
    client, editor, sohr, plain_static_storage
):
    document = DocumentFactory(text=OBSERVATORY_TEXT)
    client.force_login(editor)

    def add(**citation):
        return client.post(
            reverse("admin:registry_claim_add"),
            {
                "statement": "At least 58 people were killed",
                "kind": "casualty_figure",
                "confidence_rationale": "",
                "citations-TOTAL_FORMS": "1",
                "citations-INITIAL_FORMS": "0",
                "citations-0-document": document.pk,
                "citations-0-quote": OBSERVATORY_QUOTE,
                "citations-0-stance": "asserts",
                **{f"citations-0-{k}": v for k, v in citation.items()},
                "figures-TOTAL_FORMS": "0",
                "figures-INITIAL_FORMS": "0",
            },
        )

    refused = add()
    assert refused.status_code == 200
    assert "describe an unnamed one" in refused.content.decode()
    assert add(attributed_to="medical sources").status_code == 302
    citation = Citation.objects.get()
    assert (citation.originator, citation.attributed_to) == (None, "medical sources")
    listing = client.get(reverse("admin:registry_claim_changelist"))
    assert "medical sources (unnamed)" in listing.content.decode()
