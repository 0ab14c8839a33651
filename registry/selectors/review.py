"""Reads for the reviewers' admin pages: unlike the public selectors, these
see claims in every state."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery

from registry.choices import ClaimState, ConflictStatus
from registry.models import Citation, Claim, ClaimTransition, Conflict, Figure


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
                    "pk",
                    "claim_id",
                    "attributed_to",
                    "originator__name",
                    "originator__short_name",
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
