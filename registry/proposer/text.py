"""Paragraphs and sentences with their offsets, their language, and what is
boilerplate.

Sentence splitting is rule-based (about 30 lines): a well-kept library was
considered (pysbd has had no release since 2021; spaCy's pipelines on PyPI
are pinned to older spaCy versions and cost tens of milliseconds an article),
and the proposer must read 20 articles a second on one core. The rules split
after ``.``, ``!`` or ``?`` (and a closing quote) followed by a space and an
upper-case letter, a digit or an opening quote, except after an abbreviation
("U.S.", "Dr.", "Gen.", "Oct.", "Sr.", single initials) or a number ("No. 5").
A line break always ends a sentence: news text keeps one paragraph a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "capt", "sgt", "rep", "sen", "gov",
    "st", "jr", "sr", "sra", "srta", "dra", "prof", "no", "nº", "vs", "etc", "approx",
    "ca", "c", "p", "pp", "inc", "ltd", "co", "corp", "dept", "univ", "av", "avda",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "ene", "abr", "ago", "dic", "a.m", "p.m", "u.s", "u.n", "u.k", "e.g", "i.e", "ee.uu",
}
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)]*(?=\s+[\"'“‘«(¿¡]?[A-ZÁÉÍÓÚÑÜ0-9])")

_BOILERPLATE = re.compile(
    r"^(?:envíanos tus noticias|si conoces o tienes alguna pista|send us your news"
    r"|subscribe\b|suscr[íi]bete|for more news|related articles|back to top"
    r"|mostrar comentarios|temas relacionados|noticias relacionadas|ver más\b"
    r"|read more\b|leer más|comments?\b|comentarios\b|share\b|compartir\b"
    r"|follow us|síguenos|s[íi]guenos|copyright|©|all rights reserved"
    r"|todos los derechos reservados|this is a developing story|advertisement"
    r"|publicidad|click here|haz clic|foto:|photo:|image:|imagen:"
    r"|actualizado:|publicado el|updated:|\(?[A-Z]{2,}(?:, ?[A-Z]{2,})*\)?$)",
    re.IGNORECASE,
)
_CREDIT_SENTENCE = re.compile(
    r"^(?:foto|photo|imagen|image|fuente|source|crédito|credit)s?\s*(?:de|by|:)\s",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+|www\.\S+|@\w+")
_TERMINAL = re.compile(r"[.!?…][\"'”’»)]*\s*$")

_STOP = {
    "en": set(
        ["the", "of", "and", "to", "in", "is", "was", "were", "that", "for", "on", "with", "as", "by", "at", "from", "has", "have", "had", "said", "says", "this", "which", "it", "its", "their", "they", "he", "she", "an", "are", "be", "been"]
    ),
    "es": set(
        ["el", "la", "los", "las", "de", "del", "y", "en", "que", "por", "con", "para", "un", "una", "se", "su", "sus", "al", "lo", "como", "más", "fue", "han", "ha", "según", "dijo", "este", "esta", "son"]
    ),
}


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    index_in_paragraph: int
    language: str
    caption: bool = False  # a line that does not end a sentence: a caption


def detect_language(text: str, default: str = "en") -> str:
    """English or Spanish by a count of frequent function words: enough for
    telling apart the paragraphs of one article (the seed's Spanish captions
    in an English article). Documents get py3langid at intake."""
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    en = sum(w in _STOP["en"] for w in words)
    es = sum(w in _STOP["es"] for w in words)
    if en == es:
        return default
    return "en" if en > es else "es"


def is_boilerplate(text: str) -> bool:
    stripped = text.strip()
    if _BOILERPLATE.match(stripped) or _CREDIT_SENTENCE.match(stripped):
        return True
    without_urls = _URL.sub("", stripped).strip(" :.-")
    return len(without_urls) < 3


def _split_paragraph(text: str, offset: int):
    pieces = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        before = text[start : match.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        last = last.lstrip("(\"'“‘")
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        if re.fullmatch(r"(?:[a-z]\.)+[a-z]", last):  # "u.s" in "U.S."
            continue
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    for s, e in pieces:
        chunk = text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            yield offset + s + lead, offset + s + trail


def sentences(text: str, language: str | None = None) -> list[Sentence]:
    """Sentences of a text with their offsets; headlines at the top (short
    lines without a final stop), boilerplate lines and credit lines left out."""
    out: list[Sentence] = []
    position = 0
    seen_body = False
    for paragraph_no, line in enumerate(text.split("\n")):
        line_start = position
        position += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        words = stripped.split()
        terminal = bool(_TERMINAL.search(stripped))
        if not seen_body and not terminal and len(words) < 25:
            continue  # headline, kicker, dateline above the body
        if is_boilerplate(stripped):
            continue
        if not terminal and len(words) < 8:
            continue  # menu items, section names, "Related Articles"
        seen_body = True
        lang = detect_language(stripped, language or "en")
        if language and len(words) < 12:
            lang = language
        caption = not terminal
        for index, (s, e) in enumerate(_split_paragraph(line, line_start)):
            chunk = text[s:e]
            if is_boilerplate(chunk):
                continue
            out.append(Sentence(s, e, chunk, paragraph_no, index, lang, caption))
    return out
