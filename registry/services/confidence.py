"""Independent corroboration and the suggested confidence level of a claim.

A relay is not a corroboration: only originators count, and originators
that belong to one organisation (one is the other's parent, or they share
an ancestor) count once, as their top-most organisation. Corroboration
counts across claims too: the asserting originators of other *published*
claims whose current figures about the same quantity agree with this
claim's (same date, overlapping intervals) corroborate it; a figure its
originator has since revised corroborates nothing, and the same originator
printed twice still counts once. Derived evidence is not independent: a
citation whose figure is derived from other citations (``derived_from``)
counts as the originators of the citations it rests on, never as its own.

``CONFIDENCE_RULES`` is the rule table the README quotes. The base level
comes from the first row that matches; the caps after it can only make the
level worse (a higher number), never better.

How the review workflow uses it (``claim_approve`` in registry/services/workflow.py)::

    if confidence_requires_rationale(claim, level) and not rationale.strip():
        raise ValidationError({"confidence_rationale": "..."})
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from registry.choices import LIVE_STATES, ConflictStatus, Stance
from registry.figures import rules
from registry.models import (
    Citation,
    CitationDerivation,
    Claim,
    Conflict,
    Figure,
    Source,
)

GOOD = frozenset("AB")  # usually or completely reliable
FAIR = frozenset("ABC")  # at least fairly reliable
UNJUDGEABLE = frozenset("EF")  # unreliable, or cannot be judged

CONFIDENCE_RULES: tuple[tuple[str, int], ...] = (
    ("no asserting originator is cited", 6),
    ("every independent originator is graded E or F", 6),
    ("two or more independent originators graded A or B", 1),
    ("two or more independent originators graded C or better", 2),
    ("one originator graded C or better, corroborated only by D-F sources", 3),
    ("a single independent originator graded A-C", 3),
    ("originators graded D at best", 4),
)
CONFIDENCE_CAPS: tuple[tuple[str, int], ...] = (
    (
        "an independent originator graded as well as the best asserting one "
        "disputes the claim",
        4,
    ),
    ("one of the claim's figures is in an open conflict", 4),
    (
        "a settled conflict prefers another source's figure over this claim's",
        5,
    ),
)


DERIVED_NOTE = "derived evidence counts as the originators it is derived from"


@dataclass(frozen=True)
class UnnamedOriginator:
    """An originator the document does not name ("a military source"),
    scoped to its citation: counted as one originator that cannot be judged
    (F), never merged with another citation's unnamed one."""

    pk: tuple
    name: str
    reliability: str = "F"
    parent_id: None = None
    short_name: str = ""

    def __str__(self) -> str:
        return f"{self.name} (unnamed)"


def originator_of(citation: Citation) -> Source | UnnamedOriginator:
    if citation.originator_id is None:
        return UnnamedOriginator(citation.originator_key, citation.attributed_to)
    return citation.originator


@dataclass(frozen=True)
class Suggestion:
    level: int
    reasons: list[str] = field(default_factory=list)


def _root(source: Source, parents: dict[int, int | None]) -> int:
    seen = set()
    pk = source.pk
    while parents.get(pk) is not None and pk not in seen:
        seen.add(pk)
        pk = parents[pk]
    return pk


def _parents_of(sources: list[Source]) -> dict[int, int | None]:
    """Source pk -> parent pk for the sources and all their ancestors, one
    query per level of the hierarchy (officials, units: a few levels)."""
    parents = {s.pk: s.parent_id for s in sources}
    missing = {p for p in parents.values() if p is not None and p not in parents}
    while missing:
        rows = Source.objects.filter(pk__in=missing).values_list("pk", "parent_id")
        found = dict(rows)
        parents.update(found)
        missing = {p for p in found.values() if p is not None and p not in parents}
    return parents


