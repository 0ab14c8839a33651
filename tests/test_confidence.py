import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from registry.models import CitationRelay, Claim
from registry.services import conflicts
from registry.services.confidence import (
    CONFIDENCE_RULES,
    claim_suggested_confidence,
    confidence_requires_rationale,
    independent_originators,
)
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DocumentFactory,
    EventFactory,
    FigureFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def cite(claim, source, stance="asserts", relays=()):
    citation = CitationFactory(
        claim=claim, originator=source, document=DocumentFactory(), stance=stance
    )
    for position, relay in enumerate(relays, start=1):
        CitationRelay.objects.create(citation=citation, source=relay, position=position)
    return citation


def test_relays_do_not_count_as_originators():
    claim = ClaimFactory()
    sohr = SourceFactory(name="SOHR", reliability="B")
    masdar = SourceFactory(name="Al Masdar", reliability="C")
    cite(claim, sohr)
    cite(claim, sohr, relays=[masdar])
    assert independent_originators(claim) == [sohr]


def test_sources_of_one_organisation_count_once():
    claim = ClaimFactory()
    un = SourceFactory(name="UN OCT", reliability="B")
    voronkov = SourceFactory(name="Voronkov", reliability="B", parent=un)
    colleague = SourceFactory(name="Colleague", reliability="C", parent=un)
    cite(claim, voronkov)
    cite(claim, colleague)
    cite(claim, un)
    assert len(independent_originators(claim)) == 1


def test_two_good_independent_originators_confirm():
    claim = ClaimFactory()
    cite(claim, SourceFactory(reliability="A"))
    cite(claim, SourceFactory(reliability="B"))
    suggestion = claim_suggested_confidence(claim)
    assert suggestion.level == 1
    assert suggestion.reasons[0].startswith(CONFIDENCE_RULES[2][0])


def test_two_fair_originators_are_probably_true():
    claim = ClaimFactory()
    cite(claim, SourceFactory(reliability="B"))
    cite(claim, SourceFactory(reliability="C"))
    assert claim_suggested_confidence(claim).level == 2


def test_a_relay_cannot_lift_a_single_source_above_three():
    claim = ClaimFactory()
    cite(claim, SourceFactory(reliability="A"), relays=[SourceFactory(reliability="A")])
    suggestion = claim_suggested_confidence(claim)
    assert suggestion.level == 3
    assert "single independent originator" in suggestion.reasons[0]


def test_officials_of_one_body_are_a_single_source():
    claim = ClaimFactory()
    body = SourceFactory(reliability="B")
    cite(claim, SourceFactory(reliability="B", parent=body))
    cite(claim, SourceFactory(reliability="B", parent=body))
    assert claim_suggested_confidence(claim).level == 3


@pytest.mark.parametrize(
    "grades, level",
    [((), 6), (("E", "F"), 6), (("D",), 4), (("D", "D"), 4), (("C", "E"), 3)],
)
def test_weak_or_missing_originators(grades, level):
    claim = ClaimFactory()
    for grade in grades:
        cite(claim, SourceFactory(reliability=grade))
    assert claim_suggested_confidence(claim).level == level


def test_a_strong_disputing_source_makes_it_doubtful():
    claim = ClaimFactory()
    cite(claim, SourceFactory(reliability="B"))
    cite(claim, SourceFactory(reliability="B"))
    cite(claim, SourceFactory(reliability="A"), stance="disputes")
    suggestion = claim_suggested_confidence(claim)
    assert suggestion.level == 4
    assert "disputes" in suggestion.reasons[-1]


def reviewer():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="settle_conflict"))
    return type(user).objects.get(pk=user.pk)


def conflicting_pair():
    event = EventFactory()
    claims = []
    for value, qualifier in ((8, "at_least"), (5, "exactly")):
        claim = ClaimFactory(event=event, state="in_review")
        cite(claim, SourceFactory(reliability="A"))
        cite(claim, SourceFactory(reliability="B"))
        FigureFactory(claim=claim, value=value, qualifier=qualifier)
        conflicts.conflicts_refresh_for_claim(claim=claim)
        claims.append(claim)
    return claims


