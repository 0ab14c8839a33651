"""Prometheus counters of the registry's own work (exported at /metrics when
METRICS=1; counting costs next to nothing when nobody reads them)."""

from prometheus_client import Counter

workflow_transitions = Counter(
    "registry_workflow_transitions_total",
    "Review workflow transitions, by the state a claim left and the one it entered.",
    ["from_state", "to_state"],
)
