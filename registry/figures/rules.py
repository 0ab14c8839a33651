"""The one rule for figures about one quantity: when they disagree, where
they agree (consensus), what a reviewer's decision still covers, and the
derived ranges. Pure functions over figure-like objects (``pk``, ``kind``,
``interval``, ``as_of``, and for ranges ``qualifier``, ``value``,
``value_high``, ``date_value``); the conflict service, the public
projection, the admin and the pictures all call these, never their own.

- **Revisions**: figures of one quantity from the same originator form that
  originator's timeline, ordered by as-of date and time, or by an explicit
  ``revises`` link when the order is only known from the wording ("earlier
  toll", "rose to"). The latest is the originator's current figure; earlier
  ones stay visible but are *revised*: they never disagree with anything and
  never count in consensus or ranges (``current_figures``).
- **Disagreement**: two current figures with the same as-of date (or both
  without one) whose intervals do not overlap. Figures of other dates are
  not compared: different originators counting at different times do not
  contradict one another, and one originator's later figure revises its
  earlier one.
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


def _when(figure) -> tuple | None:
    """When a figure was true: its as-of date and time of day, if known."""
    if figure.as_of is None:
        return None
    return (figure.as_of, getattr(figure, "as_of_time", None) or dt.time.min)


def revisions(figures: Sequence, originators: dict) -> dict:
    """Each revised figure's pk -> the figure that revises it (its next one).

    ``originators`` maps a figure's pk to the set of its asserting
    originators; figures that share one are one originator's timeline.
    """
    figures = list(figures)
    by_pk = {f.pk: f for f in figures}
    revised: dict = {}
    linked = set()
    for figure in figures:
        target = getattr(figure, "revises_id", None)
        if target in by_pk and target != figure.pk:
            revised[target] = figure
            linked.add(frozenset((target, figure.pk)))
    for a in figures:
        if a.pk in revised:
            continue
        when_a = _when(a)
        if when_a is None:
            continue
        later = [
            b
            for b in figures
            if b.pk != a.pk
            and frozenset((a.pk, b.pk)) not in linked
            and originators.get(a.pk, frozenset()) & originators.get(b.pk, frozenset())
            and _when(b) is not None
            and _when(b) > when_a
        ]
        if later:
            revised[a.pk] = min(later, key=lambda b: (_when(b), b.pk))
    return revised


def originators_of(figures: Iterable) -> dict:
    """Each figure's asserting originators, from its claim's citations
    (prefetched): figures that share one are that originator's timeline. An
    unnamed originator ("a military source") is its citation's own, so it
    never forms a timeline with another citation's."""
    return {
        f.pk: frozenset(
            c.originator_key for c in f.claim.citations.all() if c.stance == "asserts"
        )
        for f in figures
    }


def evidence_roots(citation_ids: Iterable, derived_from: dict) -> dict:
    """Each citation's evidence: the citations at the end of its derivation
    links (itself when it derives from none).

    ``derived_from`` maps a citation's pk to the pks it is derived from. A
    derived citation (an aggregator's assessment, an agency carrying a
    ministry's figure) is not new evidence: independence counts the
    originators of its roots instead of its own. A cycle (which the
    services refuse) ends where it closes.
    """
    found: dict = {}
    for start in citation_ids:
        roots, seen, stack = set(), set(), [start]
        while stack:
            pk = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            bases = [b for b in derived_from.get(pk, ()) if b not in seen]
            if bases:
                stack.extend(bases)
            elif not derived_from.get(pk):
                roots.add(pk)
        found[start] = frozenset(roots or {start})
    return found


DERIVED_REASON = "derived from other citations: not independent evidence"


def derived_figures(figures: Iterable) -> set:
    """The figures whose every asserting citation is derived from other
    citations (``is_derived`` on the prefetched citations: see
    ``models.citations_marked_derived``). They stay on their claims, and a
    disagreement with them is still shown, but they count in no consensus
    and no range: the figures they rest on already do."""
    found = set()
    for figure in figures:
        asserting = [c for c in figure.claim.citations.all() if c.stance == "asserts"]
        if asserting and all(getattr(c, "is_derived", False) for c in asserting):
            found.add(figure.pk)
    return found


def current_figures(figures: Sequence, originators: dict) -> list:
    """The figures no later figure of the same originator revises."""
    revised = revisions(figures, originators)
    return [f for f in figures if f.pk not in revised]


def find_disagreements(figures: Iterable) -> list[Disagreement]:
    """Every pair of current figures of one quantity that cannot both be right
    (pass ``current_figures(...)``: a revision never disagrees)."""
    figures = [f for f in figures if f.interval is not None]
    found = []
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            if series_group(a) == series_group(b) and not a.interval.overlaps(
                b.interval
            ):
                found.append(
                    Disagreement(
                        a,
                        b,
                        f"{interval_text(a.kind, a.interval)} and "
                        f"{interval_text(b.kind, b.interval)} do not overlap",
                    )
                )
    return found


