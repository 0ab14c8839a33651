"""Conflicting figures: detection, reviewer decisions, derived ranges.

Rules (the README quotes them):

- **Same quantity**: figures with the same ``Figure.quantity_key`` (kind,
  event, metric, subject, period start and end; *not* the as-of date).
- **Who takes part**: figures of claims in every state except rejected,
  retracted and superseded, so reviewers see a disagreement while they
  review. The public selector below keeps only approved claims' figures.
- **Disagreement**: two figures with the same as-of date (or both without
  one) whose intervals do not overlap; or, for counts of one series (same
  start, different as-of dates), a later as-of date whose lower bound is
  smaller than an earlier one's (a cumulative toll does not go down).
  Figures without an as-of date are not compared with dated ones.
- **One record per quantity**: while its figures disagree, a quantity has
  exactly one ``Conflict`` whose members are all its taking-part figures.
  New figures (added, or edited since the decision: the decision's audit
  row keeps each member's interval) reopen a decided conflict when they
  challenge the decision:
  an explained one when a new figure disagrees with any figure; a settled
  one when a new figure disagrees with the preferred figure or with another
  new figure (one that merely disagrees with a figure the reviewer already
  set aside does not), or when the preferred figure stops taking part. The
  old decision stays in the ``ConflictDecision`` trail. When the figures agree
  again the conflict is deleted (a "dissolved" row keeps its history), so
  a conflict row always means a live disagreement.
- **Consensus**: the intersection of the largest set of figures that all
  overlap, when that set is unique and has two or more figures (see
  ``intervals.consensus``); for a cumulative series, among the figures of
  the latest as-of date.

Detection is ``conflicts_refresh(quantity_keys=...)``: it reads only the
figures of those keys through the ``quantity_key`` index, never the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from . import intervals
from .choices import ClaimState, ConflictAction, ConflictStatus, FigureKind, Qualifier
from .intervals import Interval
from .models import Citation, Claim, Conflict, ConflictDecision, Figure

PARTICIPATING_STATES = frozenset(
    {
        ClaimState.DRAFT,
        ClaimState.IN_REVIEW,
        ClaimState.CHANGES_REQUESTED,
        ClaimState.APPROVED,
    }
)
# A retracted or superseded claim stays visible, but its figure is no longer
# what the registry stands behind: only approved claims' figures are live.
LIVE_PUBLIC_STATES = frozenset({ClaimState.APPROVED})
SETTLE_PERMISSION = "registry.settle_conflict"
RELIABLE_GRADES = frozenset("ABC")


# ------------------------------------------------------------------ analysis


@dataclass(frozen=True)
class Disagreement:
    first: Figure
    second: Figure
    reason: str


def _series_group(figure: Figure) -> dt.date | None:
    return figure.as_of if figure.kind == FigureKind.QUANTITY else None


def find_disagreements(figures: Iterable[Figure]) -> list[Disagreement]:
    """Every pair of figures of one quantity that cannot both be right."""
    figures = [f for f in figures if f.interval is not None]
    found = []
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            ga, gb = _series_group(a), _series_group(b)
            if ga == gb:
                if not a.interval.overlaps(b.interval):
                    found.append(
                        Disagreement(
                            a, b, f"{a.interval} and {b.interval} do not overlap"
                        )
                    )
            elif ga is not None and gb is not None:
                earlier, later = (a, b) if ga < gb else (b, a)
                if later.interval.low < earlier.interval.low:
                    found.append(
                        Disagreement(
                            earlier,
                            later,
                            f"the toll as of {later.as_of} ({later.interval}) is "
                            f"lower than as of {earlier.as_of} ({earlier.interval})",
                        )
                    )
    return found


def latest_series(figures: Iterable[Figure]) -> list[Figure]:
    """The figures of the latest as-of date (all of them when none has one)."""
    figures = list(figures)
    dated = [f.as_of for f in figures if _series_group(f) is not None]
    if not dated:
        return figures
    latest = max(dated)
    return [f for f in figures if _series_group(f) == latest]


def consensus_interval(figures: Iterable[Figure]) -> Interval | None:
    series = [f for f in latest_series(figures) if f.interval is not None]
    return intervals.consensus([f.interval for f in series])


def as_values(kind: str, interval: Interval | None):
    """An interval's bounds as counts, or as dates for a date figure."""
    if interval is None:
        return None, None
    if kind == FigureKind.DATE:
        high = dt.date.fromordinal(interval.high) if interval.high is not None else None
        return dt.date.fromordinal(interval.low), high
    return interval.low, interval.high


