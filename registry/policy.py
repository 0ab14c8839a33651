"""The few predicates every layer asks, answered in one place.

- Public visibility: a claim is public in ``PUBLIC_STATES`` (approved,
  retracted, superseded); its figures count publicly (conflicts, consensus,
  ranges) only while it is approved (``LIVE_STATES``). The public read model
  (``services.projection``) is built from these rows alone, and every public
  surface reads that model, so this is where public visibility is decided.
- Locked: a published claim, its citations and figures never change in
  place; a correction is a new claim.
- Four eyes: nobody approves a claim they submitted, last edited, or wrote
  any part of (its statement, citations or figures) since it was created.
- Correcting: only an approved claim can be corrected.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.choices import LIVE_STATES, LOCKED_STATES, PUBLIC_STATES, ClaimState


def is_public(state: str | None) -> bool:
    return state in PUBLIC_STATES


def is_live(state: str | None) -> bool:
    return state in LIVE_STATES


def is_locked(state: str | None) -> bool:
    return state in LOCKED_STATES


# A claim's own fields that are its content: whoever changed one of them
# wrote the claim. State, confidence and the like are the reviewer's.
CLAIM_CONTENT_FIELDS = ("statement", "kind", "event_id", "corrects_id")


def claim_writers(claim) -> set[int]:
    """Everyone who wrote any part of ``claim`` since it was created.

    Read from the history tables, so that a writer who was followed by
    another editor still counts: the creator, whoever changed the claim's
    content fields, and whoever added, changed or deleted one of its
    citations or figures. Transitions write claim history too, but change no
    content field, so a reviewer who sent the claim back is not a writer.
    """
    from registry.models import Citation, Claim, Figure

    writers = {claim.created_by_id}
    previous = None
    for row in (
        Claim.history.filter(id=claim.pk)
        .order_by("history_date", "history_id")
        .values("history_type", "history_user_id", *CLAIM_CONTENT_FIELDS)
    ):
        content = tuple(row[name] for name in CLAIM_CONTENT_FIELDS)
        if row["history_type"] == "+" or content != previous:
            writers.add(row["history_user_id"])
        previous = content
    for part in (Citation, Figure):
        writers.update(
            part.history.filter(claim_id=claim.pk)
            .values_list("history_user_id", flat=True)
            .distinct()
        )
    writers.discard(None)
    return writers


def four_eyes_refusal(claim, actor) -> str | None:
    """Why ``actor`` may not approve ``claim`` under four eyes, or None.

    No exception for superusers.
    """
    if actor.pk == claim.submitted_by_id:
        return _("You submitted this claim, so someone else must approve it (four eyes).")
    if actor.pk == claim.updated_by_id:
        return _(
            "You last edited this claim, so someone else must approve it (four eyes)."
        )
    if actor.pk in claim_writers(claim):
        return _(
            "You wrote part of this claim, so someone else must approve it (four "
            "eyes)."
        )
    return None


def may_correct(claim) -> bool:
    return claim.state == ClaimState.APPROVED
