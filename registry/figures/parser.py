"""Reading a figure as a source worded it: "at least eight", "unos 200",
"25 people were killed", "una docena de heridos".

``parse_figure_text(text, language)`` turns the way sources state a count
into a qualifier and a value, so editors and importers need not type
intervals by hand; ``intervals.quantity_interval`` then gives its interval.
It also returns what the wording names beside the count: the metric
("killed", "injured", ...), the subject ("civilians", "children", ...),
the parts of a total given as a list, and whether the count is an
increment to an earlier figure ("six more").

Number words ("eight", "five hundred and seventy", "quinientos setenta",
"once") are read by the ``text2num`` library (maintained, English and
Spanish among others); this module only adds what it does not read:
qualifiers, ranges, "a dozen" / "una docena", digit groups ("1,200",
"1.200", "1 200", "3 mil 952"), vague plurals ("dozens", "cientos") and
the noun phrase that follows a count.

Decisions a reader of a figure should know:

- "nearly N", "almost N", "casi N" are read as *about N* (the documented
  tolerance), not as "fewer than N": sources use them loosely with rounded
  figures, and a false conflict costs a reviewer more than a missed one.
  "some N", "around N", "unos N", "cerca de N" are *about N* too.
- "up to N", "as many as N", "as high as N", "hasta N" are *at most N*;
  "over N", "above N", "well above N", "past N", "just over N", "supera(n)
  N", "sobrepasan N" ("los heridos superan los 1.500") are *more than N*;
  "under N", "below N", "just under N" are *fewer than N*. "A total of
  N", "un total de N", "only N", "solo N", "apenas N" are *exactly N*.
- "N or M", "N to M", "N-M", "from N to M", "entre N y M", "de N a M" are
  *between N and M*, with or without a noun after them ("entre 5 y 15
  fallecidos"); so is "at least N and as many as M" / "at least N and up
  to M". A range needs no "about" ("about 80 to 100 million", "an
  estimated ..." are between), and a bare low takes the high's multiplier
  ("80 to 100 million" is 80,000,000-100,000,000). "5,000-plus" is more
  than 5,000.
- Vague plurals are lower bounds: "several" / "varios" at least 3,
  "dozens" / "docenas" at least 24, "tens of" / "decenas" at least 20,
  "scores" at least 40, "hundreds" / "cientos" / "centenares" at least
  200, "thousands" / "miles" at least 2000; "of thousands" / "de miles"
  scales them ("hundreds of thousands" at least 200,000, "decenas de
  miles" at least 20,000); "millions" / "millones" at least 2,000,000.
  "Several" before a unit is three of it: "several hundred" at least 300,
  "varias decenas" at least 30, "varios miles" at least 3000. "Many", "a
  few", "a number of", "muchos" have no documented bound and are refused.
- "A dozen" / "una docena" is 12 exactly. The Spanish collective numerals
  "una decena", "una veintena", "una treintena", "un centenar", "un
  millar" are *about* 10, 20, 30, 100, 1000 alone, and that number after a
  qualifier ("al menos una veintena" is at least 20, "más de un centenar"
  more than 100); "medio centenar", "medio millar" are about 50 and 500.
- Digit groups: a ",", "." or space followed by exactly three digits
  separates thousands in both languages ("1,200", "1.200", "1 200" are
  1200; the same separator throughout). "3 mil 952", "tres mil 494" and
  "mil 594" are 3952, 3494 and 1594. Counts are whole numbers: "2.5"
  is refused rather than rounded; a decimal before a multiplier that
  makes a whole count is read ("1.5 million", "1,5 millones" are
  1,500,000).
- A count followed by a noun phrase ("25 people", "four civilians",
  "seven civilian deaths", "12 others", "two martyrs", "al menos 25
  personas murieron") is read; the metric and subject are taken from the
  words of that phrase that the vocabulary below knows, and other words
  (adjectives, places, verbs) are passed over. When a phrase names two
  metrics ("dead or missing") no metric is returned, nor a subject when it
  names a mixed group ("menores de edad y adultos"); "civilian women" are
  women, the most specific subject named.
- A clause that details a figure ("10 civilians, including 7 children",
  "19 decesos, entre ellos seis menores", "(10 children, 6 women)", "14
  heridos, dos de ellos graves") is not part of it: the figure is read
  without it. Nor are ages ("43 niños de entre 11 y 13 años", "a boy
  aged 16"), ordinals ("the 4th brigade") or numbers naming a unit
  ("frente 36"); any other number after the count is refused.
- A list of counts joined by commas and "and" / "y" ("one civilian, three
  soldiers and seven fighters", "26 mujeres y 41 hombres") is a total
  with its parts; a leading qualifier applies to the total ("al menos 40
  adultos y 28 niños" is at least 68). A list whose items name different
  metrics ("32 killed and 65 wounded") is two figures, not a total, and
  is refused; so is a list with an item that does not say what it counts
  ("12 dead and 30"). A Spanish item may follow a personal "a" ("31
  pasajeros y a dos conductores" is 33). When the first item is the sum of the others, each
  naming a part of what the first counts, the first is the total and the
  others its parts ("los 15 supervivientes, 13 hombres y dos mujeres" is
  15; "cuatro manifestantes, tres varones y una mujer" is 4); "two
  soldiers, one policeman and one civilian" stays a list of 4.
- "N more" / "N más" / "N <noun> más" ("six more killed", "two more
  women", "8 personas más") is an *increment* to an earlier figure: value
  N, flagged ``increment``; so is "N new" / "N nuevos" ("two new deaths",
  "24 nuevos cadáveres"). The flag is a hint for the analyst: "16 more
  (people) missing" sometimes means "16 others still missing", which only
  the surrounding text tells apart. "another N", "N others", "otros N"
  are not flagged: reporters use them for a separate group as often as
  for an increment.
- A leading article, "all" or "other(s)" ("the 70 civilians", "all the
  440 persons", "los 14 fallecidos", "otras 1.247") is passed over; "a",
  "an", "un", "una" before a known subject ("a child died", "un niño") is
  one. "Another" / "otro" / "otra" is passed over before a count
  ("another 22") and read as "a" / "un" / "una" otherwise ("another
  soldier" is one, "otra decena de personas" about 10). So are "a
  further", "an additional", "remaining" ("the remaining seven miners"),
  and "another" / "otros" after a qualifier ("al menos otras dos").
- The vocabulary (``_METRIC_WORDS``, ``_SUBJECT_WORDS``) gives canonical
  names: metrics killed (also "dead", "deaths", "martyrs", "bodies",
  "muertos", "fallecidos", "sin vida"), injured ("wounded", "heridos",
  "lesionados"), missing, affected ("damnificados"), displaced,
  evacuated, detained ("arrested", "taken into custody", "detenidos",
  "aprehendidos"), kidnapped ("abducted", "secuestrados"), casualties;
  missing also "no localizados", "en paradero desconocido", "desaparecieron";
  subjects people, civilians ("citizens"
  as the Syrian Observatory uses it), children ("minors", "menores"),
  women, men, police, soldiers ("troops", "marines", "efectivos"),
  fighters ("militants", "rebels", "milicianos").
- A figure must start with its count (after a qualifier): "killed 25
  people" or "the death toll rose to 45" is refused, naming the word it
  did not expect; select the figure itself ("25 people", "45").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

from registry.choices import Qualifier
from registry.figures import intervals, vocabulary

LANGUAGES = ("en", "es")


class FigureTextError(ValueError):
    """Text that cannot be read as a figure; the message says why."""


class _NotANumber(FigureTextError):
    """The words are not a number: another reading may still fit."""


@dataclass(frozen=True)
class FigurePart:
    """One item of a total given as a list: "three soldiers"."""

    value: int
    subject: str | None = None
    metric: str | None = None


@dataclass(frozen=True)
class ParsedFigure:
    """A figure as read: qualifier and value(s) as before, plus what the
    wording named: metric and subject (canonical names, None when not
    named), the parts of a total given as a list (empty otherwise), and
    whether it is an increment to an earlier figure ("six more")."""

    qualifier: str
    value: int
    value_high: int | None = None
    metric: str | None = None
    subject: str | None = None
    parts: tuple[FigurePart, ...] = ()
    increment: bool = False

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
            "upward of",
            "in excess of",
            "above",
            "well above",
            "well over",
            "just over",
            "just above",
            "past",
            "exceeding",
        ],
        Qualifier.AT_MOST: [
            "at most",
            "no more than",
            "not more than",
            "a maximum of",
            "maximum of",
            "up to",
            "as many as",
            "as high as",
        ],
        Qualifier.FEWER_THAN: [
            "fewer than",
            "less than",
            "under",
            "below",
            "just under",
            "just below",
        ],
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
            "closer to",
            "an estimated",
            "estimated",
            "circa",
            "ca.",
            "c.",
        ],
        Qualifier.EXACTLY: [
            "exactly",
            "precisely",
            "a total of",
            "in all",
            "only",
            "just",
        ],
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
        Qualifier.MORE_THAN: [
            "más de",
            "mas de",
            "por encima de",
            "muy por encima de",
            "supera",
            "superan",
            "sobrepasa",
            "sobrepasan",
            "rebasa",
            "rebasan",
        ],
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
        Qualifier.EXACTLY: [
            "exactamente",
            "justo",
            "un total de",
            "en total",
            "solo",
            "sólo",
            "apenas",
        ],
    },
}
_PHRASES = {
    lang: sorted(
        ((phrase, q) for q, phrases in table.items() for phrase in phrases),
        key=lambda item: -len(item[0]),
    )
    for lang, table in _QUALIFIERS.items()
}

# Vague plurals and their lower bounds: "dozens of" is at least two dozen.
_VAGUE = {
    "en": {
        "several": 3,
        "dozens": 24,
        "tens": 20,
        "scores": 40,
        "hundreds": 200,
        "thousands": 2000,
        "millions": 2_000_000,
    },
    "es": {
        "varios": 3,
        "varias": 3,
        "docenas": 24,
        "decenas": 20,
        "cientos": 200,
        "centenares": 200,
        "miles": 2000,
        "millones": 2_000_000,
    },
}
# "several hundred", "varias decenas": at least three of the unit.
_SEVERAL_UNITS = {
    "en": {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 10**6},
    "es": {
        "docenas": 12,
        "decenas": 10,
        "cientos": 100,
        "centenares": 100,
        "miles": 1000,
        "millones": 10**6,
    },
}
# "hundreds of thousands" is at least 200 thousand.
_VAGUE_SCALES = {"thousands": 1000, "miles": 1000, "millions": 10**6, "millones": 10**6}
# Spanish collective numerals: "una veintena" is about twenty.
_COLLECTIVE = {
    "decena": 10,
    "veintena": 20,
    "treintena": 30,
    "cuarentena": 40,
    "cincuentena": 50,
    "centenar": 100,
    "centenares": 100,
    "millar": 1000,
    "millares": 1000,
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
# The same, as words between two counts in a phrase ("entre 5 y 15 muertos").
_JOINERS = {
    "en": {"between": ("and",), "from": ("to",), "": ("to", "or", "-")},
    "es": {"entre": ("y",), "de": ("a",), "": ("a", "o", "-")},
}
# "at least 13 and as many as 46": a lower and an upper bound.
_UPPER_JOINERS = {
    "en": ("and as many as", "and up to", "and as high as"),
    "es": ("y hasta", "y como máximo"),
}
_GROUPED = re.compile(r"\d{1,3}(?:([,. ])\d{3})(?:\1\d{3})*")
_DECIMAL = re.compile(r"(\d+)[.,](\d+)")

# Words of a noun phrase the registry knows, longest first. Canonical
# metrics: killed, injured, missing, affected, displaced, evacuated,
# detained, casualties. Canonical subjects: people, civilians, children,
# women, men, soldiers, fighters, police.
# The words come from the shared vocabulary, so what the parser reads and
# what a figure may store are one list.
_METRIC_WORDS = vocabulary.METRIC_WORDS
_SUBJECT_WORDS = vocabulary.SUBJECT_WORDS
# Most specific first: "civilian women" are women, "citizen" children are
# children.
_SUBJECT_ORDER = list(_SUBJECT_WORDS)
_CONJUNCTION = re.compile(r"(?<!\w)(?:and|or|y|e|o)(?!\w)")
_MILITARY_MEMBERS = re.compile(r"\bmembers of (?:the )?(?:[\w.]+ )?(?:military|army)\b")

_LEADING = {
    "en": ("all", "the", "other", "remaining", "further", "additional"),
    "es": ("todos", "todas", "los", "las", "otros", "otras"),
}
_AFTER_QUALIFIER = {
    "en": ("the", "another"),
    "es": ("a", "los", "las", "otros", "otras"),
}
# "another 22", "otra decena": one more group; "another soldier" is one.
_ANOTHER = {"en": {"another": "a"}, "es": {"otro": "un", "otra": "una"}}
_INCREMENT = {"en": ("more",), "es": ("más", "mas")}
# "two new victims", "24 nuevos cadáveres": newly counted, so an increment.
_NEW = {"en": ("new",), "es": ("nuevos", "nuevas", "nuevo", "nueva")}
# Words after which a clause details the figure instead of stating it.
_ASIDES = re.compile(
    r"(?:,\s*|\s+)(?:including|included|among them|among whom|among those"
    r"|many of them|most of them|some of them|of whom|incluidos|incluidas"
    r"|incluyendo|incluido|entre ellos|entre ellas|de los cuales|de las cuales"
    r"|de ellos|de ellas)\b.*$"
)
# Numbers that name rather than count: "frente 36", "the 4th brigade".
_UNIT_WORDS = {
    "front",
    "frente",
    "brigade",
    "brigada",
    "battalion",
    "batallón",
    "regiment",
    "regimiento",
    "division",
    "división",
    "column",
    "columna",
    "unit",
    "unidad",
    "no.",
    "nº",
    "number",
    "número",
}
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|º|ª|°|o|a)")
# Ages are not counts: "43 niños de entre 11 y 13 años", "a boy aged 16".
_AGES = re.compile(
    r"(?:\bde\s+)?(?:\bentre\s+)?\b\d+(?:\s*(?:,|y|a|-)\s*\d+)*\s+años"
    r"(?:\s+de\s+edad)?\b"
    r"|\baged?\s+(?:between\s+)?\d+(?:\s*(?:-|to|and)\s*\d+)?(?:\s+years?(?:\s+old)?)?\b"
    r"|\b\d+-year-olds?\b"
)
_PART_AFTER_COMMA_ASIDE = re.compile(
    r",[^,]*\b(?:of them|of whom|of which|de ellos|de ellas|de los que|de las que"
    r"|de los cuales|de las cuales)\b.*$"
)
_HOMOGLYPHS = str.maketrans("аеорсухіАЕОРСХ", "aeopcyxiAEOPCX")


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
    # Cyrillic look-alikes typed into Latin words ("more" with a Cyrillic o).
    text = text.translate(_HOMOGLYPHS)
    text = " ".join(text.casefold().split())
    return text.strip(" .;:!?")


def _digits(text: str) -> int | None:
    """A count in digits, with thousands groups; None if it is not one."""
    if text.isdigit():
        return int(text)
    if _GROUPED.fullmatch(text):
        return int(re.sub(r"[,. ]", "", text))
    return None


def _number(text: str, lang: str) -> int:
    """One count, in digits or in words; raises FigureTextError."""
    text = text.strip()
    if not text:
        raise _NotANumber("a number is missing")
    digits = _digits(text)
    if digits is not None:
        return digits
    words = text.split()
    multipliers = _MULTIPLIERS[lang]
    if (
        len(words) >= 2
        and words[-2] in {"mil", "thousand"}
        and re.fullmatch(r"\d{1,3}", words[-1])
    ):
        # "3 mil 952", "tres mil 494", "mil 594", as Mexican and Central
        # American outlets write 3952, 3494 and 1594.
        head = " ".join(words[:-2])
        if not head and words[-2] == "mil":
            return 1000 + int(words[-1])
        thousands = _number(head, lang)
        if thousands < 1000:
            return thousands * 1000 + int(words[-1])
    if len(words) == 2 and words[1] in multipliers and multipliers[words[1]] >= 1000:
        decimal = _DECIMAL.fullmatch(words[0])
        if decimal and _digits(words[0]) is None:
            # "1.5 million", "1,5 millones": whole once multiplied.
            whole, fraction = decimal.groups()
            scaled = int(whole + fraction) * multipliers[words[1]]
            if scaled % 10 ** len(fraction) == 0:
                return scaled // 10 ** len(fraction)
            raise FigureTextError(f"{text!r} is not a whole number; counts are whole")
    if _DECIMAL.fullmatch(text):
        raise FigureTextError(f"{text!r} is not a whole number; counts are whole")
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
        if _digits(head) is not None:
            return _digits(head) * factor
        if factor == 12:
            return _number(head, lang) * factor
    if lang == "en" and len(words) > 1 and words[0] in {"a", "an"}:
        text = " ".join(["one", *words[1:]])  # "a hundred and five"
    try:
        return int(text2num(text, lang))
    except (ValueError, TypeError):
        raise _NotANumber(f"{text!r} is not a number I can read") from None


def _split_range(body: str, joiner: str, lang: str) -> tuple[int, int] | None:
    """Every reading of "A <joiner> B" where both sides are numbers."""
    readings = set()
    start = 0
    while (index := body.find(joiner, start)) >= 0:
        left, right = body[:index], body[index + len(joiner) :]
        start = index + 1
        try:
            low, high = _number(left, lang), _number(right, lang)
        except FigureTextError:
            continue
        readings.add((_scaled_low(low, left.split(), right.split(), high, lang), high))
    if len(readings) > 1:
        options = " or ".join(f"{a}-{b}" for a, b in sorted(readings))
        raise FigureTextError(f"{body!r} is ambiguous: it could be {options}")
    return readings.pop() if readings else None


def _scaled_low(low: int, left: list[str], right: list[str], high: int, lang: str):
    """"80 to 100 million" is 80 million to 100 million: a bare low takes
    the multiplier the high ends with, when that keeps it below the high."""
    factor = _MULTIPLIERS[lang].get(right[-1] if right else "", 1)
    if factor < 1000 or (left and left[-1] in _MULTIPLIERS[lang]):
        return low
    return low * factor if low * factor <= high else low


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
            # Perhaps a noun follows ("between 5 and 10 dead"): the phrase
            # reader tries, and says the same if it cannot read it either.
            raise _NotANumber(
                f"{body!r}: expected '{keyword} <number>{joiner}<number>'"
            )
        if found is not None:
            return found
    hyphen = re.fullmatch(r"(\d[\d,.]*)\s*-\s*(\d[\d,.]*)", body)
    if hyphen:
        return _number(hyphen.group(1), lang), _number(hyphen.group(2), lang)
    return None


def _leading_qualifier(body: str, lang: str) -> tuple[str, str]:
    for phrase, q in _PHRASES[lang]:
        if body.startswith(phrase + " "):
            return q, body[len(phrase) + 1 :].strip()
    return Qualifier.EXACTLY, body


def _bare(body: str, lang: str) -> ParsedFigure:
    """A figure that is only a count: "at least eight", "entre 5 y 10"."""
    for suffix in (" of", " de"):
        if body.endswith(suffix):
            body = body[: -len(suffix)]
    if body in _VAGUE[lang]:
        return ParsedFigure(Qualifier.AT_LEAST, _VAGUE[lang][body])
    qualifier, body = _leading_qualifier(body, lang)
    found = _range(body, lang)
    if found is not None:
        return _between(qualifier, *found)
    return _checked(ParsedFigure(qualifier, _number(body, lang)))


def _between(qualifier: str, low: int, high: int, **extra) -> ParsedFigure:
    # "about 80 to 100 million", "an estimated 80 to 100 million": the range
    # already says how loose the figure is.
    if qualifier not in (Qualifier.EXACTLY, Qualifier.ABOUT):
        raise FigureTextError(f"a range cannot also be '{qualifier.label}'")
    if high < low:
        raise FigureTextError(
            f"the second value ({high}) is lower than the first ({low})"
        )
    return ParsedFigure(Qualifier.BETWEEN, low, high, **extra)


def _checked(parsed: ParsedFigure) -> ParsedFigure:
    try:
        parsed.interval  # noqa: B018 - refuse what allows no count ("fewer than 0")
    except ValueError as exc:
        raise FigureTextError(str(exc)) from None
    return parsed


# --- Reading a count followed by words: "al menos 25 personas murieron" ---


def _term_pattern(terms):
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


_METRIC_PATTERNS = {m: _term_pattern(words) for m, words in _METRIC_WORDS.items()}
_SUBJECT_PATTERNS = {s: _term_pattern(words) for s, words in _SUBJECT_WORDS.items()}
_SUBJECT_TERMS = {word for words in _SUBJECT_WORDS.values() for word in words}


def _metric(words: list[str]) -> str | None:
    text = " ".join(words)
    found = [m for m, pattern in _METRIC_PATTERNS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


def _subject(words: list[str]) -> str | None:
    text = " ".join(words)
    if _MILITARY_MEMBERS.search(text):
        return "soldiers"
    found = {
        match.start(): subject
        for subject in _SUBJECT_ORDER
        for match in [_SUBJECT_PATTERNS[subject].search(text)]
        if match
    }
    if not found:
        return None
    first, last = min(found), max(found)
    if found[first] != found[last] and _CONJUNCTION.search(text[first:last]):
        return None  # "niños y adultos", "soldiers and civilians": a mixed group
    return min(found.values(), key=_SUBJECT_ORDER.index)


def _tokens(body: str) -> list[str]:
    body = re.sub(r"(\d)\s*-\s*(\d)", r"\1 - \2", body)
    body = re.sub(r",(?!\d)", " , ", body)  # "1,200" keeps its comma
    return body.split()


def _count_at(tokens: list[str], i: int, lang: str):
    """(value, end, approximate) of the count starting at tokens[i], or None."""
    if i >= len(tokens):
        return None
    if tokens[i] in {"un", "una", "medio"} and i + 1 < len(tokens):
        collective = _COLLECTIVE.get(tokens[i + 1])
        if collective:
            # "una veintena" is about 20, "medio centenar" about 50.
            half = tokens[i] == "medio"
            return (collective // 2 if half else collective), i + 2, True
    for end in range(min(len(tokens), i + 8), i, -1):
        words = tokens[i:end]
        if "," in words or "-" in words:
            continue
        try:
            return _number(" ".join(words), lang), end, False
        except _NotANumber:
            continue
    article = tokens[i] in {"a", "an", "un", "una"} and i + 1 < len(tokens)
    if article and tokens[i + 1] in _SUBJECT_TERMS:  # "a child died", "un niño"
        return 1, i + 1, False
    return None


def _counts_at(tokens: list[str], i: int, lang: str):
    """Every (value, end) a count starting at tokens[i] can be read as."""
    readings = []
    for end in range(min(len(tokens), i + 8), i, -1):
        words = tokens[i:end]
        if "," in words or "-" in words:
            continue
        try:
            readings.append((_number(" ".join(words), lang), end))
        except FigureTextError:  # "1.5" alone, inside "1.5 millones"
            continue
    return readings


def _phrase_range(tokens, start, keyword, lang):
    """(low, high, end) of "A <joiner> B" at tokens[start], or None."""
    joiners = _JOINERS[lang][keyword]
    readings = {}
    for low, end in _counts_at(tokens, start, lang):
        if end < len(tokens) and tokens[end] in joiners:
            for high, stop in _counts_at(tokens, end + 1, lang):
                scaled = _scaled_low(
                    low, tokens[start:end], tokens[end + 1 : stop], high, lang
                )
                readings.setdefault(stop, set()).add((scaled, high))
    if not readings:
        return None
    stop = max(readings)
    options = readings[stop]
    if len(options) > 1:
        shown = " or ".join(f"{a}-{b}" for a, b in sorted(options))
        raise FigureTextError(
            f"{' '.join(tokens[start:stop])!r} is ambiguous: it could be {shown}"
        )
    low, high = options.pop()
    return low, high, stop


def _split_parts(tokens: list[str], lang: str) -> list[list[str]]:
    """Cut "one civilian, three soldiers and seven fighters" into its items."""
    separators = {",", "and"} if lang == "en" else {",", "y", "e"}
    items, current, i = [], [], 0
    while i < len(tokens):
        if not current:
            # An item starts with its count, read whole: the "and" of "five
            # hundred and seventy soldiers" is inside it, not between items.
            count = _count_at(tokens, i, lang)
            if count is not None:
                current, i = tokens[i : count[1]], count[1]
                continue
        token = tokens[i]
        if token in separators and current:
            j = i + 1
            while j < len(tokens) and tokens[j] in separators:
                j += 1
            if lang == "es" and j < len(tokens) - 1 and tokens[j] in {"a", "al"}:
                j += 1  # "31 pasajeros y a dos conductores"
            if _count_at(tokens, j, lang) is not None:
                items.append(current)
                current, i = [], j
                continue
        current.append(token)
        i += 1
    items.append(current)
    return items


def _phrase(body: str, lang: str) -> ParsedFigure:
    body = re.sub(r"\([^)]*\)", " ", body)
    body = _AGES.sub(" ", body)
    body = _PART_AFTER_COMMA_ASIDE.sub("", body)
    body = _ASIDES.sub("", body)
    body = " ".join(body.split()).strip(" ,.;:")
    tokens = _tokens(body)
    if lang == "en" and tokens[:2] in (["a", "further"], ["an", "additional"]):
        tokens = tokens[1:]  # "a further 21 workers", "an additional 42 people"
    while tokens and tokens[0] in _LEADING[lang]:
        tokens = tokens[1:]
    if tokens and tokens[0] in _ANOTHER[lang]:
        rest = tokens[1:]
        if _count_at(rest, 0, lang) is not None:
            tokens = rest  # "another 22"
        elif rest and (rest[0] in _SUBJECT_TERMS or rest[0] in _COLLECTIVE):
            tokens = [_ANOTHER[lang][tokens[0]], *rest]  # "otra decena", "otro soldado"
    qualifier, rest = _leading_qualifier(" ".join(tokens), lang)
    tokens = _tokens(rest)
    if qualifier != Qualifier.EXACTLY:
        while tokens and tokens[0] in _AFTER_QUALIFIER[lang]:
            tokens = tokens[1:]
    if not tokens:
        raise FigureTextError("a number is missing")

    several = _VAGUE[lang].get(tokens[0]) == 3 and len(tokens) > 1
    if several and tokens[1] in _SEVERAL_UNITS[lang]:
        if qualifier != Qualifier.EXACTLY:
            raise FigureTextError(f"'{qualifier.label}' cannot qualify {tokens[0]!r}")
        bound, tail = 3 * _SEVERAL_UNITS[lang][tokens[1]], tokens[2:]
        if tail and tail[0] in {"of", "de"}:
            tail = tail[1:]
        return _with_words(ParsedFigure(Qualifier.AT_LEAST, bound), tail, lang)
    if tokens[0] in _VAGUE[lang]:
        if qualifier != Qualifier.EXACTLY:
            raise FigureTextError(f"'{qualifier.label}' cannot qualify {tokens[0]!r}")
        bound, tail = _VAGUE[lang][tokens[0]], tokens[1:]
        if tail and tail[0] in {"of", "de"}:
            tail = tail[1:]
        if tail and tail[0] in _VAGUE_SCALES:
            # "hundreds of thousands", "decenas de miles"
            bound, tail = bound * _VAGUE_SCALES[tail[0]], tail[1:]
            if tail and tail[0] in {"of", "de"}:
                tail = tail[1:]
        return _with_words(ParsedFigure(Qualifier.AT_LEAST, bound), tail, lang)

    keywords = [k for k in _JOINERS[lang] if k and tokens[0] == k]
    if keywords and qualifier == Qualifier.EXACTLY:
        found = _phrase_range(tokens, 1, keywords[0], lang)
        if found is None:
            joiner = _JOINERS[lang][keywords[0]][0]
            raise FigureTextError(
                f"{' '.join(tokens)!r}: expected "
                f"'{keywords[0]} <number> {joiner} <number>'"
            )
        low, high, end = found
        return _with_words(_between(qualifier, low, high), tokens[end:], lang)

    first = _count_at(tokens, 0, lang)
    if first is None:
        if len(tokens) == 1:
            raise FigureTextError(f"{tokens[0]!r} is not a number I can read")
        raise FigureTextError(
            f"did not understand {tokens[0]!r}: "
            f"{' '.join(tokens)!r} does not start with a number I can read"
        )
    value, end, approximate = first
    if approximate and qualifier == Qualifier.EXACTLY:
        qualifier = Qualifier.ABOUT

    for joiner in _UPPER_JOINERS[lang]:
        words = joiner.split()
        if tokens[end : end + len(words)] == words:
            upper = _count_at(tokens, end + len(words), lang)
            if upper is None or qualifier != Qualifier.AT_LEAST:
                break
            # "at least 13 and as many as 46": between the two.
            return _with_words(
                _between(Qualifier.EXACTLY, value, upper[0]), tokens[upper[1] :], lang
            )
    found = _phrase_range(tokens, 0, "", lang)
    if found is not None:
        low, high, end = found
        return _with_words(_between(qualifier, low, high), tokens[end:], lang)

    items = _split_parts(tokens, lang)
    if len(items) > 1:
        return _total(qualifier, items, lang)
    return _with_words(_checked(ParsedFigure(qualifier, value)), tokens[end:], lang)


def _stray_numbers(words: list[str]) -> list[str]:
    """Numbers among the words after a count that are not names of units
    ("frente 36", "brigade 4") nor ordinals ("4th", "2ª")."""
    return [
        word
        for index, word in enumerate(words)
        if re.search(r"\d", word)
        and not _ORDINAL.fullmatch(word)
        and not (index and words[index - 1] in _UNIT_WORDS)
    ]


def _with_words(parsed: ParsedFigure, tail: list[str], lang: str) -> ParsedFigure:
    """Add the metric, subject and increment named by the words after a count."""
    increment = bool(tail) and tail[0] in (*_INCREMENT[lang], *_NEW[lang])
    if increment:
        tail = tail[1:]
    elif lang == "es" and len(tail) > 1 and tail[1] in _INCREMENT[lang]:
        # "8 personas más", "tres muertos más": the noun comes first.
        increment, tail = True, [tail[0], *tail[2:]]
    vague = [word for word in tail if word in _VAGUE[lang]]
    if vague:
        raise FigureTextError(
            f"did not understand {' '.join(tail)!r}: {vague[0]!r} starts "
            "another figure; give one figure at a time"
        )
    stray = _stray_numbers(tail)
    if stray:
        raise FigureTextError(
            f"did not understand {' '.join(tail)!r}: it holds another number "
            f"({stray[0]}) that is neither a range nor a part of a list"
        )
    return ParsedFigure(
        parsed.qualifier,
        parsed.value,
        parsed.value_high,
        metric=_metric(tail),
        subject=_subject(tail),
        increment=increment,
    )


def _total(qualifier: str, items: list[list[str]], lang: str) -> ParsedFigure:
    parts = []
    for item in items:
        count = _count_at(item, 0, lang)
        if count is None:
            raise FigureTextError(f"did not understand {' '.join(item)!r}")
        value, end, _ = count
        words = item[end:]
        if _stray_numbers(words):
            raise FigureTextError(f"did not understand {' '.join(item)!r}")
        if not words:
            raise FigureTextError(
                f"did not understand {' '.join(item)!r}: an item of a list "
                "must say what it counts"
            )
        parts.append(FigurePart(value, _subject(words), _metric(words)))
    if _is_apposition(parts):
        # "cuatro manifestantes, tres varones y una mujer": the first item
        # is the total and the others detail it.
        whole, parts = parts[0], parts[1:]
        metrics = {part.metric for part in (whole, *parts) if part.metric}
        return _checked(
            ParsedFigure(
                qualifier,
                whole.value,
                metric=metrics.pop() if len(metrics) == 1 else None,
                subject=whole.subject,
                parts=tuple(parts),
            )
        )
    metrics = {part.metric for part in parts if part.metric}
    if len(metrics) > 1:
        listed = ", ".join(f"{p.value} {p.metric}" for p in parts if p.metric)
        raise FigureTextError(
            f"names more than one figure ({listed}), not a total with its "
            "parts: give one figure at a time"
        )
    subjects = {part.subject for part in parts}
    return _checked(
        ParsedFigure(
            qualifier,
            sum(part.value for part in parts),
            metric=metrics.pop() if metrics else None,
            subject=subjects.pop() if len(subjects) == 1 else None,
            parts=tuple(parts),
        )
    )


def _is_apposition(parts: list[FigurePart]) -> bool:
    """Whether a list's first item is the total of the others ("15
    survivors, 13 men and two women"): they sum to it, name who they count,
    and each is a part of the first item's subject where that is known
    ("two soldiers, one policeman and one civilian" stays a list)."""
    first, rest = parts[0], parts[1:]
    if len(rest) < 2 or first.value != sum(part.value for part in rest):
        return False
    if any(part.subject is None for part in rest):
        return False
    if first.subject is None:
        return True
    return all(
        part.subject in vocabulary.subject_descendants(first.subject) for part in rest
    )


def parse_figure_text(text: str, language: str = "en") -> ParsedFigure:
    """Qualifier and value(s) of a count as a source stated it, with the
    metric, subject, parts and increment its wording names.

    Raises ``FigureTextError`` (a ``ValueError``) naming what it could not
    read. See the module docstring for how each wording is read.
    """
    lang = _language(language)
    if not isinstance(text, str) or not text.strip():
        raise FigureTextError("the figure is empty")
    body = _normalise(text)
    # "5,000-plus residents" is more than 5,000.
    body = re.sub(r"^(\d[\d,. ]*?)\s*-?\s*plus\b", r"more than \1", body)
    try:
        try:
            return _bare(body, lang)
        except _NotANumber:
            return _phrase(body, lang)
    except FigureTextError as exc:
        raise FigureTextError(f"cannot read {text!r}: {exc}") from None
