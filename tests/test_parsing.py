import pytest

from registry.choices import Qualifier
from registry.figures.intervals import Interval
from registry.figures.parser import FigureTextError, ParsedFigure, parse_figure_text

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
    from registry.services.transfer import import_records

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
    from registry.services.transfer import RecordError, import_records

    with pytest.raises(RecordError, match="figure 1: cannot read 'muchos'"):
        import_records(_records("muchos"), base_dir=tmp_path)
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("25 people", "en", (Q.EXACTLY, 25, None, None, "people")),
        ("four civilians", "en", (Q.EXACTLY, 4, None, None, "civilians")),
        ("seven civilian deaths", "en", (Q.EXACTLY, 7, None, "killed", "civilians")),
        ("12 others", "en", (Q.EXACTLY, 12, None, None, None)),
        ("two martyrs", "en", (Q.EXACTLY, 2, None, "killed", None)),
        ("a total of 15", "en", (Q.EXACTLY, 15, None, None, None)),
        ("nearly 30 wounded", "en", (Q.ABOUT, 30, None, "injured", None)),
        ("almost 400 people", "en", (Q.ABOUT, 400, None, None, "people")),
        ("some 500 injured", "en", (Q.ABOUT, 500, None, "injured", None)),
        ("up to 20 people killed", "en", (Q.AT_MOST, 20, None, "killed", "people")),
        ("dozens dead", "en", (Q.AT_LEAST, 24, None, "killed", None)),
        ("scores injured", "en", (Q.AT_LEAST, 40, None, "injured", None)),
        ("hundreds of people", "en", (Q.AT_LEAST, 200, None, None, "people")),
        ("several soldiers", "en", (Q.AT_LEAST, 3, None, None, "soldiers")),
        ("a dozen children", "en", (Q.EXACTLY, 12, None, None, "children")),
        ("10 to 15 killed", "en", (Q.BETWEEN, 10, 15, "killed", None)),
        ("10-15 killed", "en", (Q.BETWEEN, 10, 15, "killed", None)),
        ("between 5 and 10 dead", "en", (Q.BETWEEN, 5, 10, "killed", None)),
        ("1 200 people", "en", (Q.EXACTLY, 1200, None, None, "people")),
        ("1.200", "en", (Q.EXACTLY, 1200, None, None, None)),
        (
            "1.5 million displaced",
            "en",
            (Q.EXACTLY, 1_500_000, None, "displaced", None),
        ),
        (
            "at least 13 and as many as 46 civilians",
            "en",
            (Q.BETWEEN, 13, 46, None, "civilians"),
        ),
        (
            "10 Afghan civilians, including 7 children",
            "en",
            (Q.EXACTLY, 10, None, None, "civilians"),
        ),
        ("al menos 25 personas", "es", (Q.AT_LEAST, 25, None, None, "people")),
        ("una docena de heridos", "es", (Q.EXACTLY, 12, None, "injured", None)),
        ("decenas de muertos", "es", (Q.AT_LEAST, 20, None, "killed", None)),
        ("más de cien", "es", (Q.MORE_THAN, 100, None, None, None)),
        ("hasta 16 heridos", "es", (Q.AT_MOST, 16, None, "injured", None)),
        ("varios heridos", "es", (Q.AT_LEAST, 3, None, "injured", None)),
        ("una veintena de fallecidos", "es", (Q.ABOUT, 20, None, "killed", None)),
        ("más de un centenar", "es", (Q.MORE_THAN, 100, None, None, None)),
        ("entre 5 y 15 fallecidos", "es", (Q.BETWEEN, 5, 15, "killed", None)),
        ("1,200 muertos", "es", (Q.EXACTLY, 1200, None, "killed", None)),
        ("3 mil 952 personas", "es", (Q.EXACTLY, 3952, None, None, "people")),
        ("otras once fueron heridas", "es", (Q.EXACTLY, 11, None, "injured", None)),
        (
            "five hundred and seventy soldiers",
            "en",
            (Q.EXACTLY, 570, None, None, "soldiers"),
        ),
        ("treinta y cinco soldados", "es", (Q.EXACTLY, 35, None, None, "soldiers")),
        ("12 soldiers, 3 of whom died", "en", (Q.EXACTLY, 12, None, None, "soldiers")),
        ("hundreds of thousands", "en", (Q.AT_LEAST, 200_000, None, None, None)),
        (
            "decenas de miles de desplazados",
            "es",
            (Q.AT_LEAST, 20_000, None, "displaced", None),
        ),
        (
            "43 niños de entre 11 y 13 años",
            "es",
            (Q.EXACTLY, 43, None, None, "children"),
        ),
        (
            "tres terroristas del frente 36",
            "es",
            (Q.EXACTLY, 3, None, None, "fighters"),
        ),
        (
            "11 soldiers of the 4th brigade",
            "en",
            (Q.EXACTLY, 11, None, None, "soldiers"),
        ),
        ("only 92,000", "en", (Q.EXACTLY, 92000, None, None, None)),
        ("past 75", "en", (Q.MORE_THAN, 75, None, None, None)),
        ("just under 40 dead", "en", (Q.FEWER_THAN, 40, None, "killed", None)),
        ("superan los 1.500", "es", (Q.MORE_THAN, 1500, None, None, None)),
        ("apenas 5 heridos", "es", (Q.EXACTLY, 5, None, "injured", None)),
        ("another 22", "en", (Q.EXACTLY, 22, None, None, None)),
        ("another soldier died", "en", (Q.EXACTLY, 1, None, "killed", "soldiers")),
        ("otra decena de personas", "es", (Q.ABOUT, 10, None, None, "people")),
        ("tres mil 494 damnificados", "es", (Q.EXACTLY, 3494, None, "affected", None)),
        ("mil 594", "es", (Q.EXACTLY, 1594, None, None, None)),
        ("medio centenar de desaparecidos", "es", (Q.ABOUT, 50, None, "missing", None)),
        ("varias decenas de personas", "es", (Q.AT_LEAST, 30, None, None, "people")),
        ("several hundred injured", "en", (Q.AT_LEAST, 300, None, "injured", None)),
        ("Millions of people", "en", (Q.AT_LEAST, 2_000_000, None, None, "people")),
        ("65 personas no localizadas", "es", (Q.EXACTLY, 65, None, "missing", "people")),
        ("35 desaparecen", "es", (Q.EXACTLY, 35, None, "missing", None)),
        ("13 others kidnapped", "en", (Q.EXACTLY, 13, None, "kidnapped", None)),
        (
            "one individual was taken into custody",
            "en",
            (Q.EXACTLY, 1, None, "detained", "people"),
        ),
        ("un detenido", "es", (Q.EXACTLY, 1, None, "detained", None)),
        ("more than 200 schoolgirls", "en", (Q.MORE_THAN, 200, None, None, "children")),
        ("90 cuerpos", "es", (Q.EXACTLY, 90, None, "killed", None)),
        (
            "about 80 to 100 million",
            "en",
            (Q.BETWEEN, 80_000_000, 100_000_000, None, None),
        ),
        ("entre 2 y 3 millones", "es", (Q.BETWEEN, 2_000_000, 3_000_000, None, None)),
        ("5,000-plus residents", "en", (Q.MORE_THAN, 5000, None, None, None)),
        ("Upward of 50,000 people", "en", (Q.MORE_THAN, 50000, None, None, "people")),
        ("a further 21 workers", "en", (Q.EXACTLY, 21, None, None, None)),
        ("An additional 42 people", "en", (Q.EXACTLY, 42, None, None, "people")),
        (
            "the remaining seven miners still missing",
            "en",
            (Q.EXACTLY, 7, None, "missing", None),
        ),
        (
            "Al menos otras dos personas resultaron heridas",
            "es",
            (Q.AT_LEAST, 2, None, "injured", "people"),
        ),
        ("37 other people unaccounted-for", "en", (Q.EXACTLY, 37, None, "missing", "people")),
        ("Siete hombres fueron ultimados", "es", (Q.EXACTLY, 7, None, "killed", "men")),
        ("decenas de agentes policiales", "es", (Q.AT_LEAST, 20, None, None, "police")),
        (
            "6 mujeres, dos de las cuales han fallecido",
            "es",
            (Q.EXACTLY, 6, None, None, "women"),
        ),
    ],
)
def test_counts_followed_by_words_give_metric_and_subject(text, language, expected):
    parsed = parse_figure_text(text, language)
    got = (parsed.qualifier, parsed.value, parsed.value_high, parsed.metric)
    assert (*got, parsed.subject) == expected
    assert not parsed.increment and parsed.parts == ()