def parts_exceeding_wholes(parts: Iterable, wholes: Iterable) -> list[Disagreement]:
    """Pairs where a figure about a part (children) is larger than a figure
    about its whole (civilians, people) of the same date: an inconsistency,
    flagged beside conflicts. Pass current figures."""
    found = []
    for part in parts:
        for whole in wholes:
            if (
                part.interval is not None
                and whole.interval is not None
                and whole.interval.high is not None
                and series_group(part) == series_group(whole)
                and part.interval.low > whole.interval.high
            ):
                found.append(
                    Disagreement(
                        part,
                        whole,
                        f"{interval_text(part.kind, part.interval)} about a part "
                        f"is more than {interval_text(whole.kind, whole.interval)} "
                        "about the whole",
                    )
                )
    return found


# ------------------------------------------------------------ parts and totals
#
# A total recorded with its parts ("11 killed: one civilian, three soldiers
# and seven fighters") is a breakdown: the parts, each about a narrower
# subject, should add up to the total. Each part is a figure about its own
# quantity (killed civilians), never a second figure about the total's
# (killed people), so each counts once: the part in its subject's
# consensus and ranges, the total in its own.

PARTS_SUM = "parts_sum"
PART_EXCEEDS_WHOLE = "part_exceeds_whole"


@dataclass(frozen=True)
class PartsCheck:
    total: Any
    parts: tuple
    parts_sum: Interval
    consistent: bool
    reason: str


def parts_interval(parts: Iterable) -> Interval:
    """What a list of parts adds up to: the sum of their lowest counts up to
    the sum of their highest (open when any part is open)."""
    found = [p.interval for p in parts]
    if not found or any(i is None for i in found):
        raise ValueError("parts are counts")
    highs = [i.high for i in found]
    return Interval(
        sum(i.low for i in found), None if None in highs else sum(highs)
    )


def check_parts(total, parts: Sequence) -> PartsCheck | None:
    """Whether a total and its parts agree: the values the total allows and
    the values the parts' sum allows overlap ("at least 11" with parts
    1 + 3 + 7 does; "exactly 10" with the same parts does not). None when the
    total has no parts."""
    parts = tuple(parts)
    if not parts or total.interval is None:
        return None
    summed = parts_interval(parts)
    consistent = total.interval.overlaps(summed)
    if consistent:
        reason = (
            f"the parts add up to {summed}, which {total.interval} allows"
        )
    else:
        high = total.interval.high
        more = high is not None and summed.low > high
        reason = (
            f"the parts add up to {summed}, {'more' if more else 'less'} "
            f"than the total {total.interval}"
        )
    return PartsCheck(total, parts, summed, consistent, reason)


def total_from_parts(parts: Sequence) -> tuple[str, int, int | None]:
    """The total a list of parts states, as (qualifier, value, value_high):
    parts that share a qualifier give it to their sum ("at least 2" and "at
    least 3": at least 5; "about" likewise); otherwise the sum's interval
    ("exactly" when closed and one value, "at least" when open, "at most"
    from upper bounds alone, else "between")."""
    parts = list(parts)
    if not parts:
        raise ValueError("a total is computed from one part or more")
    qualifiers = {str(p.qualifier) for p in parts}
    if len(qualifiers) == 1:
        (only,) = qualifiers
        if only in (
            Qualifier.EXACTLY,
            Qualifier.AT_LEAST,
            Qualifier.ABOUT,
            Qualifier.AT_MOST,
        ):
            return only, sum(p.value for p in parts), None
    summed = parts_interval(parts)
    if summed.high is None:
        return Qualifier.AT_LEAST.value, summed.low, None
    if summed.low == summed.high:
        return Qualifier.EXACTLY.value, summed.low, None
    if summed.low == 0:
        return Qualifier.AT_MOST.value, summed.high, None
    return Qualifier.BETWEEN.value, summed.low, summed.high


def part_qualifier(total_qualifier: str) -> str:
    """The qualifier each part of a listed total takes from the wording's
    leading one ("at least 40 adults and 28 children": at least each), so
    that the parts add up to what the total says. "Between" names the
    total's ends, not each part's, so its parts are read as stated."""
    if total_qualifier == Qualifier.BETWEEN:
        return Qualifier.EXACTLY.value
    return str(total_qualifier)


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


def interval_text(kind: str, interval: Interval | None) -> str:
    """An interval as a reader writes it: dates as dates ("2019-10-25",
    "2019-10-01 to 2019-10-31" with an en dash), never as day numbers; counts as
    "[8, open)"."""
    if interval is None:
        return "-"
    if kind == FigureKind.DATE:
        low, high = as_values(kind, interval)
        if low == high:
            return low.isoformat()
        return f"{low.isoformat()} – {high.isoformat()}"
    return str(interval)


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
        "Conservative (as ACLED codes fatalities): the lowest count a current "
        "figure from a source graded A-C reports (see the qualifier table); "
        "figures that only give an upper bound are left out, and so are "
        "sources graded D-F; low, best and high are that one number."
    ),
    "best": (
        "Best estimate with low and high (as UCDP GED publishes best, low, high), "
        "over current figures from sources graded A-C (all figures when there "
        "are none): low is the lowest low, high the highest high (open when any "
        "figure is open), each read from the qualifier table; best is the "
        "preferred figure of a settled conflict, else the lower bound of the "
        "consensus interval, else the best value of the figure from the "
        "best-graded originator (the lowest on a tie)."
    ),
}

