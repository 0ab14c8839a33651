"""The review workflow: every change to a claim's state, and every edit to a
claim's content, goes through a function here.

Each transition locks the claim's row (``select_for_update`` inside
``transaction.atomic``), re-reads it, checks the state against
``choices.TRANSITIONS``, checks the actor's permission and the workflow's
rules, makes the change and writes one ``ClaimTransition`` row. Two
reviewers acting at once are serialised by the row lock: the second one
re-reads the state the first one left and is refused with a message that
says so.

The admin, the management commands and the tests call these functions and
nothing else changes a claim's state.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import metrics, policy
from registry.choices import TRANSITIONS, ClaimState, Confidence
from registry.figures import rules
from registry.models import (
    Citation,
    CitationDerivation,
    CitationRelay,
    Claim,
    ClaimTransition,
    Figure,
    Source,
)
from registry.services import conflicts, projection, suggestions
from registry.services.confidence import (
    claim_suggested_confidence,
    confidence_requires_rationale,
)


class WorkflowError(ValidationError):
    """A transition or an edit the workflow's rules do not allow."""


# Fields an editor or reviewer may edit on a claim that is not locked.
# State, publication date and authorship change only through the workflow.
CLAIM_EDITABLE_FIELDS = frozenset(
    {
        "statement",
        "kind",
        "event",
        "corrects",
        "confidence",
        "confidence_rationale",
        # A correction's public reason (the corrections feed shows it); a
        # retraction's note is set by claim_retract.
        "public_note",
    }
)

# The verb for each target state, for messages and the admin's buttons.
ACTIONS = {
    "submit": ClaimState.IN_REVIEW,
    "approve": ClaimState.APPROVED,
    "reject": ClaimState.REJECTED,
    "request_changes": ClaimState.CHANGES_REQUESTED,
    "retract": ClaimState.RETRACTED,
}
# Verbs that fit "Cannot %(action)s this claim" and "You may not %(action)s
# claims", in the reader's language.
ACTION_LABELS = {
    "submit": gettext_lazy("submit for review"),
    "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"),
    "request_changes": gettext_lazy("request changes to"),
    "retract": gettext_lazy("retract"),
}
ACTION_PERMISSIONS = {
    "submit": "registry.change_claim",
    "approve": "registry.review_claim",
    "reject": "registry.review_claim",
    "request_changes": "registry.review_claim",
    "retract": "registry.retract_claim",
}


# --------------------------------------------------------------------- checks


def _state_name(state: str) -> str:
    """The state's English name, lower case, for stored records."""
    with translation.override("en"):
        return _state_label(state)


def _state_label(state: str) -> str:
    """The state's name in the reader's language, lower case."""
    return str(ClaimState(state).label).lower()


def _check_state(claim: Claim, action: str) -> None:
    target = ACTIONS[action]
    if target not in TRANSITIONS[ClaimState(claim.state)]:
        raise WorkflowError(
            _(
                "Cannot %(action)s this claim: it is %(state)s, and a %(state)s "
                "claim cannot become %(target)s."
            )
            % {
                "action": ACTION_LABELS[action],
                "state": _state_label(claim.state),
                "target": _state_label(target),
            }
        )


def _check_permission(claim: Claim, actor, action: str) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Only a signed-in, active user can change a claim."))
    if not actor.has_perm(ACTION_PERMISSIONS[action]):
        if action == "submit":
            message = _(
                "You may not %(action)s claims: that takes an editor's "
                "permission (%(permission)s)."
            )
        else:
            message = _(
                "You may not %(action)s claims: that takes a reviewer's "
                "permission (%(permission)s)."
            )
        raise PermissionDenied(
            message
            % {
                "action": ACTION_LABELS[action],
                "permission": ACTION_PERMISSIONS[action],
            }
        )
    if action == "approve":
        refusal = policy.four_eyes_refusal(claim, actor)
        if refusal:
            raise PermissionDenied(refusal)


def _check(claim: Claim, actor, action: str) -> None:
    _check_state(claim, action)
    _check_permission(claim, actor, action)


