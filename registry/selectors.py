"""Named reads: the public API, permalink pages and exports; the reviewers' admin.

Everything the public sees starts from a selector here, so the visibility
rule (only ``PUBLIC_STATES``) is written once. Each selector carries the
``select_related``/``prefetch_related`` its readers need, so that a page of
claims costs the same number of queries whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from . import intervals
from .choices import PUBLIC_STATES, ClaimState, ConflictStatus
from .models import (
    Citation,
    CitationRelay,
    Claim,
    ClaimTransition,
    Conflict,
    Document,
    Event,
    Figure,
    Source,
)

PUBLIC = sorted(PUBLIC_STATES)
CORRECTED_STATES = [ClaimState.RETRACTED, ClaimState.SUPERSEDED]

# Full-text search configurations: statements are written in the registry's
# neutral English; quotes are verbatim in any language, so no stemming.
STATEMENT_SEARCH_CONFIG = "english"
QUOTE_SEARCH_CONFIG = "simple"
SEARCH_FEW = 2000  # matches up to which search goes through the index alone


def _public_claim_ids() -> QuerySet:
    return Claim.objects.filter(state__in=PUBLIC).values("pk")


def _citations_queryset() -> QuerySet:
    # A document's full text can run to tens of kilobytes and no public
    # representation shows it: leave it in the database.
    return (
        Citation.objects.select_related("document__publisher", "originator").defer(
            "document__text"
        )
    ).prefetch_related(
        Prefetch("relay_links", queryset=CitationRelay.objects.select_related("source"))
    )


def _public_figures_queryset() -> QuerySet:
    """Figures of published claims, with the originators of their claims."""
    return Figure.objects.filter(claim__state__in=PUBLIC).select_related("claim")


def _conflicts_queryset() -> QuerySet:
    return Conflict.objects.prefetch_related(
        Prefetch(
            "figures",
            queryset=_public_figures_queryset().prefetch_related(
                Prefetch(
                    "claim__citations",
                    queryset=Citation.objects.select_related("originator"),
                )
            ),
            to_attr="public_figures",
        )
    )


def published_claims() -> QuerySet[Claim]:
    """Every claim the public may see, ready to be serialised."""
    return (
        Claim.objects.filter(state__in=PUBLIC)
        .select_related("event", "corrects", "corrected_by")
        .prefetch_related(
            Prefetch("citations", queryset=_citations_queryset()),
            Prefetch(
                "figures",
                queryset=Figure.objects.prefetch_related(
                    Prefetch("conflicts", queryset=_conflicts_queryset())
                ),
            ),
        )
    )


def published_claim_get(*, public_id: str) -> Claim | None:
    """One published claim with its peers attached, or None (never a hint why)."""
    claim = published_claims().filter(public_id=public_id).first()
    if claim is not None:
        attach_claim_context([claim])
    return claim


# -- Context computed for a page of claims -----------------------------------


@dataclass
class FigureContext:
    consensus: intervals.Interval | None
    agreeing: int  # published figures about the same quantity, this one included


def is_public(claim: Claim | None) -> bool:
    return claim is not None and claim.state in PUBLIC_STATES


def attach_claim_context(claims: Iterable[Claim]) -> None:
    """Attach consensus intervals and correction chains to a page of claims.

    Two or three queries for the whole page, whatever its size: the peer
    figures (same quantity, published claims) and the claims of the
    correction chains, fetched generation by generation.
    """
    claims = list(claims)
    figures = [f for c in claims for f in c.figures.all()]
    keys = {f.quantity_key for f in figures}
    peers: dict[str, list[Figure]] = defaultdict(list)
    if keys:
        for peer in Figure.objects.filter(
            quantity_key__in=keys, claim__state__in=PUBLIC
        ).only(
            "pk",
            "kind",
            "low",
            "high",
            "date_earliest",
            "date_latest",
            "quantity_key",
            "claim_id",
        ):
            peers[peer.quantity_key].append(peer)
    for figure in figures:
        figure.context = _figure_context(figure, peers.get(figure.quantity_key, []))
    _attach_correction_chains(claims)


def _figure_context(figure: Figure, peers: list[Figure]) -> FigureContext:
    # The consensus is where every published figure about the quantity
    # agrees: the intersection of all their intervals, if there is one.
    own = figure.interval
    if own is None:
        return FigureContext(None, 0)
    consensus: intervals.Interval | None = own
    for peer in peers:
        if peer.pk == figure.pk or consensus is None:
            continue
        other = peer.interval
        if other is not None:
            consensus = consensus.intersection(other)
    return FigureContext(consensus, max(1, len(peers)))


def _attach_correction_chains(claims: list[Claim]) -> None:
    """Each claim's public versions, oldest first, as ``claim.correction_chain``.

    Claims loaded with ``corrects`` and ``corrected_by`` are "expanded"; their
    neighbours are fetched the same way one generation at a time, so the
    cost is one query per generation, not per claim.
    """
    known: dict[int, Claim] = {}
    successor: dict[int, int] = {}
    expanded: set[int] = set()

    def expand(claim: Claim) -> set[int]:
        known.setdefault(claim.pk, claim)
        expanded.add(claim.pk)
        found = set()
        for before, after in (
            (claim.corrects if claim.corrects_id else None, claim),
            (claim, _successor(claim)),
        ):
            if is_public(before) and is_public(after):
                successor[before.pk] = after.pk
                for c in (before, after):
                    known.setdefault(c.pk, c)
                    found.add(c.pk)
        return found

    frontier: set[int] = set()
    for claim in claims:
        frontier |= expand(claim)
    for _ in range(20):  # a guard; real chains are a few versions long
        frontier -= expanded
        if not frontier:
            break
        batch = Claim.objects.filter(pk__in=frontier, state__in=PUBLIC)
        frontier = set()
        for claim in batch.select_related("corrects", "corrected_by"):
            frontier |= expand(claim)
    predecessor = {after: before for before, after in successor.items()}
    for claim in claims:
        first, guard = claim.pk, 0
        while first in predecessor and guard < 50:
            first, guard = predecessor[first], guard + 1
        chain, cursor = [], first
        while cursor is not None and len(chain) < 50:
            chain.append(known[cursor])
            cursor = successor.get(cursor)
        claim.correction_chain = chain if len(chain) > 1 else []


def _successor(claim: Claim) -> Claim | None:
    try:
        return claim.corrected_by
    except Claim.DoesNotExist:
        return None


# -- Conflicts ----------------------------------------------------------------


def public_conflict_figures(conflict: Conflict) -> list[Figure]:
    figures = getattr(conflict, "public_figures", None)
    if figures is None:
        figures = list(_public_figures_queryset().filter(conflicts=conflict))
    return figures


def published_conflicts() -> QuerySet[Conflict]:
    """Conflicts between figures of at least two published claims."""
    published_figures = (
        Figure.objects.filter(conflicts=OuterRef("pk"), claim__state__in=PUBLIC)
        .order_by()
        .values("conflicts")
        .annotate(n=Count("claim_id", distinct=True))
        .values("n")
    )
    return (
        _conflicts_queryset()
        .select_related("event", "preferred_figure__claim")
        .annotate(
            published_claims=Coalesce(
                Subquery(published_figures, output_field=IntegerField()), 0
            )
        )
        .filter(published_claims__gte=2)
    )


def claims_with_conflict() -> QuerySet:
    """Claim ids with a figure in a conflict with another published claim."""
    other = Figure.objects.filter(
        conflicts=OuterRef("conflicts"), claim__state__in=PUBLIC
    ).exclude(claim_id=OuterRef("claim_id"))
    return (
        Figure.objects.filter(claim__state__in=PUBLIC, conflicts__isnull=False)
        .filter(Exists(other))
        .values("claim_id")
    )


# -- Sources, documents, events -----------------------------------------------


def _count_subquery(queryset: QuerySet, group: str) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values(group)
            .annotate(n=Count("claim_id", distinct=True))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def public_sources() -> QuerySet[Source]:
    """Sources that a published claim cites as originator, relay or publisher."""
    public_citations = Citation.objects.filter(claim__state__in=PUBLIC)
    as_originator = public_citations.filter(originator=OuterRef("pk"))
    as_relay = public_citations.filter(relay_links__source=OuterRef("pk"))
    as_publisher = public_citations.filter(document__publisher=OuterRef("pk"))
    return (
        Source.objects.filter(
            Exists(as_originator) | Exists(as_relay) | Exists(as_publisher)
        )
        .select_related("parent")
        .prefetch_related("aliases")
        .annotate(
            published_claim_count=_count_subquery(as_originator, "originator"),
            relayed_claim_count=_count_subquery(
                Citation.objects.filter(
                    claim__state__in=PUBLIC, relay_links__source=OuterRef("pk")
                ),
                "relay_links__source",
            ),
        )
    )


def public_documents() -> QuerySet[Document]:
    """Documents cited by a published claim, and the documents they are part of."""
    cited = Citation.objects.filter(claim__state__in=PUBLIC)
    return (
        Document.objects.filter(
            Exists(cited.filter(document=OuterRef("pk")))
            | Exists(cited.filter(document__part_of=OuterRef("pk")))
        )
        .select_related("publisher", "part_of")
        .defer("text")
    )


def public_events() -> QuerySet[Event]:
    claims = Claim.objects.filter(state__in=PUBLIC, event=OuterRef("pk"))
    return Event.objects.filter(Exists(claims)).annotate(
        published_claim_count=Coalesce(
            Subquery(
                claims.order_by().values("event").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    )


# -- Corrections --------------------------------------------------------------


def corrections() -> QuerySet[Claim]:
    """Every retraction and supersession, newest first.

    ``corrected_at`` is when the claim left the approved state, from the
    audit trail (only its time is read: the transition's actor and comment
    are internal).
    """
    left_at = (
        ClaimTransition.objects.filter(claim=OuterRef("pk"), to_state=OuterRef("state"))
        .order_by()
        .values("claim")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    return (
        Claim.objects.filter(state__in=CORRECTED_STATES)
        .select_related("event", "corrected_by")
        .annotate(corrected_at=Coalesce(Subquery(left_at), "updated_at"))
        .order_by("-corrected_at", "-pk")
    )


# -- Full-text search ----------------------------------------------------------


def search_claims(queryset: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """Claims whose statement or one of whose quotes matches ``text``.

    PostgreSQL: full-text search over ``registry_claim.search_vector``
    (migration 0005_search keeps it current and indexed); the words are
    matched stemmed (English) or as written (quotes in any language), and
    ``text`` may use web-search syntax ("a phrase", -word, or). Elsewhere:
    a case-insensitive substring match.
    """
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        matches = RawSQL(
            f'"{Claim._meta.db_table}"."search_vector" @@ '
            f"(websearch_to_tsquery('{STATEMENT_SEARCH_CONFIG}', %s) "
            f"|| websearch_to_tsquery('{QUOTE_SEARCH_CONFIG}', %s))",
            [text, text],
            output_field=BooleanField(),
        )
        # A rare word is best found through the index, then sorted; a common
        # one by walking the publication-order index until a page is full.
        # The planner cannot tell which from a tsvector's statistics, so one
        # cheap query (at most SEARCH_FEW + 1 ids) decides.
        few = list(
            # No ORDER BY: any SEARCH_FEW + 1 matches will do, found early.
            Claim.objects.filter(matches)
            .order_by()
            .values_list("pk", flat=True)[: SEARCH_FEW + 1]
        )
        if len(few) <= SEARCH_FEW:
            return queryset.filter(pk__in=few)
        return queryset.filter(matches)
    return queryset.filter(
        Q(statement__icontains=text)
        | Q(pk__in=Citation.objects.filter(quote__icontains=text).values("claim_id"))
    )


# -- Exports --------------------------------------------------------------------


@dataclass
class ExportBatch:
    """A batch of published claims as plain rows, with their related rows."""

    claims: list[dict]
    citations: dict[int, list[dict]]  # claim id -> citations, in order
    relays: dict[int, list[dict]]  # citation id -> relay sources, in order
    figures: dict[int, list[dict]]  # claim id -> figures, in order
    successors: dict[int, dict]  # claim id -> its public successor


SOURCE_FIELDS = ("public_id", "name", "short_name", "kind", "reliability")


def published_claim_batches(batch_size: int = 2000):
    """Every published claim, in primary-key order, ``batch_size`` at a time.

    Plain rows (``values()``), not model instances: an export of a million
    claims spends its time on the rows, not on building objects. Batches
    are read by keyset (``pk > last``), so memory stays flat and no query
    grows with the registry.
    """

    def src(prefix: str) -> list[str]:
        return [f"{prefix}__{f}" for f in SOURCE_FIELDS]

    last = 0
    while True:
        claims = list(
            Claim.objects.filter(state__in=PUBLIC, pk__gt=last)
            .order_by("pk")
            .values(
                "pk",
                "public_id",
                "statement",
                "kind",
                "state",
                "confidence",
                "confidence_rationale",
                "public_note",
                "published_at",
                "updated_at",
                "corrects_id",
                "corrects__public_id",
                "corrects__statement",
                "corrects__state",
                "corrects__published_at",
                "event__public_id",
                "event__title",
                "event__place",
                "event__date_earliest",
                "event__date_latest",
                "event__date_precision",
            )[:batch_size]
        )
        if not claims:
            return
        ids = [c["pk"] for c in claims]
        last = ids[-1]
        citations: dict[int, list[dict]] = defaultdict(list)
        for row in (
            Citation.objects.filter(claim_id__in=ids)
            .order_by("claim_id", "pk")
            .values(
                "pk",
                "claim_id",
                "quote",
                "start",
                "end",
                "stance",
                *src("originator"),
                "document__public_id",
                "document__kind",
                "document__title",
                "document__url",
                "document__archive_url",
                "document__published_on",
                "document__published_precision",
                "document__language",
                "document__publisher_id",
                *src("document__publisher"),
            )
        ):
            citations[row["claim_id"]].append(row)
        relays: dict[int, list[dict]] = defaultdict(list)
        for row in (
            CitationRelay.objects.filter(citation__claim_id__in=ids)
            .order_by("citation_id", "position")
            .values("citation_id", *src("source"))
        ):
            relays[row["citation_id"]].append(row)
        figures: dict[int, list[dict]] = defaultdict(list)
        for row in (
            Figure.objects.filter(claim_id__in=ids)
            .order_by("claim_id", "pk")
            .values(
                "claim_id",
                "kind",
                "metric",
                "subject",
                "stated",
                "qualifier",
                "value",
                "value_high",
                "unit",
                "date_value",
                "date_precision",
                "period_start",
                "period_end",
                "as_of",
                "low",
                "high",
                "date_earliest",
                "date_latest",
            )
        ):
            figures[row["claim_id"]].append(row)
        successors = {
            row["corrects_id"]: row
            for row in Claim.objects.filter(
                corrects_id__in=ids, state__in=PUBLIC
            ).values("corrects_id", "public_id", "statement", "state", "published_at")
        }
        yield ExportBatch(claims, citations, relays, figures, successors)


# ------------------------------------------------------- the reviewers' admin
# Reads for the admin pages; unlike everything above, these see every state.


def _open_conflict_exists():
    return Exists(
        Conflict.figures.through.objects.filter(
            figure__claim=OuterRef("pk"), conflict__status=ConflictStatus.OPEN
        )
    )


def _submitted_at():
    return Subquery(
        ClaimTransition.objects.filter(
            claim=OuterRef("pk"), to_state=ClaimState.IN_REVIEW
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def claims_for_review_list(queryset: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Claims with what a list row shows: event, originators, conflict flag."""
    queryset = Claim.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("event", "submitted_by")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("originator").only(
                    "pk", "claim_id", "originator__name", "originator__short_name"
                ),
            )
        )
        .annotate(has_open_conflict=_open_conflict_exists())
    )


