import datetime as dt
import io
import threading
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext

from registry.choices import ConflictAction, ConflictStatus
from registry.models import Claim, Conflict, ConflictDecision, Figure
from registry.services import conflicts
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EventFactory,
    FigureFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def reviewer():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="settle_conflict"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def figure(event, state="in_review", grade="B", originator=None, **kwargs):
    claim = ClaimFactory(event=event, state=state, confidence=3)
    CitationFactory(
        claim=claim, originator=originator or SourceFactory(reliability=grade)
    )
    made = FigureFactory(claim=claim, **kwargs)
    conflicts.conflicts_refresh_for_figure(figure=made)
    return made


def the_conflict():
    return Conflict.objects.get()


def test_overlapping_figures_make_no_conflict():
    event = EventFactory()
    figure(event, qualifier="at_least", value=8)
    figure(event, qualifier="between", value=5, value_high=10)
    assert not Conflict.objects.exists()


def test_disjoint_figures_make_one_open_conflict_with_both():
    event = EventFactory()
    eight = figure(event, qualifier="at_least", value=8)
    five = figure(event, qualifier="exactly", value=5)
    conflict = the_conflict()
    assert conflict.status == ConflictStatus.OPEN
    assert set(conflict.figures.all()) == {eight, five}
    assert ConflictDecision.objects.get().action == ConflictAction.OPENED


def test_a_third_figure_joins_the_same_conflict():
    event = EventFactory()
    figure(event, qualifier="at_least", value=8)
    figure(event, qualifier="exactly", value=5)
    third = figure(event, qualifier="exactly", value=9)
    assert Conflict.objects.count() == 1
    assert third in the_conflict().figures.all()


def test_other_events_and_subjects_are_other_quantities():
    figure(EventFactory(), value=8)
    figure(EventFactory(), qualifier="exactly", value=5)
    event = EventFactory()
    figure(event, value=8)
    figure(event, qualifier="exactly", value=5, subject="civilians")
    assert not Conflict.objects.exists()


def test_rejected_claims_do_not_take_part_and_the_conflict_dissolves():
    event = EventFactory()
    figure(event, value=8)
    five = figure(event, qualifier="exactly", value=5)
    five.claim.state = "rejected"
    five.claim.save()
    conflicts.conflicts_refresh_for_claim(claim=five.claim)
    assert not Conflict.objects.exists()
    actions = list(ConflictDecision.objects.values_list("action", flat=True))
    assert actions == [ConflictAction.OPENED, ConflictAction.DISSOLVED]


def test_editing_a_figure_out_of_the_quantity_refreshes_its_old_conflict():
    event = EventFactory()
    figure(event, value=8)
    five = figure(event, qualifier="exactly", value=5)
    five.subject = "civilians"
    five.save()
    conflicts.conflicts_refresh_for_figure(figure=five)
    assert not Conflict.objects.exists()


def test_settling_needs_a_reviewer():
    event = EventFactory()
    eight = figure(event, value=8)
    figure(event, qualifier="exactly", value=5)
    with pytest.raises(PermissionDenied):
        conflicts.conflict_settle(
            conflict=the_conflict(),
            actor=UserFactory(),
            preferred_figure=eight,
            rationale="SOHR counts by name.",
        )
    assert the_conflict().status == ConflictStatus.OPEN


def test_settling_prefers_a_member_with_a_rationale_and_is_audited():
    event = EventFactory()
    eight = figure(event, value=8)
    figure(event, qualifier="exactly", value=5)
    actor = reviewer()
    with pytest.raises(ValidationError, match="Say why"):
        conflicts.conflict_settle(
            conflict=the_conflict(), actor=actor, preferred_figure=eight, rationale=" "
        )
    outsider = figure(EventFactory(), value=1)
    with pytest.raises(ValidationError, match="one of the conflict's figures"):
        conflicts.conflict_settle(
            conflict=the_conflict(),
            actor=actor,
            preferred_figure=outsider,
            rationale="x",
        )
    conflicts.conflict_settle(
        conflict=the_conflict(),
        actor=actor,
        preferred_figure=eight,
        rationale="SOHR counts by name.",
    )
    conflict = the_conflict()
    assert (conflict.status, conflict.preferred_figure, conflict.settled_by) == (
        ConflictStatus.SETTLED,
        eight,
        actor,
    )
    decision = ConflictDecision.objects.get(action=ConflictAction.SETTLED)
    assert (decision.actor, decision.from_status, decision.to_status) == (
        actor,
        "open",
        "settled",
    )
    assert Figure.objects.filter(quantity_key=eight.quantity_key).count() == 2


