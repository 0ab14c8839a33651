"""Derived evidence: a citation whose figure is derived from other citations
(an agency carrying a ministry's figure, an aggregator's total) is not an
independent originator.

The texts are excerpts of real reporting of the 6 February 2023 earthquake
in Syria (excerpts only, as found):

- MINISTRY: prensalatina.com.br/2023/02/06/sobe-para-307-numero-de-mortos-em-terremoto-na-siria
  (Prensa Latina, Portuguese): the Syrian health ministry's update.
- AGENCY: bizmedia.kz/2023-02-06-po-menshej-mere-237-chelovek-pogibli-v-sirii-posle-moshhnyh-zemletryasenij
  (Russian): SANA, citing the health ministry, on the same injured count.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from registry import services
from registry.models import Citation, CitationDerivation, Claim, PublicClaim
from registry.services.confidence import (
    DERIVED_NOTE,
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

MINISTRY_TEXT = (
    "De acordo com a atualização do Ministério da Saúde desta nação, 237 mortos "
    "e 639 feridos foram confirmados até agora, enquanto centenas de pessoas "
    "desaparecidas ainda estão sob os escombros."
)
MINISTRY_QUOTE = "237 mortos e 639 feridos foram confirmados até agora"
AGENCY_TEXT = (
    "Государственное информационное агентство SANA сообщило со ссылкой на "
    "Министерство здравоохранения, что по меньшей мере 639 человек получили "
    "ранения."
)
AGENCY_QUOTE = "по меньшей мере 639 человек получили ранения"


@pytest.fixture
def quake():
    ministry = SourceFactory(
        name="Syrian Ministry of Health", kind="government", reliability="C"
    )
    sana = SourceFactory(name="SANA", kind="news_agency", reliability="C")
    return {
        "event": EventFactory(title="Earthquake in Syria, 6 February 2023"),
        "ministry": ministry,
        "sana": sana,
        "ministry_doc": DocumentFactory(text=MINISTRY_TEXT, language="pt"),
        "agency_doc": DocumentFactory(text=AGENCY_TEXT, language="ru"),
    }


def cite(claim, document, originator, quote):
    start = document.text.index(quote)
    return Citation.objects.create(
        claim=claim,
        document=document,
        originator=originator,
        quote=quote,
        start=start,
        end=start + len(quote),
    )


def injured_claim(quake, state="in_review", confidence=None):
    claim = ClaimFactory(
        event=quake["event"],
        state=state,
        confidence=confidence,
        published_at=timezone.now() if state == "approved" else None,
    )
    FigureFactory(
        claim=claim, metric="injured", subject="people", qualifier="at_least",
        value=639,
    )
    return claim


def test_an_agency_carrying_a_ministrys_figure_is_not_a_second_originator(quake):
    claim = injured_claim(quake)
    ministry = cite(claim, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    agency = cite(claim, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    # Read as two bodies, two fairly reliable originators: probably true.
    assert claim_suggested_confidence(claim).level == 2

    CitationDerivation.objects.create(citation=agency, basis=ministry)

    suggestion = claim_suggested_confidence(claim)
    assert independent_originators(claim) == [quake["ministry"]]
    assert suggestion.level == 3
    assert f"{DERIVED_NOTE}: SANA counts as Syrian Ministry of Health" in (
        suggestion.reasons
    )


def test_derived_figures_of_another_published_claim_do_not_corroborate(quake):
    published = injured_claim(quake, state="approved", confidence=3)
    basis = cite(published, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    judged = injured_claim(quake)
    relayed = cite(judged, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    # The published ministry figure agrees: read as corroboration.
    assert claim_suggested_confidence(judged).level == 2

    CitationDerivation.objects.create(citation=relayed, basis=basis)

    assert claim_suggested_confidence(judged).level == 3
    assert independent_originators(judged) == [quake["ministry"]]


def test_a_chain_of_derivations_ends_at_its_first_originator(quake):
    claim = injured_claim(quake)
    first = cite(claim, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    second = cite(claim, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    outlet = SourceFactory(name="Outlet", reliability="B")
    third = cite(claim, quake["agency_doc"], outlet, AGENCY_QUOTE)
    CitationDerivation.objects.create(citation=second, basis=first)
    CitationDerivation.objects.create(citation=third, basis=second)
    assert independent_originators(claim) == [quake["ministry"]]


def test_the_database_refuses_a_citation_derived_from_itself(quake):
    claim = injured_claim(quake)
    citation = cite(claim, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    with pytest.raises(IntegrityError), transaction.atomic():
        CitationDerivation.objects.create(citation=citation, basis=citation)


def test_the_service_links_and_refuses_a_circle(quake, editor):
    claim = services.claim_create(actor=editor, statement="639 injured", kind="other")
    ministry = cite(claim, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    agency = cite(claim, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    services.citation_derive(citation=agency, bases=[ministry], actor=editor)
    assert list(agency.derived_from.all()) == [ministry]
    with pytest.raises(services.WorkflowError, match="circle"):
        services.citation_derive(citation=ministry, bases=[agency], actor=editor)
    with pytest.raises(services.WorkflowError, match="itself"):
        services.citation_derive(citation=agency, bases=[agency], actor=editor)
    services.citation_derive(citation=agency, bases=[], actor=editor)
    assert not agency.derived_from.exists()


def test_the_public_document_shows_what_a_citation_is_derived_from(quake):
    published = injured_claim(quake, state="approved", confidence=3)
    basis = cite(published, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    hidden = injured_claim(quake, state="draft")
    unpublished = cite(hidden, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    derived = injured_claim(quake, state="approved", confidence=3)
    relayed = cite(derived, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    CitationDerivation.objects.create(citation=relayed, basis=basis)
    CitationDerivation.objects.create(citation=relayed, basis=unpublished)
    projection_refresh(claim_ids=[published.pk, derived.pk])

    doc = json.loads(PublicClaim.objects.get(pk=derived.pk).body, strict=False)
    citation = doc["citations"][0]
    assert citation["derived"] is True
    # The draft's citation stays inside the newsroom.
    assert [(d["claim"], d["originator"]["name"]) for d in citation["derived_from"]] == [
        (published.public_id, "Syrian Ministry of Health")
    ]
    assert citation["derived_from"][0]["quote"] == MINISTRY_QUOTE
    plain = json.loads(PublicClaim.objects.get(pk=published.pk).body, strict=False)
    assert plain["citations"][0]["derived"] is False


def test_the_api_serves_derived_citations(client, quake):
    published = injured_claim(quake, state="approved", confidence=3)
    basis = cite(published, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    derived = injured_claim(quake, state="approved", confidence=3)
    relayed = cite(derived, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    CitationDerivation.objects.create(citation=relayed, basis=basis)
    projection_refresh(claim_ids=[published.pk, derived.pk])
    response = client.get(
        reverse("api:claim-detail", kwargs={"public_id": derived.public_id})
    )
    assert response.status_code == 200
    [link] = response.json()["citations"][0]["derived_from"]
    assert link["claim_url"].endswith(f"/{published.public_id}/")


def _export() -> list[dict]:
    out = io.StringIO()
    call_command("export_registry", "-", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_derivations_round_trip_through_export_and_import(quake, tmp_path):
    claim = injured_claim(quake)
    claim.public_id = "z-derived"  # exported after its basis's claim
    claim.save()
    basis_claim = injured_claim(quake)
    basis_claim.public_id = "a-basis"
    basis_claim.save()
    cite(basis_claim, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    basis = cite(basis_claim, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    relayed = cite(claim, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    CitationDerivation.objects.create(citation=relayed, basis=basis)
    records = _export()
    [exported] = [r for r in records if r.get("id") == "z-derived"]
    assert exported["citations"][0]["derived_from"] == [
        {"claim": "a-basis", "index": 1}
    ]
    # Forwards too: the derived claim first in the file.
    records.sort(key=lambda r: (r["type"] != "meta", r.get("id") != "z-derived"))
    records = [records[0], *[r for r in records[1:] if r["type"] != "claim"],
               *[r for r in records[1:] if r["type"] == "claim"]]
    path = tmp_path / "registry.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    CitationDerivation.objects.all().delete()
    Claim.objects.all().delete()
    call_command("import_registry", str(path), stdout=io.StringIO())
    imported = Claim.objects.get(public_id="z-derived").citations.get()
    assert [c.quote for c in imported.derived_from.all()] == [MINISTRY_QUOTE]
    assert imported.derived_from.get().claim.public_id == "a-basis"


@pytest.mark.parametrize(
    ("refs", "message"),
    [
        ([{"claim": "nope", "index": 0}], "nope"),
        ([{"claim": "a-basis", "index": 5}], "no citation at position 5"),
        ([{"claim": "a-basis", "index": 0, "extra": 1}], "unknown key"),
        ([{"claim": "a-basis", "index": -1}], "minimum"),
    ],
)
def test_an_import_refuses_a_derivation_it_cannot_resolve(quake, tmp_path, refs, message):
    source = {"type": "source", "id": "moh", "name": "Ministry", "kind": "government"}
    document = {
        "type": "document", "id": "d1", "kind": "article", "title": "t",
        "language": "pt", "text": MINISTRY_TEXT,
    }
    citation = {"document": "d1", "originator": "moh", "quote": MINISTRY_QUOTE}
    lines = [
        {"type": "meta", "format": "factcheck-registry", "version": 1},
        source,
        document,
        {"type": "claim", "id": "a-basis", "statement": "s", "kind": "other",
         "citations": [citation]},
        {"type": "claim", "id": "b", "statement": "s", "kind": "other",
         "citations": [{**citation, "derived_from": refs}]},
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines))
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message) as caught:
        call_command("import_registry", str(path), stdout=io.StringIO())
    assert "line 5" in str(caught.value)
    assert not Claim.objects.filter(public_id="b").exists()


def test_an_import_refuses_a_circle(quake, tmp_path):
    document = {
        "type": "document", "id": "d1", "kind": "article", "title": "t",
        "language": "pt", "text": MINISTRY_TEXT,
    }
    citation = {"document": "d1", "originator": "moh", "quote": MINISTRY_QUOTE}
    lines = [
        {"type": "meta", "format": "factcheck-registry", "version": 1},
        {"type": "source", "id": "moh", "name": "Ministry", "kind": "government"},
        document,
        {"type": "claim", "id": "a", "statement": "s", "kind": "other",
         "citations": [{**citation, "derived_from": [{"claim": "b", "index": 0}]}]},
        {"type": "claim", "id": "b", "statement": "s", "kind": "other",
         "citations": [{**citation, "derived_from": [{"claim": "a", "index": 0}]}]},
    ]
    path = tmp_path / "circle.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines))
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="circle"):
        call_command("import_registry", str(path), stdout=io.StringIO())
    assert not Claim.objects.exists()


@pytest.fixture
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def test_an_editor_links_a_derived_citation_in_the_admin(
    client, editor, quake, plain_static_storage
):
    basis_claim = injured_claim(quake, state="approved", confidence=3)
    basis = cite(basis_claim, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    claim = services.claim_create(actor=editor, statement="639 injured", kind="other")
    citation = cite(claim, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    client.force_login(editor)
    url = reverse("admin:registry_claim_change", args=[claim.pk])
    page = client.get(url).content.decode()
    assert "derived_from_refs" in page

    def post(refs):
        return client.post(
            url,
            {
                "statement": "639 injured",
                "kind": "other",
                "confidence_rationale": "",
                "citations-TOTAL_FORMS": "1",
                "citations-INITIAL_FORMS": "1",
                "citations-0-id": citation.pk,
                "citations-0-claim": claim.pk,
                "citations-0-document": quake["agency_doc"].pk,
                "citations-0-originator": quake["sana"].pk,
                "citations-0-quote": AGENCY_QUOTE,
                "citations-0-start": citation.start,
                "citations-0-end": citation.end,
                "citations-0-stance": "asserts",
                "citations-0-derived_from_refs": refs,
                "figures-TOTAL_FORMS": "0",
                "figures-INITIAL_FORMS": "0",
            },
        )

    refused = post(f"{basis_claim.public_id}#7")
    assert refused.status_code == 200
    assert "no citation at position 7" in refused.content.decode()
    assert not citation.derived_from.exists()
    response = post(f"{basis_claim.public_id}#0")
    assert response.status_code == 302
    assert list(citation.derived_from.all()) == [basis]
    assert f"{basis_claim.public_id}#0" in client.get(url).content.decode()


def test_a_derived_figure_counts_in_no_consensus_and_no_range(quake):
    """The agency's figure rests on the ministry's: only the ministry's counts
    in the consensus and the ranges, public and reviewers' alike (no
    "consensus" of a statement with its own relay), and the agency's is
    listed as excluded with the reason, never silently."""
    from registry.figures import rules
    from registry.models import PublicQuantity
    from registry.services import conflicts

    ministry_claim = injured_claim(quake, state="approved", confidence=3)
    basis = cite(ministry_claim, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    agency_claim = injured_claim(quake, state="approved", confidence=3)
    agency_figure = agency_claim.figures.get()
    agency_figure.value = 700  # "at least 700": it would narrow the consensus
    agency_figure.save()
    relayed = cite(agency_claim, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    CitationDerivation.objects.create(citation=relayed, basis=basis)
    projection_refresh(claim_ids=[ministry_claim.pk, agency_claim.pk])

    key = agency_figure.quantity_key
    facts = json.loads(PublicQuantity.objects.get(quantity_key=key).body, strict=False)
    # One independent figure agrees with nothing: no consensus with itself.
    assert facts["consensus_interval"] is None
    conservative = facts["ranges"]["conservative"]
    assert conservative["low"] == 639
    assert {
        (e["claim"], e["reason"]) for e in conservative["excluded"]
    } >= {(agency_claim.public_id, rules.DERIVED_REASON)}

    reviewers = conflicts.quantity_range(quantity_key=key)
    assert reviewers.low == 639
    assert (agency_figure.pk, rules.DERIVED_REASON) in reviewers.excluded

    # Without the link the agency's figure counts again.
    CitationDerivation.objects.all().delete()
    projection_refresh(claim_ids=[agency_claim.pk])
    facts = json.loads(PublicQuantity.objects.get(quantity_key=key).body, strict=False)
    assert facts["consensus_interval"]["low"] == 700


def test_a_link_to_an_unpublished_basis_changes_no_public_range(quake):
    """Derived from a draft, a published figure still counts publicly: the
    public sees no draft, and deleting that draft (which deletes the link)
    must not move a public consensus. Once the basis is published, the
    derived figure leaves the ranges, and the projection equals a rebuild."""
    from registry.figures import rules
    from registry.models import PublicQuantity
    from registry.services.projection import projection_check

    draft = injured_claim(quake, state="draft")
    basis = cite(draft, quake["ministry_doc"], quake["ministry"], MINISTRY_QUOTE)
    agency_claim = injured_claim(quake, state="approved", confidence=3)
    relayed = cite(agency_claim, quake["agency_doc"], quake["sana"], AGENCY_QUOTE)
    CitationDerivation.objects.create(citation=relayed, basis=basis)
    projection_refresh(claim_ids=[agency_claim.pk])
    key = agency_claim.figures.get().quantity_key

    def excluded():
        facts = json.loads(PublicQuantity.objects.get(quantity_key=key).body, strict=False)
        return {
            e["reason"] for e in facts["ranges"]["conservative"]["excluded"]
        }

    assert rules.DERIVED_REASON not in excluded()
    assert projection_check() == []
    # The ministry's claim is published: the agency's figure now rests on it.
    Claim.objects.filter(pk=draft.pk).update(
        state="approved", confidence=3, published_at=timezone.now()
    )
    projection_refresh(claim_ids=[draft.pk])
    assert rules.DERIVED_REASON in excluded()
    assert projection_check() == []
