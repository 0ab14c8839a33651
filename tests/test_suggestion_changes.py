"""A published claim whose suggested confidence moves after the reviewer
decided (a corroborating claim published, a figure revised, a conflict
settled) is flagged for the reviewers; its stored confidence never changes
by itself.

Excerpts of real reporting of the 6 February 2023 earthquake in Syria (as
found):

- MINISTRY_MORNING: prensalatina.com.br/2023/02/06/sobe-para-307-numero-de-mortos-em-terremoto-na-siria
- SYRIAN_TV, EARLIER: spamchronicles.com/?p=1029038
- MINISTRY_LATER: thenewsontime.com/the-syrian-ministry-of-health-reports-812-dead-and-1449-injured-as-a-result-of-the-devastating-earthquake/
"""

import datetime as dt

import pytest
from django.urls import reverse

from registry import services
from registry.models import Citation, Claim, Figure, SuggestionChange
from registry.services.conflicts import conflict_settle
from registry.services.suggestions import suggestion_change_review, suggestions_check
from tests.factories import DocumentFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

MINISTRY_MORNING = (
    "De acordo com a atualização do Ministério da Saúde desta nação, 237 mortos "
    "e 639 feridos foram confirmados até agora"
)
EARLIER = "A previous toll reported 237 deaths in areas under the control of the Syrian regime."
SYRIAN_TV = (
    "According to Syrian TV, 239 people were killed and 648 injured when houses "
    "collapsed in several cities"
)
MINISTRY_LATER = "The Syrian Ministry of Health has announced 812 deaths and 1,449 injured"
DAY = dt.date(2023, 2, 6)


@pytest.fixture
def quake():
    return {
        "event": EventFactory(title="Earthquake in Syria, 6 February 2023"),
        "ministry": SourceFactory(
            name="Syrian Ministry of Health", kind="government", reliability="C"
        ),
        "afp": SourceFactory(name="AFP", kind="news_agency", reliability="B"),
        "tv": SourceFactory(name="Syrian TV", kind="news_outlet", reliability="C"),
    }


def publish_toll(editor, reviewer, quake, *, originator, text, quote, value,
                 as_of=DAY, language="en"):
    claim = services.claim_create(
        actor=editor, statement=f"{value} killed in Syria", kind="casualty_figure",
        event=quake["event"],
    )
    document = DocumentFactory(text=text, language=language)
    start = text.index(quote)
    services.citation_save(
        citation=Citation(
            claim=claim, document=document, originator=originator, quote=quote,
            start=start, end=start + len(quote),
        ),
        actor=editor,
    )
    services.figure_save(
        figure=Figure(
            claim=claim, metric="killed", subject="people", stated=quote,
            qualifier="exactly", value=value, as_of=as_of,
        ),
        actor=editor,
    )
    services.claim_submit(claim=claim, actor=editor)
    return services.claim_approve(
        claim=claim, actor=reviewer, confidence=3, rationale="as reported"
    )


def open_change(claim):
    return SuggestionChange.objects.filter(claim=claim, reviewed_at__isnull=True).first()


def test_approval_records_the_suggestion_the_reviewer_decided_against(
    editor, reviewer, quake
):
    claim = publish_toll(
        editor, reviewer, quake, originator=quake["ministry"],
        text=MINISTRY_MORNING, quote="237 mortos", value=237, language="pt",
    )
    assert claim.suggested_confidence == 3
    assert not SuggestionChange.objects.exists()


def test_corroboration_then_a_revision_flag_the_claim_and_keep_its_confidence(
    editor, reviewer, quake
):
    ministry = publish_toll(
        editor, reviewer, quake, originator=quake["ministry"],
        text=MINISTRY_MORNING, quote="237 mortos", value=237, language="pt",
    )
    # Another body's agreeing figure is published: the suggestion rises.
    afp = publish_toll(
        editor, reviewer, quake, originator=quake["afp"], text=EARLIER,
        quote="237 deaths", value=237,
    )
    change = open_change(ministry)
    assert (change.from_level, change.to_level) == (3, 2)
    assert afp.public_id in change.cause and "approved" in change.cause
    assert any("two or more independent" in r for r in change.reasons)
    ministry.refresh_from_db()
    assert ministry.confidence == 3  # never changed silently

    suggestion_change_review(change=change, actor=reviewer, note="keep 3")
    ministry.refresh_from_db()
    assert ministry.suggested_confidence == 2
    assert open_change(ministry) is None

    # The ministry revises its toll: its 237 is no longer its current figure,
    # so the agreeing 237 no longer corroborates the claim.
    publish_toll(
        editor, reviewer, quake, originator=quake["ministry"],
        text=MINISTRY_LATER, quote="812 deaths", value=812,
        as_of=DAY + dt.timedelta(days=1),
    )
    change = open_change(ministry)
    assert (change.from_level, change.to_level) == (2, 3)
    ministry.refresh_from_db()
    assert (ministry.confidence, ministry.suggested_confidence) == (3, 2)


