"""The parser against real wordings of casualty figures.

``tests/data/figure_wordings.jsonl`` holds figure phrases as news pages
published them, in English and Spanish, each with the reading an analyst
gives it by hand and the page it was found on (address, and its heading
or a short description where the stored copy showed none). A wording is
read correctly when qualifier, value and value_high match and so do the
metric, subject, parts and increment wherever the annotation names them.

The first 309 records were collected while the parser was being extended,
so the share over them flatters it. The next three batches were annotated
before the parser had seen them (86 general news, 66 storms, 60 armed
conflict with part lists): it then read 89.5%, 92.4% and 70.0% of them as
annotated (84.9% of the 212); the general rules and vocabulary their misses
showed were added afterwards. Expect 85-90% on wordings nobody has looked at
yet, less where a new kind of reporting brings words the vocabulary lacks.

Records 522-673 (152: arrests and protests, earthquakes, migrant
shipwrecks, displacement, raids in Nigeria; 80 English, 72 Spanish, from
pages not in the corpus before) were annotated before the parser read
them: it read 85.5% of them as annotated (en 72/80, es 58/72). Its misses
gave the general rules added then: "only" / "past" / "superan" as
qualifiers, "another" / "otra", "tres mil 494", "medio centenar", "varias
decenas", "millions", a list whose first item totals the others, and
vocabulary for arrests, kidnappings and the missing ("no localizadas").

Records 674-862 (189: stampedes, prison riots and escapes, mine and
building collapses, bus crashes, wildfires, massacres; 92 English, 97
Spanish) were collected and annotated after those changes, before the
parser read them: it read 89.4% of them as annotated (en 83/92, es 86/97).
That is the share to expect on wordings nobody has looked at. The rules
its misses showed were added afterwards (ranges with "about" and a shared
multiplier, "5,000-plus", "a further", "remaining", "y a dos", "ultimados",
"agentes policiales"): 97.4% of it then; the five left are readings only
the context settles ("18 más" as others, not an increment; "huyeron" of
prisoners escaping, not of people displaced).
"""

import json
from pathlib import Path

from registry.figures.parser import FigureTextError, parse_figure_text

CORPUS = Path(__file__).parent / "data" / "figure_wordings.jsonl"
TARGET = 0.95


def _records():
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _mismatch(record) -> str | None:
    """Why the parser's reading differs from the annotation; None if it agrees."""
    expected = record["expected"]
    try:
        parsed = parse_figure_text(record["text"], record["language"])
    except FigureTextError as exc:
        return f"refused: {exc}"
    got = {
        "qualifier": str(parsed.qualifier),
        "value": parsed.value,
        "value_high": parsed.value_high,
        "metric": parsed.metric,
        "subject": parsed.subject,
        "increment": parsed.increment,
    }
    wrong = [
        f"{key} {got[key]!r} != {expected[key]!r}"
        for key in ("qualifier", "value", "value_high")
        if got[key] != expected[key]
    ]
    wrong += [
        f"{key} {got[key]!r} != {expected[key]!r}"
        for key in ("metric", "subject")
        if key in expected and got[key] != expected[key]
    ]
    if got["increment"] != expected.get("increment", False):
        wrong.append(f"increment {got['increment']!r}")
    if "parts" in expected:
        parts = [
            {"value": p.value, "subject": p.subject, "metric": p.metric}
            for p in parsed.parts
        ]
        want = expected["parts"]
        if len(parts) != len(want) or any(
            part[key] != item[key]
            for part, item in zip(parts, want, strict=True)
            for key in item
        ):
            wrong.append(f"parts {parts!r} != {want!r}")
    return "; ".join(wrong) or None


def test_corpus_is_large_and_bilingual():
    records = _records()
    languages = [r["language"] for r in records]
    assert len(records) >= 300
    assert languages.count("es") >= 100 and languages.count("en") >= 100
    for record in records:
        assert record["source"]["url"].startswith("http"), record
        assert record["expected"]["qualifier"], record


def test_parser_reads_at_least_95_percent_of_real_wordings():
    records = _records()
    failures = []
    for record in records:
        why = _mismatch(record)
        if why:
            failures.append(f"[{record['language']}] {record['text']!r}: {why}")
    share = 1 - len(failures) / len(records)
    by_language = {}
    for record in records:
        total, good = by_language.get(record["language"], (0, 0))
        by_language[record["language"]] = (total + 1, good + (not _mismatch(record)))
    summary = ", ".join(
        f"{lang} {good}/{total}" for lang, (total, good) in sorted(by_language.items())
    )
    print(f"\nfigure wordings read correctly: {share:.1%} ({summary})")
    for failure in failures:
        print("  not read as annotated:", failure)
    assert share >= TARGET, "\n".join(failures)
