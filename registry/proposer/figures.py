"""Counts in a sentence, read by the figure parser.

Each number (digits, number words, vague plurals) anchors a candidate; the
candidate takes the qualifier before it and up to eight words after it,
stopping at punctuation, a conjunction or the next number, and the longest
form that ``parse_figure_text`` reads wins. When the wording names no metric
("28 civilians, including children, were killed"), the metric is taken from
the words after the figure, then from those before it ("the toll of injured
has risen to at least 40": before first after "rose to"), then from the
figure it details ("33 killed, including six children").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.figures.parser import (
    _METRIC_WORDS,
    _PHRASES,
    FigureTextError,
    ParsedFigure,
    parse_figure_text,
)
from registry.figures.vocabulary import SUBJECT_WORDS

_NUMBER_WORDS = {
    "en": ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "dozen", "dozens", "scores", "hundreds", "thousands", "millions", "several", "tens"],
    "es": ["dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa", "cien", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos", "setecientos", "ochocientos", "novecientos", "mil", "millón", "millones", "docena", "docenas", "decenas", "cientos", "centenares", "miles", "varios", "varias", "veintena", "centenar", "decena", "millar"],
}
_NUMBER_RE = {
    lang: re.compile(
        r"(?<![\w.,:/@-])(?:\d{1,3}(?:[,. ]\d{3})+|\d+)(?![\w%:/-]|[.,]\d)"
        r"|(?<![\w-])(?:one more|una más|uno más|"
        + "|".join(sorted(words, key=len, reverse=True))
        + r")(?![\w-])",
        re.I,
    )
    for lang, words in _NUMBER_WORDS.items()
}
# Words that may continue a number: "five hundred and seventy", "mil 571",
# "hundreds of thousands", "treinta y cinco".
_CONTINUE = re.compile(
    r"^(?:\s+(?:and|y|of|de)\s+|\s+|-)(?=(?:\d|[a-záéíóú]+))", re.I
)
_STOP_WORDS = {
    "en": {"and", "or", "while", "with", "after", "as", "when", "who", "which", "that",
           "but", "since", "than", "following", "amid", "including", "among"},
    "es": {"y", "e", "o", "mientras", "con", "tras", "cuando", "que", "quien", "pero",
           "desde", "entre", "incluidos", "incluidas", "incluyendo", "aunque", "además"},
}
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]\"“”«»—–]|\s-\s|\.(?=\s|$)")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_TOLL_BEFORE = re.compile(
    r"(?:rose|risen|rise|rises|reached|reach|mounts|mounted|climbed|stands|stood|surged|"
    r"past|at|to|subió|sube|subieron|ascendió|asciende|elevó|eleva|alcanzó|alcanza|"
    r"llegó|llega|a|en|es|son|of|de)\s*$",
    re.I,
)
_EXTRA_METRICS = {
    "killed": ["toll", "death", "muerte", "fallecimiento", "killing", "killings", "succumbing", "succumbed", "cuerpos", "balance de víctimas", "víctimas mortales", "cifra de muertes",
               "muertes", "muertos", "fallecidos", "succumbed", "lost their lives",
               "lost his life", "perdieron la vida"],
    "injured": ["injuring", "hiriendo", "heridos", "heridas", "lesionados", "lesionadas", "injured", "hurt"],
    # "los caídos" (the fallen) in war reporting; "could affect 100,000 people".
    "affected": ["affect", "affects", "affecting", "afectar", "afecta", "afectó", "afectando"],
}
_EXTRA_METRICS["killed"] += ["caídos", "caídas"]
_ASIDE_BEFORE = re.compile(
    r"(?:including|among them|among whom|of whom|incluidos|incluidas|inclidos|incluyendo|"
    r"entre ellos|entre ellas|entre las cuales|entre los cuales|de ellos|de ellas)"
    r"(?:\s+a)?[\s,]*$|^[\s,]*(?:and|y|e)\s*$|^\s*,\s*$",
    re.I,
)
# "entre los heridos hay 35 policías", "among the dead were 12 children"
_AMONG = re.compile(
    r"\b(?:among|entre)\s+(?:the|los|las)\s+(?P<words>[\w ]{3,30}?)\s*,?\s+"
    r"(?:hay|había|habían|figuran|están|estaban|se cuentan|were|are)\s+$",
    re.I,
)
_PARTICIPLE = re.compile(r"[\s,;—–-]*\w+(?:ing|ando|endo)\b", re.I)
# A metric before ", where ..." / ", donde ..." qualifies another noun ("los
# estados más afectados, donde miles de familias ...").
_WHERE = re.compile(r",\s*(?:where|donde|en donde)\b", re.I)
_ASIDE_AFTER = re.compile(
    r"^\s*[,(—–-]*\s*(?:including|among them|incluid[oa]s|inclidos|entre ell[oa]s|"
    r"entre l[oa]s cuales)\b",
    re.I,
)
_METRIC_TERMS = sorted(
    [(term, metric) for metric, terms in _METRIC_WORDS.items() for term in terms]
    + [(t, m) for m, terms in _EXTRA_METRICS.items() for t in terms],
    key=lambda item: -len(item[0]),
)
_METRIC_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(t) for t, _ in _METRIC_TERMS) + r")(?![\w-])", re.I
)
_METRIC_OF = {t.lower(): m for t, m in _METRIC_TERMS}
_QUALIFIER_BEFORE = {
    lang: re.compile(
        r"(?:(?<=\s)|^)(?:"
        + "|".join(re.escape(p) for p, _ in phrases)
        + (r"|otras|otros|los|las" if lang == "es" else r"|the")
        + r")\s+$",
        re.I,
    )
    for lang, phrases in _PHRASES.items()
}


@dataclass(frozen=True)
class FoundFigure:
    start: int
    end: int
    text: str
    parsed: ParsedFigure
    metric: str | None


def _metric_in(text: str, last: bool = False) -> str | None:
    matches = list(_METRIC_RE.finditer(text))
    if not matches:
        return None
    m = matches[-1] if last else matches[0]
    return _METRIC_OF.get(m.group(0).lower())


# "one" said with an article inside an aside that details a count: "15
# civilians, among them a child", "entre ellos un niño".
_ONE_IN_ASIDE = re.compile(
    r"(?:\bincluding|\bamong them|\bentre ell[oa]s|\bincluid[oa]s?|\bincluyendo)\s+"
    r"(?P<one>an?|one|una?|uno)\s+(?=\w)"
    # ... and "one person reported missing", "un fallecido", "una persona"
    # anywhere (kept only when the parser reads a person or a metric).
    r"|(?<![\w-])(?P<one2>one|una?)\s+(?!of\b|de\b)(?=\w)",
    re.I,
)
_ONE_WORDS = {"a", "an", "one", "un", "una", "uno"}
_PERSON_OR_METRIC = frozenset(
    term.split()[0].lower()
    for terms in [*SUBJECT_WORDS.values(), *_METRIC_WORDS.values(), *_EXTRA_METRICS.values()]
    for term in terms
) | {"person", "persona"}
_WORD = re.compile(r"\s*([\w-]+)")


def _first_word(text: str, at: int) -> str:
    m = _WORD.match(text, at)
    return m.group(1).lower() if m else ""


def _anchors(sentence: str, lang: str, masked: list[tuple[int, int]]):
    ones = [
        (m.start(g), m.end(g))
        for m in _ONE_IN_ASIDE.finditer(sentence)
        for g in ("one", "one2")
        if m.group(g)
        and not any(a <= m.start(g) < b for a, b in masked)
        # Outside an aside, only before a word the parser may read as a
        # person or a metric: "un bombardeo" is not worth parsing.
        and (g == "one" or _first_word(sentence, m.end(g)) in _PERSON_OR_METRIC)
    ]
    spans = []
    for m in _NUMBER_RE[lang].finditer(sentence):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in masked):
            continue
        if _YEAR.match(m.group(0)) and not re.match(
            r"\s+(?:people|persons|personas|civilians|civiles)", sentence[e:], re.I
        ):
            continue
        # "five hundred and seventy", "mil 571", "hundreds of thousands"
        while True:
            rest = sentence[e:]
            c = _CONTINUE.match(rest)
            if not c:
                break
            nxt = _NUMBER_RE[lang].match(rest, c.end())
            if not nxt or nxt.start() != c.end():
                break
            joined = rest[: nxt.end()].strip().lower()
            if re.search(r"^\d", nxt.group(0)) and not re.search(r"mil|thousand|million", sentence[s:e], re.I):
                break
            if joined.startswith(("and ", "y ")) and not re.search(
                r"hundred|cient|mil|thousand", sentence[s:e], re.I
            ) and not re.match(r"(?:treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa)$", sentence[s:e], re.I):
                break
            e = e + nxt.end()
        while ones and ones[0][0] < s:
            spans.append(ones.pop(0))
        if spans and s < spans[-1][1]:
            continue
        spans.append((s, e))
    return spans + ones


def find_figures(sentence: str, lang: str, masked: list[tuple[int, int]]) -> list[FoundFigure]:
    anchors = _anchors(sentence, lang, masked)
    out: list[FoundFigure] = []
    for i, (s, e) in enumerate(anchors):
        limit = anchors[i + 1][0] if i + 1 < len(anchors) else len(sentence)
        for a, _b in masked:
            if e <= a < limit:
                limit = a
        q = _QUALIFIER_BEFORE[lang].search(sentence[:s])
        start = q.start() if q else s
        tail = sentence[e:limit]
        brk = _CLAUSE_BREAK.search(tail)
        if brk:
            tail = tail[: brk.start()]
        words = list(re.finditer(r"\S+", tail))
        cut = len(words)
        for k, w in enumerate(words):
            if w.group(0).lower() in _STOP_WORDS[lang] or k >= 8:
                cut = k
                break
        parsed = None
        for n in range(cut, -1, -1):
            end = e + (words[n - 1].end() if n else 0)
            candidate = sentence[start:end]
            try:
                parsed = parse_figure_text(candidate, lang)
            except (FigureTextError, ValueError):
                if start != s:
                    try:
                        parsed = parse_figure_text(sentence[s:end], lang)
                        start = s
                    except (FigureTextError, ValueError):
                        continue
                else:
                    continue
            break
        if parsed is None or (
            sentence[s:e].lower() in _ONE_WORDS and parsed.subject is None and parsed.metric is None
        ):
            continue  # "including a hospital", "un bombardeo" count no one
        metric = parsed.metric
        if re.search(r"succumb", sentence[start:end], re.I):
            metric = "killed"
        immediate = _metric_in(" ".join(sentence[:start].split()[-2:]), last=True)
        if immediate and re.search(r"(?:ed|ing|ando|endo)$", sentence[:start].split()[-1] if sentence[:start].split() else ""):
            metric = immediate
        before_start = out[-1].end if out else 0
        before = sentence[before_start:start]
        after = sentence[end:limit]
        among = _AMONG.search(before)
        if metric is None and among:
            metric = _metric_in(among.group("words"))  # "entre los heridos hay 35"
        if metric is None:
            toll_first = bool(_TOLL_BEFORE.search(sentence[:start]))
            # From the number on: the metric may be inside the words read
            # ("ocho cuerpos") or run past them ("perdieron | la vida").
            forward = _metric_in(sentence[e:limit])
            before = _WHERE.split(before)[-1]
            backward = _metric_in(before, last=True)
            if parsed.subject is None and sentence[e:end].strip():
                # "flattened dozens of villages, killing farmers": a count of
                # words the parser did not read as people ("villages",
                # "Daesh members") takes no metric from a participle clause
                # after it, and one before it only from close by ("the deaths
                # of at least 212"), not from the sentence's start.
                clause = _CLAUSE_BREAK.search(sentence, e, limit)
                if clause and _PARTICIPLE.match(sentence, clause.start()):
                    forward = _metric_in(sentence[e : clause.start()])
                backward = _metric_in(" ".join(before.split()[-4:]), last=True)
            if forward is None and _ASIDE_AFTER.match(after):
                forward = _metric_in(sentence[end : end + 160])
            metric = (backward or forward) if toll_first else (forward or backward)
            if metric is None and out and _ASIDE_BEFORE.search(before):
                metric = out[-1].metric
        out.append(FoundFigure(start, end, sentence[start:end], parsed, metric))
    # "nine people from one family and seven members ... were killed"
    for i in range(len(out) - 2, -1, -1):
        if out[i].metric is None and out[i + 1].metric and re.fullmatch(
            r"[^,.;]*\b(?:and|y|e)\s*", sentence[out[i].end : out[i + 1].start]
        ):
            f = out[i]
            out[i] = FoundFigure(f.start, f.end, f.text, f.parsed, out[i + 1].metric)
    return out
