"""Every write: the review workflow, conflicts, the public projection, import.

The workflow's actions are re-exported here, so callers write
``services.claim_approve(...)``.
"""

from registry.services.workflow import (  # noqa: F401
    ACTION_LABELS,
    ACTION_PERMISSIONS,
    ACTIONS,
    CLAIM_EDITABLE_FIELDS,
    TRANSITION_SERVICES,
    WorkflowError,
    citation_delete,
    citation_derive,
    citation_save,
    claim_approve,
    claim_available_actions,
    claim_correction_start,
    claim_create,
    claim_delete,
    claim_hidden_action_reasons,
    claim_reject,
    claim_request_changes,
    claim_retract,
    claim_submit,
    claim_update,
    claim_version,
    claims_transition_each,
    derivation_problem,
    figure_delete,
    figure_save,
    figure_total_with_parts,
)