# What each qualifier contributes to a range: (low, best, high), as counts.
# None: the wording says nothing about that end. A test keeps the table in
# docs/conflicts-and-confidence.md in step with this one.
QUALIFIER_TABLE = (
    ("exactly N", "N", "N", "N"),
    ("at least N", "N", "N", "open"),
    ("more than N", "N + 1", "N + 1", "open"),
    ("about N", "N", "N", "N"),
    ("between A and B", "A", "(A + B) / 2, rounded down", "B"),
    ("at most N, up to N", "none (left out of low and conservative)", "N", "N"),
    ("fewer than N", "none (left out of low and conservative)", "N - 1", "N - 1"),
    ("a date", "its day", "its day", "its day"),
)


def qualifier_table() -> str:
    """``QUALIFIER_TABLE`` as the Markdown table the documentation quotes."""
    lines = [
        "| Wording | Counts as low | best | high |",
        "| --- | --- | --- | --- |",
        *(f"| {' | '.join(row)} |" for row in QUALIFIER_TABLE),
    ]
    return "\n".join(lines)


def _reading(figure) -> tuple:
    """(low, best, high) of one figure, per ``QUALIFIER_TABLE``; high None is
    open, low None says nothing of the lowest count."""
    if figure.kind == FigureKind.DATE:
        day = figure.date_value.toordinal()
        return day, day, day
    n, q = figure.value, figure.qualifier
    if q in (Qualifier.EXACTLY, Qualifier.ABOUT):
        return n, n, n
    if q == Qualifier.AT_LEAST:
        return n, n, None
    if q == Qualifier.MORE_THAN:
        return n + 1, n + 1, None
    if q == Qualifier.BETWEEN:
        return n, (n + figure.value_high) // 2, figure.value_high
    if q == Qualifier.AT_MOST:
        return None, n, n
    if q == Qualifier.FEWER_THAN:
        return None, n - 1, n - 1
    raise ValueError(f"unknown qualifier {q!r}")


def figure_point(figure) -> int:
    """The single value a figure states, on the interval's scale."""
    return _reading(figure)[1]


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
    excluded: tuple[tuple[Any, str], ...] = ()  # (figure pk, why)


def quantity_range(
    figures: Sequence,
    *,
    grades: dict,
    rule: str = "conservative",
    preferred_id=None,
) -> QuantityRange:
    """Low / best / high of a quantity by a named rule (see ``RANGE_RULES``).

    ``figures`` are current figures (see ``current_figures``); ``grades``
    maps a figure's pk to the best reliability grade among its asserting
    originators; ``preferred_id`` is the preferred figure of a settled
    conflict, if any. Figures the rule leaves out come back in ``excluded``
    with the reason, never silently. Derived every time, never stored over
    figures.
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
    unreliable = [
        (f.pk, f"its sources are graded {grade(f)}, not A-C")
        for f in figures
        if grade(f) not in RELIABLE_GRADES
    ]

    def value(number):
        return None if number is None else as_values(kind, Interval(number, number))[0]

    def out(low, best, high, used, note="", excluded=()):
        return QuantityRange(
            rule,
            RANGE_RULES[rule],
            value(low),
            value(best),
            value(high),
            as_of,
            tuple(f.pk for f in used),
            note,
            tuple(excluded),
        )

    if rule == "conservative":
        counted = [f for f in reliable if _reading(f)[0] is not None]
        excluded = unreliable + [
            (f.pk, "an upper bound only: it reports no lowest count")
            for f in reliable
            if _reading(f)[0] is None
        ]
        if not counted:
            return out(
                None, None, None, (), "no lower count from a source graded A-C",
                excluded,
            )
        lowest = min(_reading(f)[0] for f in counted)
        return out(lowest, lowest, lowest, counted, "", excluded)

    pool = reliable or figures
    note = "" if reliable else "no source graded A-C: all figures used"
    excluded = unreliable if reliable else []
    readings = {f.pk: _reading(f) for f in pool}
    lows = [r[0] for r in readings.values() if r[0] is not None]
    low = min(lows) if lows else None
    highs = [r[2] for r in readings.values()]
    high = None if None in highs else max(highs)
    preferred = next((f for f in pool if f.pk == preferred_id), None)
    agreed = intervals.consensus([f.interval for f in pool])
    if preferred is not None:
        best = readings[preferred.pk][1]
    elif agreed is not None:
        best = agreed.low
    else:
        best = readings[min(pool, key=lambda f: (grade(f), readings[f.pk][1])).pk][1]
    if low is not None:
        best = max(low, best)
    if high is not None:
        best = min(best, high)
    return out(low, best, high, pool, note, excluded)