def test_subject_is_the_most_specific_one_named_and_none_for_a_mixed_group():
    assert parse_figure_text("109 citizen women").subject == "women"
    assert parse_figure_text("20 soldiers or police").subject is None
    mixed = parse_figure_text("15 menores de edad y adultos resultaron heridos", "es")
    assert (mixed.value, mixed.metric, mixed.subject) == (15, "injured", None)


def test_a_list_of_counts_is_a_total_with_its_parts():
    parsed = parse_figure_text("one civilian, three soldiers and seven fighters")
    assert (parsed.qualifier, parsed.value) == (Q.EXACTLY, 11)
    assert [(p.value, p.subject) for p in parsed.parts] == [
        (1, "civilians"),
        (3, "soldiers"),
        (7, "fighters"),
    ]
    spanish = parse_figure_text("al menos 40 adultos y 28 niños", "es")
    assert (spanish.qualifier, spanish.value) == (Q.AT_LEAST, 68)
    assert [p.value for p in spanish.parts] == [40, 28]


def test_a_first_item_that_sums_the_others_is_their_total():
    parsed = parse_figure_text("Los 15 supervivientes, 13 hombres y dos mujeres", "es")
    assert (parsed.qualifier, parsed.value) == (Q.EXACTLY, 15)
    assert [(p.value, p.subject) for p in parsed.parts] == [(13, "men"), (2, "women")]
    detained = parse_figure_text(
        "al menos cuatro manifestantes, tres varones y una mujer", "es"
    )
    assert (detained.qualifier, detained.value) == (Q.AT_LEAST, 4)
    people = parse_figure_text("five people, three soldiers and two civilians")
    assert (people.value, people.subject, len(people.parts)) == (5, "people", 2)


