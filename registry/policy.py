"""The few predicates every layer asks, answered in one place.

- Public visibility: a claim is public in ``PUBLIC_STATES`` (approved,
  retracted, superseded); its figures count publicly (conflicts, consensus,
  ranges) only while it is approved (``LIVE_STATES``). The public read model
  (``services.projection``) is built from these rows alone, and every public
  surface reads that model, so this is where public visibility is decided.
- Locked: a published claim, its citations and figures never change in
  place; a correction is a new claim.
- Four eyes: nobody approves a claim they submitted or last edited.
- Correcting: only an approved claim can be corrected.
"""

from __future__ import annotations

from registry.choices import LIVE_STATES, LOCKED_STATES, PUBLIC_STATES, ClaimState


def is_public(state: str | None) -> bool:
    return state in PUBLIC_STATES


def is_live(state: str | None) -> bool:
    return state in LIVE_STATES


def is_locked(state: str | None) -> bool:
    return state in LOCKED_STATES


def four_eyes_refusal(claim, actor) -> str | None:
    """Why ``actor`` may not approve ``claim`` under four eyes, or None."""
    if actor.pk == claim.submitted_by_id:
        who = "submitted"
    elif actor.pk == claim.updated_by_id:
        who = "last edited"
    else:
        return None
    # No exception for superusers.
    return f"You {who} this claim, so someone else must approve it (four eyes)."


def may_correct(claim) -> bool:
    return claim.state == ClaimState.APPROVED
