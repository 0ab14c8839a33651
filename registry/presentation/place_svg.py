"""Where an event happened, drawn without a tile server: a dot on a small
latitude/longitude frame around the place, with its name. Server-rendered
SVG, every text escaped."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH, HEIGHT = 360, 240
PAD = 28
SPAN_LON = 16.0  # degrees shown across the frame
SPAN_LAT = SPAN_LON * (HEIGHT - 2 * PAD) / (WIDTH - 2 * PAD)
STEP = 4  # degrees between graticule lines


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):g}°{positive if value >= 0 else negative}"


def place_svg(*, latitude: float, longitude: float, place: str, uid: str) -> SafeString:
    """The frame, centred on the place and kept inside the globe's edges."""
    half_lon, half_lat = SPAN_LON / 2, SPAN_LAT / 2
    centre_lon = min(max(longitude, -180 + half_lon), 180 - half_lon)
    centre_lat = min(max(latitude, -90 + half_lat), 90 - half_lat)
    west, east = centre_lon - half_lon, centre_lon + half_lon
    south, north = centre_lat - half_lat, centre_lat + half_lat

    def x(lon: float) -> float:
        return PAD + (lon - west) / (east - west) * (WIDTH - 2 * PAD)

    def y(lat: float) -> float:
        return PAD + (north - lat) / (north - south) * (HEIGHT - 2 * PAD)

    uid = escape(uid)
    name = place or gettext("the place")
    where = (
        f"{_degrees(round(latitude, 4), 'N', 'S')}, "
        f"{_degrees(round(longitude, 4), 'E', 'W')}"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="place-svg" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">'
        + escape(gettext("%(place)s at %(where)s") % {"place": name, "where": where})
        + "</title>",
        "<style>text{font:11px sans-serif;fill:#333}"
        ".place{font-size:13px;font-weight:bold;fill:#111}</style>",
        f'<rect x="{PAD}" y="{PAD}" width="{WIDTH - 2 * PAD}" '
        f'height="{HEIGHT - 2 * PAD}" fill="#eef3f8" stroke="#555"/>',
    ]
    for lon in range(math.ceil(west / STEP) * STEP, math.floor(east) + 1, STEP):
        parts.append(
            f'<line x1="{x(lon):.1f}" y1="{PAD}" x2="{x(lon):.1f}" '
            f'y2="{HEIGHT - PAD}" stroke="#b8c4d0"/>'
            f'<text x="{x(lon):.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle">'
            f"{escape(_degrees(lon, 'E', 'W'))}</text>"
        )
    for lat in range(math.ceil(south / STEP) * STEP, math.floor(north) + 1, STEP):
        parts.append(
            f'<line x1="{PAD}" y1="{y(lat):.1f}" x2="{WIDTH - PAD}" '
            f'y2="{y(lat):.1f}" stroke="#b8c4d0"/>'
            f'<text x="{PAD - 3}" y="{y(lat) + 4:.1f}" text-anchor="end">'
            f"{escape(_degrees(lat, 'N', 'S'))}</text>"
        )
    dot_x, dot_y = x(longitude), y(latitude)
    anchor = "end" if dot_x > WIDTH / 2 else "start"
    label_x = dot_x - 9 if anchor == "end" else dot_x + 9
    parts += [
        f'<circle cx="{dot_x:.1f}" cy="{dot_y:.1f}" r="6" fill="#b30000" '
        'stroke="#fff" stroke-width="2"/>',
        f'<text class="place" x="{label_x:.1f}" y="{dot_y - 8:.1f}" '
        f'text-anchor="{anchor}">{escape(name)}</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))  # every interpolated text is escaped above