def test_a_spanish_list_item_may_follow_a_personal_a():
    parsed = parse_figure_text("31 pasajeros y a dos conductores", "es")
    assert (parsed.value, [p.value for p in parsed.parts]) == (33, [31, 2])


def test_a_list_whose_first_item_only_happens_to_be_the_sum_stays_a_list():
    # Police and civilians are not kinds of soldiers: four people in all.
    parsed = parse_figure_text("two soldiers, one policeman and one civilian")
    assert parsed.value == 4
    assert [p.subject for p in parsed.parts] == ["soldiers", "police", "civilians"]


def test_more_after_a_count_is_an_increment():
    parsed = parse_figure_text("six more killed")
    assert (parsed.value, parsed.metric, parsed.increment) == (6, "killed", True)
    assert parse_figure_text("at least six more").increment
    assert parse_figure_text("8 personas más resultaron heridas", "es").increment
    assert not parse_figure_text("six killed").increment


@pytest.mark.parametrize(
    "text, language, message",
    [
        ("32 killed and 65 wounded", "en", "names more than one figure"),
        ("many people", "en", "did not understand 'many'"),
        ("a few dead", "en", "did not understand 'a'"),
        ("2.5 people", "en", "not a whole number"),
        ("12 dead and 30", "en", "did not understand '30'"),
        ("10 muertos en 3 ataques", "es", r"another number \(3\)"),
        (
            "at least 5 killed and dozens injured",
            "en",
            "'dozens' starts another figure",
        ),
        ("entre cinco heridos", "es", "expected 'entre <number> y <number>'"),
        ("at least dozens", "en", "'at least' cannot qualify 'dozens'"),
        ("at least several hundred", "en", "'at least' cannot qualify 'several'"),
        ("another many people", "en", "did not understand 'another'"),
    ],
)
def test_unreadable_phrases_say_which_part_was_not_understood(text, language, message):
    with pytest.raises(FigureTextError, match=message):
        parse_figure_text(text, language)
