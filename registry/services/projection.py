"""The public projection: what the public may see, written from published
rows alone, in the same transaction as the change that moves it.

Two tables hold it:

- ``PublicQuantity``: per quantity (``Figure.quantity_key``) with at least
  one current published figure (a figure of an approved claim, see
  ``policy.is_live``): its consensus interval, its ranges and, when those
  figures disagree, the public conflict with the reviewer's decision if the
  decision still holds for them (``rules.decision_holds``). Drafts and
  claims in review never take part, so they never open, reopen or change a
  public conflict, its consensus or its timestamp.
- ``PublicClaim`` (with ``PublicFacet`` rows for its filters): per published
  claim, its public document as JSON text (API addresses relative to a
  base mark filled in per request), its ClaimReview and, when retracted or
  superseded, its entry in the corrections feed.

``projection_refresh(claim_ids=..., quantity_keys=...)`` recomputes those
claims and quantities, and every published claim whose figures' quantity
changed. The workflow calls it after each transition, the conflict service
after each decision, the source, document and event services after an edit,
the importer after a load. ``projection_rebuild()`` (``manage.py
rebuild_public``) recomputes everything from scratch; ``projection_check()``
says where the stored projection differs from a fresh computation.

A row's ``updated_at`` moves only when its public content changes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from registry import policy
from registry.choices import (
    LIVE_STATES,
    PUBLIC_STATES,
    ClaimState,
    ConflictAction,
    ConflictStatus,
    Stance,
)
from registry.figures import rules, vocabulary
from registry.models import (
    Citation,
    CitationDerivation,
    CitationRelay,
    Claim,
    ClaimTransition,
    Conflict,
    ConflictDecision,
    Document,
    Figure,
    PublicClaim,
    PublicFacet,
    PublicQuantity,
    Source,
    citations_marked_derived,
    quantity_key_of,
)
from registry.presentation import claimreview
from registry.presentation import claims as shapes
from registry.services.bulk import write_rows

# Where a request's base address goes in stored documents. The JSON encoder
# writes every control character in a string as an escape, so a raw \x01
# can only be this mark, never text from a document or a claim.
BASE_MARK = "\x01"
URLS = shapes.Urls(BASE_MARK)
BATCH = 500


_ESCAPED_MARK = json.dumps(BASE_MARK)[1:-1]  # the encoder's "\u0001"
_ADDRESS_KEYS = ("url", "permalink", "claim_url")


def _dumps(value) -> str:
    """Compact JSON; each address the projection built starts with a raw
    BASE_MARK, which ``with_base`` replaces with the request's base."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # The encoder escaped the mark. Put it back raw only where an address
    # key's value starts with it: a quote inside a string is always escaped,
    # so '"url":"' can only be a real key, never text from a document.
    for key in _ADDRESS_KEYS:
        text = text.replace(f'"{key}":"{_ESCAPED_MARK}', f'"{key}":"{BASE_MARK}')
    return text


def with_base(text: str, base: str) -> str:
    """A stored document with its addresses made absolute."""
    return text.replace(BASE_MARK, base.rstrip("/"))


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


# ------------------------------------------------------------ bulk loading
#
# The projection reads tens of thousands of claims with their citations,
# sources and documents. ``prefetch_related`` builds a queryset per parent
# instance and a model instance per joined row; that was most of a rebuild's
# time (bench/RESULTS.md, 2026-11-25). These helpers read each table once per
# batch, share one instance per source and document, and leave the children
# where ``parent.<related>.all()`` finds them, so the presentation code reads
# them exactly as it reads prefetched ones.

LOAD_BATCH = 2000


def _in_batches(queryset, ids: Iterable, field: str = "pk") -> Iterator:
    ids = sorted(set(ids) - {None})
    for start in range(0, len(ids), LOAD_BATCH):
        yield from queryset.filter(**{f"{field}__in": ids[start : start + LOAD_BATCH]})


def _cache(obj, name: str, value) -> None:
    """Set a loaded forward relation (what ``select_related`` would fill)."""
    obj._state.fields_cache[name] = value