def test_explaining_records_the_explanation():
    event = EventFactory()
    figure(event, value=8)
    figure(event, qualifier="exactly", value=5)
    conflicts.conflict_explain(
        conflict=the_conflict(), actor=reviewer(), explanation="Five were civilians."
    )
    conflict = the_conflict()
    assert conflict.status == ConflictStatus.EXPLAINED
    assert conflict.rationale == "Five were civilians."


def test_a_new_disagreeing_figure_reopens_a_settled_conflict():
    event = EventFactory()
    eight = figure(event, value=8)
    figure(event, qualifier="exactly", value=5)
    conflicts.conflict_settle(
        conflict=the_conflict(), actor=reviewer(), preferred_figure=eight, rationale="r"
    )
    # Agrees with the preferred figure, disagrees only with the one set aside.
    figure(event, qualifier="exactly", value=9)
    assert the_conflict().status == ConflictStatus.SETTLED
    figure(event, qualifier="exactly", value=6)
    conflict = the_conflict()
    assert conflict.status == ConflictStatus.OPEN
    assert conflict.preferred_figure is None and conflict.rationale == ""
    assert Conflict.objects.count() == 1
    reopened = ConflictDecision.objects.get(action=ConflictAction.REOPENED)
    assert (reopened.from_status, reopened.to_status) == ("settled", "open")


def test_a_preferred_figure_cannot_be_deleted():
    event = EventFactory()
    eight = figure(event, value=8)
    figure(event, qualifier="exactly", value=5)
    conflicts.conflict_settle(
        conflict=the_conflict(), actor=reviewer(), preferred_figure=eight, rationale="r"
    )
    with pytest.raises(ProtectedError):
        eight.delete()


def test_a_new_figure_disagreeing_with_an_explained_conflict_reopens_it():
    event = EventFactory()
    figure(event, value=8)
    figure(event, qualifier="exactly", value=5)
    conflicts.conflict_explain(
        conflict=the_conflict(), actor=reviewer(), explanation="e"
    )
    figure(event, qualifier="exactly", value=9)
    assert the_conflict().status == ConflictStatus.OPEN


def test_losing_the_preferred_figure_reopens():
    event = EventFactory()
    eight = figure(event, value=8)
    figure(event, qualifier="exactly", value=5)
    figure(event, qualifier="exactly", value=3)
    conflicts.conflict_settle(
        conflict=the_conflict(), actor=reviewer(), preferred_figure=eight, rationale="r"
    )
    Claim.objects.filter(pk=eight.claim_id).update(state="rejected")
    conflicts.conflicts_refresh_for_claim(claim=eight.claim)
    conflict = the_conflict()
    assert conflict.status == ConflictStatus.OPEN and conflict.figures.count() == 2
    reopened = ConflictDecision.objects.get(action=ConflictAction.REOPENED)
    assert "no longer takes part" in reopened.rationale


def test_a_lower_toll_from_another_source_on_a_later_date_is_no_conflict():
    # Different originators counting at different times do not contradict
    # one another (the cumulative rule used to mix sources).
    event = EventFactory()
    start = dt.date(2019, 3, 24)
    for value, day in ((570, 1), (600, 2), (500, 3)):
        figure(
            event,
            qualifier="at_least",
            value=value,
            period_start=start,
            as_of=dt.date(2020, 5, day),
        )
    assert not Conflict.objects.exists()


def test_a_source_revising_its_own_toll_is_no_conflict_and_the_revision_counts():
    # A monitor says 30 in the morning and "at least 41" in the evening (its
    # new toll); a ministry says 35 that day.
    event = EventFactory()
    monitor = SourceFactory(name="Monitor", reliability="B")
    day = dt.date(2024, 5, 1)
    morning = figure(
        event, originator=monitor, qualifier="exactly", value=30, as_of=day,
        as_of_time=dt.time(9, 0),
    )
    assert not Conflict.objects.exists()
    evening = figure(
        event, originator=monitor, qualifier="at_least", value=41, as_of=day,
        as_of_time=dt.time(20, 0),
    )
    assert not Conflict.objects.exists()  # a revision, not a disagreement
    ministry = figure(event, grade="B", qualifier="exactly", value=35, as_of=day)
    conflict = the_conflict()
    # The outdated morning figure takes no part; 41+ and 35 disagree.
    assert set(conflict.figures.all()) == {evening, ministry}
    result = conflicts.quantity_range(quantity_key=morning.quantity_key)
    assert (result.low, result.best, result.high) == (35, 35, 35)
    best = conflicts.quantity_range(quantity_key=morning.quantity_key, rule="best")
    assert (best.low, best.high) == (35, None)


