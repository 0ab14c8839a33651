import pytest

from registry.choices import Qualifier
from registry.intervals import Interval
from registry.parsing import FigureTextError, ParsedFigure, parse_figure_text

Q = Qualifier


@pytest.mark.parametrize(
    "text, expected",
    [
        ("at least eight", (Q.AT_LEAST, 8, None)),
        ("more than 570", (Q.MORE_THAN, 570, None)),
        ("some 200", (Q.ABOUT, 200, None)),
        ("between 5 and 10", (Q.BETWEEN, 5, 10)),
        ("a dozen", (Q.EXACTLY, 12, None)),
        ("ten", (Q.EXACTLY, 10, None)),
        ("11", (Q.EXACTLY, 11, None)),
        ("1,200", (Q.EXACTLY, 1200, None)),
        ("fewer than 5", (Q.FEWER_THAN, 5, None)),
        ("up to 30", (Q.AT_MOST, 30, None)),
        ("around 40", (Q.ABOUT, 40, None)),
        ("nearly 50", (Q.ABOUT, 50, None)),
        ("At least  Eight.", (Q.AT_LEAST, 8, None)),
        ("five hundred and seventy", (Q.EXACTLY, 570, None)),
        ("three thousand four hundred fifty-six", (Q.EXACTLY, 3456, None)),
        ("a hundred and five", (Q.EXACTLY, 105, None)),
        ("two dozen", (Q.EXACTLY, 24, None)),
        ("half a dozen", (Q.EXACTLY, 6, None)),
        ("five or six", (Q.BETWEEN, 5, 6)),
        ("10\u201312", (Q.BETWEEN, 10, 12)),
        ("from 3 to 7", (Q.BETWEEN, 3, 7)),
        ("dozens of", (Q.AT_LEAST, 24, None)),
        ("hundreds", (Q.AT_LEAST, 200, None)),
        ("exactly 0", (Q.EXACTLY, 0, None)),
    ],
)
def test_english_wordings_are_read(text, expected):
    parsed = parse_figure_text(text, "en")
    assert (parsed.qualifier, parsed.value, parsed.value_high) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("al menos ocho", (Q.AT_LEAST, 8, None)),
        ("más de 570", (Q.MORE_THAN, 570, None)),
        ("unos 200", (Q.ABOUT, 200, None)),
        ("entre 5 y 10", (Q.BETWEEN, 5, 10)),
        ("una docena", (Q.EXACTLY, 12, None)),
        ("once", (Q.EXACTLY, 11, None)),
        ("quinientos setenta", (Q.EXACTLY, 570, None)),
        ("tres mil cuatrocientos cincuenta y seis", (Q.EXACTLY, 3456, None)),
        ("entre treinta y cinco y cuarenta", (Q.BETWEEN, 35, 40)),
        ("1.200", (Q.EXACTLY, 1200, None)),
        ("3 mil", (Q.EXACTLY, 3000, None)),
        ("hasta 30", (Q.AT_MOST, 30, None)),
        ("menos de cinco", (Q.FEWER_THAN, 5, None)),
        ("casi cincuenta", (Q.ABOUT, 50, None)),
        ("decenas de", (Q.AT_LEAST, 20, None)),
    ],
)
def test_spanish_wordings_are_read(text, expected):
    parsed = parse_figure_text(text, "es")
    assert (parsed.qualifier, parsed.value, parsed.value_high) == expected


def test_language_subtags_are_accepted():
    assert parse_figure_text("ocho", "es-ES").value == 8


def test_parsed_figure_gives_its_interval():
    assert parse_figure_text("at least eight").interval == Interval(8, None)
    assert parse_figure_text("more than 8").interval == Interval(9, None)
    assert parse_figure_text("some 200").interval == Interval(180, 220)
    assert ParsedFigure(Q.BETWEEN, 5, 10).interval == Interval(5, 10)


@pytest.mark.parametrize(
    "text, language, message",
    [
        ("", "en", "the figure is empty"),
        ("many", "en", "'many' is not a number I can read"),
        ("many people", "en", "'many people' does not start with a number"),
        ("2.5", "en", "not a whole number"),
        ("between 10 and 5", "en", r"second value \(5\) is lower"),
        ("between five", "en", "expected 'between <number> and <number>'"),
        ("at least between 5 and 6", "en", "a range cannot also be 'at least'"),
        ("fewer than 0", "en", "allows no count"),
        ("huit", "fr", "cannot read figures in language 'fr'"),
        ("al menos muchos", "es", "'muchos' is not a number"),
    ],
)
def test_unreadable_text_is_refused_with_its_reason(text, language, message):
    with pytest.raises(FigureTextError, match=message):
        parse_figure_text(text, language)


def test_refusal_is_a_value_error():
    with pytest.raises(ValueError):
        parse_figure_text("many")


def test_ambiguous_range_is_refused_not_guessed():
    with pytest.raises(FigureTextError, match="ambiguous"):
        parse_figure_text("between five hundred and seventy and six hundred")


def _records(stated, language="es"):
    text = f"Según la agencia, {stated} soldados murieron."
    return [
        {"type": "source", "id": "efe", "name": "EFE", "kind": "news_agency"},
        {
            "type": "document",
            "id": "doc",
            "kind": "article",
            "title": "Nota",
            "language": language,
            "text": text,
        },
        {
            "type": "claim",
            "id": "c1",
            "statement": "Soldiers died.",
            "kind": "casualty_figure",
            "citations": [{"document": "doc", "originator": "efe", "quote": stated}],
            "figures": [{"metric": "killed", "subject": "soldados", "stated": stated}],
        },
    ]


@pytest.mark.django_db
def test_importer_reads_a_figure_given_only_as_worded(tmp_path):
    from registry.models import Figure
    from registry.transfer import import_records

    import_records(_records("al menos ocho"), base_dir=tmp_path)
    figure = Figure.objects.get()
    assert (figure.qualifier, figure.value, figure.low, figure.high) == (
        "at_least",
        8,
        8,
        None,
    )


@pytest.mark.django_db
def test_importer_refuses_a_wording_it_cannot_read(tmp_path):
    from registry.models import Claim
    from registry.transfer import RecordError, import_records

    with pytest.raises(RecordError, match="figure 1: cannot read 'muchos'"):
        import_records(_records("muchos"), base_dir=tmp_path)
    assert not Claim.objects.exists()
