"""Random sequences of what several editors and reviewers do to claims, and
after every step: nobody approved a claim they wrote any part of or
submitted (four eyes), a published claim's content never changed, and
every state change has exactly one ClaimTransition. On SQLite and on
PostgreSQL (CI runs both)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from registry import services
from registry.choices import LOCKED_STATES, ClaimState
from registry.models import Citation, Claim, ClaimTransition, Figure
from tests.factories import EventFactory
from tests.projection_support import draft

EDITORS = ["e1", "e2"]
REVIEWERS = ["r1", "r2", "r3"]
EVERYONE = EDITORS + REVIEWERS
# Who writes and submits: editors and one reviewer, so that a reviewer who
# never touched a claim is often there to approve it.
WRITERS = [*EDITORS, "r1"]


def _try(action) -> bool:
    """Run one action; True if done, False if the workflow refused it."""
    try:
        with transaction.atomic():
            action()
    except (ValidationError, PermissionDenied):
        return False
    return True


class Workflow(RuleBasedStateMachine):
    users: dict = {}
    reached: set = set()

    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint rolled back at its end.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.event = EventFactory()
        # The model: who wrote each claim's content, who submitted it, how
        # many transitions it went through, and what was published.
        self.writers: dict[int, set[str]] = {}
        self.submitter: dict[int, str] = {}
        self.last_editor: dict[int, str] = {}
        self.transitions: dict[int, int] = {}
        self.published: dict[int, str] = {}

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _pick(self, data, *states) -> Claim | None:
        claims = list(Claim.objects.filter(state__in=states).order_by("pk"))
        return data.draw(st.sampled_from(claims)) if claims else None

    def _wrote(self, claim, who):
        self.writers[claim.pk].add(who)
        self.last_editor[claim.pk] = who

    # ------------------------------------------------------------- writing

    @rule(who=st.sampled_from(WRITERS), value=st.integers(1, 20))
    def create(self, who, value):
        claim = draft(self.users[who], event=self.event, value=value)
        self.writers[claim.pk] = {who}
        self.last_editor[claim.pk] = who
        self.transitions[claim.pk] = 0

    @precondition(lambda self: Claim.objects.exists())
    @rule(data=st.data(), who=st.sampled_from(WRITERS), n=st.integers(0, 9))
    def edit_statement(self, data, who, n):
        claim = self._pick(data, *ClaimState.values)
        done = _try(
            lambda: services.claim_update(
                claim=claim, actor=self.users[who], statement=f"Statement {n}."
            )
        )
        if claim.state in LOCKED_STATES:
            assert not done, "a published claim was edited"
        elif done:
            self._wrote(claim, who)

    @precondition(lambda self: Claim.objects.exists())
    @rule(data=st.data(), who=st.sampled_from(WRITERS), value=st.integers(1, 20))
    def edit_figure(self, data, who, value):
        claim = self._pick(data, *ClaimState.values)
        figure = Figure.objects.filter(claim=claim).first()
        figure.value = value
        figure.stated = f"exactly {value}"
        done = _try(lambda: services.figure_save(figure=figure, actor=self.users[who]))
        if claim.state in LOCKED_STATES:
            assert not done, "a published claim's figure was edited"
        elif done:
            self._wrote(claim, who)

    @precondition(lambda self: Claim.objects.exists())
    @rule(data=st.data(), who=st.sampled_from(WRITERS))
    def flip_citation_stance(self, data, who):
        claim = self._pick(data, *ClaimState.values)
        citation = Citation.objects.filter(claim=claim).first()
        citation.stance = "disputes" if citation.stance == "asserts" else "asserts"
        done = _try(
            lambda: services.citation_save(citation=citation, actor=self.users[who])
        )
        if claim.state in LOCKED_STATES:
            assert not done, "a published claim's citation was edited"
        elif done:
            self._wrote(claim, who)

    @precondition(lambda self: Claim.objects.exists())
    @rule(data=st.data(), who=st.sampled_from(["r1", "r2"]), level=st.integers(1, 6))
    def set_confidence(self, data, who, level):
        # Judgement, not content: the reviewer becomes the last editor only.
        claim = self._pick(data, *ClaimState.values)
        done = _try(
            lambda: services.claim_update(
                claim=claim, actor=self.users[who], confidence=level
            )
        )
        if claim.state in LOCKED_STATES:
            assert not done
        elif done:
            self.last_editor[claim.pk] = who

    # ---------------------------------------------------------- transitions

    def _transitioned(self, claim, before: str) -> None:
        claim.refresh_from_db()
        assert claim.state != before
        self.transitions[claim.pk] += 1
        self.reached.add(claim.state)

    @precondition(lambda self: Claim.objects.exists())
    @rule(data=st.data(), who=st.sampled_from(WRITERS))
    def submit(self, data, who):
        claim = self._pick(data, *ClaimState.values)
        before = claim.state
        if _try(lambda: services.claim_submit(claim=claim, actor=self.users[who])):
            self.submitter[claim.pk] = who
            self._transitioned(claim, before)

    @precondition(lambda self: Claim.objects.filter(state="in_review").exists())
    @rule(
        data=st.data(),
        who=st.sampled_from([*REVIEWERS, "e1"]),
        stale=st.sampled_from([False, False, True]),
        level=st.integers(1, 6),
    )
    def approve(self, data, who, stale, level):
        self._approve(self._pick(data, ClaimState.IN_REVIEW), who, stale, level)

    @precondition(lambda self: Claim.objects.filter(state="draft").exists())
    @rule(data=st.data(), level=st.integers(1, 6))
    def submit_then_approve(self, data, level):
        """The common path in one step, so short runs reach publication:
        its creator submits, and r3, who never writes, approves."""
        claim = self._pick(data, ClaimState.DRAFT)
        creator = next(
            k for k in WRITERS if k in self.writers[claim.pk]
        )
        if _try(lambda: services.claim_submit(claim=claim, actor=self.users[creator])):
            self.submitter[claim.pk] = creator
            self._transitioned(claim, ClaimState.DRAFT)
            self._approve(claim, "r3", False, level)

    def _approve(self, claim, who, stale, level):
        seen = "stale" if stale else services.claim_version(claim)
        done = _try(
            lambda: services.claim_approve(
                claim=claim,
                actor=self.users[who],
                confidence=level,
                rationale="checked",
                seen_version=seen,
            )
        )
        allowed = (
            who in REVIEWERS
            and who not in self.writers[claim.pk]
            and who != self.submitter.get(claim.pk)
            and who != self.last_editor.get(claim.pk)
            and not stale
        )
        # Four eyes, and the version seen: refused exactly when it should be.
        assert done == allowed, (who, stale, self.writers[claim.pk])
        self.reached.add(f"approve {'allowed' if allowed else 'refused'}")
        if done:
            self._transitioned(claim, ClaimState.IN_REVIEW)
            self.published[claim.pk] = services.claim_version(claim)

    @precondition(lambda self: Claim.objects.filter(state="in_review").exists())
    @rule(data=st.data(), who=st.sampled_from(EVERYONE), send_back=st.booleans())
    def reject_or_send_back(self, data, who, send_back):
        claim = self._pick(data, ClaimState.IN_REVIEW)
        service = (
            services.claim_request_changes if send_back else services.claim_reject
        )
        if _try(lambda: service(claim=claim, actor=self.users[who], comment="No.")):
            assert who in REVIEWERS
            self._transitioned(claim, ClaimState.IN_REVIEW)

    @precondition(lambda self: Claim.objects.filter(state="approved").exists())
    @rule(data=st.data(), who=st.sampled_from(EVERYONE))
    def retract(self, data, who):
        claim = self._pick(data, ClaimState.APPROVED)
        if _try(
            lambda: services.claim_retract(
                claim=claim, actor=self.users[who], comment="x", public_note="Wrong."
            )
        ):
            assert who in REVIEWERS
            self._transitioned(claim, ClaimState.APPROVED)

    # ----------------------------------------------------------- invariants

    @invariant()
    def every_state_change_is_logged_once(self):
        for claim in Claim.objects.all():
            log = list(
                ClaimTransition.objects.filter(claim=claim)
                .order_by("pk")
                .values_list("from_state", "to_state", "actor__username")
            )
            assert len(log) == self.transitions[claim.pk]
            if log:
                assert log[-1][1] == claim.state
                # Consecutive: each starts where the previous one ended.
                states = [ClaimState.DRAFT, *(to for _, to, _ in log)]
                assert [f for f, _, _ in log] == states[:-1]
            else:
                assert claim.state == ClaimState.DRAFT

    @invariant()
    def approvers_never_wrote_or_submitted_what_they_approved(self):
        for claim_pk, actor in ClaimTransition.objects.filter(
            to_state=ClaimState.APPROVED
        ).values_list("claim_id", "actor__username"):
            username = {u.username: k for k, u in self.users.items()}[actor]
            assert username not in self.writers[claim_pk]

    @invariant()
    def published_content_never_changes(self):
        for claim in Claim.objects.filter(pk__in=self.published):
            assert services.claim_version(claim) == self.published[claim.pk]


@pytest.mark.django_db
def test_workflow_keeps_four_eyes_read_only_publications_and_a_full_log(
    editor, reviewer, second_reviewer
):
    from registry.roles import EDITOR, REVIEWER
    from tests.conftest import _member

    Workflow.users = {
        "e1": editor,
        "e2": _member("editor2", EDITOR),
        "r1": reviewer,
        "r2": second_reviewer,
        "r3": _member("reviewer3", REVIEWER),
    }
    Workflow.reached = set()
    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # The random runs did approve, send back or reject, and retract.
    assert {"approve refused", "approved", "in_review"} <= Workflow.reached, (
        Workflow.reached
    )
