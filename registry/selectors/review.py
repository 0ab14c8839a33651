"""Reads for the reviewers' admin pages: unlike the public selectors, these
see claims in every state."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from registry.choices import ClaimState, ConflictStatus
from registry.models import (
    Citation,
    Claim,
    ClaimTransition,
    Conflict,
    Document,
    Event,
    Figure,
    Source,
    SourceAlias,
)
from registry.selectors.search import claims_citing_condition, ids_or_condition

# Counts on the reviewers' pages stop here ("more than 200", or a list's
# "about N"): an exact count of a big source's claims reads all of them, and
# counting further through a sparse filter walks further (claims in an open
# conflict are 1.5% of all).
COUNT_CAP = 200
# Events or documents a typed filter may name before it matches by a join.
FILTER_RECORDS = 200


@contextmanager
def serial_reads(using: str = "default"):
    """Reads of one page, without PostgreSQL's parallel workers.

    A reviewer's page reads a few rows through an index; starting parallel
    workers for it cost 150-200 ms on a busy machine, where the same query
    run alone took 40 ms (bench/RESULTS.md). Inside a transaction, so the
    setting ends with it.
    """
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def in_open_conflict() -> Exists:
    """A condition on claims: one of its figures is in an open conflict.

    The rule behind ``Claim.in_open_conflict``, which conflict detection
    keeps equal to it (``services.conflicts.claims_flag_refresh``); pages
    filter on the flag (``flagged_open_conflict``), not on this.
    """
    return Exists(
        Conflict.figures.through.objects.filter(
            figure__claim=OuterRef("pk"), conflict__status=ConflictStatus.OPEN
        )
    )


def flagged_open_conflict(value: bool = True) -> Q:
    """Claims (not) in an open conflict, by the stored flag: those in one
    are read in list order from the partial index ``claim_open_conflict``,
    where the rule itself walked claims checking each (1.5% match)."""
    return Q(in_open_conflict=value)


def claims_for_review_list(queryset: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Claims with what a list row shows: event, originators, conflict flag
    (``claim.in_open_conflict``, on the row).

    The originators are prefetched for the page's claims only.
    """
    queryset = Claim.objects.all() if queryset is None else queryset
    return queryset.select_related("event", "submitted_by").prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("originator").only(
                "pk",
                "claim_id",
                "attributed_to",
                "originator__name",
                "originator__short_name",
            ),
        ),
    )