@dataclass
class _Batch:
    """What judging a batch of claims reads, loaded once for all of them
    (a bounded number of queries however many claims share a quantity)."""

    citations: dict[int, list[Citation]]
    figures: dict[int, list[Figure]]
    corroborating: dict[int, list[Citation]]
    derived_from: dict
    known: dict[int, Citation]
    parents: dict[int, int | None]
    conflicts: dict[int, list[Conflict]]


def _corroborating(
    claim_ids: list[int],
    citations: dict[int, list[Citation]],
    figures: dict[int, list[Figure]],
) -> dict[int, list[Citation]]:
    """For each claim, the asserting citations of other approved claims
    whose current figures agree with one of its figures (see the module doc):
    one query for every claim's peers, and one for their citations."""
    keys = {f.quantity_key for own in figures.values() for f in own}
    found: dict[int, list[Citation]] = {pk: [] for pk in claim_ids}
    if not keys:
        return found
    every_peer = list(
        Figure.objects.filter(quantity_key__in=keys, claim__state__in=LIVE_STATES)
        .select_related("claim")
        .prefetch_related(
            Prefetch(
                "claim__citations",
                queryset=Citation.objects.select_related("originator"),
            )
        )
    )
    for pk in claim_ids:
        own = figures.get(pk, [])
        own_keys = {f.quantity_key for f in own}
        peers = [
            p for p in every_peer if p.claim_id != pk and p.quantity_key in own_keys
        ]
        if not own or not peers:
            continue
        # This claim's figures speak for its citations, as being judged.
        asserting = frozenset(
            c.originator_key for c in citations.get(pk, []) if c.stance == "asserts"
        )
        originators = {
            **rules.originators_of(peers),
            **{f.pk: asserting for f in own},
        }
        everyone = own + peers
        current = {f.pk for f in rules.current_figures(everyone, originators)}
        agreeing = {}
        for peer in peers:
            if peer.pk not in current:
                continue
            agrees = any(
                mine.pk in current
                and mine.quantity_key == peer.quantity_key
                and mine.interval is not None
                and peer.interval is not None
                and rules.series_group(mine) == rules.series_group(peer)
                and mine.interval.overlaps(peer.interval)
                for mine in own
            )
            if agrees:
                for citation in peer.claim.citations.all():
                    if citation.stance == Stance.ASSERTS:
                        agreeing[citation.pk] = citation
        found[pk] = list(agreeing.values())
    return found


def _load(claim_ids: list[int]) -> _Batch:
    citations: dict[int, list[Citation]] = defaultdict(list)
    for citation in Citation.objects.filter(claim_id__in=claim_ids).select_related(
        "originator"
    ):
        citations[citation.claim_id].append(citation)
    figures: dict[int, list[Figure]] = defaultdict(list)
    for figure in Figure.objects.filter(claim_id__in=claim_ids):
        figures[figure.claim_id].append(figure)
    corroborating = _corroborating(claim_ids, citations, figures)
    every_citation = list(
        {
            c.pk: c
            for pk in claim_ids
            for c in (*citations.get(pk, []), *corroborating.get(pk, []))
        }.values()
    )
    derived_from, known = _derivations(every_citation)
    named = {
        c.originator.pk: c.originator
        for c in known.values()
        if c.originator_id is not None
    }
    parents = _parents_of(list(named.values())) if named else {}
    conflicts: dict[int, list[Conflict]] = defaultdict(list)
    links = defaultdict(set)
    for conflict_id, claim_id in Conflict.figures.through.objects.filter(
        figure__claim_id__in=claim_ids
    ).values_list("conflict_id", "figure__claim_id"):
        links[conflict_id].add(claim_id)
    if links:
        for conflict in Conflict.objects.filter(pk__in=links).select_related(
            "preferred_figure"
        ):
            for claim_id in sorted(links[conflict.pk]):
                conflicts[claim_id].append(conflict)
    return _Batch(
        citations, figures, corroborating, derived_from, known, parents, conflicts
    )