def test_an_explicit_revises_link_orders_undated_figures():
    event = EventFactory()
    monitor = SourceFactory(name="Monitor", reliability="B")
    earlier = figure(event, originator=monitor, qualifier="exactly", value=30)
    later = figure(
        event, originator=monitor, qualifier="exactly", value=41, revises=earlier
    )
    assert not Conflict.objects.exists()
    result = conflicts.quantity_range(quantity_key=later.quantity_key)
    assert (result.low, result.figure_ids) == (41, (later.pk,))


def test_ranges_read_each_qualifier_as_its_source_worded_it():
    event = EventFactory()
    up_to = figure(event, qualifier="at_most", value=16, grade="B")
    result = conflicts.quantity_range(quantity_key=up_to.quantity_key)
    # An upper bound alone reports no lowest count: never a conservative 0.
    assert (result.low, result.best, result.high) == (None, None, None)
    assert result.excluded == ((up_to.pk, "an upper bound only: it reports no lowest count"),)
    about = figure(event, qualifier="about", value=40, grade="B", as_of=None)
    weak = figure(event, qualifier="exactly", value=3, grade="D")
    result = conflicts.quantity_range(quantity_key=up_to.quantity_key)
    assert (result.low, result.best, result.high) == (40, 40, 40)  # not 36
    assert dict(result.excluded)[weak.pk] == "its sources are graded D, not A-C"
    best = conflicts.quantity_range(quantity_key=about.quantity_key, rule="best")
    assert (best.low, best.high) == (40, 40)
    assert weak.pk in dict(best.excluded)


def test_undated_figure_is_not_compared_with_dated_ones():
    event = EventFactory()
    start = dt.date(2019, 3, 24)
    figure(
        event,
        qualifier="exactly",
        value=570,
        period_start=start,
        as_of=dt.date(2020, 5, 1),
    )
    figure(event, qualifier="exactly", value=100, period_start=start)
    assert not Conflict.objects.exists()


def test_detection_reads_only_the_quantity_by_its_index():
    event = EventFactory()
    figure(event, value=8)
    five = figure(event, qualifier="exactly", value=5)
    with CaptureQueriesContext(connection) as queries:
        conflicts.conflicts_refresh(quantity_keys=[five.quantity_key])
    figure_reads = [
        q["sql"]
        for q in queries
        if 'FROM "registry_figure"' in q["sql"] and "SELECT" in q["sql"]
    ]
    # By the quantity key's index, or by the conflict's own links: no scan.
    assert figure_reads
    assert all("quantity_key" in sql or "conflict_id" in sql for sql in figure_reads)
    # 8, and the two set-based UPDATEs that keep Claim.in_open_conflict.
    assert len(queries) <= 10


def test_seed_has_exactly_one_open_conflict_for_baghdadis_death():
    call_command("load_seeds", verbosity=0)
    conflict = the_conflict()
    assert (conflict.metric, conflict.subject, conflict.status) == (
        "died_on",
        "Abu Bakr al-Baghdadi",
        ConflictStatus.OPEN,
    )
    dates = sorted(f.date_value for f in conflict.figures.all())
    assert dates == [dt.date(2019, 10, 25), dt.date(2019, 10, 26)]
    call_command("load_seeds", verbosity=0)
    assert Conflict.objects.count() == 1


def test_import_keeps_the_files_conflict_and_detects_no_duplicate(tmp_path):
    from tests.test_transfer import export, wipe

    call_command("load_seeds", verbosity=0)
    conflicts.conflict_explain(
        conflict=the_conflict(), actor=reviewer(), explanation="Raid night vs date."
    )
    first = export()
    path = tmp_path / "r.jsonl"
    path.write_text(first, encoding="utf-8")
    public_id = the_conflict().public_id
    wipe()
    call_command("import_registry", str(path), stdout=io.StringIO())
    conflict = the_conflict()
    assert (conflict.public_id, conflict.status) == (public_id, "explained")
    assert export() == first


def test_conservative_range_is_lowest_reliable_lower_bound():
    event = EventFactory()
    eight = figure(event, qualifier="at_least", value=8, grade="B")
    figure(event, qualifier="exactly", value=5, grade="B")
    figure(event, qualifier="exactly", value=2, grade="E")
    result = conflicts.quantity_range(quantity_key=eight.quantity_key)
    assert result.rule == "conservative" and "ACLED" in result.description
    assert (result.low, result.best, result.high) == (5, 5, 5)
    assert len(result.figure_ids) == 2


