"""Suggested events and possible duplicates for the proposer's proposals,
on the seed article against the seed registry (its curated claims)."""

import datetime as dt

import pytest
from django.core.management import call_command

from registry.models import Citation, Document, Event
from registry.proposer import propose
from registry.proposer.sources import known_sources
from registry.selectors.suggestions import possible_duplicates, suggest_events
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

PUBLISHED = dt.date(2020, 6, 1)


@pytest.fixture
def seed():
    call_command("load_seeds", verbosity=0)
    document = Document.objects.filter(citations__isnull=False).distinct().first()
    return document


def test_the_seed_article_suggests_the_events_whose_places_it_names(seed):
    suggestions = suggest_events(seed.text, PUBLISHED)
    places = [s.place for s in suggestions]
    assert "Al-Mazare, Badiya al-Mayadeen, Deir Ezzor, Syria" in places
    assert "Al-Bolil desert, Deir ez-Zor, Syria" in places
    first = suggestions[0]
    assert first.days_away == 0
    assert "names" in first.reason and first.place.split(",")[0] in first.reason


def test_an_event_far_from_the_article_date_is_not_suggested(seed):
    EventFactory(
        title="Clashes at Al-Mazare, years later",
        place="Al-Mazare, Syria",
        date_earliest=dt.date(2024, 1, 1),
        date_latest=dt.date(2024, 1, 2),
    )
    assert all(s.date_earliest != "2024-01-01" for s in suggest_events(seed.text, PUBLISHED))
    # Without the article's date, nearness cannot be judged: it is offered.
    assert any(s.date_earliest == "2024-01-01" for s in suggest_events(seed.text, None, limit=10))


def test_a_place_only_in_lowercase_or_unnamed_is_not_suggested(seed):
    EventFactory(title="Elsewhere", place="Raqqa, Syria", date_earliest=PUBLISHED)
    assert all(s.place != "Raqqa, Syria" for s in suggest_events(seed.text, PUBLISHED, limit=10))
    assert suggest_events("no capitalised place here at all", PUBLISHED) == []


def test_proposals_from_an_already_entered_article_find_its_claims(seed):
    proposals = propose(seed.text, "en", PUBLISHED, known_sources())
    eight = next(p for p in proposals if "at least eight soldiers" in p.quote)
    duplicates = possible_duplicates(eight.as_dict(), document_id=seed.pk)
    cited = Citation.objects.filter(
        document=seed, start__lt=eight.end, end__gt=eight.start
    ).values_list("claim__public_id", flat=True)
    assert cited and {d.id for d in duplicates} >= set(cited)
    assert all(d.reason == "cites an overlapping passage of this document" for d in duplicates)


def test_a_figure_about_the_same_quantity_is_found_through_its_event(seed):
    proposals = propose(seed.text, "en", PUBLISHED, known_sources())
    eight = next(p for p in proposals if "at least eight soldiers" in p.quote)
    event = Event.objects.get(place__startswith="Al-Mazare")
    # Read from another copy of the article: no passage overlaps, the
    # quantity key still finds the seed's claim about the same soldiers.
    duplicates = possible_duplicates(eight.as_dict(), event=event)
    assert duplicates, "the seed's claim about the eight soldiers was not found"
    best = duplicates[0]
    assert best.same_value and best.same_originator
    assert best.reason.startswith("the same figure from the same originator")


def test_another_number_is_shown_as_the_same_quantity_not_as_a_duplicate(seed):
    proposals = propose(seed.text, "en", PUBLISHED, known_sources())
    eight = next(p for p in proposals if "at least eight soldiers" in p.quote).as_dict()
    figure = next(f for f in eight["figures"] if f["value"] == 8)
    eight["figures"] = [{**figure, "value": 9}]
    event = Event.objects.get(place__startswith="Al-Mazare")
    duplicates = possible_duplicates(eight, event=event)
    assert duplicates and not duplicates[0].same_value
    assert duplicates[0].reason.startswith("another killed figure about this event")


def test_queries_are_bounded(seed, django_assert_max_num_queries):
    proposals = [p.as_dict() for p in propose(seed.text, "en", PUBLISHED, known_sources())]
    event = Event.objects.get(place__startswith="Al-Mazare")
    with django_assert_max_num_queries(1):
        suggest_events(seed.text, PUBLISHED)
    for proposal in proposals:
        with django_assert_max_num_queries(3):
            possible_duplicates(proposal, document_id=seed.pk, event=event)


def test_an_articles_proposals_cost_three_queries_in_all(seed, django_assert_num_queries):
    from registry.selectors.suggestions import DuplicateFinder

    proposals = [p.as_dict() for p in propose(seed.text, "en", PUBLISHED, known_sources())]
    event = Event.objects.get(place__startswith="Al-Mazare")
    metrics = {f["metric"] for p in proposals for f in p["figures"] if f.get("metric")}
    with django_assert_num_queries(3):
        finder = DuplicateFinder(document_id=seed.pk, event=event, metrics=metrics)
    with django_assert_num_queries(0):
        found = [finder.find(p) for p in proposals]
    # The same answers as one proposal at a time.
    assert found == [
        possible_duplicates(p, document_id=seed.pk, event=event) for p in proposals
    ]
    assert any(found)


def test_a_place_is_matched_by_its_first_words_only_at_a_word_boundary():
    EventFactory(title="Shelling", place="Ma'arrat al-Numan, Idlib", date_earliest=PUBLISHED)
    EventFactory(title="Other", place="Ma'arratabad, Idlib", date_earliest=PUBLISHED)
    EventFactory(title="Other", place="Old Ma'arrat al-Numan", date_earliest=PUBLISHED)
    suggestions = suggest_events("Shelling hit Ma'arrat al-Numan on Sunday.", PUBLISHED)
    assert [s.place for s in suggestions] == ["Ma'arrat al-Numan, Idlib"]


@pytest.mark.postgres
def test_the_place_match_can_be_read_from_the_place_indexes():
    """The place match is the folded-place btree (whole places) and one
    regular expression on UPPER(place) that the trigram index serves (first
    words). Measured on 250k events: 16-19 ms through these two indexes;
    the hundred OR'd prefixes it replaces made PostgreSQL read every event
    (1.4 s at 1M claims). Which plan wins depends on the statistics, so this
    shows that both indexes serve the match, with nothing else to use."""
    from django.db import connection

    from registry.selectors import suggestions

    EventFactory(place="Kafr Nabl, Idlib", date_earliest=PUBLISHED)
    EventFactory(place="Somewhere else", date_earliest=PUBLISHED)
    captured = []

    def explain(execute, sql, params, many, context):
        if "registry_event" in sql and not captured:
            captured.append("")  # the EXPLAIN below passes here too
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql, params)
                captured[0] = "\n".join(row[0] for row in cursor.fetchall())
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with connection.execute_wrapper(explain):
        found = suggestions.suggest_events("Shelling hit Kafr Nabl on Sunday.")
    assert [s.place for s in found] == ["Kafr Nabl, Idlib"]
    plan = captured[0]
    assert "event_place_folded" in plan and "event_place_trgm" in plan, plan
