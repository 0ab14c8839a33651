"""Conflicting figures: detection and reviewers' decisions.

The rules (which figures disagree, the consensus, when a decision still
holds, the ranges) are in ``registry.figures.rules``; this module applies
them to the figure rows:

- **Same quantity**: figures with the same ``Figure.quantity_key`` (kind,
  event, metric, subject, period start and end; *not* the as-of date).
- **Who takes part**: figures of claims in every state except rejected,
  retracted and superseded, so reviewers see a disagreement while they
  review. The public projection (``services.projection``) applies the same
  rules to published, current figures alone.
- **One record per quantity**: while its figures disagree, a quantity has
  exactly one ``Conflict`` whose members are all its taking-part figures.
  New figures reopen a decided conflict when they challenge the decision
  (``rules.decision_challenged``); the old decision stays in the
  ``ConflictDecision`` trail. When the figures agree again the conflict is
  deleted (a "dissolved" row keeps its history), so a conflict row always
  means a live disagreement.

Detection is ``conflicts_refresh(quantity_keys=...)``: it reads only the
figures of those keys through the ``quantity_key`` index, never the table.

It also keeps ``Claim.in_open_conflict`` (the admin's conflict filter)
equal to ``selectors.review.in_open_conflict()`` for every claim whose
figures it saw, and so does a reviewer's decision for the claims of its
conflict (``claims_flag_refresh``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from registry.choices import ClaimState, ConflictAction, ConflictStatus
from registry.figures import rules
from registry.models import (
    Claim,
    Conflict,
    ConflictDecision,
    Figure,
    citations_marked_derived,
)
from registry.selectors.review import in_open_conflict
from registry.services.projection import projection_refresh

PARTICIPATING_STATES = frozenset(
    {
        ClaimState.DRAFT,
        ClaimState.IN_REVIEW,
        ClaimState.CHANGES_REQUESTED,
        ClaimState.APPROVED,
    }
)
SETTLE_PERMISSION = "registry.settle_conflict"


# ------------------------------------------------------------------ detection


@dataclass
class RefreshResult:
    opened: list[Conflict] = field(default_factory=list)
    reopened: list[Conflict] = field(default_factory=list)
    updated: list[Conflict] = field(default_factory=list)
    dissolved: list[str] = field(default_factory=list)  # quantity keys


# Quantity keys share a fixed number of lock slots: a refresh over any
# number of keys holds at most this many locks.
LOCK_SLOTS = 1024
# The first half of PostgreSQL's two-part advisory lock key, so that our
# slots never meet another user of advisory locks on the same database.
LOCK_NAMESPACE = 0x51A7


def _lock_slot(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % LOCK_SLOTS


def _lock_quantity(keys: Iterable[str]) -> None:
    # Two transactions adding figures to one quantity must not each miss the
    # other's figure: on PostgreSQL, serialise them on the key (SQLite
    # already serialises writers). A lock per key held to commit runs out of
    # shared memory at a few thousand keys (``max_locks_per_transaction``),
    # so keys are hashed into LOCK_SLOTS slots: two writers of one quantity
    # still meet on its slot, writers of unrelated quantities sometimes wait
    # for nothing. Slots are taken in sorted order, so two refreshes never
    # wait on each other crosswise.
    if connection.vendor != "postgresql":
        return
    slots = sorted({_lock_slot(key) for key in keys})
    if not slots:
        return
    with connection.cursor() as cursor:
        # One statement: a function scan over the array runs in array order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, slot) FROM unnest(%s::int[]) AS slot",
            [LOCK_NAMESPACE, slots],
        )


def record_decision(
    conflict: Conflict,
    action: str,
    *,
    figures: Iterable[Figure],
    actor=None,
    from_status="",
    **extra,
) -> ConflictDecision:
    """One row of a conflict's audit trail, with its members' signatures."""
    return ConflictDecision.objects.create(
        conflict=conflict if conflict.pk else None,
        conflict_public_id=conflict.public_id,
        quantity_key=conflict.quantity_key,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=conflict.status if action != ConflictAction.DISSOLVED else "",
        figures=sorted(rules.signature(f) for f in figures),
        **extra,
    )


def _refresh_key(
    key: str,
    figures: list[Figure],
    conflict: Conflict | None,
    old_ids: set[int],
    result: RefreshResult,
) -> None:
    """One quantity: its taking-part figures (in pk order), its conflict row
    (locked) and that conflict's current members, all read beforehand."""
    # An originator's earlier figure, revised by its later one, takes no part.
    figures = rules.current_figures(figures, rules.originators_of(figures))
    disagreements = rules.find_disagreements(figures)
    ids = {f.pk for f in figures}
    if not disagreements:
        if conflict is not None:
            record_decision(
                conflict,
                ConflictAction.DISSOLVED,
                from_status=conflict.status,
                figures=conflict.figures.all(),
            )
            conflict.delete()
            result.dissolved.append(key)
        return
    if conflict is None:
        first = figures[0]
        conflict = Conflict.objects.create(
            quantity_key=key,
            event_id=first.claim.event_id,
            kind=first.kind,
            metric=first.metric,
            subject=first.subject,
            period_start=first.period_start,
            period_end=first.period_end,
        )
        conflict.figures.set(figures)
        record_decision(conflict, ConflictAction.OPENED, figures=figures)
        result.opened.append(conflict)
        return
    added = ids - old_ids
    if conflict.status != ConflictStatus.OPEN:
        # A figure edited since the decision (same row, other interval) is
        # as new to the decision as an added one.
        decided = (
            conflict.decisions.filter(
                action__in=[ConflictAction.SETTLED, ConflictAction.EXPLAINED]
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if decided is not None:
            added = rules.new_to_decision(figures, decided.figures)
    challenged = rules.decision_challenged(
        status=conflict.status,
        preferred_id=conflict.preferred_figure_id,
        new=added,
        disagreements=disagreements,
    )
    lost_preference = (
        conflict.preferred_figure_id is not None
        and conflict.preferred_figure_id not in ids
    )
    if ids != old_ids:
        conflict.figures.set(figures)
    if conflict.status != ConflictStatus.OPEN and (challenged or lost_preference):
        from_status = conflict.status
        conflict.status = ConflictStatus.OPEN
        conflict.preferred_figure = None
        conflict.rationale = ""
        conflict.settled_by = None
        conflict.settled_at = None
        conflict.save(
            update_fields=[
                "status",
                "preferred_figure",
                "rationale",
                "settled_by",
                "settled_at",
            ]
        )
        record_decision(
            conflict,
            ConflictAction.REOPENED,
            from_status=from_status,
            figures=figures,
            rationale=(
                "The preferred figure no longer takes part."
                if lost_preference
                else "A new figure disagrees."
            ),
        )
        result.reopened.append(conflict)
    elif ids != old_ids:
        conflict.save(update_fields=[])
        result.updated.append(conflict)


# Keys read per query: a refresh after a bulk load reads its figures and
# conflicts a batch of keys at a time, not a key at a time.
REFRESH_BATCH = 1000


def claims_flag_refresh(*, claim_ids: Iterable[int]) -> int:
    """Set ``Claim.in_open_conflict`` of these claims to what
    ``in_open_conflict()`` computes; returns how many rows changed.

    Two set-based UPDATEs a batch, each writing only the rows whose flag
    differs, so a refresh that changes nothing writes nothing (no dead
    tuples, no lock held on unchanged claims).
    """
    ids = sorted(set(claim_ids))
    changed = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = Claim.objects.filter(pk__in=ids[start : start + REFRESH_BATCH])
        changed += (
            batch.filter(in_open_conflict=False)
            .filter(in_open_conflict())
            .update(in_open_conflict=True)
        )
        changed += (
            batch.filter(in_open_conflict=True)
            .filter(~in_open_conflict())
            .update(in_open_conflict=False)
        )
    return changed


def conflicts_refresh(
    *, quantity_keys: Iterable[str], claim_ids: Iterable[int] = ()
) -> RefreshResult:
    """Recompute the conflicts of these quantities, and only these.

    The conflict flag of every claim with a figure of these quantities (or
    one in their conflicts before) is refreshed with them; ``claim_ids``
    names claims that left them unseen (a figure deleted or moved away).
    """
    result = RefreshResult()
    keys = sorted({k for k in quantity_keys if k})
    flagged = set(claim_ids)
    if not keys:
        claims_flag_refresh(claim_ids=flagged)
        return result
    with transaction.atomic():
        # Every slot first, before any read: the figures read below are then
        # complete for each key until commit.
        _lock_quantity(keys)
        for start in range(0, len(keys), REFRESH_BATCH):
            batch = keys[start : start + REFRESH_BATCH]
            figures: dict[str, list[Figure]] = defaultdict(list)
            for figure in (
                Figure.objects.filter(
                    quantity_key__in=batch, claim__state__in=PARTICIPATING_STATES
                )
                .select_related("claim")
                .prefetch_related("claim__citations")
                .order_by("pk")
            ):
                figures[figure.quantity_key].append(figure)
            found = {
                c.quantity_key: c
                for c in Conflict.objects.select_for_update()
                .filter(quantity_key__in=batch)
                .order_by("pk")
            }
            members: dict[int, set[int]] = defaultdict(set)
            for conflict_id, figure_id, claim_id in (
                Conflict.figures.through.objects.filter(
                    conflict_id__in=[c.pk for c in found.values()]
                ).values_list("conflict_id", "figure_id", "figure__claim_id")
            ):
                members[conflict_id].add(figure_id)
                flagged.add(claim_id)
            # Every claim with a figure here, taking part or not (a rejected
            # claim's figure left its conflict above).
            flagged.update(
                Figure.objects.filter(quantity_key__in=batch).values_list(
                    "claim_id", flat=True
                )
            )
            for key in batch:
                conflict = found.get(key)
                _refresh_key(
                    key,
                    figures.get(key, []),
                    conflict,
                    members[conflict.pk] if conflict is not None else set(),
                    result,
                )
        claims_flag_refresh(claim_ids=flagged)
    return result


def _keys_of(figures_qs) -> set[str]:
    keys = set(figures_qs.values_list("quantity_key", flat=True))
    # A figure whose metric or subject changed still sits in its old conflict.
    keys |= set(
        Conflict.objects.filter(figures__in=figures_qs).values_list(
            "quantity_key", flat=True
        )
    )
    return keys


def conflicts_refresh_for_figure(*, figure: Figure) -> RefreshResult:
    """Call after a figure is saved (its old quantity is refreshed too)."""
    return conflicts_refresh(
        quantity_keys=_keys_of(Figure.objects.filter(pk=figure.pk))
    )


def conflicts_refresh_for_claim(*, claim: Claim) -> RefreshResult:
    """Call after a claim's figures are saved or its state changes.

    Deleting figures removes them from their conflicts at once; pass their
    keys (collected before the delete) to ``conflicts_refresh`` as well.
    """
    return conflicts_refresh(quantity_keys=_keys_of(Figure.objects.filter(claim=claim)))


# ------------------------------------------------------------------ decisions


def _require_reviewer(actor) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(SETTLE_PERMISSION):
        raise PermissionDenied("Only a reviewer may settle or explain a conflict.")


def _resolve(
    conflict: Conflict,
    *,
    actor,
    status: str,
    action: str,
    rationale: str,
    preferred_figure: Figure | None = None,
) -> Conflict:
    """Lock the conflict, record the reviewer's decision and its audit row."""
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if (
            preferred_figure is not None
            and not locked.figures.filter(pk=preferred_figure.pk).exists()
        ):
            raise ValidationError(
                {
                    "preferred_figure": "The preferred figure must be one of the conflict's figures."
                }
            )
        from_status = locked.status
        locked.status = status
        locked.preferred_figure = preferred_figure
        locked.rationale = rationale
        locked.settled_by = actor
        locked.settled_at = timezone.now()
        locked.full_clean()
        locked.save(
            update_fields=[
                "status",
                "preferred_figure",
                "rationale",
                "settled_by",
                "settled_at",
            ]
        )
        record_decision(
            locked,
            action,
            actor=actor,
            from_status=from_status,
            preferred_figure=preferred_figure,
            rationale=rationale,
            figures=locked.figures.all(),
        )
        claims_flag_refresh(
            claim_ids=locked.figures.values_list("claim_id", flat=True)
        )
        projection_refresh(quantity_keys={locked.quantity_key})
        from registry.services.suggestions import suggestions_check

        suggestions_check(
            quantity_keys={locked.quantity_key},
            cause=f"conflict {action} ({locked.metric} {locked.subject})",
        )
    return locked


def conflict_settle(
    *, conflict: Conflict, actor, preferred_figure: Figure, rationale: str
) -> Conflict:
    """Prefer one figure of the conflict, with a rationale; every figure stays."""
    _require_reviewer(actor)
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": "Say why this figure is preferred."})
    return _resolve(
        conflict,
        actor=actor,
        status=ConflictStatus.SETTLED,
        action=ConflictAction.SETTLED,
        rationale=rationale,
        preferred_figure=preferred_figure,
    )


def conflict_explain(*, conflict: Conflict, actor, explanation: str) -> Conflict:
    """Record that the figures differ for a reason (scope, date), preferring none."""
    _require_reviewer(actor)
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError({"explanation": "Say how the figures differ."})
    return _resolve(
        conflict,
        actor=actor,
        status=ConflictStatus.EXPLAINED,
        action=ConflictAction.EXPLAINED,
        rationale=explanation,
    )


# ------------------------------------------------------------------ ranges

RANGE_RULES = rules.RANGE_RULES


def figure_grade(figure: Figure) -> str:
    """The best reliability grade among the figure's asserting originators."""
    grades = [
        c.reliability
        for c in figure.claim.citations.all()
        if c.stance == "asserts"
    ]
    return min(grades) if grades else "F"


def _range_figures(quantity_key: str, states) -> list[Figure]:
    return list(
        Figure.objects.filter(quantity_key=quantity_key, claim__state__in=states)
        .select_related("claim")
        .prefetch_related(
            Prefetch(
                "claim__citations",
                queryset=citations_marked_derived().select_related("originator"),
            )
        )
        .order_by("pk")
    )


def quantity_range(
    *, quantity_key: str, rule: str = "conservative", states=PARTICIPATING_STATES
) -> rules.QuantityRange:
    """``rules.quantity_range`` over the figures of these claim states (the
    reviewers' view; the public one is in the projection)."""
    figures = _range_figures(quantity_key, states)
    figures = rules.current_figures(figures, rules.originators_of(figures))
    conflict = Conflict.objects.filter(quantity_key=quantity_key).first()
    preferred = (
        conflict.preferred_figure_id
        if conflict is not None and conflict.status == ConflictStatus.SETTLED
        else None
    )
    derived = rules.derived_figures(figures)
    result = rules.quantity_range(
        [f for f in figures if f.pk not in derived],
        grades={f.pk: figure_grade(f) for f in figures},
        rule=rule,
        preferred_id=preferred,
    )
    return dataclasses.replace(
        result,
        excluded=result.excluded
        + tuple((pk, rules.DERIVED_REASON) for pk in sorted(derived)),
    )