def test_best_range_uses_consensus_and_is_open_when_a_figure_is():
    event = EventFactory()
    eight = figure(event, qualifier="at_least", value=8)
    figure(event, qualifier="between", value=9, value_high=12)
    figure(event, qualifier="exactly", value=5)
    result = conflicts.quantity_range(quantity_key=eight.quantity_key, rule="best")
    assert (result.low, result.best, result.high) == (5, 9, None)
    assert "UCDP" in result.description


def test_best_range_prefers_the_settled_figure():
    event = EventFactory()
    eight = figure(event, qualifier="exactly", value=8)
    five = figure(event, qualifier="exactly", value=5)
    conflicts.conflict_settle(
        conflict=the_conflict(), actor=reviewer(), preferred_figure=five, rationale="r"
    )
    result = conflicts.quantity_range(quantity_key=eight.quantity_key, rule="best")
    assert (result.low, result.best, result.high) == (5, 5, 8)


def test_ranges_of_dates_are_dates_from_reliable_sources():
    call_command("load_seeds", verbosity=0)
    key = the_conflict().quantity_key
    result = conflicts.quantity_range(quantity_key=key, rule="best")
    # The article's own statement (publisher graded F) is left out.
    assert (result.low, result.best, result.high) == (
        dt.date(2019, 10, 26),
        dt.date(2019, 10, 26),
        dt.date(2019, 10, 26),
    )


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rule"):
        conflicts.quantity_range(quantity_key="x", rule="median")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_figures_of_one_quantity_are_not_missed():
    """Two transactions each add a figure that agrees with the old one but not
    with the other's: the second refresh waits for the first and sees it."""
    event = EventFactory()
    figure(event, qualifier="at_least", value=5)
    first_refreshed = threading.Event()
    errors = []

    def add(value, before_commit=None, wait_for=None):
        try:
            if wait_for is not None:
                wait_for.wait(timeout=10)
            with transaction.atomic():
                claim = ClaimFactory(event=event, state="in_review")
                made = FigureFactory(claim=claim, qualifier="exactly", value=value)
                if wait_for is None:
                    conflicts.conflicts_refresh_for_figure(figure=made)
                    first_refreshed.set()
                    before_commit()
                else:
                    conflicts.conflicts_refresh_for_figure(figure=made)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    a = threading.Thread(target=add, args=(8, lambda: time.sleep(0.5)))
    b = threading.Thread(target=add, args=(6, None, first_refreshed))
    a.start()
    b.start()
    a.join()
    b.join()
    assert not errors
    conflict = Conflict.objects.get()
    assert sorted(f.value for f in conflict.figures.all()) == [5, 6, 8]


def test_editing_a_member_figure_against_the_decision_reopens():
    event = EventFactory()
    eight = figure(event, value=8)
    five = figure(event, qualifier="exactly", value=5)
    conflicts.conflict_settle(
        conflict=the_conflict(), actor=reviewer(), preferred_figure=five, rationale="r"
    )
    eight.value = 9  # edited after the decision, still against the preferred five
    eight.save()
    conflicts.conflicts_refresh_for_figure(figure=eight)
    assert the_conflict().status == ConflictStatus.OPEN
    decision = ConflictDecision.objects.get(action=ConflictAction.SETTLED)
    assert sorted(row[1] for row in decision.figures) == [5, 8]


@pytest.mark.postgres
def test_refresh_over_more_keys_than_the_lock_table_holds():
    """A restore refreshes every quantity in one transaction: 16,000 keys
    used to need 16,000 advisory locks held to commit (out of shared memory
    at about 12,500 with default settings); slots keep it at most 1,024."""
    claim = ClaimFactory(state="in_review")
    rows = []
    for i in range(16_000):
        for value in (5, 9) if i < 10 else (5,):
            made = Figure(
                claim=claim,
                metric="killed",
                subject=f"group {i}",
                qualifier="exactly",
                value=value,
            )
            made.derive_interval()
            made.quantity_key = made.compute_quantity_key()
            rows.append(made)
    Figure.objects.bulk_create(rows, batch_size=5000)
    keys = {f.quantity_key for f in rows}
    assert len(keys) == 16_000
    with CaptureQueriesContext(connection) as queries:
        result = conflicts.conflicts_refresh(quantity_keys=keys)
    assert len(result.opened) == 10
    # Set-based: a few queries per batch of keys, not per key.
    assert len(queries) < 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            " AND pid = pg_backend_pid()"
        )
        assert cursor.fetchone()[0] <= conflicts.LOCK_SLOTS
