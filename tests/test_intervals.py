"""Property-based tests of the interval arithmetic behind figures and conflicts."""

import datetime as dt

from hypothesis import assume, given
from hypothesis import strategies as st

from registry.choices import DatePrecision, Qualifier
from registry.figures import intervals
from registry.figures.intervals import Interval

counts = st.integers(min_value=0, max_value=10_000)


@st.composite
def interval_st(draw):
    low = draw(counts)
    high = draw(st.one_of(st.none(), st.integers(min_value=low, max_value=10_500)))
    return Interval(low, high)


def members(interval: Interval, values):
    return {
        v
        for v in values
        if v >= interval.low and (interval.high is None or v <= interval.high)
    }


@given(interval_st(), interval_st())
def test_overlap_and_intersection_are_symmetric(a, b):
    assert a.overlaps(b) == b.overlaps(a)
    assert a.intersection(b) == b.intersection(a)


@given(interval_st())
def test_an_interval_overlaps_itself_and_is_its_own_intersection(a):
    assert a.overlaps(a)
    assert a.intersection(a) == a


@given(interval_st(), interval_st())
def test_intersection_is_contained_in_both(a, b):
    both = a.intersection(b)
    if both is None:
        assert not a.overlaps(b)
        return
    assert intervals.contains(a, both)
    assert intervals.contains(b, both)


@given(interval_st(), interval_st())
def test_intersection_holds_exactly_the_shared_values(a, b):
    probe = range(0, 10_600, 7)
    both = a.intersection(b)
    shared = members(a, probe) & members(b, probe)
    assert members(both, probe) == shared if both else not shared


@given(counts, counts)
def test_open_ends_overlap_whenever_a_bound_is_reached(low_a, low_b):
    a, b = Interval(low_a, None), Interval(low_b, None)
    assert a.overlaps(b)
    assert a.intersection(b) == Interval(max(low_a, low_b), None)


@given(counts, counts)
def test_open_interval_overlaps_closed_one_iff_closed_reaches_it(low, high):
    assume(high >= 0)
    closed = Interval(0, high)
    assert Interval(low, None).overlaps(closed) == (low <= high)


@given(interval_st(), interval_st(), interval_st())
def test_intersection_is_associative(a, b, c):
    def meet(x, y):
        return None if x is None or y is None else x.intersection(y)

    assert meet(meet(a, b), c) == meet(a, meet(b, c))


@given(st.lists(interval_st(), min_size=1, max_size=8))
def test_largest_overlapping_sets_share_a_value_and_are_largest(items):
    sets = intervals.largest_overlapping_sets(items)
    assert sets
    size = len(sets[0])
    for chosen in sets:
        assert len(chosen) == size
        assert intervals.common([items[i] for i in chosen]) is not None
    # No interval's lower bound is covered by more intervals than that.
    for item in items:
        point = Interval(item.low, item.low)
        assert sum(other.overlaps(point) for other in items) <= size


@given(st.lists(interval_st(), min_size=2, max_size=8))
def test_consensus_lies_in_every_member_of_its_set(items):
    agreed = intervals.consensus(items)
    if agreed is None:
        return
    inside = [item for item in items if intervals.contains(item, agreed)]
    assert len(inside) >= 2


def test_two_lone_dates_have_no_consensus():
    days = [
        intervals.date_interval(dt.date(2019, 10, 25), DatePrecision.DAY),
        intervals.date_interval(dt.date(2019, 10, 26), DatePrecision.DAY),
    ]
    assert not intervals.all_overlap(days)
    assert intervals.consensus(days) is None


def test_consensus_of_the_larger_camp():
    items = [Interval(8, None), Interval(5, 5), Interval(9, 12), Interval(10, 10)]
    assert intervals.consensus(items) == Interval(10, 10)


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
precisions = st.sampled_from(list(DatePrecision))


@given(dates, precisions)
def test_a_date_interval_contains_its_date(day, precision):
    first, last = intervals.date_bounds(day, precision)
    assert first <= day <= last
    whole = intervals.date_interval(day, precision)
    assert whole.overlaps(intervals.date_interval(day, DatePrecision.DAY))


@given(dates)
def test_a_month_covers_the_whole_month_and_nothing_else(day):
    first, last = intervals.date_bounds(day, DatePrecision.MONTH)
    assert first == day.replace(day=1)
    assert (last + dt.timedelta(days=1)).day == 1
    assert first.month == last.month == day.month


@given(dates)
def test_a_year_covers_the_whole_year(day):
    first, last = intervals.date_bounds(day, DatePrecision.YEAR)
    assert (first, last) == (dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


@given(dates)
def test_a_week_runs_monday_to_sunday(day):
    first, last = intervals.date_bounds(day, DatePrecision.WEEK)
    assert first.weekday() == 0 and last.weekday() == 6
    assert (last - first).days == 6


@given(dates, precisions, precisions)
def test_a_coarser_precision_contains_the_finer_one(day, p1, p2):
    a = intervals.date_interval(day, p1)
    b = intervals.date_interval(day, p2)
    if p1 == DatePrecision.DAY:
        assert intervals.contains(b, a)
    assert a.overlaps(b)


@given(counts, st.sampled_from([q for q in Qualifier if q != Qualifier.BETWEEN]))
def test_every_qualified_count_contains_or_bounds_its_value(value, qualifier):
    assume(not (qualifier == Qualifier.FEWER_THAN and value == 0))
    interval = intervals.quantity_interval(qualifier, value)
    if qualifier in {Qualifier.EXACTLY, Qualifier.AT_LEAST, Qualifier.ABOUT}:
        assert value in members(interval, [value])
    if qualifier == Qualifier.MORE_THAN:
        assert interval.low == value + 1 and interval.high is None
    if qualifier == Qualifier.FEWER_THAN:
        assert interval.high == value - 1


@given(counts)
def test_about_is_symmetric_within_the_documented_tolerance(value):
    interval = intervals.quantity_interval(Qualifier.ABOUT, value)
    spread = interval.high - value
    assert spread >= 1
    assert spread <= max(1, value * intervals.ABOUT_TOLERANCE + 1)
    assert interval.low == max(0, value - spread)
