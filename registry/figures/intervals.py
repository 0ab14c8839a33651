"""Figures as closed intervals.

A figure is kept as the source stated it (qualifier and value) and as the
closed interval of values it allows. ``None`` as an upper bound means the
interval is open upwards ("at least eight" is [8, open)). Counts are
integers, so "more than 8" starts at 9.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

from registry.choices import DatePrecision, Qualifier

# "About N" allows N plus or minus this share of N, rounded outwards, and
# at least one either side: "about 200" is [180, 220], "about 5" is [4, 6].
ABOUT_TOLERANCE = 0.10


@dataclass(frozen=True)
class Interval:
    low: int
    high: int | None  # None: open upwards

    def __post_init__(self):
        if self.high is not None and self.low > self.high:
            raise ValueError(f"empty interval [{self.low}, {self.high}]")

    def overlaps(self, other: Interval) -> bool:
        return self.intersection(other) is not None

    def intersection(self, other: Interval) -> Interval | None:
        low = max(self.low, other.low)
        highs = [h for h in (self.high, other.high) if h is not None]
        high = min(highs) if highs else None
        if high is not None and low > high:
            return None
        return Interval(low, high)

    def __str__(self) -> str:
        return f"[{self.low}, {'open)' if self.high is None else f'{self.high}]'}"


def quantity_interval(
    qualifier: str, value: int, value_high: int | None = None
) -> Interval:
    """The closed interval of counts a qualified figure allows."""
    if value is None or value < 0:
        raise ValueError("a count must be zero or more")
    if qualifier == Qualifier.EXACTLY:
        return Interval(value, value)
    if qualifier == Qualifier.AT_LEAST:
        return Interval(value, None)
    if qualifier == Qualifier.MORE_THAN:
        return Interval(value + 1, None)
    if qualifier == Qualifier.AT_MOST:
        return Interval(0, value)
    if qualifier == Qualifier.FEWER_THAN:
        if value == 0:
            raise ValueError("'fewer than 0' allows no count")
        return Interval(0, value - 1)
    if qualifier == Qualifier.ABOUT:
        spread = max(1, math.ceil(value * ABOUT_TOLERANCE))
        return Interval(max(0, value - spread), value + spread)
    if qualifier == Qualifier.BETWEEN:
        if value_high is None:
            raise ValueError("'between' needs a second value")
        if value_high < value:
            raise ValueError(
                f"'between {value} and {value_high}': the second value is lower"
            )
        return Interval(value, value_high)
    raise ValueError(f"unknown qualifier {qualifier!r}")


def date_bounds(value: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The first and last day a date of the given precision may mean."""
    if precision == DatePrecision.DAY:
        return value, value
    if precision == DatePrecision.DAYS:
        return value - dt.timedelta(days=3), value + dt.timedelta(days=3)
    if precision == DatePrecision.WEEK:
        start = value - dt.timedelta(days=value.weekday())
        return start, start + dt.timedelta(days=6)
    if precision == DatePrecision.MONTH:
        last = calendar.monthrange(value.year, value.month)[1]
        return value.replace(day=1), value.replace(day=last)
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1), value.replace(month=12, day=31)
    raise ValueError(f"unknown date precision {precision!r}")


def date_interval(value: dt.date, precision: str) -> Interval:
    """A date as an interval of proleptic ordinal days."""
    first, last = date_bounds(value, precision)
    return Interval(first.toordinal(), last.toordinal())


def contains(outer: Interval, inner: Interval) -> bool:
    """Whether every value of ``inner`` lies in ``outer``."""
    if inner.low < outer.low:
        return False
    if outer.high is None:
        return True
    return inner.high is not None and inner.high <= outer.high


def all_overlap(items: list[Interval]) -> bool:
    """Whether the intervals share at least one value (pairwise overlap is the
    same thing on a line: Helly's theorem in one dimension)."""
    return common(items) is not None


def common(items: list[Interval]) -> Interval | None:
    """The intersection of all the intervals, or None when it is empty."""
    if not items:
        return None
    result: Interval | None = items[0]
    for item in items[1:]:
        result = result.intersection(item)
        if result is None:
            return None
    return result


def largest_overlapping_sets(items: list[Interval]) -> list[frozenset[int]]:
    """The largest sets (by index) of intervals that share a value.

    On a line, intervals that pairwise overlap share a point, and a deepest
    point is always some interval's lower bound: the candidate sets are the
    intervals covering each lower bound. Distinct largest sets come back in
    the order of their lower bounds.
    """
    best: list[frozenset[int]] = []
    size = 0
    for low in sorted({item.low for item in items}):
        point = Interval(low, low)
        members = frozenset(i for i, item in enumerate(items) if item.overlaps(point))
        if len(members) > size:
            best, size = [members], len(members)
        elif len(members) == size and members not in best:
            best.append(members)
    return best


def consensus(items: list[Interval]) -> Interval | None:
    """The intersection of the largest set of intervals that all overlap.

    There is a consensus only when that set is unique and holds at least two
    intervals: two sources each standing alone (25 vs 26 October) agree on
    nothing, and neither does a tie between two equally large camps.
    """
    sets = largest_overlapping_sets(items)
    if len(sets) != 1 or len(sets[0]) < 2:
        return None
    return common([items[i] for i in sorted(sets[0])])
