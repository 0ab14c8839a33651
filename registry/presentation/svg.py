"""A conflict at a glance: every figure of the quantity as an interval on one
axis, server-rendered SVG (no script), with every text escaped.

Bars are labelled with their originators and the figure as stated; an open
end is drawn as an arrow to the edge; the consensus interval is a shaded
band; the preferred figure of a settled conflict is drawn heavier. Date
figures are drawn on a date axis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from registry.choices import FigureKind
from registry.figures.intervals import Interval
from registry.figures.rules import consensus_interval
from registry.models import Citation, Conflict, Figure

WIDTH = 760
LABEL_WIDTH = 300
ROW = 28
TOP = 34
RIGHT_PAD = 30


def figure_sources(figure: Figure) -> str:
    names = []
    for citation in figure.claim.citations.all():
        if citation.stance != "asserts":
            continue
        source = citation.originator
        name = (source.short_name or source.name) if source else (
            citation.originator_label
        )
        if name not in names:
            names.append(name)
    return ", ".join(names) or gettext("no source")


def figure_label(figure: Figure) -> str:
    if figure.kind == FigureKind.DATE:
        stated = f"{figure.date_value} ({figure.date_precision})"
        if figure.stated:
            stated += f" — “{figure.stated}”"
    else:
        stated = figure.stated or f"{figure.get_qualifier_display()} {figure.value}"
    if figure.as_of:
        stated += f", as of {figure.as_of}"
    return f"{figure_sources(figure)}: {stated}"


def _tick_text(kind: str, value: int) -> str:
    if kind == FigureKind.DATE:
        return dt.date.fromordinal(value).isoformat()
    return str(value)


def _ticks(low: int, high: int, count: int = 5) -> list[int]:
    if high <= low:
        return [low]
    step = max(1, round((high - low) / (count - 1)))
    ticks = list(range(low, high + 1, step))
    if ticks[-1] != high:
        ticks.append(high)
    return ticks


@dataclass(frozen=True)
class Row:
    """One bar of the picture."""

    key: object  # what marks the preferred bar
    interval: Interval | None
    label: str


def figure_rows(figures: Sequence[Figure]) -> list[Row]:
    """Bars for figure rows (their claims' citations prefetched)."""
    return [Row(f.pk, f.interval, figure_label(f)) for f in figures]


def _interval_of(kind: str, data: dict | None) -> Interval | None:
    if data is None:
        return None
    if kind == FigureKind.DATE:
        return Interval(
            dt.date.fromisoformat(data["earliest"]).toordinal(),
            dt.date.fromisoformat(data["latest"]).toordinal(),
        )
    return Interval(data["low"], data["high"])


def public_conflict_svg(kind: str, conflict: dict, consensus: dict | None, uid: str):
    """The picture of a public conflict, from the public documents alone."""
    rows = []
    for figure in conflict["figures"]:
        names = ", ".join(s["short_name"] or s["name"] for s in figure["sources"])
        rows.append(
            Row(
                figure["claim"],
                _interval_of(kind, figure["interval"]),
                f"{names or 'no source'}: {figure['stated']}",
            )
        )
    return render_svg(
        kind=kind,
        rows=rows,
        consensus=_interval_of(kind, consensus),
        preferred=conflict.get("preferred_claim"),
        uid=uid,
    )


def render_svg(
    *,
    kind: str,
    rows: Sequence[Row],
    consensus: Interval | None,
    preferred=None,
    uid: str = "c",
) -> SafeString:
    """The picture for these bars."""
    rows = [r for r in rows if r.interval is not None]
    if not rows:
        return mark_safe("")
    lows = [f.interval.low for f in rows]
    finite = lows + [f.interval.high for f in rows if f.interval.high is not None]
    axis_low, axis_high = min(finite), max(finite)
    if any(f.interval.high is None for f in rows):
        axis_high += max(1, (axis_high - axis_low) // 5)  # room for the arrows
    span = max(1, axis_high - axis_low + 1)
    plot_left, plot_right = LABEL_WIDTH, WIDTH - RIGHT_PAD

    def x(value: float) -> float:
        return plot_left + (value - axis_low + 0.5) / span * (plot_right - plot_left)

    height = TOP + ROW * len(rows) + 40
    uid = escape(uid)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="conflict-svg" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">'
        + escape(
            ngettext(
                "%(count)s figure of one quantity",
                "%(count)s figures of one quantity",
                len(rows),
            )
            % {"count": len(rows)}
        )
        + "</title>",
        "<defs>",
        f'<marker id="{uid}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="14" markerHeight="14" '
        'orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker>',
        "</defs>",
        "<style>text{font:12px sans-serif;fill:#222}"
        ".tick{font-size:10px;fill:#555}</style>",
    ]
    if consensus is not None:
        left = x(consensus.low - 0.5)
        right = plot_right if consensus.high is None else x(consensus.high + 0.5)
        parts.append(
            f'<rect class="consensus" x="{left:.1f}" y="{TOP - 8}" '
            f'width="{max(2.0, right - left):.1f}" height="{ROW * len(rows) + 8}" '
            'fill="#9fd39f" fill-opacity="0.45"><title>'
            + escape(
                gettext("consensus %(low)s to %(high)s")
                % {
                    "low": _tick_text(kind, consensus.low),
                    "high": pgettext("interval end", "open")
                    if consensus.high is None
                    else _tick_text(kind, consensus.high),
                }
            )
            + "</title></rect>"
        )
    for index, figure in enumerate(rows):
        y = TOP + ROW * index + ROW / 2 - 4
        label = figure.label
        short = label if len(label) <= 48 else label[:47] + "\u2026"
        parts.append(
            f'<text class="figure-label" x="4" y="{y + 4:.1f}">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        interval = figure.interval
        heavy = preferred is not None and figure.key == preferred
        stroke = 'stroke="#1a4d8f"' if not heavy else 'stroke="#b35900"'
        width = 8 if heavy else 6
        left = x(interval.low - 0.5) + 1
        if interval.high is None:
            parts.append(
                f'<line class="bar open" x1="{left:.1f}" y1="{y:.1f}" '
                f'x2="{plot_right:.1f}" y2="{y:.1f}" {stroke} stroke-width="{width}" '
                f'marker-end="url(#{uid}-arrow)"/>'
            )
        else:
            right = max(left + 2, x(interval.high + 0.5) - 1)
            parts.append(
                f'<line class="bar" x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" '
                f'y2="{y:.1f}" {stroke} stroke-width="{width}"/>'
            )
    axis_y = TOP + ROW * len(rows) + 6
    parts.append(
        f'<line class="axis" x1="{plot_left}" y1="{axis_y}" x2="{plot_right}" '
        f'y2="{axis_y}" stroke="#555"/>'
    )
    for tick in _ticks(min(finite), max(finite), 4 if kind == FigureKind.DATE else 5):
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 4}" '
            'stroke="#555"/>'
            f'<text class="tick" x="{tx:.1f}" y="{axis_y + 16}" '
            f'text-anchor="middle">{escape(_tick_text(kind, tick))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text is escaped above


def figures_for_picture(conflict: Conflict) -> list[Figure]:
    return list(
        conflict.figures.select_related("claim")
        .prefetch_related(
            Prefetch(
                "claim__citations",
                queryset=Citation.objects.select_related("originator"),
            )
        )
        .order_by("as_of", "low", "date_earliest", "pk")
    )


def conflict_svg(
    conflict: Conflict, figures: Sequence[Figure] | None = None
) -> SafeString:
    """The SVG picture of a conflict (all its member figures)."""
    if figures is None:
        figures = figures_for_picture(conflict)
    return render_svg(
        kind=conflict.kind,
        rows=figure_rows(figures),
        consensus=consensus_interval(figures),
        preferred=conflict.preferred_figure_id,
        uid=f"conflict-{conflict.public_id}",
    )