def test_an_open_conflict_caps_at_four_until_settled():
    eight, five = conflicting_pair()
    suggestion = claim_suggested_confidence(eight)
    assert suggestion.level == 4
    assert "open conflict" in suggestion.reasons[-1]
    conflict = eight.figures.get().conflicts.get()
    conflicts.conflict_settle(
        conflict=conflict,
        actor=reviewer(),
        preferred_figure=eight.figures.get(),
        rationale="Named list of the dead.",
    )
    assert claim_suggested_confidence(eight).level == 1
    assert claim_suggested_confidence(five).level == 5


def test_an_explained_conflict_does_not_cap():
    eight, _ = conflicting_pair()
    conflict = eight.figures.get().conflicts.get()
    conflicts.conflict_explain(
        conflict=conflict, actor=reviewer(), explanation="Different days."
    )
    assert claim_suggested_confidence(eight).level == 1


def test_departing_from_the_suggestion_requires_a_rationale():
    claim = ClaimFactory()
    cite(claim, SourceFactory(reliability="B"))
    assert not confidence_requires_rationale(claim, 3)
    assert confidence_requires_rationale(claim, 2)
    assert confidence_requires_rationale(claim, 5)


def test_seed_article_date_of_baghdadis_death_cannot_be_judged():
    call_command("load_seeds", verbosity=0)
    article = Claim.objects.get(public_id="article-baghdadi-died-25-october")
    suggestion = claim_suggested_confidence(article)
    assert suggestion.level == 6
    assert any("open conflict" in r for r in suggestion.reasons)
    us = Claim.objects.get(public_id="us-baghdadi-died-26-october")
    assert claim_suggested_confidence(us).level == 4


def test_documentation_quotes_the_rule_table():
    from pathlib import Path

    from registry.services.confidence import confidence_rule_table

    doc = (
        Path(__file__).resolve().parent.parent / "docs" / "conflicts-and-confidence.md"
    )
    assert confidence_rule_table() in doc.read_text(encoding="utf-8")


def test_documentation_quotes_the_qualifier_table():
    from pathlib import Path

    from registry.figures.rules import qualifier_table

    doc = (
        Path(__file__).resolve().parent.parent / "docs" / "conflicts-and-confidence.md"
    )
    assert qualifier_table() in doc.read_text(encoding="utf-8")


def _with_figure(source, *, event, state="in_review", value=8, as_of=None):
    claim = ClaimFactory(event=event, state=state, confidence=3)
    cite(claim, source)
    FigureFactory(claim=claim, qualifier="at_least", value=value, as_of=as_of)
    return claim


def test_agreeing_published_figures_of_other_sources_corroborate():
    event = EventFactory()
    judged = _with_figure(SourceFactory(reliability="B"), event=event)
    assert claim_suggested_confidence(judged).level == 3  # a single source
    # Another body, in another published claim, gives a compatible minimum.
    _with_figure(SourceFactory(reliability="A"), event=event, state="approved")
    assert claim_suggested_confidence(judged).level == 1
    # Unpublished claims corroborate nothing.
    other = _with_figure(SourceFactory(reliability="C"), event=event, value=9)
    assert other.state == "in_review"
    assert len(independent_originators(judged)) == 2


def test_the_same_originator_printed_twice_is_one_source():
    event = EventFactory()
    ministry = SourceFactory(reliability="B")
    judged = _with_figure(ministry, event=event)
    _with_figure(ministry, event=event, state="approved")
    assert claim_suggested_confidence(judged).level == 3
    assert independent_originators(judged) == [ministry]


def test_disagreeing_or_other_dates_do_not_corroborate():
    import datetime as dt

    event = EventFactory()
    day = dt.date(2024, 5, 1)
    judged = _with_figure(SourceFactory(reliability="B"), event=event, as_of=day)
    _with_figure(
        SourceFactory(reliability="A"), event=event, state="approved",
        as_of=day + dt.timedelta(days=1),
    )
    assert claim_suggested_confidence(judged).level == 3
