"""Reads for the admin's "Propose claims" and "cite this": what the claim
proposer offers for a stored document, less what editors already turned
down or cited, and which claims a selection can be cited into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from registry.choices import LOCKED_STATES, ClaimState
from registry.figures import vocabulary
from registry.models import (
    Citation,
    Claim,
    Document,
    Event,
    RejectedProposal,
    Source,
    SourceAlias,
)
from registry.proposer import VERSION, KnownSource, Proposal, figures_in, propose
from registry.proposer.attribution import AliasIndex
from registry.proposer.figures import _NUMBER_RE
from registry.proposer.sources import known_sources
from registry.selectors.suggestions import (
    DuplicateFinder,
    EventSuggestion,
    suggest_events,
)

# The proposer's generic date metric has no vocabulary term of its own: a
# date a sentence gives for what it reports is when that happened.
_DATE_METRIC = {"date": "occurred_on"}


@dataclass
class Offer:
    """One proposal as the admin shows it: ready to edit and accept."""

    key: str
    quote: str
    start: int
    end: int
    originator: str  # a source's public id, or "" when none was resolved
    originator_label: str  # the source's name, or the article's own words
    originator_text: str
    relays: list[str]  # public ids of the resolved relays
    statement: str
    kind: str
    figures: list[dict]
    proposer_version: str
    # An unnamed originator's description ("a military source"), when the
    # text names none: the citation's attributed_to.
    attributed_to: str = ""
    # The registry's context (registry/selectors/suggestions.py): the event
    # suggested for the article (a public id, or "") and claims it may repeat.
    event: str = ""
    duplicates: list[dict] = field(default_factory=list)


def _publisher(document: Document) -> KnownSource | None:
    source = document.publisher
    if source is None:
        return None
    return KnownSource(source.public_id, source.name, source.kind, [])


# The word after a count names what is counted ("70 Palestinians"), unless
# it is a verb, a filler or the metric itself ("hundreds were wounded").
_COUNTED = re.compile(
    r"^\s+(?:(?:of|de)\s+)?(?:(?:the|los|las)\s+)?(?P<word>[^\W\d_][\w-]{2,})"
)
_NUMBERS = list(_NUMBER_RE.values())
_NOT_COUNTED = frozenset(
    ["were", "was", "are", "is", "have", "has", "had", "been", "being", "will", "would", "could", "may", "might", "others", "other", "more", "people", "personas", "than", "more", "otros", "otras", "fueron", "han", "habían", "murieron", "resultaron", "quedaron"]
)


def _counted(stated: str, metric: str) -> str:
    """What a quantity counts, read from its words; "people" when unsaid."""
    word = ""
    for pattern in _NUMBERS:
        number = pattern.search(stated)
        if number is not None:
            match = _COUNTED.match(stated[number.end() :])
            word = match.group("word") if match else ""
            break
    if not word or word.casefold() in _NOT_COUNTED:
        return "people"
    try:
        if vocabulary.canonical_metric(word) == metric:
            return "people"
    except vocabulary.UnknownTerm:
        pass
    return vocabulary.canonical_subject(word)


def _figure_offer(figure: dict) -> dict:
    metric = _DATE_METRIC.get(figure["metric"] or "", figure["metric"] or "")
    try:
        metric = vocabulary.canonical_metric(metric)
    except vocabulary.UnknownTerm:
        metric = ""
    stated = (figure.get("text") or "")[:300]
    subject = figure.get("subject") or ""
    if not subject and metric and figure["kind"] == "quantity":
        subject = _counted(stated, metric)
    return {
        "kind": figure["kind"],
        # Offered ticked when it can be saved as it stands.
        "include": bool(metric and subject),
        "stated": stated,
        "metric": metric,
        "subject": subject,
        "qualifier": figure.get("qualifier") or "",
        "value": figure.get("value"),
        "value_high": figure.get("value_high"),
        "period_start": figure.get("period_start") or "",
        "as_of": figure.get("as_of") or "",
        "date_value": figure.get("date") or "",
        "date_precision": figure.get("date_precision") or "",
    }


def _offer(proposal: Proposal) -> Offer:
    label = (
        proposal.originator_name
        or proposal.attributed_to
        or proposal.refers_to
        or proposal.originator_text
    )
    return Offer(
        key=f"{proposal.start}-{proposal.end}",
        quote=proposal.quote,
        start=proposal.start,
        end=proposal.end,
        originator=proposal.originator or "",
        originator_label=label or "",
        originator_text=proposal.originator_text,
        attributed_to=proposal.attributed_to,
        relays=[r["source"] for r in proposal.relays if r.get("source")],
        statement=proposal.statement,
        kind=proposal.kind,
        figures=[_figure_offer(f) for f in proposal.figures],
        proposer_version=proposal.proposer_version,
    )


# The registry's alias index, built once per process and again when the
# sources change: with 100,000 sources building it takes seconds.
_index_cache: dict[tuple, AliasIndex] = {}


def _sources_fingerprint() -> tuple:
    sources = Source.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    aliases = SourceAlias.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (sources["n"], sources["changed"], aliases["n"], aliases["last"])


def alias_index() -> AliasIndex:
    """The registered sources' aliases, as the proposer looks them up."""
    key = _sources_fingerprint()
    index = _index_cache.get(key)
    if index is None:
        index = AliasIndex(known_sources())
        _index_cache.clear()
        _index_cache[key] = index
    return index


