"""The public projection: only published figures change what the public sees.

Every case here goes through the services (no fixture writes public rows),
so it checks that the services keep the projection current, and each ends
with the stored projection equal to a rebuild from scratch.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from registry import services
from registry.choices import ConflictStatus
from registry.models import Conflict, PublicQuantity
from registry.services import conflicts, projection, records
from tests.factories import EventFactory, SourceFactory
from tests.projection_support import draft, publish, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return EventFactory(title="Attack on the checkpoint")


def get(url, **headers):
    response = Client().get(url, **headers)
    assert response.status_code == 200, response.content
    return response


def claim_json(claim):
    return get(f"/api/v1/claims/{claim.public_id}/").json()


def listed(**params):
    return {c["id"] for c in Client().get("/api/v1/claims/", params).json()["results"]}


def public_conflicts():
    return get("/api/v1/conflicts/").json()["results"]


@pytest.fixture(autouse=True)
def _projection_matches_a_rebuild():
    yield
    assert projection.projection_check() == []


def test_agreeing_published_figures_and_a_disagreeing_draft_show_no_conflict(
    editor, reviewer, event
):
    a = published(editor, reviewer, event=event, value=100, qualifier="about")
    b = published(editor, reviewer, event=event, value=100)
    draft(editor, event=event, value=500)
    assert Conflict.objects.filter(status="open").exists()  # reviewers see it

    assert public_conflicts() == []
    assert claim_json(a)["has_conflict"] is False
    assert claim_json(b)["figures"][0]["conflicts"] == []
    assert listed(has_conflict="true") == set()
    assert listed(has_conflict="false") == {a.public_id, b.public_id}
    page = Client().get(f"/claims/{a.public_id}/").content.decode()
    assert "Conflicting figures" not in page
    assert claim_json(a)["figures"][0]["consensus_interval"]["low"] == 100


def test_a_draft_does_not_reopen_an_explained_public_conflict(
    editor, reviewer, event
):
    a = published(editor, reviewer, event=event, value=8)
    published(editor, reviewer, event=event, value=20)
    conflict = Conflict.objects.get()
    conflicts.conflict_explain(
        conflict=conflict, actor=reviewer, explanation="Different days counted."
    )
    before = get(f"/api/v1/conflicts/{conflict.public_id}/")
    claim_before = get(f"/api/v1/claims/{a.public_id}/")

    draft(editor, event=event, value=500)
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN  # the reviewers' record reopens

    after = get(f"/api/v1/conflicts/{conflict.public_id}/")
    assert after.json()["status"] == "explained"
    assert after.json()["rationale"] == "Different days counted."
    assert after.content == before.content
    assert after["ETag"] == before["ETag"]
    assert get(f"/api/v1/claims/{a.public_id}/").content == claim_before.content


def test_a_settlement_preferring_a_draft_figure_is_not_published_as_settled(
    editor, reviewer, event
):
    a = published(editor, reviewer, event=event, value=8)
    b = published(editor, reviewer, event=event, value=20)
    unpublished = draft(editor, event=event, value=30)
    conflict = Conflict.objects.get()
    conflicts.conflict_settle(
        conflict=conflict,
        actor=reviewer,
        preferred_figure=unpublished.figures.get(),
        rationale="The hospital's count.",
    )

    [shown] = public_conflicts()
    assert shown["status"] == "open"
    assert shown["preferred_claim"] is None
    assert shown["rationale"] == ""
    assert {f["claim"] for f in shown["figures"]} == {a.public_id, b.public_id}
    for claim in (a, b):
        [item] = claim_json(claim)["figures"][0]["conflicts"]
        assert (item["status"], item["preferred"]) == ("open", None)

    # Once the preferred figure is published, the settlement holds publicly.
    publish(unpublished, editor, reviewer)
    [shown] = public_conflicts()
    assert shown["status"] == "settled"
    assert shown["preferred_claim"] == unpublished.public_id


def test_unpublished_activity_leaves_timestamps_and_etags_alone(
    editor, reviewer, event
):
    a = published(editor, reviewer, event=event, value=8)
    published(editor, reviewer, event=event, value=20)
    conflict_id = Conflict.objects.get().public_id
    urls = [
        f"/api/v1/conflicts/{conflict_id}/",
        f"/api/v1/claims/{a.public_id}/",
        "/api/v1/claims/",
        "/api/v1/conflicts/",
        f"/claims/{a.public_id}/",
    ]
    before = {url: get(url) for url in urls}
    stamp = PublicQuantity.objects.get().updated_at

    for value in (1, 50, 500):
        claim = draft(editor, event=event, value=value)
    claim = draft(editor, event=event, value=9)
    services.claim_submit(claim=claim, actor=editor)
    services.claim_reject(claim=claim, actor=reviewer, comment="Not sourced.")

    assert PublicQuantity.objects.get().updated_at == stamp
    for url, response in before.items():
        again = get(url)
        assert again.content == response.content, url
        assert again["ETag"] == response["ETag"], url


def test_a_retracted_figure_leaves_the_consensus(editor, reviewer, event):
    a = published(editor, reviewer, event=event, value=8)
    b = published(
        editor, reviewer, event=event, value=5, value_high=10, qualifier="between"
    )
    c = published(
        editor, reviewer, event=event, value=6, value_high=12, qualifier="between"
    )
    consensus = claim_json(b)["figures"][0]["consensus_interval"]
    assert (consensus["low"], consensus["high"]) == (8, 8)

    services.claim_retract(
        claim=a, actor=reviewer, comment="Wrong event.", public_note="Wrong event."
    )
    for claim in (b, c):
        consensus = claim_json(claim)["figures"][0]["consensus_interval"]
        assert (consensus["low"], consensus["high"]) == (6, 10)
    retracted = claim_json(a)
    assert retracted["state"] == "retracted"
    assert retracted["figures"][0]["conflicts"] == []


def test_consensus_is_the_same_in_the_api_the_table_and_the_picture(
    editor, reviewer, event
):
    a = published(editor, reviewer, event=event, value=8)
    published(editor, reviewer, event=event, value=5, value_high=10, qualifier="between")
    published(editor, reviewer, event=event, value=20)

    data = claim_json(a)
    assert data["has_conflict"] is True
    consensus = data["figures"][0]["consensus_interval"]
    assert (consensus["low"], consensus["high"]) == (8, 8)
    [shown] = public_conflicts()
    assert shown["consensus_interval"] == consensus
    page = get(f"/claims/{a.public_id}/").content.decode()
    assert "consensus 8 to 8" in page  # the picture
    table = page[page.index("<table") : page.index("</table>")]
    assert re.search(r"8\b", table)
    assert "—" not in table.split("</tr>", 1)[1]  # the consensus cell is filled


def test_a_source_edit_shows_at_once_on_published_claims(editor, reviewer, event):
    source = SourceFactory(name="Local monitor", reliability="C")
    claim = published(editor, reviewer, event=event, originator=source)
    assert claim_json(claim)["citations"][0]["originator"]["reliability"] == "C"

    source.reliability = "B"
    records.source_save(source=source, actor=reviewer)

    assert claim_json(claim)["citations"][0]["originator"]["reliability"] == "B"


def test_a_correction_updates_every_version_in_the_chain(editor, reviewer, event):
    original = published(editor, reviewer, event=event, value=8)
    correction = draft(editor, event=event, value=9, corrects=original)
    assert listed() == {original.public_id}
    publish(correction, editor, reviewer)

    old, new = claim_json(original), claim_json(correction)
    assert old["state"] == "superseded"
    assert old["corrected_by"]["id"] == correction.public_id
    assert new["corrects"]["id"] == original.public_id
    assert [v["id"] for v in new["correction_chain"]] == [
        original.public_id,
        correction.public_id,
    ]
    feed = get("/api/v1/corrections/").json()["results"]
    assert [(f["claim"]["id"], f["type"]) for f in feed] == [
        (original.public_id, "supersession")
    ]
    # The superseded figure no longer counts: no conflict between 8 and 9.
    assert public_conflicts() == []


def test_rebuild_reproduces_what_the_services_wrote(editor, reviewer, event):
    published(editor, reviewer, event=event, value=8)
    published(editor, reviewer, event=event, value=20)
    def without_times(page):
        return [{**c, "updated_at": None} for c in page["results"]]

    before = get("/api/v1/claims/").json()
    projection.projection_rebuild()
    assert projection.projection_check() == []
    # Timestamps aside (a rebuild cannot know when a neighbour changed a
    # document), the rebuild says exactly what the services wrote.
    assert without_times(get("/api/v1/claims/").json()) == without_times(before)


def test_a_revised_toll_shows_its_revision_and_counts_nowhere(
    editor, reviewer, event
):
    import datetime as dt

    monitor = SourceFactory(name="Observatory", reliability="B")
    morning = draft(editor, event=event, value=30, originator=monitor)
    evening = draft(
        editor, event=event, value=41, qualifier="at_least", originator=monitor
    )
    for claim, hour in ((morning, 9), (evening, 20)):
        figure = claim.figures.get()
        figure.as_of, figure.as_of_time = dt.date(2024, 5, 1), dt.time(hour)
        services.figure_save(figure=figure, actor=editor)
        publish(claim, editor, reviewer)
    ministry = draft(
        editor, event=event, value=35,
        originator=SourceFactory(name="Ministry", reliability="B"),
    )
    figure = ministry.figures.get()
    figure.as_of = dt.date(2024, 5, 1)
    services.figure_save(figure=figure, actor=editor)
    publish(ministry, editor, reviewer)

    old = claim_json(morning)["figures"][0]
    assert old["revised_by"]["claim"] == evening.public_id
    assert old["conflicts"] == []
    new = claim_json(evening)["figures"][0]
    assert new["revises"]["claim"] == morning.public_id
    [shown] = public_conflicts()
    assert {f["claim"] for f in shown["figures"]} == {
        evening.public_id,
        ministry.public_id,
    }
    conservative = new["ranges"]["conservative"]
    assert (conservative["low"], conservative["best"]) == (35, 35)
    assert {e["claim"] for e in conservative["excluded"]} == {morning.public_id}
    assert "revised" in conservative["excluded"][0]["reason"]


def test_metric_aliases_are_one_quantity_and_unknown_metrics_are_refused(
    editor, event
):
    from registry.models import Figure

    a = draft(editor, event=event, metric="muertos", subject="civiles")
    b = draft(editor, event=event, metric="dead", subject="Civilians")
    fa, fb = a.figures.get(), b.figures.get()
    assert (fa.metric, fb.metric) == ("killed", "killed")
    assert fa.quantity_key == fb.quantity_key
    with pytest.raises(ValidationError, match="unknown metric 'casualtees'"):
        services.figure_save(
            figure=Figure(
                claim=a, metric="casualtees", subject="x", qualifier="exactly",
                value=1,
            ),
            actor=editor,
        )


def test_a_part_larger_than_its_whole_is_flagged_on_both(editor, reviewer, event):
    people = published(editor, reviewer, event=event, value=3, subject="people")
    children = published(editor, reviewer, event=event, value=4, subject="niños")

    for claim in (people, children):
        [flag] = claim_json(claim)["figures"][0]["inconsistencies"]
        assert flag["part"]["claim"] == children.public_id
        assert flag["whole"]["claim"] == people.public_id
        assert "more than" in flag["reason"]
    assert public_conflicts() == []  # other quantities: not a conflict


def test_no_vocabulary_word_names_two_terms():
    from registry.figures import vocabulary

    seen = {}
    for term in vocabulary.METRICS:
        for word in (term.code, *term.aliases):
            key = vocabulary.normalise(word)
            assert seen.setdefault(key, term.code) == term.code, word
    seen = {}
    for code, _parent, words in vocabulary.SUBJECTS:
        for word in (code, *words):
            key = vocabulary.normalise(word)
            assert seen.setdefault(key, code) == code, word


def test_a_common_word_is_searched_through_the_index_too(
    editor, reviewer, event, monkeypatch
):
    from registry.selectors import search

    monkeypatch.setattr(search, "SEARCH_FEW", 1)  # as if thousands matched
    made = {published(editor, reviewer, event=event, value=v).public_id for v in (1, 2, 3)}
    response = Client().get("/api/v1/claims/", {"q": "soldiers killed"})
    assert response.status_code == 200, response.content
    assert {c["id"] for c in response.json()["results"]} == made
