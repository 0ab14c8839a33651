import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import Citation, Figure, Source, SourceAlias
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DocumentFactory,
    FigureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_alias_lookup_ignores_case_and_finds_one_source():
    sohr = SourceFactory(name="Syrian Observatory for Human Rights", short_name="SOHR")
    SourceAlias.objects.create(source=sohr, alias="The London-based agency")
    assert list(Source.objects.by_alias("sohr")) == [sohr]
    assert list(Source.objects.by_alias("the london-based AGENCY")) == [sohr]
    assert list(Source.objects.by_alias("Syrian Observatory for Human Rights")) == [
        sohr
    ]


def test_alias_cannot_name_two_sources_in_the_database():
    SourceFactory(name="Agencia EFE", short_name="EFE")
    other = SourceFactory(name="Something else")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceAlias.objects.create(source=other, alias="efe")


def test_alias_clash_gives_a_clear_validation_error():
    efe = SourceFactory(name="Agencia EFE", short_name="EFE")
    other = SourceFactory(name="Something else")
    with pytest.raises(ValidationError, match="already names"):
        SourceAlias(source=other, alias="EFE").full_clean()
    assert efe.aliases.count() == 2


def test_document_hash_follows_its_text():
    document = DocumentFactory(text="first text")
    first = document.content_hash
    document.text = "second text"
    document.save()
    document.refresh_from_db()
    assert document.content_hash != first
    assert len(document.content_hash) == 64


def test_citation_with_quote_at_its_offsets_is_saved():
    citation = CitationFactory()
    assert citation.document.text[citation.start : citation.end] == citation.quote


def test_citation_with_wrong_offsets_is_refused_with_where_it_is():
    document = DocumentFactory()
    claim = ClaimFactory()
    with pytest.raises(
        ValidationError, match=r"not verbatim at characters 0-23.*occurs at"
    ):
        Citation(
            claim=claim,
            document=document,
            originator=SourceFactory(),
            quote="at least eight soldiers",
            start=0,
            end=23,
        ).save()
    assert Citation.objects.count() == 0


def test_citation_with_invented_quote_is_refused():
    with pytest.raises(ValidationError, match="does not occur anywhere"):
        CitationFactory(quote="at least nine soldiers", start=0, end=22)


def test_database_refuses_offsets_that_do_not_span_the_quote():
    citation = CitationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.filter(pk=citation.pk).update(end=citation.end + 3)


@pytest.mark.parametrize(
    "qualifier, value, value_high, low, high",
    [
        ("exactly", 8, None, 8, 8),
        ("at_least", 8, None, 8, None),
        ("more_than", 8, None, 9, None),
        ("at_most", 8, None, 0, 8),
        ("fewer_than", 8, None, 0, 7),
        ("between", 5, 10, 5, 10),
        ("about", 200, None, 180, 220),
    ],
)
def test_figure_interval_is_derived_from_its_qualifier(
    qualifier, value, value_high, low, high
):
    figure = FigureFactory(qualifier=qualifier, value=value, value_high=value_high)
    figure.refresh_from_db()
    assert (figure.low, figure.high) == (low, high)


def test_date_figure_interval_covers_its_precision():
    figure = FigureFactory(
        kind="date",
        qualifier="",
        value=None,
        metric="died_on",
        date_value=dt.date(2019, 10, 25),
        date_precision="month",
    )
    assert (figure.date_earliest, figure.date_latest) == (
        dt.date(2019, 10, 1),
        dt.date(2019, 10, 31),
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"low": 10, "high": 5},
        {"value": -1, "low": -1},
        {"qualifier": "roughly"},
        {"qualifier": "between", "value_high": None},
        {"qualifier": "exactly", "value_high": 12},
    ],
    ids=[
        "low-above-high",
        "negative",
        "unknown-qualifier",
        "between-open",
        "stray-high",
    ],
)
def test_database_refuses_impossible_figures(changes):
    figure = FigureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk=figure.pk).update(**changes)


def test_figure_with_inverted_between_is_refused_before_the_database():
    with pytest.raises(ValidationError, match="second value is lower"):
        FigureFactory(qualifier="between", value=10, value_high=5)


def test_published_claim_needs_confidence_in_the_database():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(claim).objects.filter(pk=claim.pk).update(state="approved")


def test_public_ids_are_random_not_sequential():
    first, second = ClaimFactory(), ClaimFactory()
    assert first.public_id != second.public_id
    assert len(first.public_id) == 12
    assert not first.public_id.isdigit()


def test_a_second_source_cannot_take_anothers_short_name():
    SourceFactory(name="Agencia EFE", short_name="EFE")
    with pytest.raises(ValidationError, match="already names Agencia EFE"):
        SourceFactory.build(name="Other agency", short_name="efe").full_clean()
    with pytest.raises(ValidationError):
        SourceFactory(name="Other agency", short_name="efe")
    assert not Source.objects.filter(name="Other agency").exists()
    assert list(Source.objects.by_alias("EFE").values_list("name", flat=True)) == [
        "Agencia EFE"
    ]
