"""Published claims whose suggested confidence moved after a reviewer decided.

The suggestion (``confidence.claim_suggested_confidence``) depends on other
rows: a conflict settled or explained, a figure revised by its originator's
later one, a corroborating claim published, retracted or superseded. A
published claim never changes silently, so the stored confidence stays as
the reviewer chose it; instead ``suggestions_check`` compares each affected
approved claim's suggestion with the one the reviewer last saw
(``Claim.suggested_confidence``) and keeps one open ``SuggestionChange`` per
claim for a reviewer to read in the admin. ``suggestion_change_review``
marks it read (the reviewer keeps the level, or corrects the claim through
the workflow); the suggestion then seen becomes the new baseline.

Claims published before this was recorded have no baseline: the first
check records the current suggestion as their baseline and flags nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from registry.choices import ClaimState
from registry.models import Claim, Figure, SuggestionChange
from registry.services.confidence import suggested_confidences

REVIEW_PERMISSION = "registry.review_claim"


def suggestions_check(
    *,
    quantity_keys: Iterable[str] = (),
    claim_ids: Iterable[int] = (),
    cause: str,
    exclude: Iterable[int] = (),
) -> list[SuggestionChange]:
    """Flag the approved claims (with figures in these quantities, or these
    claims) whose suggestion differs from the one their reviewer last saw.
    Call inside the transaction of the change; returns the open changes it
    wrote or updated."""
    ids = set(claim_ids)
    keys = sorted({k for k in quantity_keys if k})
    if keys:
        ids |= set(
            Figure.objects.filter(quantity_key__in=keys).values_list(
                "claim_id", flat=True
            )
        )
    ids -= set(exclude)
    if not ids:
        return []
    claims = list(
        Claim.objects.filter(pk__in=ids, state=ClaimState.APPROVED)
        .select_for_update()
        .order_by("pk")
    )
    # Every claim's suggestion from one batch of reads, and every open
    # change in one query: the cost of an approval does not grow with the
    # number of claims about the same quantity.
    levels = suggested_confidences(claims)
    open_changes = {
        change.claim_id: change
        for change in SuggestionChange.objects.filter(
            claim__in=claims, reviewed_at__isnull=True
        )
    }
    now = timezone.now()
    created, updated, settled = [], [], []
    for claim in claims:
        level = levels[claim.pk]
        if claim.suggested_confidence is None:
            # No baseline yet (published before these were recorded): once.
            claim.suggested_confidence = level.level
            claim.save(update_fields=["suggested_confidence"], touch=False)
            continue
        open_change = open_changes.get(claim.pk)
        if level.level == claim.suggested_confidence:
            if open_change is not None:
                # Back to what the reviewer saw: nothing left to read.
                settled.append(open_change.pk)
            continue
        if open_change is None:
            open_change = SuggestionChange(
                claim=claim, from_level=claim.suggested_confidence
            )
            created.append(open_change)
        elif open_change.to_level == level.level:
            continue
        else:
            updated.append(open_change)
        open_change.to_level = level.level
        open_change.reasons = list(level.reasons)
        open_change.cause = cause[:300]
        open_change.created_at = now
        # The claim is this one; the one-open-change rule is the database's.
        open_change.full_clean(
            exclude=["claim", "reviewed_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    if settled:
        SuggestionChange.objects.filter(pk__in=settled).delete()
    if created:
        SuggestionChange.objects.bulk_create(created)
    if updated:
        SuggestionChange.objects.bulk_update(
            updated, ["to_level", "reasons", "cause", "created_at"]
        )
    return sorted(created + updated, key=lambda change: change.claim_id)


def suggestion_change_review(
    *, change: SuggestionChange, actor, note: str = ""
) -> SuggestionChange:
    """A reviewer has read the change: the claim keeps its stored confidence
    (a different level is a correction, through the workflow), and the new
    suggestion becomes the baseline later changes are compared with."""
    if actor is None or not actor.is_active or not actor.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Only a reviewer may review a suggestion change.")
    with transaction.atomic():
        locked = SuggestionChange.objects.select_for_update().get(pk=change.pk)
        if locked.reviewed_at is not None:
            return locked
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.note = (note or "").strip()
        locked.save(update_fields=["reviewed_by", "reviewed_at", "note"])
        claim = Claim.objects.select_for_update().get(pk=locked.claim_id)
        claim.suggested_confidence = locked.to_level
        claim._history_user = actor
        claim.save(update_fields=["suggested_confidence"], touch=False)
    return locked