def claim_version(claim: Claim) -> str:
    """A fingerprint of what a reviewer reads before approving: the claim's
    statement, kind, event and correction, and every citation and figure.

    The admin's approve form carries the version shown; ``claim_approve``
    refuses when the claim no longer has it. A hash rather than
    ``updated_at``: imports keep timestamps, and a reviewer's own confidence
    edit does not change what was read.
    """
    citations = [
        [
            c.pk,
            c.document_id,
            c.originator_id,
            # Only when set, so versions of named citations stay as they were.
            *([c.attributed_to] if c.attributed_to else []),
            c.quote,
            c.start,
            c.end,
            c.stance,
            [r.source_id for r in c.relay_links.all()],
        ]
        for c in claim.citations.order_by("pk").prefetch_related("relay_links")
    ]
    figures = list(
        Figure.objects.filter(claim_id=claim.pk)
        .order_by("pk")
        .values_list(
            "pk", "kind", "metric", "subject", "stated", "qualifier", "value",
            "value_high", "unit", "period_start", "period_end", "as_of",
            "date_value", "date_precision",
        )
    )
    content = [
        claim.statement,
        claim.kind,
        claim.event_id,
        claim.corrects_id,
        citations,
        [list(f) for f in figures],
    ]
    text = json.dumps(content, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def claim_available_actions(*, claim: Claim, actor) -> list[str]:
    """The transitions ``actor`` may start on ``claim`` as it stands.

    Uses the same checks as the transitions themselves (state, permission,
    four eyes); rules about the input (a comment, a confidence level) are
    asked for by the form and checked when the action runs.
    """
    available = []
    for action in ACTIONS:
        try:
            _check(claim, actor, action)
        except (WorkflowError, PermissionDenied):
            continue
        available.append(action)
    return available


def claim_hidden_action_reasons(*, claim: Claim, actor) -> dict[str, str]:
    """Why each review step the actor's role allows is not offered now.

    Only steps the actor holds the permission for and the claim's state
    allows: "you last edited this claim, so someone else must approve it",
    not a list of everything a reviewer could never do.
    """
    reasons = {}
    for action in ACTIONS:
        try:
            _check_state(claim, action)
        except WorkflowError:
            continue
        if actor is None or not actor.has_perm(ACTION_PERMISSIONS[action]):
            continue
        try:
            _check_permission(claim, actor, action)
        except PermissionDenied as exc:
            reasons[action] = str(exc)
    return reasons


def _require(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message)
    return value


def _lock(claim: Claim) -> Claim:
    """Re-read ``claim`` with its row locked until the transaction ends."""
    try:
        return Claim.objects.select_for_update().get(pk=claim.pk)
    except Claim.DoesNotExist:
        raise WorkflowError(_("This claim no longer exists.")) from None


def _record(claim: Claim, actor, from_state: str, comment: str) -> ClaimTransition:
    # Counted once the transition is committed: a refused or rolled back one is not.
    counter = metrics.workflow_transitions.labels(from_state, claim.state)
    transaction.on_commit(counter.inc)
    return ClaimTransition.objects.create(
        claim=claim,
        actor=actor,
        from_state=from_state,
        to_state=claim.state,
        comment=comment,
    )


def _after_transition(claim: Claim, from_state: str) -> None:
    """Run after every transition, inside its transaction.

    A claim entering or leaving the states that take part in conflict
    detection changes which figures disagree about its quantities; one
    entering or leaving publication changes the public projection: its own
    row, its correction chain's, and those of the published claims that
    share its quantities. A claim entering or leaving the approved state can
    revise, corroborate or contradict the figures of other approved claims:
    their suggested confidence is checked and a change flagged for review.
    """
    conflicts.conflicts_refresh_for_claim(claim=claim)
    projection.projection_refresh(claim_ids=projection.chain_ids(claim))
    if ClaimState.APPROVED in (from_state, claim.state):
        suggestions.suggestions_check(
            quantity_keys=set(claim.figures.values_list("quantity_key", flat=True)),
            # A stored record, written the same whoever's language is active.
            cause=f"claim {claim.public_id!r} went from "
            f"{_state_name(from_state)} to {_state_name(claim.state)}",
        )


def _transition(
    *,
    claim: Claim,
    actor,
    action: str,
    comment: str,
    fields: dict[str, Any] | None = None,
    rules=None,
) -> Claim:
    with transaction.atomic():
        locked = _lock(claim)
        _check(locked, actor, action)
        if rules is not None:
            rules(locked)
        from_state = locked.state
        locked.state = ACTIONS[action]
        for name, value in (fields or {}).items():
            setattr(locked, name, value)
        locked._history_user = actor
        locked.full_clean()
        locked.save(update_fields=["state", *(fields or {})])
        _record(locked, actor, from_state, comment)
        _after_transition(locked, from_state)
    # Hand the caller's object the new state so it is not left stale.
    claim.refresh_from_db()
    return claim


# ----------------------------------------------------------------- transitions


def claim_submit(*, claim: Claim, actor, comment: str = "") -> Claim:
    """Draft or changes requested -> in review."""
    return _transition(
        claim=claim,
        actor=actor,
        action="submit",
        comment=(comment or "").strip(),
        # submitted_at orders the review queue (its index), as the
        # transition's own time would.
        fields={"submitted_by": actor, "submitted_at": timezone.now()},
    )


def _approval_rules(claim: Claim) -> None:
    citations = list(claim.citations.select_related("document"))
    if not citations:
        raise WorkflowError(
            _(
                "Cannot approve a claim without a citation: add the source's "
                "exact quote."
            )
        )
    problems = []
    for citation in citations:
        # Quotes were verbatim when saved; the document's text may have been
        # edited since, so check again before publishing.
        try:
            citation.check_quote()
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise WorkflowError(problems)


def claim_approve(
    *,
    claim: Claim,
    actor,
    confidence: int | str | None,
    rationale: str = "",
    comment: str = "",
    seen_version: str | None = None,
) -> Claim:
    """In review -> approved (published). A correction supersedes its original.

    ``seen_version`` is the ``claim_version`` the reviewer read; when given,
    the approval is refused if the claim changed since.
    """
    try:
        level = Confidence(int(confidence))
    except (TypeError, ValueError):
        raise WorkflowError(
            _(
                "Approval needs a confidence level from 1 (confirmed) to 6 "
                "(cannot be judged)."
            )
        ) from None

    fields = {
        "confidence": level.value,
        "confidence_rationale": (rationale or "").strip(),
        "published_at": timezone.now(),
    }

    def rules(locked: Claim) -> None:
        if seen_version is not None and seen_version != claim_version(locked):
            raise WorkflowError(
                _(
                    "This claim changed after you opened it (its statement, "
                    "citations or figures were edited): nothing was approved. "
                    "Read it again and approve what you see."
                )
            )
        _approval_rules(locked)
        suggestion = claim_suggested_confidence(locked)
        # What the reviewer decided against: later changes are compared to it.
        fields["suggested_confidence"] = suggestion.level
        if (
            confidence_requires_rationale(locked, level.value, suggestion=suggestion)
            and not (rationale or "").strip()
        ):
            raise WorkflowError(
                {
                    "confidence_rationale": _(
                        "The suggested confidence is %(suggested)s (%(reasons)s); "
                        "a rationale is needed to choose %(chosen)s."
                    )
                    % {
                        "suggested": suggestion.level,
                        "reasons": "; ".join(map(str, suggestion.reasons)),
                        "chosen": level.value,
                    }
                }
            )
        if locked.corrects_id is not None:
            original = Claim.objects.select_for_update().get(pk=locked.corrects_id)
            if original.state != ClaimState.APPROVED:
                raise WorkflowError(
                    _(
                        "This claim corrects a claim that is %(state)s; only an "
                        "approved claim can be superseded."
                    )
                    % {"state": _state_label(original.state)}
                )

    with transaction.atomic():
        claim = _transition(
            claim=claim,
            actor=actor,
            action="approve",
            comment=(comment or "").strip(),
            fields=fields,
            rules=rules,
        )
        if claim.corrects_id is not None:
            _supersede(original_id=claim.corrects_id, successor=claim, actor=actor)
    return claim


def _supersede(*, original_id: int, successor: Claim, actor) -> None:
    original = Claim.objects.select_for_update().get(pk=original_id)
    if ClaimState.SUPERSEDED not in TRANSITIONS[ClaimState(original.state)]:
        raise WorkflowError(
            _("The corrected claim is %(state)s and cannot be superseded.")
            % {"state": _state_label(original.state)}
        )
    from_state = original.state
    original.state = ClaimState.SUPERSEDED
    original._history_user = actor
    original.save(update_fields=["state"])
    _record(original, actor, from_state, f"Superseded by {successor.public_id}.")
    _after_transition(original, from_state)


def claim_reject(*, claim: Claim, actor, comment: str) -> Claim:
    """In review -> rejected."""
    comment = _require(
        comment, _("Say why the claim is rejected: a comment is needed.")
    )
    return _transition(claim=claim, actor=actor, action="reject", comment=comment)


def claim_request_changes(*, claim: Claim, actor, comment: str) -> Claim:
    """In review -> changes requested (back to the editor)."""
    comment = _require(
        comment, _("Say what needs changing: a comment for the editor is needed.")
    )
    return _transition(
        claim=claim, actor=actor, action="request_changes", comment=comment
    )


def claim_retract(*, claim: Claim, actor, comment: str, public_note: str) -> Claim:
    """Approved -> retracted, with a note the public will read."""
    comment = _require(
        comment, _("Say why the claim is retracted: a comment is needed.")
    )
    public_note = _require(
        public_note,
        _("A retraction needs a public note: the public sees why it was withdrawn."),
    )
    return _transition(
        claim=claim,
        actor=actor,
        action="retract",
        comment=comment,
        fields={"public_note": public_note},
    )


TRANSITION_SERVICES = {
    "submit": claim_submit,
    "approve": claim_approve,
    "reject": claim_reject,
    "request_changes": claim_request_changes,
    "retract": claim_retract,
}


# ------------------------------------------------------------------- editing


def _check_editable(claim: Claim) -> None:
    if policy.is_locked(claim.state):
        raise WorkflowError(
            _(
                "This claim is %(state)s and read-only: its text, citations and "
                "figures cannot change. Record a correction instead: a new "
                "claim that corrects it."
            )
            % {"state": _state_label(claim.state)}
        )


def _check_edit_permission(actor, perm: str) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Only a signed-in, active user can edit claims."))
    if not actor.has_perm(perm):
        raise PermissionDenied(
            _("You may not do this: it needs %(permission)s.") % {"permission": perm}
        )


def _check_corrects(claim: Claim) -> None:
    if claim.corrects_id is None:
        if claim.public_note:
            raise WorkflowError(
                {
                    "public_note": _(
                        "Only a correction carries a public reason: choose the "
                        "claim it corrects, or leave the reason empty."
                    )
                }
            )
        return
    original = claim.corrects
    if original.pk == claim.pk:
        raise WorkflowError({"corrects": _("A claim cannot correct itself.")})
    if not policy.may_correct(original):
        raise WorkflowError(
            {
                "corrects": _(
                    "Only an approved claim can be corrected; this one is %(state)s."
                )
                % {"state": _state_label(original.state)}
            }
        )


def claim_create(
    *, actor, claim: Claim | None = None, proposer_version: str = "", **data: Any
) -> Claim:
    """Record a new draft claim.

    ``claim`` is an unsaved instance to fill and save (the admin's form
    builds one); without it a new one is made from ``data``.
    ``proposer_version`` marks a claim accepted from the claim proposer.
    """
    _check_edit_permission(actor, "registry.add_claim")
    unknown = set(data) - CLAIM_EDITABLE_FIELDS
    if unknown:
        raise WorkflowError(
            _("These fields cannot be set here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    if claim is None:
        claim = Claim()
    elif not claim._state.adding:
        raise WorkflowError(_("This claim exists already: edit it instead."))
    for name, value in data.items():
        setattr(claim, name, value)
    # Whatever the caller's instance says, a new claim starts as a draft.
    claim.state = ClaimState.DRAFT
    claim.published_at = None
    claim.public_note = (data.get("public_note") or "").strip()
    claim.submitted_by = None
    claim.submitted_at = None
    claim.created_by = claim.updated_by = actor
    claim.proposer_version = proposer_version
    claim.full_clean()
    _check_corrects(claim)
    claim._history_user = actor
    claim.save()
    return claim


def claim_correction_start(*, original: Claim, actor, public_note: str) -> Claim:
    """A draft correction of a published claim, ready for editing: its
    statement, kind and event, and a copy of every citation (with its relay
    chain) and figure, so the editor changes only what was wrong.

    ``public_note`` is the public reason for the correction, shown in the
    corrections feed once the correction is approved.
    """
    public_note = _require(
        public_note,
        _(
            "Say why the claim is corrected: the public reads this reason in "
            "the corrections feed."
        ),
    )
    with transaction.atomic():
        locked = _lock(original)
        existing = Claim.objects.filter(corrects=locked).first()
        if existing is not None:
            raise WorkflowError(
                _(
                    "A correction of this claim exists already (%(id)s, "
                    "%(state)s): edit that one."
                )
                % {"id": existing.public_id, "state": _state_label(existing.state)}
            )
        correction = claim_create(
            actor=actor,
            statement=locked.statement,
            kind=locked.kind,
            event=locked.event,
            corrects=locked,
            public_note=public_note,
        )
        for citation in locked.citations.prefetch_related("relay_links__source"):
            copy = Citation(
                claim=correction,
                document_id=citation.document_id,
                originator_id=citation.originator_id,
                quote=citation.quote,
                start=citation.start,
                end=citation.end,
                stance=citation.stance,
            )
            citation_save(citation=copy, actor=actor, relays=citation.relay_chain)
        for figure in locked.figures.order_by("pk"):
            copy = Figure(
                claim=correction,
                **{
                    f.name: getattr(figure, f.name)
                    for f in Figure._meta.concrete_fields
                    if f.editable and f.name not in {"id", "claim", "revises"}
                },
            )
            figure_save(figure=copy, actor=actor)
    return correction


def claim_update(*, claim: Claim, actor, **data: Any) -> Claim:
    """Edit a claim that is not locked; the editor becomes its last editor."""
    _check_edit_permission(actor, "registry.change_claim")
    unknown = set(data) - CLAIM_EDITABLE_FIELDS
    if unknown:
        raise WorkflowError(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = _lock(claim)
        _check_editable(locked)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.updated_by = actor
        locked.full_clean()
        _check_corrects(locked)
        locked._history_user = actor
        locked.save(update_fields=[*data, "updated_by"])
        if "event" in data:
            # A figure's quantity includes its claim's event: re-key the
            # figures, then refresh both the quantities they left and joined.
            keys = set()
            for figure in locked.figures.all():
                keys.add(figure.quantity_key)
                figure.quantity_key = figure.compute_quantity_key()
                keys.add(figure.quantity_key)
                figure._history_user = actor
                figure.save(update_fields=["quantity_key"])
            conflicts.conflicts_refresh(quantity_keys=keys)
    claim.refresh_from_db()
    return claim


def claim_delete(*, claim: Claim, actor) -> None:
    """Delete a claim that was never published."""
    _check_edit_permission(actor, "registry.delete_claim")
    with transaction.atomic():
        locked = _lock(claim)
        _check_editable(locked)
        locked._history_user = actor
        keys = set(locked.figures.values_list("quantity_key", flat=True))
        locked.delete()
        conflicts.conflicts_refresh(quantity_keys=keys)


def _touch(claim: Claim, actor) -> Claim:
    """Lock the parent claim, refuse if locked, and record who edited it."""
    locked = _lock(claim)
    _check_editable(locked)
    locked.updated_by = actor
    locked._history_user = actor
    locked.save(update_fields=["updated_by"])
    return locked


def _part_save(part: Citation | Figure, actor, model_name: str):
    perm = "add" if part._state.adding else "change"
    _check_edit_permission(actor, f"registry.{perm}_{model_name}")
    left = set()  # a claim the figure leaves: its conflict flag may drop
    with transaction.atomic():
        _touch(part.claim, actor)
        if not part._state.adding:
            # The part may have been moved from a locked claim.
            previous = type(part).objects.select_related("claim").get(pk=part.pk)
            if previous.claim_id != part.claim_id:
                _touch(previous.claim, actor)
                left.add(previous.claim_id)
        if isinstance(part, Figure):
            # Derived, non-editable fields that full_clean() would find blank.
            part.derive_interval()
            part.quantity_key = part.compute_quantity_key()
        part.full_clean()
        part._history_user = actor
        if isinstance(part, Figure) and not part._state.adding:
            # The figure may leave its old quantity: refresh that one too.
            old_key = (
                type(part)
                .objects.values_list("quantity_key", flat=True)
                .get(pk=part.pk)
            )
            part.save()
            conflicts.conflicts_refresh(
                quantity_keys={old_key, part.quantity_key}, claim_ids=left
            )
        else:
            part.save()
            if isinstance(part, Figure):
                conflicts.conflicts_refresh_for_figure(figure=part)
    return part


def _part_delete(part: Citation | Figure, actor, model_name: str) -> None:
    _check_edit_permission(actor, f"registry.delete_{model_name}")
    with transaction.atomic():
        _touch(part.claim, actor)
        part._history_user = actor
        key = part.quantity_key if isinstance(part, Figure) else None
        part.delete()
        if key is not None:
            # The deleted figure's claim is no longer among the key's.
            conflicts.conflicts_refresh(quantity_keys={key}, claim_ids={part.claim_id})


def citation_save(
    *, citation: Citation, actor, relays: list[Source] | None = None
) -> Citation:
    """Add or change a citation of a claim that is not locked.

    ``relays``, when given, replaces its relay chain: the sources through
    which the originator's statement reached the document, in order from
    the originator's side (an article relays EFE, which relays the ministry:
    the ministry originates, EFE is the one relay).
    """
    with transaction.atomic():
        _part_save(citation, actor, "citation")
        if relays is not None:
            _relays_set(citation, relays)
    return citation


def _relays_set(citation: Citation, relays: list[Source]) -> None:
    if any(source.pk == citation.originator_id for source in relays):
        raise WorkflowError(
            {"relays": _("The originator cannot also be one of its own relays.")}
        )
    if len({source.pk for source in relays}) != len(relays):
        raise WorkflowError(
            {"relays": _("A source appears twice in the relay chain.")}
        )
    current = [link.source_id for link in citation.relay_links.order_by("position")]
    if current == [source.pk for source in relays]:
        return
    citation.relay_links.all().delete()
    CitationRelay.objects.bulk_create(
        CitationRelay(citation=citation, source=source, position=position)
        for position, source in enumerate(relays, start=1)
    )


def citation_delete(*, citation: Citation, actor) -> None:
    _part_delete(citation, actor, "citation")


def derivation_problem(citation: Citation, bases: Iterable[Citation]) -> str | None:
    """Why ``citation`` cannot be derived from ``bases``, or None: not from
    itself (the database refuses that too), and not in a circle."""
    frontier = {b.pk for b in bases}
    if citation.pk in frontier:
        return _("a citation cannot be derived from itself")
    seen: set[int] = set()
    while frontier:
        seen |= frontier
        frontier = set(
            CitationDerivation.objects.filter(citation_id__in=frontier).values_list(
                "basis_id", flat=True
            )
        ) - seen
        if citation.pk in frontier:
            return _(
                "a circle: one of those citations is itself derived, through "
                "its links, from this one"
            )
    return None


def citation_derive(*, citation: Citation, bases: Iterable[Citation], actor) -> None:
    """Say which citations this citation's figure is derived from (the whole
    list: links not in it are removed). Derived evidence counts as the
    originators it rests on, never as an independent one."""
    _check_edit_permission(actor, "registry.change_citation")
    bases = list(bases)
    with transaction.atomic():
        _touch(citation.claim, actor)
        problem = derivation_problem(citation, bases)
        if problem is not None:
            raise WorkflowError({"derived_from": problem})
        CitationDerivation.objects.filter(citation=citation).exclude(
            basis__in=bases
        ).delete()
        for basis in bases:
            CitationDerivation.objects.get_or_create(citation=citation, basis=basis)


def figure_save(*, figure: Figure, actor) -> Figure:
    """Add or change a figure of a claim that is not locked. A total computed
    from its parts follows them: changing a part recomputes it."""
    with transaction.atomic():
        before = None
        if not figure._state.adding:
            before = (
                Figure.objects.filter(pk=figure.pk)
                .values_list("part_of_id", flat=True)
                .first()
            )
        _part_save(figure, actor, "figure")
        _total_recompute({before, figure.part_of_id}, actor)
    return figure


def figure_delete(*, figure: Figure, actor) -> None:
    total_id = figure.part_of_id
    with transaction.atomic():
        _part_delete(figure, actor, "figure")
        _total_recompute({total_id}, actor)


def figure_total_with_parts(
    *, total: Figure, parts: list[Figure], actor
) -> Figure:
    """Record a total and its parts in one go ("11 killed: one civilian,
    three soldiers and seven fighters").

    The parts are the total's breakdown: each takes the total's claim,
    metric, unit, period and as-of date, and must count a subject the
    vocabulary places under the total's (``models.part_problem``). A total
    marked ``computed`` (the source gave only the parts) gets its qualifier
    and value from them (``rules.total_from_parts``); a stated one keeps its
    own, and the parts-sum check says whether they agree.
    """
    if not parts:
        raise ValidationError(_("A total with parts needs at least one part."))
    with transaction.atomic():
        for part in parts:
            part.claim = total.claim
            part.kind = total.kind
            for name in (
                "metric",
                "unit",
                "period_start",
                "period_end",
                "as_of",
                "as_of_time",
            ):
                setattr(part, name, getattr(total, name))
        if total.computed:
            for part in parts:
                part.derive_interval()
            total.qualifier, total.value, total.value_high = rules.total_from_parts(
                parts
            )
        _part_save(total, actor, "figure")
        for part in parts:
            part.part_of = total
            _part_save(part, actor, "figure")
    return total


def _total_recompute(total_ids: set, actor) -> None:
    """Bring computed totals in line with their parts."""
    for total in Figure.objects.filter(
        pk__in=[pk for pk in total_ids if pk is not None], computed=True
    ).select_related("claim"):
        parts = list(total.parts.all())
        if not parts:
            continue
        stated = rules.total_from_parts(parts)
        if (total.qualifier, total.value, total.value_high) != stated:
            total.qualifier, total.value, total.value_high = stated
            _part_save(total, actor, "figure")


# ------------------------------------------------------------------ in bulk


def claims_transition_each(
    *, claims: Iterable[Claim], actor, action: str, **arguments: Any
) -> tuple[list[Claim], list[tuple[Claim, str]]]:
    """Apply one transition claim by claim, each in its own transaction.

    Returns the claims changed and, for each refused one, the reason.
    """
    service = TRANSITION_SERVICES[action]
    done: list[Claim] = []
    refused: list[tuple[Claim, str]] = []
    for claim in claims:
        try:
            service(claim=claim, actor=actor, **arguments)
        except PermissionDenied as exc:
            refused.append((claim, str(exc)))
        except ValidationError as exc:
            refused.append((claim, " ".join(exc.messages)))
        else:
            done.append(claim)
    return done, refused