def corroborating_citations(claim: Claim) -> list[Citation]:
    """Asserting citations of other approved claims whose current figures
    agree with one of this claim's figures (see the module doc)."""
    return _load([claim.pk]).corroborating[claim.pk]


def _derivations(citations: list[Citation]) -> tuple[dict, dict[int, Citation]]:
    """The derivation links reachable from these citations (citation pk ->
    the pks it is derived from), and every citation they reach, one query
    per step of the chains (a relayed figure is a step or two deep)."""
    known = {c.pk: c for c in citations}
    derived_from: dict[int, set[int]] = {}
    frontier, done = set(known), set()
    while frontier:
        done |= frontier
        rows = CitationDerivation.objects.filter(citation_id__in=frontier)
        frontier = set()
        for pk, basis in rows.values_list("citation_id", "basis_id"):
            derived_from.setdefault(pk, set()).add(basis)
            if basis not in done:
                frontier.add(basis)
    missing = {b for bases in derived_from.values() for b in bases} - set(known)
    if missing:
        known.update(
            (c.pk, c)
            for c in Citation.objects.filter(pk__in=missing).select_related(
                "originator"
            )
        )
    return derived_from, known


def evidence(
    citations: list[Citation], links: tuple[dict, dict] | None = None
) -> list[tuple[Citation, Citation]]:
    """(citation, evidence) pairs: a citation whose figure is derived from
    other citations stands for the citations at the end of its links
    (``rules.evidence_roots``), so an aggregator's assessment or an agency
    carrying a ministry's figure counts as the originators it rests on,
    never as one more independent originator. ``links``: the derivations
    (``_derivations``) when already read for a batch."""
    if not citations:
        return []
    derived_from, known = links or _derivations(citations)
    if not derived_from:
        return [(c, c) for c in citations]
    roots = rules.evidence_roots([c.pk for c in citations], derived_from)
    return [(c, known[r]) for c in citations for r in sorted(roots[c.pk])]


def _grouped_originators(
    claim: Claim, notes: list[str] | None = None, batch: _Batch | None = None
) -> dict[str, dict[int, Source]]:
    """Per stance, the top-most organisation's pk -> its best-graded source,
    corroborating originators of agreeing published claims included, and
    derived citations counted as the originators they are derived from."""
    batch = batch or _load([claim.pk])
    citations = list(batch.citations.get(claim.pk, []))
    citations += batch.corroborating.get(claim.pk, [])
    found = evidence(citations, (batch.derived_from, batch.known))
    pairs = [(citation.stance, originator_of(basis)) for citation, basis in found]
    if notes is not None:
        derived: dict[str, set[str]] = {}
        for citation, basis in found:
            if citation is not basis:
                derived.setdefault(citation.originator_label, set()).add(
                    basis.originator_label
                )
        notes.extend(
            f"{DERIVED_NOTE}: {name} counts as {', '.join(sorted(bases))}"
            for name, bases in sorted(derived.items())
        )
    parents = batch.parents
    grouped: dict[str, dict[int, Source]] = {Stance.ASSERTS: {}, Stance.DISPUTES: {}}
    def order(pair):
        source = pair[1]
        if isinstance(source, UnnamedOriginator):
            return (source.reliability, 1, source.pk[1])
        return (source.reliability, 0, source.pk)

    for stance, source in sorted(pairs, key=order):
        root = _root(source, parents)
        grouped.setdefault(stance, {}).setdefault(root, source)
    return grouped


def _ordered(sources) -> list[Source]:
    return sorted(sources, key=lambda s: (s.reliability, s.name))


def independent_originators(claim: Claim) -> list[Source | UnnamedOriginator]:
    """One source per independent originator of the claim, best grade first;
    an unnamed originator counts as its own, graded F.

    Relays never count; originators in one organisation count once, as the
    best-graded of them.
    """
    return _ordered(_grouped_originators(claim)[Stance.ASSERTS].values())


