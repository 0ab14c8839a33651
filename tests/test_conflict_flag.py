"""``Claim.in_open_conflict``, the flag the admin's conflict filter reads,
always equals what ``selectors.review.in_open_conflict()`` computes: after
each path that opens, reopens, settles, explains or dissolves a conflict,
changes or deletes a figure, or restores a backup; and after random
sequences of all of them (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule, run_state_machine_as_test

from registry import services
from registry.choices import PUBLIC_STATES, ConflictStatus
from registry.models import Claim, Conflict, Figure
from registry.selectors import review
from registry.services import conflicts
from tests.factories import EventFactory
from tests.projection_support import draft, publish
from tests.test_public_projection_stateful import Newsroom, _try
from tests.test_restore import import_records, synthetic

pytestmark = pytest.mark.django_db


def flagged() -> set[int]:
    return set(Claim.objects.filter(in_open_conflict=True).values_list("pk", flat=True))


def by_rule() -> set[int]:
    return set(
        Claim.objects.filter(review.in_open_conflict()).values_list("pk", flat=True)
    )


def test_the_flag_follows_a_conflict_through_open_settle_reopen_and_dissolve(
    editor, reviewer, second_reviewer
):
    event = EventFactory()
    low = draft(editor, event=event, value=8)
    high = draft(editor, event=event, value=80)
    conflict = Conflict.objects.get()
    assert flagged() == by_rule() == {low.pk, high.pk}

    conflicts.conflict_settle(
        conflict=conflict,
        actor=second_reviewer,
        preferred_figure=low.figures.get(),
        rationale="The monitor's count.",
    )
    assert flagged() == by_rule() == set()

    # A third figure disagreeing with the preferred one reopens it.
    third = draft(editor, event=event, value=500)
    assert Conflict.objects.get().status == ConflictStatus.OPEN
    assert flagged() == by_rule() == {low.pk, high.pk, third.pk}

    conflicts.conflict_explain(
        conflict=Conflict.objects.get(), actor=second_reviewer, explanation="Scope."
    )
    assert flagged() == by_rule() == set()


def test_deleting_or_agreeing_figures_clear_the_flag(editor):
    event = EventFactory()
    low = draft(editor, event=event, value=8)
    high = draft(editor, event=event, value=80)
    other = draft(editor, event=event, value=80)
    assert flagged() == {low.pk, high.pk, other.pk}

    # The deleted figure's claim has no figure left in the quantity.
    services.figure_delete(figure=low.figures.get(), actor=editor)
    assert not Conflict.objects.exists()
    assert flagged() == by_rule() == set()

    figure = high.figures.get()
    figure.value = 2
    services.figure_save(figure=figure, actor=editor)
    assert flagged() == by_rule() == {high.pk, other.pk}
    figure.value = 80
    services.figure_save(figure=figure, actor=editor)
    assert not Conflict.objects.exists()
    assert flagged() == by_rule() == set()


def test_a_rejected_claim_leaves_the_conflict_and_loses_the_flag(
    editor, reviewer
):
    event = EventFactory()
    low = draft(editor, event=event, value=8)
    high = draft(editor, event=event, value=80)
    services.claim_submit(claim=high, actor=editor)
    services.claim_reject(claim=high, actor=reviewer, comment="Misread.")
    assert flagged() == by_rule() == set()
    assert Claim.objects.get(pk=low.pk).in_open_conflict is False


def test_a_full_save_of_a_stale_claim_keeps_the_flag(editor):
    event = EventFactory()
    stale = draft(editor, event=event, value=8)
    draft(editor, event=event, value=80)
    assert stale.in_open_conflict is False  # read before detection ran
    stale.statement = "Eight soldiers killed."
    stale.save()
    assert Claim.objects.get(pk=stale.pk).in_open_conflict is True


def test_a_restore_flags_its_claims_as_the_rule_does():
    import_records(synthetic(60))
    assert Conflict.objects.filter(status=ConflictStatus.OPEN).exists()
    assert flagged() == by_rule() != set()


def test_a_refresh_that_changes_nothing_writes_no_claim(editor):
    event = EventFactory()
    claim = draft(editor, event=event, value=8)
    draft(editor, event=event, value=80)
    with CaptureQueriesContext(connection) as queries:
        assert conflicts.claims_flag_refresh(claim_ids=[claim.pk]) == 0
    assert all(q["sql"].startswith(("UPDATE", "SELECT")) for q in queries)


@pytest.fixture
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def test_the_admin_filter_reads_the_flag(
    client, editor, reviewer, plain_static_storage
):
    event = EventFactory()
    low = draft(editor, event=event, value=8, statement="Eight soldiers killed.")
    draft(editor, event=event, value=80, statement="Eighty soldiers killed.")
    calm = draft(editor, event=EventFactory(), statement="Two civilians hurt.")
    # A flag out of step with the rule would show here: the page reads the
    # flag alone.
    Claim.objects.filter(pk=low.pk).update(in_open_conflict=False)
    client.force_login(reviewer)
    url = reverse("admin:registry_claim_changelist")
    page = client.get(url, {"conflict": "open"}).content.decode()
    assert "Eighty soldiers killed." in page
    assert "Eight soldiers killed." not in page
    assert calm.statement not in page
    page = client.get(url, {"conflict": "none"}).content.decode()
    assert calm.statement in page and "Eighty soldiers killed." not in page


@pytest.mark.postgres
def test_the_admin_filter_is_read_from_the_partial_index(editor):
    event = EventFactory()
    draft(editor, event=event, value=8)
    draft(editor, event=event, value=80)
    sql, params = (
        Claim.objects.filter(review.flagged_open_conflict())
        .order_by("-created_at", "-pk")[:50]
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_open_conflict" in plan, plan
    assert "Sort" not in plan, plan


# ------------------------------------------------------------- random runs


class FlaggedNewsroom(Newsroom):
    """The projection's random newsroom, with the paths that take figures
    out of a quantity (delete, another event, a deleted draft) added, and the
    flag checked after every step."""

    @precondition(
        lambda self: Figure.objects.exclude(claim__state__in=PUBLIC_STATES).exists()
    )
    @rule(data=st.data())
    def delete_figure(self, data):
        figure = data.draw(
            st.sampled_from(
                list(
                    Figure.objects.exclude(claim__state__in=PUBLIC_STATES).order_by(
                        "pk"
                    )
                )
            )
        )
        _try(lambda: services.figure_delete(figure=figure, actor=self.users["e1"]))

    @precondition(
        lambda self: Claim.objects.exclude(state__in=PUBLIC_STATES).exists()
    )
    @rule(data=st.data(), event=st.integers(0, 1))
    def move_to_event(self, data, event):
        claim = data.draw(
            st.sampled_from(
                list(Claim.objects.exclude(state__in=PUBLIC_STATES).order_by("pk"))
            )
        )
        _try(
            lambda: services.claim_update(
                claim=claim, actor=self.users["e2"], event=self.events[event]
            )
        )

    @precondition(lambda self: Claim.objects.filter(state="draft").exists())
    @rule(data=st.data())
    def delete_draft(self, data):
        claim = data.draw(st.sampled_from(self._claims("draft")))
        _try(lambda: services.claim_delete(claim=claim, actor=self.users["e1"]))

    # The projection's own invariants are its test's; same names, so that
    # Hypothesis does not run them here too (each rebuilds the projection).
    def projection_equals_a_rebuild(self):
        pass

    def nothing_unpublished_is_public(self):
        pass

    @invariant()
    def flag_equals_the_rule(self):
        assert flagged() == by_rule()
        if flagged():
            self.reached.add("flagged")
        if Conflict.objects.exclude(status=ConflictStatus.OPEN).exists():
            self.reached.add("decided")
        if Claim.objects.filter(state__in=PUBLIC_STATES).exists():
            self.reached.add("published")


def test_the_flag_equals_the_rule_under_random_workflows(
    editor, reviewer, second_reviewer
):
    from registry.roles import EDITOR, REVIEWER
    from tests.conftest import _member

    FlaggedNewsroom.users = {
        "e1": editor,
        "e2": _member("editor2", EDITOR),
        "r1": reviewer,
        "r2": second_reviewer,
        "r3": _member("reviewer3", REVIEWER),
    }
    FlaggedNewsroom.reached = set()
    run_state_machine_as_test(
        FlaggedNewsroom,
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # The runs flagged claims, decided conflicts and published.
    assert {"flagged", "decided", "published"} <= FlaggedNewsroom.reached


def test_publishing_a_claim_keeps_the_flags(editor, reviewer):
    event = EventFactory()
    low = publish(draft(editor, event=event, value=8), editor, reviewer)
    high = publish(draft(editor, event=event, value=80), editor, reviewer)
    assert flagged() == by_rule() == {low.pk, high.pk}
