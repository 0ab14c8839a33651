"""Reading a figure as a source worded it: "at least eight", "unos 200".

``parse_figure_text(text, language)`` turns the way sources state a count
into a qualifier and a value, so editors and importers need not type
intervals by hand; ``intervals.quantity_interval`` then gives its interval.

Number words ("eight", "five hundred and seventy", "quinientos setenta",
"once") are read by the ``text2num`` library (maintained, English and
Spanish among others); this module only adds what it does not read:
qualifiers, ranges, "a dozen" / "una docena", digit groups ("1,200",
"1.200") and vague plurals ("dozens", "cientos").

Decisions a reader of a figure should know:

- "nearly N", "almost N", "casi N" are read as *about N* (the documented
  tolerance), not as "fewer than N": sources use them loosely with rounded
  figures, and a false conflict costs a reviewer more than a missed one.
- "up to N", "as many as N", "hasta N" are *at most N*; "over N", "above
  N" are *more than N*; "under N", "below N" are *fewer than N*.
- "N or M", "N to M", "N-M", "from N to M", "entre N y M", "de N a M" are
  *between N and M*.
- Vague plurals are lower bounds: "dozens" / "docenas" at least 24, "tens
  of" / "decenas" at least 20, "hundreds" / "cientos" / "centenares" at
  least 200, "thousands" / "miles" at least 2000.
- Counts are whole numbers: "2.5" or "1.5 million" are refused rather
  than rounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

from registry.choices import Qualifier
from registry.figures import intervals

LANGUAGES = ("en", "es")


class FigureTextError(ValueError):
    """Text that cannot be read as a figure; the message says why."""


@dataclass(frozen=True)
class ParsedFigure:
    qualifier: str
    value: int
    value_high: int | None = None

    @property
    def interval(self) -> intervals.Interval:
        return intervals.quantity_interval(self.qualifier, self.value, self.value_high)


_QUALIFIERS = {
    "en": {
        Qualifier.AT_LEAST: [
            "at least",
            "no fewer than",
            "no less than",
            "not less than",
            "a minimum of",
            "minimum of",
            "minimum",
        ],
        Qualifier.MORE_THAN: [
            "more than",
            "over",
            "upwards of",
            "in excess of",
            "above",
        ],
        Qualifier.AT_MOST: [
            "at most",
            "no more than",
            "not more than",
            "a maximum of",
            "maximum of",
            "up to",
            "as many as",
        ],
        Qualifier.FEWER_THAN: ["fewer than", "less than", "under", "below"],
        Qualifier.ABOUT: [
            "about",
            "around",
            "some",
            "approximately",
            "approx.",
            "roughly",
            "nearly",
            "almost",
            "close to",
            "an estimated",
            "estimated",
            "circa",
            "ca.",
            "c.",
        ],
        Qualifier.EXACTLY: ["exactly", "precisely"],
    },
    "es": {
        Qualifier.AT_LEAST: [
            "al menos",
            "por lo menos",
            "como mínimo",
            "como minimo",
            "un mínimo de",
            "un minimo de",
            "no menos de",
        ],
        Qualifier.MORE_THAN: ["más de", "mas de", "por encima de"],
        Qualifier.AT_MOST: [
            "como máximo",
            "como maximo",
            "un máximo de",
            "un maximo de",
            "no más de",
            "no mas de",
            "hasta",
        ],
        Qualifier.FEWER_THAN: ["menos de", "por debajo de"],
        Qualifier.ABOUT: [
            "unos",
            "unas",
            "alrededor de",
            "cerca de",
            "en torno a",
            "aproximadamente",
            "casi",
            "un estimado de",
        ],
        Qualifier.EXACTLY: ["exactamente", "justo"],
    },
}

# Vague plurals and their lower bounds: "dozens of" is at least two dozen.
_VAGUE = {
    "en": {
        "dozens": 24,
        "tens": 20,
        "scores": 40,
        "hundreds": 200,
        "thousands": 2000,
    },
    "es": {
        "docenas": 24,
        "decenas": 20,
        "cientos": 200,
        "centenares": 200,
        "miles": 2000,
    },
}

# Multipliers that text2num does not read after an article or a digit.
_MULTIPLIERS = {
    "en": {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000},
    "es": {
        "docena": 12,
        "docenas": 12,
        "cien": 100,
        "mil": 1000,
        "millón": 1_000_000,
        "millon": 1_000_000,
        "millones": 1_000_000,
    },
}
_ARTICLES = {"en": ("a", "an", "one"), "es": ("un", "una", "uno")}
# "between A and B" and its plain range forms; the joiner may also occur
# inside a number ("treinta y cinco"), so every split is tried.
_RANGES = {
    "en": [("between", " and "), ("from", " to "), ("", " to "), ("", " or ")],
    "es": [("entre", " y "), ("de", " a "), ("", " a "), ("", " o ")],
}
_DIGITS = {
    "en": re.compile(r"\d{1,3}(?:,\d{3})+|\d+"),
    "es": re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+|\d+"),
}


def _language(language: str) -> str:
    primary = (language or "").split("-")[0].split("_")[0].lower()
    if primary not in LANGUAGES:
        raise FigureTextError(
            f"cannot read figures in language {language!r}; "
            f"supported: {', '.join(LANGUAGES)}"
        )
    return primary


def _normalise(text: str) -> str:
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\xa0", " ")
    text = " ".join(text.casefold().split())
    return text.strip(" .;:!?")


def _number(text: str, lang: str) -> int:
    """One count, in digits or in words; raises FigureTextError."""
    text = text.strip()
    if not text:
        raise FigureTextError("a number is missing")
    if _DIGITS[lang].fullmatch(text):
        return int(re.sub(r"[,. ]", "", text))
    if re.fullmatch(r"\d+[.,]\d+", text):
        raise FigureTextError(f"{text!r} is not a whole number; counts are whole")
    words = text.split()
    multipliers = _MULTIPLIERS[lang]
    if text in {"half a dozen", "media docena"}:
        return 6
    if text in {"dozen", "docena"}:
        return 12
    if len(words) >= 2 and words[-1] in multipliers:
        # "a dozen", "two dozen", "3 thousand", "una docena", "3 mil": the
        # forms text2num does not read ("two thousand" it does).
        head = " ".join(words[:-1])
        factor = multipliers[words[-1]]
        if head in _ARTICLES[lang]:
            return factor
        if _DIGITS[lang].fullmatch(head):
            return int(re.sub(r"[,. ]", "", head)) * factor
        if factor == 12:
            return _number(head, lang) * factor
    if lang == "en" and len(words) > 1 and words[0] in {"a", "an"}:
        text = " ".join(["one", *words[1:]])  # "a hundred and five"
    try:
        return int(text2num(text, lang))
    except (ValueError, TypeError):
        raise FigureTextError(f"{text!r} is not a number I can read") from None


def _split_range(body: str, joiner: str, lang: str) -> tuple[int, int] | None:
    """Every reading of "A <joiner> B" where both sides are numbers."""
    readings = set()
    start = 0
    while (index := body.find(joiner, start)) >= 0:
        left, right = body[:index], body[index + len(joiner) :]
        start = index + 1
        try:
            readings.add((_number(left, lang), _number(right, lang)))
        except FigureTextError:
            continue
    if len(readings) > 1:
        options = " or ".join(f"{a}-{b}" for a, b in sorted(readings))
        raise FigureTextError(f"{body!r} is ambiguous: it could be {options}")
    return readings.pop() if readings else None


def _range(body: str, lang: str) -> tuple[int, int] | None:
    for keyword, joiner in _RANGES[lang]:
        if keyword:
            if not body.startswith(keyword + " "):
                continue
            inner = body[len(keyword) + 1 :]
        else:
            inner = body
        found = _split_range(inner, joiner, lang)
        if found is None and keyword:
            raise FigureTextError(
                f"{body!r}: expected '{keyword} <number>{joiner}<number>'"
            )
        if found is not None:
            return found
    hyphen = re.fullmatch(r"(\d[\d,.]*)\s*-\s*(\d[\d,.]*)", body)
    if hyphen:
        return _number(hyphen.group(1), lang), _number(hyphen.group(2), lang)
    return None


def parse_figure_text(text: str, language: str = "en") -> ParsedFigure:
    """Qualifier and value(s) of a count as a source stated it.

    Raises ``FigureTextError`` (a ``ValueError``) naming what it could not
    read. See the module docstring for how each wording is read.
    """
    lang = _language(language)
    if not isinstance(text, str) or not text.strip():
        raise FigureTextError("the figure is empty")
    body = _normalise(text)
    for suffix in (" of", " de"):
        if body.endswith(suffix):
            body = body[: -len(suffix)]
    if body in _VAGUE[lang]:
        return ParsedFigure(Qualifier.AT_LEAST, _VAGUE[lang][body])

    qualifier = Qualifier.EXACTLY
    phrases = sorted(
        ((phrase, q) for q, phrases in _QUALIFIERS[lang].items() for phrase in phrases),
        key=lambda item: -len(item[0]),
    )
    for phrase, q in phrases:
        if body.startswith(phrase + " "):
            qualifier, body = q, body[len(phrase) + 1 :].strip()
            break

    try:
        found = _range(body, lang)
    except FigureTextError as exc:
        raise FigureTextError(f"cannot read {text!r}: {exc}") from None
    if found is not None:
        if qualifier != Qualifier.EXACTLY:
            raise FigureTextError(
                f"cannot read {text!r}: a range cannot also be '{qualifier.label}'"
            )
        low, high = found
        if high < low:
            raise FigureTextError(
                f"cannot read {text!r}: the second value ({high}) is lower "
                f"than the first ({low})"
            )
        return ParsedFigure(Qualifier.BETWEEN, low, high)

    try:
        value = _number(body, lang)
    except FigureTextError as exc:
        raise FigureTextError(f"cannot read {text!r}: {exc}") from None
    parsed = ParsedFigure(qualifier, value)
    try:
        parsed.interval  # noqa: B018 - refuse what allows no count ("fewer than 0")
    except ValueError as exc:
        raise FigureTextError(f"cannot read {text!r}: {exc}") from None
    return parsed
