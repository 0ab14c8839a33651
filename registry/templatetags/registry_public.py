"""Filters for the public pages: the projection stores codes and ISO dates
(language-neutral, as the API serves them); these turn them into words and
dates in the reader's language."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import pgettext_lazy

from registry.choices import ClaimState, Confidence, ConflictStatus

register = template.Library()


@register.filter
def state_label(code: str) -> str:
    """A public claim state ("retracted") in the reader's language."""
    try:
        return ClaimState(code).label
    except ValueError:
        return code


@register.filter
def confidence_label(level) -> str:
    """A confidence level's words ("possibly true"), without its number."""
    try:
        return str(Confidence(int(level)).label).split(": ", 1)[-1]
    except (TypeError, ValueError):
        return ""


# A conflict's status in one word, for a heading's parenthesis.
CONFLICT_STATUS_WORDS = {
    ConflictStatus.OPEN: pgettext_lazy("conflict", "open"),
    ConflictStatus.EXPLAINED: pgettext_lazy("conflict", "explained"),
    ConflictStatus.SETTLED: pgettext_lazy("conflict", "settled"),
}


@register.filter
def conflict_status(code: str) -> str:
    return CONFLICT_STATUS_WORDS.get(code, code)


# The vocabulary's metrics in words (registry/figures/vocabulary.py): the
# API keeps the codes; the pages say them in the reader's language.
METRIC_LABELS = {
    "killed": pgettext_lazy("metric", "killed"),
    "injured": pgettext_lazy("metric", "injured"),
    "missing": pgettext_lazy("metric", "missing"),
    "affected": pgettext_lazy("metric", "affected"),
    "displaced": pgettext_lazy("metric", "displaced"),
    "evacuated": pgettext_lazy("metric", "evacuated"),
    "detained": pgettext_lazy("metric", "detained"),
    "casualties": pgettext_lazy("metric", "casualties (killed and injured)"),
    "kidnapped": pgettext_lazy("metric", "kidnapped"),
    "to_be_repatriated": pgettext_lazy("metric", "to be repatriated"),
    "attacks": pgettext_lazy("metric", "attacks"),
    "died_on": pgettext_lazy("metric", "died on"),
    "occurred_on": pgettext_lazy("metric", "occurred on"),
    "photographed_on": pgettext_lazy("metric", "photographed on"),
    "stated_on": pgettext_lazy("metric", "stated on"),
}


@register.filter
def metric_label(code: str) -> str:
    """A figure's metric ("killed", "died_on") in the reader's words."""
    return METRIC_LABELS.get(code, code)


@register.filter
def isodate(value) -> str:
    """An ISO date (or the date part of an ISO time) as the reader's
    language writes a date; anything else as it is."""
    if isinstance(value, dt.date):
        return formats.date_format(value)
    text = str(value or "")
    try:
        day = parse_date(text[:10])
    except ValueError:
        day = None
    return formats.date_format(day) if day else text


@register.filter
def figures_at(figures: list, positions) -> list:
    """The figures of a claim at these positions (a total's parts)."""
    return [figures[i] for i in positions or () if 0 <= i < len(figures)]