def review_queue(*, user) -> QuerySet[Claim]:
    """Claims in review that ``user`` did not submit, oldest submission first."""
    return (
        claims_for_review_list(Claim.objects.filter(state=ClaimState.IN_REVIEW))
        .exclude(submitted_by=user)
        .annotate(submitted_at=_submitted_at())
        .order_by("submitted_at", "pk")
    )


def review_counts(*, user) -> dict[str, int]:
    """The numbers shown on the admin's index page."""
    # One filtered count per number: each reads a range of the (state, ...)
    # index instead of the whole claims table.
    in_review = Claim.objects.filter(state=ClaimState.IN_REVIEW)
    return {
        "in_review": in_review.count(),
        "waiting_for_user": in_review.exclude(submitted_by=user).count(),
        "changes_requested": Claim.objects.filter(
            state=ClaimState.CHANGES_REQUESTED
        ).count(),
        "drafts": Claim.objects.filter(state=ClaimState.DRAFT).count(),
        "open_conflicts": Conflict.objects.filter(status=ConflictStatus.OPEN).count(),
    }


def claim_transitions(*, claim: Claim) -> QuerySet[ClaimTransition]:
    return claim.transitions.select_related("actor").order_by("created_at", "pk")


def source_claim_counts(*, source) -> dict[str, int]:
    """How many claims cite ``source`` as originator, by state."""
    rows = (
        Claim.objects.filter(citations__originator=source)
        .values("state")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return {row["state"]: row["n"] for row in rows}


def claim_parts_history(*, claim_id: int, limit: int = 200) -> list[dict]:
    """Changes to a claim's citations and figures, newest first, deleted ones too."""
    kinds = {"+": "added", "~": "changed", "-": "deleted"}
    rows = []
    for record in (
        Citation.history.filter(claim_id=claim_id)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    ):
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "change": kinds.get(record.history_type, record.history_type),
                "part": "citation",
                "what": f"\u201c{record.quote}\u201d ({record.start}-{record.end}, "
                f"{record.stance})",
            }
        )
    for record in (
        Figure.history.filter(claim_id=claim_id)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    ):
        value = (
            f"{record.date_value} ({record.date_precision})"
            if record.kind == "date"
            else f"{record.qualifier} {record.value}"
            + (f"-{record.value_high}" if record.value_high is not None else "")
        )
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "change": kinds.get(record.history_type, record.history_type),
                "part": "figure",
                "what": f"{record.metric} {record.subject}: {value}",
            }
        )
    rows.sort(key=lambda row: row["date"], reverse=True)
    return rows[:limit]
