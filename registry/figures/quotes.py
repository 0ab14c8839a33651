"""Finding a typed quote in a document's text.

A citation's quote is stored only as it stands in the document (the model
refuses anything else); this module helps the editor get there. It lists
every place the quote occurs, so one can be picked instead of counting
offsets, and, when it occurs nowhere, the closest passage that does: the
same words with other quotation marks, dashes, spacing or case ("the
London-based agency\u2019s" typed with a straight apostrophe), or failing that
the most similar passage of the same length. A suggestion is the
document's own text, never the typed one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

# Characters typed for one another: curly and straight quotes, dashes,
# and the spaces a copy from a web page brings along.
_EQUIVALENT = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
    }
)
# Below this similarity a "closest passage" would mislead more than help.
MIN_SIMILARITY = 0.6
# The similar-passage search costs about len(text) x len(quote) / alphabet:
# past this length a quote is pasted, not typed, and gets only the exact
# and the marks-and-spacing matches.
MAX_FUZZY_QUOTE = 1000
CONTEXT = 40


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    text: str
    before: str  # up to CONTEXT characters before, for the editor to tell
    after: str  # occurrences apart


@dataclass(frozen=True)
class QuoteSearch:
    occurrences: list[Passage]  # where the quote stands verbatim
    closest: Passage | None  # when it stands nowhere: the nearest passage
    similarity: float = 0.0  # 1.0: differs only in marks, spacing or case


def _normalised(text: str) -> tuple[str, list[int]]:
    """``text`` with equivalent characters unified, whitespace runs made one
    space and letters lower-cased, and for each character kept its offset
    in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text.translate(_EQUIVALENT)):
        if char == " " and out and out[-1] == " ":
            continue
        lowered = char.lower()
        if len(lowered) != 1:  # "İ".lower() is two characters
            lowered = char
        out.append(lowered)
        where.append(i)
    return "".join(out), where


def _passage(text: str, start: int, end: int) -> Passage:
    return Passage(
        start=start,
        end=end,
        text=text[start:end],
        before=text[max(0, start - CONTEXT) : start],
        after=text[end : end + CONTEXT],
    )


def find_quote(text: str, quote: str, *, limit: int = 50) -> QuoteSearch:
    """Every verbatim occurrence of ``quote`` in ``text`` (up to ``limit``);
    when there is none, the closest passage of ``text``."""
    if not quote or not text:
        return QuoteSearch([], None)
    found = []
    at = text.find(quote)
    while at >= 0 and len(found) < limit:
        found.append(_passage(text, at, at + len(quote)))
        at = text.find(quote, at + 1)
    if found:
        return QuoteSearch(found, None, 1.0)

    norm_text, where = _normalised(text)
    norm_quote, __ = _normalised(quote.strip())
    if not norm_quote.strip():
        return QuoteSearch([], None)
    at = norm_text.find(norm_quote)
    if at >= 0:
        start = where[at]
        end = where[at + len(norm_quote) - 1] + 1
        return QuoteSearch([], _passage(text, start, end), 1.0)

    if len(norm_quote) > MAX_FUZZY_QUOTE:
        return QuoteSearch([], None)
    # The most similar stretch of the quote's length, anchored on the
    # longest run the two share.
    matcher = difflib.SequenceMatcher(None, norm_text, norm_quote, autojunk=False)
    match = matcher.find_longest_match(0, len(norm_text), 0, len(norm_quote))
    if match.size == 0:
        return QuoteSearch([], None)
    low = max(0, match.a - match.b)
    high = min(len(norm_text), low + len(norm_quote))
    similarity = difflib.SequenceMatcher(
        None, norm_text[low:high], norm_quote, autojunk=False
    ).ratio()
    if similarity < MIN_SIMILARITY:
        return QuoteSearch([], None, similarity)
    start, end = where[low], where[high - 1] + 1
    # Whole words: a passage cut mid-word is no quote anyone would pick.
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return QuoteSearch([], _passage(text, start, end), round(similarity, 3))