def _set_children(parents: Iterable, name: str, children: Iterable, fk: str) -> None:
    """What ``prefetch_related(name)`` leaves: ``parent.<name>.all()`` returns
    the parent's children, in the order given, each pointing back at it. The
    list is read-only by convention: nothing on the projection's path filters
    or orders it again."""
    by_parent: dict[int, list] = defaultdict(list)
    for child in children:
        by_parent[getattr(child, f"{fk}_id")].append(child)
    for parent in parents:
        kids = by_parent.get(parent.pk, [])
        for kid in kids:
            _cache(kid, fk, parent)
        parent.__dict__.setdefault("_prefetched_objects_cache", {})[name] = kids


def _sources(ids: Iterable[int]) -> dict[int, Source]:
    return {s.pk: s for s in _in_batches(Source.objects.all(), ids)}


def load_citations(
    claims: Iterable[Claim], *, marked: bool = False, full: bool = False
):
    """Give these claims their citations (by key) with their originators;
    ``marked``: annotated ``is_derived`` over published bases (for the rules);
    ``full``: also documents (without their text) with their publishers,
    relay links with their sources and derivation links with their bases."""
    claims = list(claims)
    queryset = (
        citations_marked_derived(PUBLIC_STATES) if marked else Citation.objects.all()
    )
    citations = sorted(
        _in_batches(queryset, [c.pk for c in claims], "claim_id"), key=lambda c: c.pk
    )
    relays, links, documents = [], [], {}
    if full:
        ids = [c.pk for c in citations]
        relays = list(_in_batches(CitationRelay.objects.all(), ids, "citation_id"))
        relays.sort(key=lambda r: (r.citation_id, r.position))
        links = list(
            _in_batches(
                CitationDerivation.objects.select_related("basis__claim"),
                ids,
                "citation_id",
            )
        )
        links.sort(key=lambda d: (d.basis.claim.public_id, d.basis_id))
        documents = {
            d.pk: d
            for d in _in_batches(
                Document.objects.defer("text"),
                {c.document_id for c in citations}
                | {d.basis.document_id for d in links},
            )
        }
    sources = _sources(
        {c.originator_id for c in citations}
        | {d.publisher_id for d in documents.values()}
        | {r.source_id for r in relays}
        | {d.basis.originator_id for d in links}
    )
    for citation in citations:
        _cache(citation, "originator", sources.get(citation.originator_id))
        if full:
            _cache(citation, "document", documents[citation.document_id])
    if full:
        for document in documents.values():
            _cache(document, "publisher", sources.get(document.publisher_id))
        for relay in relays:
            _cache(relay, "source", sources[relay.source_id])
        for link in links:
            _cache(link.basis, "originator", sources.get(link.basis.originator_id))
            _cache(link.basis, "document", documents[link.basis.document_id])
        _set_children(citations, "relay_links", relays, "citation")
        _set_children(citations, "derivation_links", links, "citation")
    _set_children(claims, "citations", citations, "claim")


# ---------------------------------------------------------------- quantities


def _live_figures(keys: Iterable[str]) -> dict[str, list[Figure]]:
    by_key: dict[str, list[Figure]] = defaultdict(list)
    keys = sorted(set(keys))
    figures: list[Figure] = []
    for start in range(0, len(keys), BATCH):
        figures += Figure.objects.filter(
            quantity_key__in=keys[start : start + BATCH],
            claim__state__in=LIVE_STATES,
        ).order_by("pk")
    # One instance per claim, shared by its figures, with its citations
    # (marked derived) and their originators.
    claims = {
        c.pk: c
        for c in _in_batches(
            Claim.objects.select_related("event"), {f.claim_id for f in figures}
        )
    }
    for figure in figures:
        _cache(figure, "claim", claims[figure.claim_id])
    load_citations(claims.values(), marked=True)
    for figure in sorted(figures, key=lambda f: f.pk):
        by_key[figure.quantity_key].append(figure)
    return by_key