def test_settling_a_conflict_flags_both_sides(editor, reviewer, second_reviewer, quake):
    ministry = publish_toll(
        editor, reviewer, quake, originator=quake["ministry"],
        text=MINISTRY_MORNING, quote="237 mortos", value=237, language="pt",
    )
    tv = publish_toll(
        editor, second_reviewer, quake, originator=quake["tv"], text=SYRIAN_TV,
        quote="239 people were killed", value=239,
    )
    # Approving the second opened a conflict: the first one's suggestion fell.
    assert (open_change(ministry).from_level, open_change(ministry).to_level) == (3, 4)
    assert tv.suggested_confidence == 4
    [conflict] = tv.figures.get().conflicts.all()
    conflict_settle(
        conflict=conflict, actor=reviewer, preferred_figure=tv.figures.get(),
        rationale="Syrian TV's count is the later one",
    )
    change = open_change(ministry)
    assert (change.from_level, change.to_level) == (3, 5)
    assert change.cause == "conflict settled (killed people)"
    assert (open_change(tv).from_level, open_change(tv).to_level) == (4, 3)
    for claim in (ministry, tv):
        claim.refresh_from_db()
        assert claim.confidence == 3


def test_a_claim_published_before_has_its_baseline_recorded_without_a_flag(
    editor, reviewer, quake
):
    claim = publish_toll(
        editor, reviewer, quake, originator=quake["ministry"],
        text=MINISTRY_MORNING, quote="237 mortos", value=237, language="pt",
    )
    Claim.objects.filter(pk=claim.pk).update(suggested_confidence=None)
    suggestions_check(claim_ids=[claim.pk], cause="test")
    claim.refresh_from_db()
    assert claim.suggested_confidence == 3
    assert not SuggestionChange.objects.exists()


def test_reviewers_see_and_review_changes_in_the_admin(
    client, editor, reviewer, quake, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    ministry = publish_toll(
        editor, reviewer, quake, originator=quake["ministry"],
        text=MINISTRY_MORNING, quote="237 mortos", value=237, language="pt",
    )
    publish_toll(
        editor, reviewer, quake, originator=quake["afp"], text=EARLIER,
        quote="237 deaths", value=237,
    )
    change = open_change(ministry)
    client.force_login(reviewer)
    claims = client.get(
        reverse("admin:registry_claim_changelist"), {"suggestion": "changed"}
    ).content.decode()
    assert ministry.statement in claims
    page = client.get(
        reverse("admin:registry_claim_change", args=[ministry.pk])
    ).content.decode()
    assert "Suggested confidence changed since a reviewer decided: 3 \u2192 2" in page
    listing = reverse("admin:registry_suggestionchange_changelist")
    assert ministry.statement[:40] in client.get(listing).content.decode()

    client.force_login(editor)
    assert client.get(listing).status_code == 403
    client.force_login(reviewer)
    response = client.post(
        listing, {"action": "mark_reviewed", "_selected_action": [change.pk]}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.reviewed_by == reviewer
    ministry.refresh_from_db()
    assert (ministry.confidence, ministry.suggested_confidence) == (3, 2)


def test_rechecking_suggestions_costs_the_same_queries_however_many_claims_agree(
    editor, reviewer, quake
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def publish_agreeing(count):
        return [
            publish_toll(
                editor, reviewer, quake,
                originator=SourceFactory(kind="news_agency", reliability="B"),
                text=EARLIER, quote="237 deaths", value=237,
            )
            for _ in range(count)
        ]

    def recheck(claims):
        # Every claim's baseline differs from its suggestion: each is flagged.
        SuggestionChange.objects.all().delete()
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
            suggested_confidence=6
        )
        key = claims[0].figures.get().quantity_key
        with CaptureQueriesContext(connection) as queries:
            written = suggestions_check(quantity_keys={key}, cause="test")
        assert [c.claim_id for c in written] == sorted(c.pk for c in claims)
        assert {c.to_level for c in written} == {1}
        return len(queries)

    claims = publish_agreeing(2)
    few = recheck(claims)
    claims += publish_agreeing(5)
    many = recheck(claims)
    assert few == many
    assert many <= 15
    # Flagged again with another suggestion: the open changes are updated in
    # one statement, still the same count.
    SuggestionChange.objects.update(to_level=2)
    key = claims[0].figures.get().quantity_key
    with CaptureQueriesContext(connection) as queries:
        updated = suggestions_check(quantity_keys={key}, cause="again")
    assert len(updated) == 7 and {c.to_level for c in updated} == {1}
    assert len(queries) <= many
