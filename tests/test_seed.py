import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry.models import Citation, Claim, Document, Event, Figure, Source

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTICLE = SEEDS / "000_9be6a3769637ba68.txt"


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Source, Document, Event, Claim, Citation, Figure)
    }


@pytest.fixture
def seeded():
    call_command("load_seeds", verbosity=0)


def test_seed_article_is_copied_verbatim():
    shared = SEEDS.parent.parent / "shared" / "seeds" / ARTICLE.name
    if shared.exists():
        assert ARTICLE.read_bytes() == shared.read_bytes()
    assert "Envíanos tus noticias" in ARTICLE.read_text(encoding="utf-8")


def test_loading_twice_changes_nothing(seeded):
    before = counts()
    updated = {c.public_id: c.updated_at for c in Claim.objects.all()}
    call_command("load_seeds", verbosity=0)
    assert counts() == before
    assert {c.public_id: c.updated_at for c in Claim.objects.all()} == updated
    assert before["Claim"] >= 18


def test_every_quote_is_verbatim_at_its_offsets(seeded):
    citations = Citation.objects.select_related("document")
    assert citations.count() >= 18
    for citation in citations:
        assert citation.document.text[citation.start : citation.end] == citation.quote


def test_article_text_is_stored_exactly_as_retrieved(seeded):
    article = Document.objects.get(public_id="daesh-shadow-looms-over-syria")
    assert article.text == ARTICLE.read_text(encoding="utf-8")


def test_sohr_found_by_alias_originates_at_least_eight_claims(seeded):
    [sohr] = Source.objects.by_alias("SOHR")
    assert Source.objects.by_alias("the London-based agency").get() == sohr
    claims = Claim.objects.filter(citations__originator=sohr).distinct()
    assert claims.count() >= 8


def test_sohr_tolls_are_one_claim_per_figure(seeded):
    figures = Figure.objects.filter(
        claim__citations__originator__short_name="SOHR",
        period_start=dt.date(2019, 3, 24),
    ).distinct()
    stated = sorted((f.value, f.qualifier) for f in figures)
    assert stated == [
        (2, "at_least"),
        (4, "at_least"),
        (11, "exactly"),
        (127, "exactly"),
        (212, "at_least"),
        (570, "at_least"),
    ]
    for figure in figures:
        assert figure.claim.figures.count() == 1


def test_eight_soldiers_is_an_open_interval(seeded):
    figure = Figure.objects.get(claim__public_id="sohr-al-mazare-eight-soldiers")
    assert (figure.qualifier, figure.low, figure.high) == ("at_least", 8, None)
    assert figure.subject == "Syrian Arab Army soldiers"


def test_both_dates_of_baghdadis_death_are_present_with_their_own_sources(seeded):
    figures = Figure.objects.filter(metric="died_on", subject="Abu Bakr al-Baghdadi")
    by_date = {
        f.date_value: {c.originator.public_id for c in f.claim.citations.all()}
        for f in figures
    }
    assert by_date == {
        dt.date(2019, 10, 25): {"seed-article-publisher"},
        dt.date(2019, 10, 26): {"us-government"},
    }
    assert len({f.quantity_key for f in figures}) == 1


def test_efe_relays_the_french_ministry(seeded):
    citation = Citation.objects.get(claim__public_id="efe-french-justification")
    assert citation.originator.public_id == "france-mfa"
    assert [s.public_id for s in citation.relay_chain] == ["efe"]


def test_spanish_captions_keep_their_language(seeded):
    captions = Document.objects.filter(kind="caption").order_by("public_id")
    assert {d.public_id: d.language for d in captions} == {
        "caption-afp-malikiyah": "en",
        "caption-baghouz-civilians": "es",
        "caption-idil-patrol": "es",
    }
    article = Document.objects.get(public_id="daesh-shadow-looms-over-syria")
    for caption in captions:
        assert caption.part_of == article
        assert caption.text in article.text


def test_footer_yields_no_claim(seeded):
    assert not Citation.objects.filter(quote__icontains="Envíanos").exists()
    assert not Citation.objects.filter(quote__icontains="anonimato").exists()


def test_seed_shows_published_claims_and_a_review_queue(seeded):
    states = set(Claim.objects.values_list("state", flat=True))
    assert {"approved", "in_review", "draft"} <= states


def _bad_seed(tmp_path, replace_from, replace_to):
    text = (SEEDS / "registry.yaml").read_text(encoding="utf-8")
    assert replace_from in text
    (tmp_path / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    bad = tmp_path / "registry.yaml"
    bad.write_text(text.replace(replace_from, replace_to, 1), encoding="utf-8")
    return bad


@pytest.mark.parametrize(
    "replace_from, replace_to, message",
    [
        (
            "quote: and 11 shepherds",
            "quote: and 12 shepherds",
            r"record \d+ \(claim 'sohr-eleven-shepherds'\): citation 1: the quote "
            r"'and 12 shepherds' is not verbatim",
        ),
        (
            "originator: al-masdar-news",
            "originator: al-jazeera",
            r"\(claim 'al-masdar-daesh-disappeared'\): citation 1: unknown source",
        ),
        (
            "      value: 212",
            "      value: -212",
            r"\(claim 'sohr-212-daesh-members'\): figures\[0\]\.value: -212 is less "
            r"than the minimum of 0",
        ),
        (
            "  kind: monitor",
            "  kind: blog",
            r"\(source 'sohr'\): kind: 'blog' is not one of",
        ),
    ],
    ids=["quote-not-verbatim", "unknown-source", "negative-count", "bad-kind"],
)
def test_bad_seed_stops_with_record_and_reason_and_changes_nothing(
    tmp_path, replace_from, replace_to, message
):
    bad = _bad_seed(tmp_path, replace_from, replace_to)
    with pytest.raises(CommandError, match=message):
        call_command("load_seeds", str(bad), verbosity=0)
    assert set(counts().values()) == {0}
