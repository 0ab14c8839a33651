"""Proposals: one per checkable statement (a sentence with a figure or a
date, or one attributed to someone), with its verbatim quote and offsets,
originator, relays, figures and a neutral draft statement."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from registry.figures.intervals import quantity_interval
from registry.proposer import attribution as attr
from registry.proposer.dates import find_dates
from registry.proposer.figures import find_figures
from registry.proposer.text import detect_language, sentences

VERSION = "proposer-0.3"
_CASUALTY_METRICS = {"killed", "injured", "missing", "casualties"}
_QUALIFIER_WORDS = {
    "exactly": "", "at_least": "at least ", "more_than": "more than ",
    "at_most": "at most ", "fewer_than": "fewer than ", "about": "about ",
    "between": "between ",
}
_METRIC_PHRASE = {
    "killed": "killed", "injured": "injured", "missing": "missing", "affected": "affected",
    "displaced": "displaced", "evacuated": "evacuated", "detained": "detained",
    "casualties": "casualties (killed or injured)",
}
_DIED_ON = re.compile(r"\b(?:died|lost (?:his|her|their) life|was killed|murió|falleció|perdió la vida)\b", re.I)
_CREDIT = re.compile(r"^(?P<credit>[A-Z]{2,}(?:/[A-Z][A-Z .'-]+)?)\s+[-–—]\s+")
_QUOTE_MARKS = re.compile(r"[\"“”«»]|''")


@dataclass
class Proposal:
    quote: str
    start: int
    end: int
    originator: str | None
    originator_text: str
    originator_name: str | None
    suggested_source: dict | None
    relays: list[dict]
    figures: list[dict]
    statement: str
    kind: str
    language: str
    inferred: str = ""
    refers_to: str = ""
    # An originator the text does not name, as it describes them ("a
    # military source"): the Citation's ``attributed_to``; ``originator`` is
    # then None and the named source it came through is the first relay.
    attributed_to: str = ""
    proposer_version: str = VERSION
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        return data


def _figure_dict(found, dates) -> dict:
    parsed = found.parsed
    interval = quantity_interval(parsed.qualifier, parsed.value, parsed.value_high)
    period = next((d for d in dates if d.role == "period_start"), None)
    as_of = next((d for d in dates if d.role == "as_of"), None)
    return {
        "kind": "quantity",
        "text": found.text,
        "metric": found.metric,
        "subject": parsed.subject,
        "qualifier": str(parsed.qualifier),
        "value": parsed.value,
        "value_high": parsed.value_high,
        "low": interval.low,
        "high": interval.high,
        "increment": parsed.increment,
        "date": None,
        "date_precision": None,
        "period_start": period.date.isoformat() if period and period.date else None,
        "as_of": as_of.date.isoformat() if as_of and as_of.date else None,
    }


def _date_dict(found, metric: str) -> dict:
    return {
        "kind": "date",
        "text": found.text,
        "metric": metric,
        "subject": None,
        "qualifier": None,
        "value": None,
        "value_high": None,
        "low": None,
        "high": None,
        "increment": False,
        "date": found.date.isoformat() if found.date else None,
        "date_precision": found.precision,
        "period_start": None,
        "as_of": None,
    }


def _statement(
    originator_label: str | None, sentence: str, figures: list[dict], unnamed: str = ""
) -> str:
    counts = [f for f in figures if f["kind"] == "quantity" and f["metric"]]
    if counts:
        parts = []
        for f in counts:
            amount = (
                f"between {f['value']} and {f['value_high']}"
                if f["qualifier"] == "between"
                else f"{_QUALIFIER_WORDS.get(f['qualifier'], '')}{f['value']}"
            )
            subject = f["subject"] or "people"
            tail = f" since {f['period_start']}" if f["period_start"] else ""
            parts.append(f"{amount} {subject} {_METRIC_PHRASE.get(f['metric'], f['metric'])}{tail}")
        body = "; ".join(parts)
        if unnamed:
            return f"Reported by {unnamed}: {body}."
        return f"{originator_label} reports {body}." if originator_label else f"Reported: {body}."
    if unnamed:
        return f"According to {unnamed}: {sentence}"
    if originator_label:
        return f"{originator_label} states: {sentence}"
    return sentence


def figures_in(
    text: str, language: str = "en", published_on: dt.date | None = None
) -> list[dict]:
    """The figures (counts and dates) of a span of text, as a proposal's."""
    dates = find_dates(text, published_on)
    found = find_figures(text, language, [(d.start, d.end) for d in dates])
    return [_figure_dict(f, dates) for f in found] + [
        _date_dict(d, "date") for d in dates if d.role == "date" and d.date is not None
    ]