def _run_proposer(document: Document) -> list[Proposal]:
    language = document.language if document.language in ("en", "es") else None
    return propose(
        document.text,
        language=language,
        published_on=document.published_on,
        publisher=_publisher(document),
        published_precision=document.published_precision or "day",
        index=alias_index(),
    )


def document_offers(*, document: Document) -> list[Offer]:
    """What the proposer offers for ``document``, in text order: not the
    spans an editor rejected for this proposer version, nor those a claim
    already cites with the same offsets."""
    rejected = set(
        RejectedProposal.objects.filter(
            document=document, proposer_version=VERSION
        ).values_list("start", "end")
    )
    cited = set(
        Citation.objects.filter(document=document).values_list("start", "end")
    )
    events = document_events(document=document)
    event = Event.objects.filter(public_id=events[0].id).first() if events else None
    proposals = [
        p
        for p in _run_proposer(document)
        if (p.start, p.end) not in rejected and (p.start, p.end) not in cited
    ]
    finder = DuplicateFinder(
        document_id=document.pk,
        event=event,
        metrics={f["metric"] for p in proposals for f in p.figures if f.get("metric")},
    )
    offers = []
    for proposal in proposals:
        offer = _offer(proposal)
        offer.event = event.public_id if event else ""
        offer.duplicates = [d.as_dict() for d in finder.find(proposal.as_dict())]
        offers.append(offer)
    return offers


def document_events(*, document: Document) -> list[EventSuggestion]:
    """The events the document may be about: those of the claims already
    citing it first, then those whose place it names, nearest its date."""
    cited = list(
        Event.objects.filter(claims__citations__document=document)
        .distinct()
        .order_by("public_id")[:3]
    )
    named = suggest_events(document.text, document.published_on)
    known = {e.public_id for e in cited}
    return [
        EventSuggestion.of(e, None, "claims already citing this document are about it")
        for e in cited
    ] + [s for s in named if s.id not in known]


def selection_offer(*, document: Document, start: int, end: int) -> Offer:
    """What "cite this" fills in for a selected span (offsets already
    checked): the originator the proposer reads for the sentence around it,
    and the figures inside the selection."""
    quote = document.text[start:end]
    around = next(
        (p for p in _run_proposer(document) if p.start <= start and end <= p.end),
        None,
    )
    language = around.language if around else document.language
    if language not in ("en", "es"):
        language = "en"  # the proposer reads English and Spanish
    found = figures_in(quote, language, document.published_on)
    if not found and around is not None:
        # A selection inside a figure's words: the sentence's reading of it.
        found = [f for f in around.figures if quote in (f.get("text") or "")][:1]
    figures = [_figure_offer(f) for f in found]
    offer = (
        _offer(around)
        if around
        else Offer("", quote, start, end, "", "", "", [], "", "other", [], "")
    )
    offer.key = f"{start}-{end}"
    offer.quote, offer.start, offer.end = quote, start, end
    offer.figures = figures
    if around is not None and (around.start, around.end) != (start, end):
        offer.statement = ""  # the sentence's draft need not fit a part of it
    offer.proposer_version = ""
    return offer


def claims_to_cite_into(*, document: Document, user, limit: int = 30) -> QuerySet:
    """Editable claims a selection may be added to: those citing this
    document, then the user's own recent drafts."""
    return (
        Claim.objects.exclude(state__in=LOCKED_STATES)
        .filter(
            Q(citations__document=document)
            | Q(created_by=user, state=ClaimState.DRAFT)
        )
        .distinct()
        .order_by("-updated_at", "-pk")[:limit]
    )


def source_named(text: str) -> Source | None:
    """The source a public id, a name or an alias names."""
    text = (text or "").strip()
    if not text:
        return None
    return (
        Source.objects.filter(public_id=text).first()
        or Source.objects.by_alias(text).first()
    )