def _latest_decisions(keys: list[str]) -> dict[str, ConflictDecision]:
    found: dict[str, ConflictDecision] = {}
    for start in range(0, len(keys), BATCH):
        for decision in ConflictDecision.objects.filter(
            quantity_key__in=keys[start : start + BATCH],
            action__in=[ConflictAction.SETTLED, ConflictAction.EXPLAINED],
        ).order_by("quantity_key", "-created_at", "-pk"):
            found.setdefault(decision.quantity_key, decision)
    return found


def _grade(figure: Figure) -> str:
    grades = [
        c.reliability
        for c in figure.claim.citations.all()
        if c.stance == Stance.ASSERTS
    ]
    return min(grades) if grades else "F"


@dataclass
class QuantityRow:
    key: str
    facts: dict  # the public facts; keys starting with "_" never leave the server
    conflict_public_id: str
    status: str
    event_id: int | None
    metric: str
    content_hash: str


def _neighbours(keys: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """For each quantity about a vocabulary subject, the keys of the same
    measure (event, metric, period) about its wholes and its parts."""
    keys = sorted(set(keys))
    shapes: dict[str, dict] = {}
    for start in range(0, len(keys), BATCH):
        for row in Figure.objects.filter(
            quantity_key__in=keys[start : start + BATCH]
        ).values(
            "quantity_key",
            "kind",
            "claim__event__public_id",
            "metric",
            "subject",
            "period_start",
            "period_end",
        ):
            shapes.setdefault(row["quantity_key"], row)
    found = {}
    for key, shape in shapes.items():
        if not vocabulary.is_term(shape["subject"]):
            continue
        code = vocabulary.canonical_subject(shape["subject"])

        def key_for(subject, shape=shape):
            return quantity_key_of(
                kind=shape["kind"],
                event_public_id=shape["claim__event__public_id"] or "",
                metric=shape["metric"],
                subject=subject,
                period_start=shape["period_start"],
                period_end=shape["period_end"],
            )

        found[key] = {
            "wholes": [key_for(s) for s in vocabulary.subject_ancestors(code)],
            "parts": [key_for(s) for s in vocabulary.subject_descendants(code)],
        }
    return found


def neighbour_keys(keys: Iterable[str]) -> set[str]:
    return {
        k
        for related in _neighbours(keys).values()
        for k in (*related["wholes"], *related["parts"])
    }


def compute_quantities(keys: Iterable[str]) -> dict[str, QuantityRow]:
    """The public facts of these quantities; a key with no current published
    figure is absent from the result."""
    keys = sorted({k for k in keys if k})
    neighbours = _neighbours(keys)
    live = _live_figures(
        set(keys)
        | {k for n in neighbours.values() for k in (*n["wholes"], *n["parts"])}
    )
    current = {
        key: rules.current_figures(figures, rules.originators_of(figures))
        for key, figures in live.items()
    }
    # A total's published parts (same claim, narrower subjects: loaded with
    # the neighbouring quantities above), for the parts-sum check.
    parts_of: dict = defaultdict(list)
    for figures in live.values():
        for figure in figures:
            if figure.part_of_id is not None:
                parts_of[figure.part_of_id].append(figure)
    for found in parts_of.values():
        found.sort(key=lambda f: f.pk)
    with_figures = [k for k in keys if live.get(k)]
    decisions = _latest_decisions(with_figures)
    conflict_ids = dict(
        Conflict.objects.filter(quantity_key__in=with_figures).values_list(
            "quantity_key", "public_id"
        )
    )
    rows = {}
    for key in with_figures:
        every = live[key]
        first = every[0]
        # Published figures an originator has since revised stay on their
        # claims but count nowhere (``rules.revisions``).
        revised = rules.revisions(every, rules.originators_of(every))
        figures = [f for f in every if f.pk not in revised]
        # Derived figures may disagree (shown), but count in no consensus
        # and no range: what they rest on already does.
        derived = rules.derived_figures(figures)
        counted = [f for f in figures if f.pk not in derived]
        consensus = rules.consensus_interval(counted)
        status, rationale, preferred = "", "", None
        conflict = None
        if rules.find_disagreements(figures):
            status = ConflictStatus.OPEN
            decision = decisions.get(key)
            if decision is not None and rules.decision_holds(
                status=decision.action,
                preferred_id=decision.preferred_figure_id,
                decided_figures=decision.figures,
                figures=figures,
            ):
                status, rationale = decision.action, decision.rationale
                if decision.action == ConflictAction.SETTLED:
                    preferred = decision.preferred_figure_id
            preferred_claim = next(
                (f.claim.public_id for f in figures if f.pk == preferred), None
            )
            conflict = {
                # A conflict keeps the public id of the reviewers' record of
                # the quantity, which exists whenever published figures
                # disagree (they take part in detection too).
                "id": conflict_ids.get(key) or key[:12],
                "status": status,
                "rationale": rationale,
                "preferred_claim": preferred_claim,
                "figures": [shapes.other_figure_data(f, URLS) for f in figures],
                "_figure_ids": [f.pk for f in figures],
                "_preferred_figure": preferred,
            }
        grades = {f.pk: _grade(f) for f in every}
        by_pk = {f.pk: f for f in every}

        def mention(figure, reason=None):
            data = {
                "claim": figure.claim.public_id,
                "claim_url": URLS.api(figure.claim.public_id),
                "stated": figure.stated,
                "as_of": shapes.iso(figure.as_of),
            }
            if reason is not None:
                data["reason"] = reason
            return data

        ranges = {}
        for rule in rules.RANGE_RULES:
            result = rules.quantity_range(
                counted, grades=grades, rule=rule, preferred_id=preferred
            )
            excluded = [mention(by_pk[pk], why) for pk, why in result.excluded]
            excluded += [
                mention(by_pk[pk], rules.DERIVED_REASON) for pk in sorted(derived)
            ]
            excluded += [
                mention(by_pk[pk], "revised by a later figure of the same originator")
                for pk in sorted(revised)
            ]
            ranges[rule] = shapes.range_data(result, excluded)
        inconsistencies = []
        for total in figures:
            check = rules.check_parts(total, parts_of.get(total.pk, ()))
            if check is not None and not check.consistent:
                inconsistencies.append(
                    {
                        "kind": rules.PARTS_SUM,
                        "part": None,
                        "part_subject": " + ".join(p.subject for p in check.parts),
                        "parts": [mention(p) for p in check.parts],
                        "whole": mention(total),
                        "whole_subject": total.subject,
                        "reason": check.reason,
                    }
                )
        related = neighbours.get(key, {"wholes": [], "parts": []})
        for part_key, whole_key in [(key, w) for w in related["wholes"]] + [
            (p, key) for p in related["parts"]
        ]:
            for found in rules.parts_exceeding_wholes(
                current.get(part_key, []), current.get(whole_key, [])
            ):
                inconsistencies.append(
                    {
                        "kind": rules.PART_EXCEEDS_WHOLE,
                        "part": mention(found.first),
                        "part_subject": found.first.subject,
                        "whole": mention(found.second),
                        "parts": [],
                        "whole_subject": found.second.subject,
                        "reason": found.reason,
                    }
                )
        facts = {
            "kind": first.kind,
            "metric": first.metric,
            "subject": first.subject,
            "event": shapes.event_ref(first.claim.event),
            "period_start": shapes.iso(first.period_start),
            "period_end": shapes.iso(first.period_end),
            "consensus_interval": shapes.interval_data(first.kind, consensus),
            "ranges": ranges,
            "conflict": conflict,
            "inconsistencies": inconsistencies,
            "_revised_by": {
                str(pk): mention(later) for pk, later in sorted(revised.items())
            },
            "_revises": {
                str(later.pk): mention(by_pk[pk])
                for pk, later in sorted(revised.items())
            },
        }
        text = _dumps(facts)
        rows[key] = QuantityRow(
            key=key,
            facts=facts,
            conflict_public_id=conflict["id"] if conflict else "",
            status=status,
            event_id=first.claim.event_id,
            metric=first.metric,
            content_hash=_hash(text),
        )
    return rows


def _write_quantities(
    keys: set[str], now, *, fresh: bool = False
) -> tuple[set[str], dict[str, dict]]:
    """Store the quantities' facts; return the keys whose facts changed and
    the facts of every key that has some. ``fresh``: the table holds none of
    them (a rebuild), so they are written in one batch."""
    computed = compute_quantities(keys)
    if fresh:
        write_rows(
            PublicQuantity,
            [
                PublicQuantity(
                    quantity_key=key,
                    conflict_public_id=row.conflict_public_id,
                    has_conflict=bool(row.conflict_public_id),
                    status=row.status,
                    event_id=row.event_id,
                    metric=row.metric,
                    body=_dumps(row.facts),
                    content_hash=row.content_hash,
                    updated_at=now,
                )
                for key, row in computed.items()
            ],
        )
        return set(computed), {k: r.facts for k, r in computed.items()}
    stored = {
        q.quantity_key: q
        for q in PublicQuantity.objects.filter(quantity_key__in=keys).only(
            "quantity_key", "content_hash"
        )
    }
    changed = set()
    gone = [k for k in stored if k not in computed]
    if gone:
        PublicQuantity.objects.filter(quantity_key__in=gone).delete()
        changed.update(gone)
    for key, row in computed.items():
        old = stored.get(key)
        if old is not None and old.content_hash == row.content_hash:
            continue
        changed.add(key)
        if old is not None:
            old.delete()  # frees a conflict id another key may now take
        PublicQuantity.objects.create(
            quantity_key=key,
            conflict_public_id=row.conflict_public_id,
            has_conflict=bool(row.conflict_public_id),
            status=row.status,
            event_id=row.event_id,
            metric=row.metric,
            body=_dumps(row.facts),
            content_hash=row.content_hash,
            updated_at=now,
        )
    return changed, {k: r.facts for k, r in computed.items()}


def _stored_facts(keys: Iterable[str]) -> dict[str, dict]:
    keys = sorted(set(keys))
    facts = {}
    for start in range(0, len(keys), BATCH):
        for key, body in PublicQuantity.objects.filter(
            quantity_key__in=keys[start : start + BATCH]
        ).values_list("quantity_key", "body"):
            facts[key] = json.loads(body, strict=False)  # raw BASE_MARKs
    return facts


# -------------------------------------------------------------------- claims


def _public_claims(ids: Iterable[int]) -> list[Claim]:
    claims = sorted(
        _in_batches(
            Claim.objects.filter(state__in=PUBLIC_STATES).select_related(
                "event", "corrects", "corrected_by"
            ),
            set(ids),
        ),
        key=lambda c: c.pk,
    )
    load_citations(claims, full=True)
    figures = list(
        _in_batches(Figure.objects.all(), [c.pk for c in claims], "claim_id")
    )
    _set_children(claims, "figures", sorted(figures, key=lambda f: f.pk), "claim")
    return claims


def _chains(claims: list[Claim]) -> dict[int, list[Claim]]:
    """Each claim's public versions, oldest first ([] when never corrected).

    Neighbours are fetched one generation at a time: one query per
    generation, not per claim.
    """
    known = {c.pk: c for c in claims}
    successor: dict[int, int] = {}
    frontier = set(known)
    expanded: set[int] = set()
    for _ in range(50):  # a guard; real chains are a few versions long
        frontier -= expanded
        if not frontier:
            break
        missing = [pk for pk in frontier if pk not in known]
        if missing:
            for claim in Claim.objects.filter(
                pk__in=missing, state__in=PUBLIC_STATES
            ).select_related("corrects", "corrected_by"):
                known[claim.pk] = claim
        found = set()
        for pk in frontier:
            expanded.add(pk)
            claim = known.get(pk)
            if claim is None:
                continue
            before = claim.corrects if claim.corrects_id else None
            try:
                after = claim.corrected_by
            except Claim.DoesNotExist:
                after = None
            for a, b in ((before, claim), (claim, after)):
                if (
                    a is not None
                    and b is not None
                    and policy.is_public(a.state)
                    and policy.is_public(b.state)
                ):
                    successor[a.pk] = b.pk
                    known.setdefault(a.pk, a)
                    known.setdefault(b.pk, b)
                    found.update((a.pk, b.pk))
        frontier = found
    predecessor = {after: before for before, after in successor.items()}
    chains = {}
    for claim in claims:
        first, guard = claim.pk, 0
        while first in predecessor and guard < 50:
            first, guard = predecessor[first], guard + 1
        chain, cursor = [], first
        while cursor is not None and len(chain) < 50:
            chain.append(known[cursor])
            cursor = successor.get(cursor)
        chains[claim.pk] = chain if len(chain) > 1 else []
    return chains


def chain_ids(claim: Claim) -> set[int]:
    """The claim and every public version in its correction chain."""
    return {claim.pk, *(c.pk for c in _chains([claim])[claim.pk])}


def _corrected_at(claims: list[Claim]) -> dict[int, object]:
    corrected = [c for c in claims if c.state != ClaimState.APPROVED]
    if not corrected:
        return {}
    rows = (
        ClaimTransition.objects.filter(
            claim_id__in=[c.pk for c in corrected],
            to_state__in=[ClaimState.RETRACTED, ClaimState.SUPERSEDED],
        )
        .values("claim_id")
        .annotate(at=Max("created_at"))
        .order_by()
    )
    at = {row["claim_id"]: row["at"] for row in rows}
    return {c.pk: at.get(c.pk) or c.updated_at for c in corrected}


@dataclass
class ClaimRow:
    claim: Claim
    doc: dict
    doc_text: str  # ``_dumps(doc)``, encoded once for the hash and the body
    claimreview: str
    correction: str
    corrected_at: object
    facets: set[tuple[str, str]]
    content_hash: str


def _facets(claim: Claim) -> set[tuple[str, str]]:
    facets = set()
    for citation in claim.citations.all():
        if citation.originator_id is not None:
            facets.add((PublicFacet.ORIGINATOR, str(citation.originator_id)))
        for link in citation.relay_links.all():
            facets.add((PublicFacet.RELAY, str(link.source_id)))
        document = citation.document
        facets.add((PublicFacet.DOCUMENT, str(document.pk)))
        if document.part_of_id:
            facets.add((PublicFacet.DOCUMENT, str(document.part_of_id)))
        if document.publisher_id:
            facets.add((PublicFacet.PUBLISHER, str(document.publisher_id)))
        facets.add((PublicFacet.LANGUAGE, document.language.strip().casefold()))
    for figure in claim.figures.all():
        facets.add((PublicFacet.METRIC, " ".join(figure.metric.split()).casefold()))
    return facets


def compute_claims(ids: Iterable[int], facts: dict[str, dict]) -> dict[int, ClaimRow]:
    """The public rows of these claims; unpublished ones are absent."""
    claims = _public_claims(ids)
    chains = _chains(claims)
    corrected_at = _corrected_at(claims)
    rows = {}
    for claim in claims:
        chain = chains[claim.pk]
        doc = shapes.claim_data(claim, URLS, facts=facts, chain=chain)
        review = _dumps(
            claimreview.claim_review(
                claim, permalink=URLS.permalink(claim.public_id), with_context=False
            )
        )
        correction = ""
        if claim.state != ClaimState.APPROVED:
            position = next(
                i for i, c in enumerate(chain or [claim]) if c.pk == claim.pk
            )
            successor = (chain or [claim])[position + 1 : position + 2]
            correction = _dumps(
                shapes.correction_data(
                    claim,
                    successor[0] if successor else None,
                    corrected_at[claim.pk],
                    URLS,
                )
            )
        facets = _facets(claim)
        doc_text = _dumps(doc)
        rows[claim.pk] = ClaimRow(
            claim=claim,
            doc=doc,
            doc_text=doc_text,
            claimreview=review,
            correction=correction,
            corrected_at=corrected_at.get(claim.pk),
            facets=facets,
            content_hash=_hash(doc_text, review, correction, repr(sorted(facets))),
        )
    return rows


def _with_updated_at(doc_text: str, updated_at) -> str:
    """``_dumps({**doc, "updated_at": ...})`` from ``_dumps(doc)`` (which has
    no ``updated_at`` key), without encoding the document a second time."""
    stamp = json.dumps(shapes.iso(updated_at), ensure_ascii=False)
    return f'{doc_text[:-1]},"updated_at":{stamp}}}'


def _public_claim(row: ClaimRow, updated_at) -> PublicClaim:
    claim = row.claim
    return PublicClaim(
        claim=claim,
        public_id=claim.public_id,
        state=claim.state,
        kind=claim.kind,
        confidence=claim.confidence,
        has_conflict=row.doc["has_conflict"],
        event_id=claim.event_id,
        event_date_earliest=claim.event.date_earliest if claim.event else None,
        event_date_latest=claim.event.date_latest if claim.event else None,
        published_at=claim.published_at,
        updated_at=updated_at,
        corrected_at=row.corrected_at,
        body=_with_updated_at(row.doc_text, updated_at),
        claimreview=row.claimreview,
        correction=row.correction,
        content_hash=row.content_hash,
    )


def _public_facets(row: ClaimRow) -> list[PublicFacet]:
    return [
        PublicFacet(
            claim_id=row.claim.pk,
            facet=facet,
            value=value[:300],
            published_at=row.claim.published_at,
        )
        for facet, value in sorted(row.facets)
    ]


def _write_claims(
    ids: set[int], facts: dict[str, dict], now, *, fresh: bool = False
) -> int:
    """``fresh``: none of these claims has a row yet (a rebuild); they are
    written as first published, in one batch."""
    computed = compute_claims(ids, facts)
    if fresh:
        rows = list(computed.values())
        write_rows(PublicClaim, [_public_claim(r, r.claim.updated_at) for r in rows])
        write_rows(
            PublicFacet, [f for r in rows for f in _public_facets(r)], with_pk=False
        )
        return len(rows)
    stored = {
        p.pk: p
        for p in PublicClaim.objects.filter(pk__in=list(ids)).only(
            "claim_id", "content_hash", "updated_at"
        )
    }
    gone = [pk for pk in stored if pk not in computed]
    if gone:
        PublicClaim.objects.filter(pk__in=gone).delete()
    changed = len(gone)
    for pk, row in computed.items():
        old = stored.get(pk)
        if old is not None and old.content_hash == row.content_hash:
            continue
        changed += 1
        # First publication: the claim's own last change; later: now.
        updated_at = now if old is not None else row.claim.updated_at
        if old is not None:
            old.delete()
        _public_claim(row, updated_at).save(force_insert=True)
        PublicFacet.objects.bulk_create(_public_facets(row))
    return changed


def _published_claims_of(keys: Iterable[str]) -> set[int]:
    keys = sorted(set(keys))
    ids: set[int] = set()
    for start in range(0, len(keys), BATCH):
        ids.update(
            Figure.objects.filter(
                quantity_key__in=keys[start : start + BATCH],
                claim__state__in=PUBLIC_STATES,
            ).values_list("claim_id", flat=True)
        )
    return ids


def _figure_keys(claim_ids: Iterable[int]) -> set[str]:
    ids = sorted(set(claim_ids))
    keys: set[str] = set()
    for start in range(0, len(ids), BATCH):
        keys.update(
            Figure.objects.filter(claim_id__in=ids[start : start + BATCH]).values_list(
                "quantity_key", flat=True
            )
        )
    return keys


def _deriving_claims(claim_ids: set[int]) -> set[int]:
    """Published claims with a citation derived from one of these claims'
    citations: their documents list the bases the public can see."""
    ids = sorted(claim_ids)
    found: set[int] = set()
    for start in range(0, len(ids), BATCH):
        found.update(
            CitationDerivation.objects.filter(
                basis__claim_id__in=ids[start : start + BATCH],
                citation__claim__state__in=PUBLIC_STATES,
            ).values_list("citation__claim_id", flat=True)
        )
    return found


@transaction.atomic
def projection_refresh(
    *, claim_ids: Iterable[int] = (), quantity_keys: Iterable[str] = ()
) -> int:
    """Bring the projection of these claims and quantities up to date, and of
    every published claim whose quantities' public facts changed.

    Call inside the transaction of the change. Returns how many claim rows
    changed.
    """
    claim_ids = set(claim_ids)
    # Also a figure's former quantity: the caller passes it in quantity_keys.
    deriving = _deriving_claims(claim_ids)
    # A claim derived from one of these counts in its quantities' ranges
    # only while its published bases say so: refresh those quantities too.
    keys = set(quantity_keys) | _figure_keys(claim_ids | deriving)
    # A part's figures are checked against its whole's, and the other way.
    keys |= neighbour_keys(keys)
    now = timezone.now()
    changed_keys, facts = _write_quantities(keys, now)
    ids = claim_ids | _published_claims_of(changed_keys) | deriving
    if not ids:
        return 0
    all_keys = _figure_keys(ids)
    facts.update(_stored_facts(all_keys - set(facts)))
    return _write_claims(ids, facts, now)


def projection_rebuild(*, batch: int = 2000, progress=None) -> dict[str, int]:
    """Recompute the whole projection from the published rows."""
    with transaction.atomic():
        PublicFacet.objects.all().delete()
        PublicClaim.objects.all().delete()
        PublicQuantity.objects.all().delete()
        now = timezone.now()
        keys = sorted(
            set(
                Figure.objects.filter(claim__state__in=LIVE_STATES)
                .values_list("quantity_key", flat=True)
                .distinct()
            )
        )
        for start in range(0, len(keys), batch):
            _write_quantities(set(keys[start : start + batch]), now, fresh=True)
        last, claims = 0, 0
        while True:
            ids = list(
                Claim.objects.filter(state__in=PUBLIC_STATES, pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            last = ids[-1]
            claims += _write_claims(
                set(ids), _stored_facts(_figure_keys(ids)), now, fresh=True
            )
            if progress is not None:
                progress(len(ids))
    if connection.vendor == "postgresql":
        # Fresh tables: without statistics the planner picks poor plans for
        # the filters (measured in bench/plans/).
        with connection.cursor() as cursor:
            for model in (PublicClaim, PublicFacet, PublicQuantity):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return {"claims": claims, "quantities": PublicQuantity.objects.count()}


def projection_check() -> list[str]:
    """Where the stored projection differs from one computed afresh now
    (timestamps aside); empty when they agree."""
    problems = []
    keys = set(
        Figure.objects.filter(claim__state__in=LIVE_STATES).values_list(
            "quantity_key", flat=True
        )
    )
    stored_q = {q.quantity_key: q.content_hash for q in PublicQuantity.objects.all()}
    fresh_q = compute_quantities(keys)
    for key in sorted(set(stored_q) | set(fresh_q)):
        if key not in fresh_q:
            problems.append(f"quantity {key[:12]}: stored but has no live figure")
        elif key not in stored_q:
            problems.append(f"quantity {key[:12]}: missing")
        elif stored_q[key] != fresh_q[key].content_hash:
            problems.append(f"quantity {key[:12]}: differs")
    ids = set(
        Claim.objects.filter(state__in=PUBLIC_STATES).values_list("pk", flat=True)
    )
    stored = {p.pk: p for p in PublicClaim.objects.all()}
    fresh = compute_claims(ids, {k: r.facts for k, r in fresh_q.items()})
    for pk in sorted(set(stored) | set(fresh)):
        if pk not in fresh:
            problems.append(f"claim {stored[pk].public_id}: public but not published")
        elif pk not in stored:
            problems.append(f"claim {fresh[pk].claim.public_id}: missing")
        elif stored[pk].content_hash != fresh[pk].content_hash:
            problems.append(f"claim {stored[pk].public_id}: differs")
    return problems