# ------------------------------------------------------------------ detection


@dataclass
class RefreshResult:
    opened: list[Conflict] = field(default_factory=list)
    reopened: list[Conflict] = field(default_factory=list)
    updated: list[Conflict] = field(default_factory=list)
    dissolved: list[str] = field(default_factory=list)  # quantity keys


def _lock_quantity(key: str) -> None:
    # Two transactions adding figures to one quantity must not each miss the
    # other's figure: on PostgreSQL, serialise them on the key (SQLite
    # already serialises writers).
    if connection.vendor == "postgresql":
        number = int.from_bytes(
            hashlib.sha256(key.encode()).digest()[:8], "big", signed=True
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def _signature(figure: Figure) -> list:
    """What a decision was made about: the figure's interval and as-of date."""
    interval = figure.interval
    return [
        figure.pk,
        interval.low if interval else None,
        interval.high if interval else None,
        figure.as_of.isoformat() if figure.as_of else None,
    ]


def _decision(
    conflict: Conflict,
    action: str,
    *,
    figures: Iterable[Figure],
    actor=None,
    from_status="",
    **extra,
):
    return ConflictDecision.objects.create(
        conflict=conflict if conflict.pk else None,
        conflict_public_id=conflict.public_id,
        quantity_key=conflict.quantity_key,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=conflict.status if action != ConflictAction.DISSOLVED else "",
        figures=sorted(_signature(f) for f in figures),
        **extra,
    )


def _refresh_key(key: str, result: RefreshResult) -> None:
    _lock_quantity(key)
    figures = list(
        Figure.objects.filter(quantity_key=key, claim__state__in=PARTICIPATING_STATES)
        .select_related("claim")
        .order_by("pk")
    )
    disagreements = find_disagreements(figures)
    conflict = Conflict.objects.select_for_update().filter(quantity_key=key).first()
    ids = {f.pk for f in figures}
    if not disagreements:
        if conflict is not None:
            _decision(
                conflict,
                ConflictAction.DISSOLVED,
                from_status=conflict.status,
                figures=conflict.figures.all(),
            )
            conflict.delete()
            result.dissolved.append(key)
        return
    if conflict is None:
        first = figures[0]
        conflict = Conflict.objects.create(
            quantity_key=key,
            event_id=first.claim.event_id,
            kind=first.kind,
            metric=first.metric,
            subject=first.subject,
            period_start=first.period_start,
            period_end=first.period_end,
        )
        conflict.figures.set(figures)
        _decision(conflict, ConflictAction.OPENED, figures=figures)
        result.opened.append(conflict)
        return
    old_ids = set(conflict.figures.values_list("pk", flat=True))
    added = ids - old_ids
    if conflict.status != ConflictStatus.OPEN:
        # A figure edited since the decision (same row, other interval) is
        # as new to the decision as an added one.
        decided = (
            conflict.decisions.filter(
                action__in=[ConflictAction.SETTLED, ConflictAction.EXPLAINED]
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if decided is not None:
            seen = {row[0]: row for row in decided.figures}
            added = {f.pk for f in figures if seen.get(f.pk) != _signature(f)}
    challenged = any(
        pair & added
        and (
            conflict.status == ConflictStatus.EXPLAINED
            or conflict.preferred_figure_id in pair
            or pair <= added
        )
        for pair in ({d.first.pk, d.second.pk} for d in disagreements)
    )
    lost_preference = (
        conflict.preferred_figure_id is not None
        and conflict.preferred_figure_id not in ids
    )
    if ids != old_ids:
        conflict.figures.set(figures)
    if conflict.status != ConflictStatus.OPEN and (challenged or lost_preference):
        from_status = conflict.status
        conflict.status = ConflictStatus.OPEN
        conflict.preferred_figure = None
        conflict.rationale = ""
        conflict.settled_by = None
        conflict.settled_at = None
        conflict.save(
            update_fields=[
                "status",
                "preferred_figure",
                "rationale",
                "settled_by",
                "settled_at",
            ]
        )
        _decision(
            conflict,
            ConflictAction.REOPENED,
            from_status=from_status,
            figures=figures,
            rationale=(
                "The preferred figure no longer takes part."
                if lost_preference
                else "A new figure disagrees."
            ),
        )
        result.reopened.append(conflict)
    elif ids != old_ids:
        conflict.save(update_fields=[])
        result.updated.append(conflict)


def conflicts_refresh(*, quantity_keys: Iterable[str]) -> RefreshResult:
    """Recompute the conflicts of these quantities, and only these."""
    result = RefreshResult()
    with transaction.atomic():
        # A fixed order, so that two refreshes never wait on each other crosswise.
        for key in sorted({k for k in quantity_keys if k}):
            _refresh_key(key, result)
    return result


def _keys_of(figures_qs) -> set[str]:
    keys = set(figures_qs.values_list("quantity_key", flat=True))
    # A figure whose metric or subject changed still sits in its old conflict.
    keys |= set(
        Conflict.objects.filter(figures__in=figures_qs).values_list(
            "quantity_key", flat=True
        )
    )
    return keys


def conflicts_refresh_for_figure(*, figure: Figure) -> RefreshResult:
    """Call after a figure is saved (its old quantity is refreshed too)."""
    return conflicts_refresh(
        quantity_keys=_keys_of(Figure.objects.filter(pk=figure.pk))
    )


def conflicts_refresh_for_claim(*, claim: Claim) -> RefreshResult:
    """Call after a claim's figures are saved or its state changes.

    Deleting figures removes them from their conflicts at once; pass their
    keys (collected before the delete) to ``conflicts_refresh`` as well.
    """
    return conflicts_refresh(quantity_keys=_keys_of(Figure.objects.filter(claim=claim)))


# ------------------------------------------------------------------ decisions


def _require_reviewer(actor) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(SETTLE_PERMISSION):
        raise PermissionDenied("Only a reviewer may settle or explain a conflict.")


def _resolve(
    conflict: Conflict,
    *,
    actor,
    status: str,
    action: str,
    rationale: str,
    preferred_figure: Figure | None = None,
) -> Conflict:
    """Lock the conflict, record the reviewer's decision and its audit row."""
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if (
            preferred_figure is not None
            and not locked.figures.filter(pk=preferred_figure.pk).exists()
        ):
            raise ValidationError(
                {
                    "preferred_figure": "The preferred figure must be one of the conflict's figures."
                }
            )
        from_status = locked.status
        locked.status = status
        locked.preferred_figure = preferred_figure
        locked.rationale = rationale
        locked.settled_by = actor
        locked.settled_at = timezone.now()
        locked.full_clean()
        locked.save(
            update_fields=[
                "status",
                "preferred_figure",
                "rationale",
                "settled_by",
                "settled_at",
            ]
        )
        _decision(
            locked,
            action,
            actor=actor,
            from_status=from_status,
            preferred_figure=preferred_figure,
            rationale=rationale,
            figures=locked.figures.all(),
        )
    return locked


def conflict_settle(
    *, conflict: Conflict, actor, preferred_figure: Figure, rationale: str
) -> Conflict:
    """Prefer one figure of the conflict, with a rationale; every figure stays."""
    _require_reviewer(actor)
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": "Say why this figure is preferred."})
    return _resolve(
        conflict,
        actor=actor,
        status=ConflictStatus.SETTLED,
        action=ConflictAction.SETTLED,
        rationale=rationale,
        preferred_figure=preferred_figure,
    )


def conflict_explain(*, conflict: Conflict, actor, explanation: str) -> Conflict:
    """Record that the figures differ for a reason (scope, date), preferring none."""
    _require_reviewer(actor)
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError({"explanation": "Say how the figures differ."})
    return _resolve(
        conflict,
        actor=actor,
        status=ConflictStatus.EXPLAINED,
        action=ConflictAction.EXPLAINED,
        rationale=explanation,
    )


# ------------------------------------------------------------------ ranges

RANGE_RULES = {
    "conservative": (
        "Conservative (as ACLED codes fatalities): the lowest lower bound among "
        "figures whose originators include a source graded A-C; low, best and "
        "high are that one number."
    ),
    "best": (
        "Best estimate with low and high (as UCDP GED publishes best, low, high), "
        "over figures from sources graded A-C (all figures when there are none): "
        "low is the lowest lower bound, high the highest upper bound (open when "
        "any figure is open); best is the preferred figure of a settled conflict, "
        "else the lower bound of the consensus interval, else the stated value of "
        "the figure from the best-graded originator (the lowest on a tie)."
    ),
}


@dataclass(frozen=True)
class QuantityRange:
    rule: str
    description: str
    low: int | dt.date | None
    best: int | dt.date | None
    high: int | dt.date | None  # None with low set: open upwards
    as_of: dt.date | None
    figure_ids: tuple[int, ...]
    note: str = ""


def figure_grade(figure: Figure) -> str:
    """The best reliability grade among the figure's asserting originators."""
    grades = [
        c.originator.reliability
        for c in figure.claim.citations.all()
        if c.stance == "asserts"
    ]
    return min(grades) if grades else "F"


def figure_point(figure: Figure) -> int:
    """The single value a figure states, on the interval's scale."""
    if figure.kind == FigureKind.DATE:
        return figure.date_value.toordinal()
    if figure.qualifier == Qualifier.MORE_THAN:
        return figure.value + 1
    if figure.qualifier == Qualifier.FEWER_THAN:
        return figure.value - 1
    if figure.qualifier == Qualifier.BETWEEN:
        return (figure.value + figure.value_high) // 2
    return figure.value


def _range_figures(quantity_key: str, states) -> list[Figure]:
    return list(
        Figure.objects.filter(quantity_key=quantity_key, claim__state__in=states)
        .select_related("claim")
        .prefetch_related(
            Prefetch(
                "claim__citations",
                queryset=Citation.objects.select_related("originator"),
            )
        )
        .order_by("pk")
    )


def quantity_range(
    *, quantity_key: str, rule: str = "conservative", states=PARTICIPATING_STATES
) -> QuantityRange:
    """Low / best / high of a quantity by a named rule (see ``RANGE_RULES``).

    Derived from the figure rows every time; nothing is stored over them.
    Pass ``states=LIVE_PUBLIC_STATES`` for what the public may see.
    """
    if rule not in RANGE_RULES:
        raise ValueError(
            f"unknown rule {rule!r}; expected one of {sorted(RANGE_RULES)}"
        )
    figures = latest_series(_range_figures(quantity_key, states))
    as_of = next((f.as_of for f in figures if _series_group(f)), None)
    if not figures:
        return QuantityRange(
            rule, RANGE_RULES[rule], None, None, None, None, (), "no figures"
        )
    kind = figures[0].kind
    reliable = [f for f in figures if figure_grade(f) in RELIABLE_GRADES]

    def out(low, best, high, used, note=""):
        (low_v, high_v) = as_values(kind, Interval(low, high))
        best_v = as_values(kind, Interval(best, best))[0]
        return QuantityRange(
            rule,
            RANGE_RULES[rule],
            low_v,
            best_v,
            high_v,
            as_of,
            tuple(f.pk for f in used),
            note,
        )

    if rule == "conservative":
        if not reliable:
            return QuantityRange(
                rule,
                RANGE_RULES[rule],
                None,
                None,
                None,
                as_of,
                (),
                "no figure from a source graded A-C",
            )
        lowest = min(f.interval.low for f in reliable)
        return out(lowest, lowest, lowest, reliable)

    pool = reliable or figures
    note = "" if reliable else "no source graded A-C: all figures used"
    low = min(f.interval.low for f in pool)
    highs = [f.interval.high for f in pool]
    high = None if None in highs else max(highs)
    conflict = Conflict.objects.filter(quantity_key=quantity_key).first()
    preferred = next(
        (
            f
            for f in pool
            if conflict is not None
            and conflict.status == ConflictStatus.SETTLED
            and f.pk == conflict.preferred_figure_id
        ),
        None,
    )
    agreed = intervals.consensus([f.interval for f in pool])
    if preferred is not None:
        best = figure_point(preferred)
    elif agreed is not None:
        best = agreed.low
    else:
        best = min(pool, key=lambda f: (figure_grade(f), figure_point(f)))
        best = figure_point(best)
    best = max(low, best) if high is None else min(max(low, best), high)
    return out(low, best, high, pool, note)


# ------------------------------------------------------------------ selectors


@dataclass(frozen=True)
class PublicConflict:
    conflict: Conflict
    figures: list[Figure]
    consensus_low: int | dt.date | None
    consensus_high: int | dt.date | None
    preferred_figure: Figure | None


def _public_figures_queryset():
    return (
        Figure.objects.filter(claim__state__in=LIVE_PUBLIC_STATES)
        .select_related("claim")
        .prefetch_related(
            Prefetch(
                "claim__citations",
                queryset=Citation.objects.select_related("originator", "document"),
            )
        )
        .order_by("pk")
    )


def published_conflicts_for_claims(
    claims: Iterable[Claim],
) -> dict[int, list[PublicConflict]]:
    """For each claim (by pk), its conflicts as the public may see them.

    Only approved claims' figures count. A conflict whose published figures
    agree (the disagreement lies with a figure still in review) is left out,
    and so is a preference for a figure the public cannot see. A constant
    number of queries, whatever the number of claims.
    """
    claim_ids = [c.pk for c in claims]
    result: dict[int, list[PublicConflict]] = {pk: [] for pk in claim_ids}
    if not claim_ids:
        return result
    through = Conflict.figures.through
    links = through.objects.filter(
        figure__claim_id__in=claim_ids, figure__claim__state__in=LIVE_PUBLIC_STATES
    ).values_list("conflict_id", "figure__claim_id")
    by_conflict = defaultdict(set)
    for conflict_id, claim_id in links:
        by_conflict[conflict_id].add(claim_id)
    if not by_conflict:
        return result
    conflicts = (
        Conflict.objects.filter(pk__in=by_conflict)
        .select_related("event")
        .prefetch_related(
            Prefetch(
                "figures", queryset=_public_figures_queryset(), to_attr="public_figures"
            )
        )
        .order_by("pk")
    )
    for conflict in conflicts:
        figures = conflict.public_figures
        if not find_disagreements(figures):
            continue
        low, high = as_values(conflict.kind, consensus_interval(figures))
        preferred = next(
            (f for f in figures if f.pk == conflict.preferred_figure_id), None
        )
        public = PublicConflict(conflict, figures, low, high, preferred)
        for claim_id in sorted(by_conflict[conflict.pk]):
            result[claim_id].append(public)
    return result