def claim_suggested_confidence(claim: Claim) -> Suggestion:
    """The level the rule table suggests, with the reasons that decided it."""
    return suggested_confidences([claim])[claim.pk]


def suggested_confidences(claims: Iterable[Claim]) -> dict[int, Suggestion]:
    """``claim_suggested_confidence`` of many claims, reading what they share
    once: a bounded number of queries for the whole batch."""
    claims = list(claims)
    batch = _load([c.pk for c in claims])
    return {c.pk: _suggestion(c, batch) for c in claims}


def _suggestion(claim: Claim, batch: _Batch) -> Suggestion:
    derived_notes: list[str] = []
    grouped = _grouped_originators(claim, derived_notes, batch)
    originators = _ordered(grouped[Stance.ASSERTS].values())
    grades = [s.reliability for s in originators]
    names = ", ".join(f"{s} ({s.reliability})" for s in originators)
    good = [g for g in grades if g in GOOD]
    fair = [g for g in grades if g in FAIR]
    if not originators:
        level, reasons = 6, [CONFIDENCE_RULES[0][0]]
    elif all(g in UNJUDGEABLE for g in grades):
        level, reasons = 6, [f"{CONFIDENCE_RULES[1][0]}: {names}"]
    elif len(good) >= 2:
        level, reasons = 1, [f"{CONFIDENCE_RULES[2][0]}: {names}"]
    elif len(fair) >= 2:
        level, reasons = 2, [f"{CONFIDENCE_RULES[3][0]}: {names}"]
    elif len(fair) == 1 and len(grades) > 1:
        level, reasons = 3, [f"{CONFIDENCE_RULES[4][0]}: {names}"]
    elif len(fair) == 1:
        level, reasons = 3, [f"{CONFIDENCE_RULES[5][0]}: {names}"]
    else:
        level, reasons = 4, [f"{CONFIDENCE_RULES[6][0]}: {names}"]
    reasons += derived_notes

    def cap(worst: int, reason: str) -> None:
        nonlocal level
        reasons.append(reason)
        level = max(level, worst)

    best = min(grades) if grades else "F"
    strong = _ordered(
        source
        for root, source in grouped[Stance.DISPUTES].items()
        if source.reliability <= best and root not in grouped[Stance.ASSERTS]
    )
    if strong:
        cap(
            4,
            f"{CONFIDENCE_CAPS[0][0]}: no better than 4 ({', '.join(map(str, strong))})",
        )
    own = {f.pk for f in batch.figures.get(claim.pk, [])}
    for conflict in batch.conflicts.get(claim.pk, []):
        label = f"{conflict.metric} {conflict.subject}"
        if conflict.status == ConflictStatus.OPEN:
            cap(4, f"{CONFIDENCE_CAPS[1][0]}: no better than 4 ({label})")
        elif (
            conflict.status == ConflictStatus.SETTLED
            and conflict.preferred_figure_id not in own
        ):
            cap(5, f"{CONFIDENCE_CAPS[2][0]}: no better than 5 ({label})")
    return Suggestion(level, reasons)


def confidence_requires_rationale(
    claim: Claim, chosen_level: int, *, suggestion: Suggestion | None = None
) -> bool:
    """A reviewer who departs from the suggestion must say why (pass the
    claim's ``suggestion`` when already computed)."""
    suggestion = suggestion or claim_suggested_confidence(claim)
    return int(chosen_level) != suggestion.level


def confidence_rule_table() -> str:
    """The rule table as Markdown, as the README quotes it."""
    lines = ["| Rule (first that matches) | Suggested level |", "| --- | --- |"]
    lines += [f"| {rule} | {level} |" for rule, level in CONFIDENCE_RULES]
    lines += [
        "",
        "| Cap (each can only make the level worse) | No better than |",
        "| --- | --- |",
    ]
    lines += [f"| {rule} | {level} |" for rule, level in CONFIDENCE_CAPS]
    return "\n".join(lines)
