"""The one rule for figures about one quantity: when they disagree, where
they agree (consensus), what a reviewer's decision still covers, and the
derived ranges. Pure functions over figure-like objects (``pk``, ``kind``,
``interval``, ``as_of``, and for ranges ``qualifier``, ``value``,
``value_high``, ``date_value``); the conflict service, the public
projection, the admin and the pictures all call these, never their own.

- **Disagreement**: two figures with the same as-of date (or both without
  one) whose intervals do not overlap; or, for counts of one series (same
  start, different as-of dates), a later as-of date whose lower bound is
  smaller than an earlier one's (a cumulative toll does not go down).
  Figures without an as-of date are not compared with dated ones.
- **Consensus**: the intersection of the largest set of figures that all
  overlap, when that set is unique and has two or more figures (see
  ``intervals.consensus``); for a cumulative series, among the figures of
  the latest as-of date.
- **A decision still holds** for a set of figures when its preferred figure
  (settled) is among them and no figure new to the decision (added, or
  edited since: the decision keeps each member's interval) challenges it:
  for an explained conflict, any disagreement involving a new figure; for a
  settled one, a disagreement between a new figure and the preferred one,
  or between two new figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from registry.choices import FigureKind, Qualifier
from registry.figures import intervals
from registry.figures.intervals import Interval

SETTLED = "settled"
EXPLAINED = "explained"
OPEN = "open"


@dataclass(frozen=True)
class Disagreement:
    first: Any
    second: Any
    reason: str


def series_group(figure) -> dt.date | None:
    return figure.as_of if figure.kind == FigureKind.QUANTITY else None


def find_disagreements(figures: Iterable) -> list[Disagreement]:
    """Every pair of figures of one quantity that cannot both be right."""
    figures = [f for f in figures if f.interval is not None]
    found = []
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            ga, gb = series_group(a), series_group(b)
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


def latest_series(figures: Iterable) -> list:
    """The figures of the latest as-of date (all of them when none has one)."""
    figures = list(figures)
    dated = [f.as_of for f in figures if series_group(f) is not None]
    if not dated:
        return figures
    latest = max(dated)
    return [f for f in figures if series_group(f) == latest]


def consensus_interval(figures: Iterable) -> Interval | None:
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


def signature(figure) -> list:
    """What a decision was made about: the figure's interval and as-of date."""
    interval = figure.interval
    return [
        figure.pk,
        interval.low if interval else None,
        interval.high if interval else None,
        figure.as_of.isoformat() if figure.as_of else None,
    ]


def new_to_decision(figures: Sequence, decided: Iterable[list]) -> set:
    """Pks of the figures a decision did not see as they are now."""
    seen = {row[0]: list(row) for row in decided}
    return {f.pk for f in figures if seen.get(f.pk) != signature(f)}


def decision_challenged(
    *,
    status: str,
    preferred_id,
    new: set,
    disagreements: Iterable[Disagreement],
) -> bool:
    """Whether figures new to a decision challenge it (see the module doc)."""
    return any(
        pair & new
        and (status == EXPLAINED or preferred_id in pair or pair <= new)
        for pair in ({d.first.pk, d.second.pk} for d in disagreements)
    )


def decision_holds(
    *,
    status: str,
    preferred_id,
    decided_figures: Iterable[list],
    figures: Sequence,
) -> bool:
    """Whether a settled or explained decision still holds for ``figures``."""
    ids = {f.pk for f in figures}
    if status == SETTLED and preferred_id not in ids:
        return False
    return not decision_challenged(
        status=status,
        preferred_id=preferred_id,
        new=new_to_decision(figures, decided_figures),
        disagreements=find_disagreements(figures),
    )


# ---------------------------------------------------------------------- ranges

RELIABLE_GRADES = frozenset("ABC")

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


def figure_point(figure) -> int:
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


def quantity_range(
    figures: Sequence,
    *,
    grades: dict,
    rule: str = "conservative",
    preferred_id=None,
) -> QuantityRange:
    """Low / best / high of a quantity by a named rule (see ``RANGE_RULES``).

    ``grades`` maps a figure's pk to the best reliability grade among its
    asserting originators; ``preferred_id`` is the preferred figure of a
    settled conflict, if any. Derived every time, never stored over figures.
    """
    if rule not in RANGE_RULES:
        raise ValueError(
            f"unknown rule {rule!r}; expected one of {sorted(RANGE_RULES)}"
        )
    figures = [f for f in latest_series(figures) if f.interval is not None]
    as_of = next((f.as_of for f in figures if series_group(f)), None)
    if not figures:
        return QuantityRange(
            rule, RANGE_RULES[rule], None, None, None, None, (), "no figures"
        )
    kind = figures[0].kind

    def grade(figure) -> str:
        return grades.get(figure.pk, "F")

    reliable = [f for f in figures if grade(f) in RELIABLE_GRADES]

    def out(low, best, high, used, note=""):
        low_v, high_v = as_values(kind, Interval(low, high))
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
    preferred = next((f for f in pool if f.pk == preferred_id), None)
    agreed = intervals.consensus([f.interval for f in pool])
    if preferred is not None:
        best = figure_point(preferred)
    elif agreed is not None:
        best = agreed.low
    else:
        best = figure_point(min(pool, key=lambda f: (grade(f), figure_point(f))))
    best = max(low, best) if high is None else min(max(low, best), high)
    return out(low, best, high, pool, note)
