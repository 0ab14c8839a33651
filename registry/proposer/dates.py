"""Dates in a sentence: explicit ("October 25, 2019", "24 March 2019", "el 5
de marzo de 2019", "marzo de 2011"), relative to the document's date ("on
Sunday", "este viernes", "yesterday", "last February"), and the period start
they open ("since March 24, 2019", "desde marzo de 2011")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6,
    "julio": 7, "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10,
    "noviembre": 11, "diciembre": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6, "lunes": 0, "martes": 1, "miércoles": 2,
    "miercoles": 2, "jueves": 3, "viernes": 4, "sábado": 5, "sabado": 5, "domingo": 6,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|º)?"

_EXPLICIT = [
    re.compile(rf"\b{_MONTH}\s*{_DAY},?\s+{_YEAR}\b", re.I),  # October 25, 2019
    re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+|del\s+)?{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+(?:de\s+|of\s+)?{_YEAR}\b", re.I),  # marzo de 2011
    re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH}\b", re.I),  # 6 May, 8 de noviembre
    re.compile(rf"\b{_MONTH}\s*{_DAY}\b(?!\s*(?:%|per))", re.I),  # Oct. 18, June 7
]
_RELATIVE = re.compile(
    rf"\b(?:(?:on|this|last|late|early|past|el|este|esta|pasado|del)\s+)?"
    rf"(?P<weekday>{_WEEKDAY})\b(?:\s+(?:night|morning|evening|afternoon|pasado))?"
    r"|\b(?P<word>yesterday|today|last night|ayer|hoy|anoche|anteayer)\b"
    rf"|\b(?:last|el pasado|en)\s+(?P<lastmonth>{'|'.join(k for k in MONTHS if len(k) > 3)})\b"
    r"(?:\s+(?:pasado|last year|del año pasado))?",
    re.I,
)
_SINCE = re.compile(r"\b(?:since|desde(?:\s+el)?|from)\s+$", re.I)
_AS_OF = re.compile(r"\b(?:as of|as at|hasta(?:\s+el)?|up to)\s+$", re.I)
_YEARS_ONLY = re.compile(rf"\b(?:in|en|since|desde)\s+{_YEAR}\b", re.I)


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    text: str
    date: dt.date | None
    precision: str  # day, month, year
    role: str  # date, period_start, as_of


def _latest_weekday(published: dt.date, weekday: int) -> dt.date:
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _month_before(published: dt.date, month: int) -> dt.date:
    year = published.year if month < published.month else published.year - 1
    return dt.date(year, month, 1)


def _role(sentence: str, start: int) -> str:
    before = sentence[:start]
    if _SINCE.search(before):
        return "period_start"
    if _AS_OF.search(before):
        return "as_of"
    return "date"


def find_dates(
    sentence: str, published: dt.date | None, published_precision: str = "day"
) -> list[FoundDate]:
    """Dates named in a sentence, left to right, without overlaps."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def free(s, e):
        return all(e <= a or s >= b for a, b in taken)

    for pattern in _EXPLICIT:
        for m in pattern.finditer(sentence):
            if not free(m.start(), m.end()):
                continue
            g = m.groupdict()
            month = MONTHS[g["month"].lower()]
            if month == 5 and g["month"].lower() == "may" and not g.get("day"):
                continue  # "may" the verb
            if g["month"] == "may" and g.get("day") is None:
                continue
            year = int(g["year"]) if g.get("year") else None
            day = int(g["day"]) if g.get("day") else None
            if day is not None and not 1 <= day <= 31:
                continue
            if year is None and published is not None:
                year = published.year
                if dt.date(year, month, min(day or 1, 28)) > published:
                    year -= 1
            try:
                value = dt.date(year, month, day or 1) if year else None
            except ValueError:
                continue
            precision = "day" if day else "month"
            taken.append((m.start(), m.end()))
            found.append(
                FoundDate(m.start(), m.end(), m.group(0), value, precision,
                          _role(sentence, m.start()))
            )
    for m in _RELATIVE.finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        value, precision = None, "day"
        if published is not None:
            if m.group("weekday"):
                value = _latest_weekday(published, WEEKDAYS[m.group("weekday").lower()])
                if published_precision != "day":
                    value, precision = None, published_precision
            elif m.group("word"):
                word = m.group("word").lower()
                delta = {"today": 0, "hoy": 0, "anteayer": 2}.get(word, 1)
                value = published - dt.timedelta(days=delta)
                if published_precision != "day":
                    value, precision = None, published_precision
            elif m.group("lastmonth"):
                value = _month_before(published, MONTHS[m.group("lastmonth").lower()])
                precision = "month"
        taken.append((m.start(), m.end()))
        found.append(
            FoundDate(m.start(), m.end(), m.group(0), value, precision,
                      _role(sentence, m.start()))
        )
    for m in _YEARS_ONLY.finditer(sentence):
        s = m.start("year")
        if free(s, m.end()):
            taken.append((s, m.end()))
            found.append(
                FoundDate(s, m.end(), m.group("year"), dt.date(int(m.group("year")), 1, 1),
                          "year", _role(sentence, s))
            )
    found.sort(key=lambda d: d.start)
    return found