def propose(
    text: str,
    language: str | None = None,
    published_on: dt.date | None = None,
    sources: list[attr.KnownSource] | None = None,
    publisher: attr.KnownSource | None = None,
    published_precision: str = "day",
    index: attr.AliasIndex | None = None,
) -> list[Proposal]:
    """Proposals for every checkable statement of a text, in text order.

    ``index``: the sources' alias index, built once by a caller that reads
    many texts with the same sources (it must hold the publisher too);
    without it one is built from ``sources`` and ``publisher``."""
    language = language or detect_language(text)
    if index is None:
        index = attr.AliasIndex(
            list(sources or []) + ([publisher] if publisher else [])
        )
    history: list[attr.Attribution] = []
    proposals: list[Proposal] = []
    last_in_paragraph: dict[int, tuple[attr.Attribution | None, Proposal | None]] = {}
    split = sentences(text, language)
    # The registered sources each sentence names, for descriptions ("la ONG")
    # whose source no attribution before them gives.
    named = [index.mentions(s.text) for s in split]
    for number, sentence in enumerate(split):
        mentions = (
            [m for found_here in named[:number] for m in found_here],
            [m for found_here in named[number + 1 :] for m in found_here],
        )
        s_text = sentence.text
        lang = sentence.language
        dates = find_dates(s_text, published_on, published_precision)
        masked = [(d.start, d.end) for d in dates]
        figures = find_figures(s_text, lang, masked)
        found = None
        credit = _CREDIT.match(s_text) if sentence.caption else None
        if credit:
            found = attr.Attribution(credit.group("credit").split("/")[0], verb="photo credit")
        else:
            found = attr.find_attribution(s_text, lang)
        if found is not None and found.inferred == "so said":
            # "Así lo advirtió X": X made the statement before.
            found = attr.resolve(found, index, history, mentions)
            _, prev_prop = last_in_paragraph.get(sentence.paragraph - 1, (None, None))
            _, prev_prop2 = last_in_paragraph.get(sentence.paragraph, (None, None))
            target = prev_prop2 or prev_prop
            if target is not None and target.originator_text == "":
                _assign(target, found, publisher)
            history.append(found)
        elif found is not None:
            found = attr.resolve(found, index, history, mentions)
            history.append(found)
        elif (ahead := _quote_closed_by(split, number)) is not None and (
            later := attr.find_attribution(split[ahead].text, split[ahead].language)
        ) is not None:
            # '"We found 12 bodies. Five are missing," the governor said.':
            # the speaker named where the quotation ends said all of it.
            found = attr.resolve(later, index, history, mentions)
            found.inferred = found.inferred or "quotation continues"
        else:
            prev_att, _ = last_in_paragraph.get(sentence.paragraph, (None, None))
            if prev_att is not None and (figures or dates) and sentence.index_in_paragraph > 0:
                found = attr.Attribution(
                    prev_att.originator_text, prev_att.originator, list(prev_att.relays),
                    prev_att.verb, "carried over", prev_att.refers_to,
                    prev_att.attributed_to,
                )
        if not figures and not dates and found is None:
            continue
        figure_dicts = [_figure_dict(f, dates) for f in figures]
        date_metric = (
            "photographed_on" if sentence.caption else "died_on" if _DIED_ON.search(s_text) else "date"
        )
        figure_dicts += [
            _date_dict(d, date_metric) for d in dates if d.role == "date" and d.date is not None
        ]
        proposal = Proposal(
            quote=s_text, start=sentence.start, end=sentence.end, originator=None,
            originator_text="", originator_name=None, suggested_source=None, relays=[],
            figures=figure_dicts, statement="", kind="other", language=lang,
        )
        _assign(proposal, found, publisher)
        if text[proposal.start : proposal.end] != proposal.quote:  # verbatim, checked
            raise AssertionError("quote does not match its offsets")
        proposals.append(proposal)
        if found is not None and found.inferred != "carried over":
            last_in_paragraph[sentence.paragraph] = (found, proposal)
        else:
            last_in_paragraph.setdefault(sentence.paragraph, (None, proposal))
            if found is None:
                last_in_paragraph[sentence.paragraph] = (
                    last_in_paragraph[sentence.paragraph][0], proposal,
                )
    return proposals


def _quote_closed_by(split: list, number: int) -> int | None:
    """The sentence of the same paragraph that closes a quotation this one
    opens and leaves open, if any (at most four sentences on)."""
    text = split[number].text
    opened = text.count("“") - text.count("”") + text.count("«") - text.count("»")
    if not (opened > 0 or (text.lstrip()[:1] == '"' and text.count('"') % 2 == 1)):
        return None
    paragraph = split[number].paragraph
    for ahead in range(number + 1, min(number + 5, len(split))):
        later = split[ahead].text
        if split[ahead].paragraph != paragraph:
            return None
        if "”" in later or "»" in later or later.count('"') % 2 == 1:
            return ahead
    return None


def _assign(proposal: Proposal, found: attr.Attribution | None, publisher) -> None:
    figures = proposal.figures
    if found is None:
        proposal.originator = publisher.id if publisher else None
        proposal.originator_name = publisher.name if publisher else None
        proposal.originator_text = ""
        proposal.inferred = "publisher"
        label = None
    else:
        source = found.originator
        proposal.originator = source.id if source else None
        proposal.originator_name = source.name if source else None
        proposal.originator_text = found.originator_text
        proposal.inferred = found.inferred
        proposal.refers_to = found.refers_to
        proposal.attributed_to = "" if source else found.attributed_to
        # An unnamed originator is never offered as a source to create.
        proposal.suggested_source = (
            None
            if source or proposal.attributed_to
            else {"name": found.refers_to or found.originator_text, "attribution": found.verb}
        )
        proposal.relays = [
            {
                "text": r["text"],
                "source": r.get("source").id if r.get("source") else None,
            }
            for r in found.relays
            if not (source and r.get("source") and r["source"].id == source.id)
        ]
        label = (source.name if source else found.originator_text) or None
    has_count = any(f["kind"] == "quantity" and f["metric"] in _CASUALTY_METRICS for f in figures)
    has_date = any(f["kind"] == "date" for f in figures)
    if has_count:
        proposal.kind = "casualty_figure"
    elif found is not None and _QUOTE_MARKS.search(proposal.quote):
        proposal.kind = "quotation"
    elif has_date and _DIED_ON.search(proposal.quote):
        proposal.kind = "date"
    elif has_date or found is not None:
        proposal.kind = "event"
    proposal.statement = _statement(
        label, proposal.quote, figures, proposal.attributed_to
    )
