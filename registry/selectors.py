"""Named reads for the reviewers' admin; each brings what its page shows."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from .choices import ClaimState, ConflictStatus
from .models import Citation, Claim, ClaimTransition, Conflict


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
    counts = Claim.objects.aggregate(
        in_review=Count("pk", filter=Q(state=ClaimState.IN_REVIEW)),
        waiting_for_user=Count(
            "pk",
            filter=Q(state=ClaimState.IN_REVIEW) & ~Q(submitted_by=user),
        ),
        changes_requested=Count("pk", filter=Q(state=ClaimState.CHANGES_REQUESTED)),
        drafts=Count("pk", filter=Q(state=ClaimState.DRAFT)),
    )
    counts["open_conflicts"] = Conflict.objects.filter(
        status=ConflictStatus.OPEN
    ).count()
    return counts


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