def review_queue(*, user) -> QuerySet[Claim]:
    """Claims in review that ``user`` did not submit, oldest submission first
    (read in order from the partial index ``claim_queue``)."""
    return (
        claims_for_review_list(Claim.objects.filter(state=ClaimState.IN_REVIEW))
        .exclude(submitted_by=user)
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


def source_claim_counts(*, source, cap: int = COUNT_CAP) -> dict[str, int]:
    """How many claims cite ``source`` as originator, by state, each count
    stopping at ``cap + 1`` (read "more than ``cap``").

    One bounded query a state: a source cited by half a million claims is
    counted in the time of reading ``cap`` of them, a rare one through its
    citations.
    """
    cites = Exists(Citation.objects.filter(claim=OuterRef("pk"), originator=source))
    counts = {}
    with serial_reads(Claim.objects.db):
        for state in ClaimState.values:
            n = (
                Claim.objects.filter(state=state)
                .filter(cites)
                .order_by()
                .values("pk")[: cap + 1]
                .count()
            )
            if n:
                counts[state] = n
    return counts


# ------------------------------------------------- the claim list's filters


def sources_matching(text: str) -> QuerySet[SourceAlias]:
    """Aliases (names and short names included) containing ``text``, any
    case: read through the trigram index on ``key`` on PostgreSQL."""
    return SourceAlias.objects.filter(key__contains=SourceAlias.normalise(text))


def _by_public_id_or(model, value: str, condition: Q) -> list[int]:
    """The record with this public id, else those matching ``condition``:
    asked apart, so each is read through its own index."""
    exact = list(model.objects.filter(public_id=value).values_list("pk", flat=True))
    if exact:
        return exact
    return list(
        model.objects.filter(condition)
        .order_by()
        .values_list("pk", flat=True)[: FILTER_RECORDS + 1]
    )


def claims_of_source(value: str) -> Q:
    """Claims citing the source with this public id, name or alias (as
    originator or relay)."""
    key = SourceAlias.normalise(value)
    sources = _by_public_id_or(Source, value, Q(aliases__key=key))
    return claims_citing_condition(sources[:FILTER_RECORDS])


def claims_of_event(value: str) -> Q:
    """Claims about the event with this public id, or events whose title
    contains ``value``."""
    events = _by_public_id_or(Event, value, Q(title__icontains=value))
    if len(events) > FILTER_RECORDS:
        return Q(event__title__icontains=value)
    return Q(event_id__in=events)


def claims_of_document(value: str) -> Q:
    """Claims citing the document with this public id, or documents whose
    title contains ``value``."""
    documents = _by_public_id_or(Document, value, Q(title__icontains=value))
    if len(documents) > FILTER_RECORDS:
        return Q(
            Exists(
                Citation.objects.filter(
                    claim=OuterRef("pk"), document__title__icontains=value
                )
            )
        )
    return ids_or_condition(
        [
            Citation.objects.filter(document_id__in=documents).values_list(
                "claim_id", flat=True
            )
        ],
        Q(
            Exists(
                Citation.objects.filter(claim=OuterRef("pk"), document_id__in=documents)
            )
        ),
    )


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


# ------------------------------------------------- citations by claim position
# A citation is named outside the database by its claim's public id and its
# position among that claim's citations (from 0, in the order they were
# added), as the import format names a figure: "CLAIMID#0".


def citation_ref(citation: Citation) -> dict:
    siblings = list(
        Citation.objects.filter(claim_id=citation.claim_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {"claim": citation.claim.public_id, "index": siblings.index(citation.pk)}


def citation_ref_text(citation: Citation) -> str:
    ref = citation_ref(citation)
    return f"{ref['claim']}#{ref['index']}"


def citation_at(claim_public_id: str, index: int) -> Citation:
    """The citation at this position of this claim; ``Citation.DoesNotExist``
    (with what was asked) when there is none."""
    found = (
        Citation.objects.filter(claim__public_id=claim_public_id)
        .select_related("claim", "originator")
        .order_by("pk")[index : index + 1]
        if index >= 0
        else []
    )
    found = list(found)
    if not found:
        raise Citation.DoesNotExist(
            f"claim {claim_public_id!r} has no citation at position {index}"
        )
    return found[0]


def citations_from_refs(text: str) -> list[Citation]:
    """Citations named as "CLAIMID#N" separated by commas or spaces;
    ``ValueError`` naming the first reference that does not resolve."""
    found = []
    for ref in text.replace(",", " ").split():
        claim_id, sep, index = ref.rpartition("#")
        if not sep or not claim_id or not index.isdigit():
            raise ValueError(
                f"{ref!r}: write a citation as CLAIM-ID#N (N: its position in "
                "that claim, from 0)"
            )
        try:
            citation = citation_at(claim_id, int(index))
        except Citation.DoesNotExist as exc:
            raise ValueError(f"{ref!r}: {exc}") from exc
        if citation.pk not in {c.pk for c in found}:
            found.append(citation)
    return found


def claim_parts_checks(claim: Claim) -> list:
    """The claim's totals recorded with their parts, each with the check
    that the parts add up (``rules.check_parts``), in any state: one query."""
    from registry.figures import rules

    figures = list(claim.figures.order_by("pk"))
    parts: dict = {}
    for figure in figures:
        if figure.part_of_id is not None:
            parts.setdefault(figure.part_of_id, []).append(figure)
    return [
        check
        for check in (rules.check_parts(f, parts.get(f.pk, ())) for f in figures)
        if check is not None
    ]
