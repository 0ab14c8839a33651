"""The review workflow's services: every transition and every refusal."""

import pytest
from django.core.exceptions import PermissionDenied

from registry import services
from registry.choices import ClaimState
from registry.models import Citation, ClaimTransition, Figure
from registry.services import WorkflowError
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    FigureFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def draft(editor, **kwargs):
    claim = services.claim_create(
        actor=editor,
        statement="At least eight soldiers were killed.",
        kind="casualty_figure",
        **kwargs,
    )
    CitationFactory(claim=claim)
    return claim


def in_review(editor):
    claim = draft(editor)
    return services.claim_submit(claim=claim, actor=editor)


def approved(editor, reviewer):
    claim = in_review(editor)
    return services.claim_approve(claim=claim, actor=reviewer, confidence=3)


def log(claim):
    return list(
        ClaimTransition.objects.filter(claim=claim).values_list(
            "from_state", "to_state", "actor__username", "comment"
        )
    )


# ------------------------------------------------------------------ submit


def test_editor_submits_a_draft_for_review(editor):
    claim = draft(editor)
    services.claim_submit(claim=claim, actor=editor, comment="ready")
    assert claim.state == ClaimState.IN_REVIEW
    assert claim.submitted_by == editor
    assert log(claim) == [("draft", "in_review", "editor", "ready")]


def test_claim_sent_back_can_be_submitted_again(editor, reviewer):
    claim = in_review(editor)
    services.claim_request_changes(claim=claim, actor=reviewer, comment="Fix the quote")
    services.claim_submit(claim=claim, actor=editor)
    assert claim.state == ClaimState.IN_REVIEW
    assert [row[1] for row in log(claim)] == [
        "in_review",
        "changes_requested",
        "in_review",
    ]


def test_claim_in_review_cannot_be_submitted_twice(editor):
    claim = in_review(editor)
    with pytest.raises(WorkflowError, match="it is in review"):
        services.claim_submit(claim=claim, actor=editor)
    assert len(log(claim)) == 1


def test_user_without_permission_cannot_submit(editor):
    claim = draft(editor)
    with pytest.raises(PermissionDenied, match="editor's permission"):
        services.claim_submit(claim=claim, actor=UserFactory(is_staff=True))
    claim.refresh_from_db()
    assert claim.state == ClaimState.DRAFT


# ------------------------------------------------------------------ approve


def test_reviewer_approves_with_confidence_and_publishes(editor, reviewer):
    claim = in_review(editor)
    services.claim_approve(
        claim=claim,
        actor=reviewer,
        confidence="2",
        rationale="Two sources",
        comment="ok",
    )
    assert claim.state == ClaimState.APPROVED
    assert claim.confidence == 2
    assert claim.confidence_rationale == "Two sources"
    assert claim.published_at is not None
    assert log(claim)[-1] == ("in_review", "approved", "reviewer", "ok")


def test_author_cannot_approve_own_claim_even_as_superuser(editor):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    claim = draft(boss)
    services.claim_submit(claim=claim, actor=boss)
    with pytest.raises(PermissionDenied, match="You submitted this claim"):
        services.claim_approve(claim=claim, actor=boss, confidence=1)
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW


def test_last_editor_cannot_approve(editor, reviewer, second_reviewer):
    claim = in_review(editor)
    services.claim_update(claim=claim, actor=reviewer, statement="Eight soldiers died.")
    with pytest.raises(PermissionDenied, match="You last edited this claim"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    services.claim_approve(claim=claim, actor=second_reviewer, confidence=3)
    assert claim.state == ClaimState.APPROVED


def test_editing_a_citation_makes_you_the_last_editor(editor, reviewer):
    claim = in_review(editor)
    citation = claim.citations.get()
    citation.stance = "disputes"
    services.citation_save(citation=citation, actor=reviewer)
    with pytest.raises(PermissionDenied, match="last edited"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)


def test_editor_cannot_approve(editor, reviewer):
    claim = in_review(reviewer)
    with pytest.raises(PermissionDenied, match="reviewer's permission"):
        services.claim_approve(claim=claim, actor=editor, confidence=3)


def test_approval_needs_a_citation(editor, reviewer):
    claim = services.claim_create(actor=editor, statement="Uncited", kind="other")
    services.claim_submit(claim=claim, actor=editor)
    with pytest.raises(WorkflowError, match="without a citation"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    assert len(log(claim)) == 1


@pytest.mark.parametrize("confidence", [None, "", "seven", 0, 7])
def test_approval_needs_a_valid_confidence_level(editor, reviewer, confidence):
    claim = in_review(editor)
    with pytest.raises(WorkflowError, match="confidence level"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=confidence)
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW


def test_approval_rechecks_quotes_against_an_edited_document(editor, reviewer):
    claim = in_review(editor)
    document = claim.citations.get().document
    document.text = "The text was rewritten since the quote was taken."
    document.save()
    with pytest.raises(WorkflowError, match="not verbatim"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)


def test_draft_cannot_be_approved(editor, reviewer):
    claim = draft(editor)
    with pytest.raises(WorkflowError, match="it is draft"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)


def test_approved_claim_cannot_be_approved_again(editor, reviewer, second_reviewer):
    claim = approved(editor, reviewer)
    with pytest.raises(WorkflowError, match="it is approved"):
        services.claim_approve(claim=claim, actor=second_reviewer, confidence=1)
    assert len(log(claim)) == 2


def test_inactive_reviewer_cannot_act(editor, reviewer):
    claim = in_review(editor)
    reviewer.is_active = False
    reviewer.save()
    with pytest.raises(PermissionDenied, match="active user"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)


# ------------------------------------------------------- reject, send back


def test_reviewer_rejects_with_a_comment(editor, reviewer):
    claim = in_review(editor)
    services.claim_reject(claim=claim, actor=reviewer, comment="Not checkable")
    assert claim.state == ClaimState.REJECTED
    assert log(claim)[-1] == ("in_review", "rejected", "reviewer", "Not checkable")


@pytest.mark.parametrize("comment", ["", "   "])
def test_reject_needs_a_comment(editor, reviewer, comment):
    claim = in_review(editor)
    with pytest.raises(WorkflowError, match="comment is needed"):
        services.claim_reject(claim=claim, actor=reviewer, comment=comment)
    assert claim.state == ClaimState.IN_REVIEW


def test_reviewer_requests_changes_with_a_comment(editor, reviewer):
    claim = in_review(editor)
    services.claim_request_changes(claim=claim, actor=reviewer, comment="Add EFE")
    assert claim.state == ClaimState.CHANGES_REQUESTED


def test_request_changes_needs_a_comment(editor, reviewer):
    claim = in_review(editor)
    with pytest.raises(WorkflowError, match="comment for the editor"):
        services.claim_request_changes(claim=claim, actor=reviewer, comment="")


def test_editor_cannot_reject_or_send_back(editor, reviewer):
    claim = in_review(reviewer)
    with pytest.raises(PermissionDenied):
        services.claim_reject(claim=claim, actor=editor, comment="no")
    with pytest.raises(PermissionDenied):
        services.claim_request_changes(claim=claim, actor=editor, comment="no")


def test_rejected_claim_is_final(editor, reviewer):
    claim = in_review(editor)
    services.claim_reject(claim=claim, actor=reviewer, comment="No")
    with pytest.raises(WorkflowError, match="it is rejected"):
        services.claim_submit(claim=claim, actor=editor)


# ------------------------------------------------------------------ retract


def test_reviewer_retracts_with_comment_and_public_note(editor, reviewer):
    claim = approved(editor, reviewer)
    services.claim_retract(
        claim=claim,
        actor=reviewer,
        comment="Source withdrew it",
        public_note="Withdrawn",
    )
    assert claim.state == ClaimState.RETRACTED
    assert claim.public_note == "Withdrawn"
    assert log(claim)[-1][:3] == ("approved", "retracted", "reviewer")


def test_retraction_needs_a_public_note(editor, reviewer):
    claim = approved(editor, reviewer)
    with pytest.raises(WorkflowError, match="public note"):
        services.claim_retract(
            claim=claim, actor=reviewer, comment="why", public_note=" "
        )


def test_retraction_needs_a_comment(editor, reviewer):
    claim = approved(editor, reviewer)
    with pytest.raises(WorkflowError, match="comment is needed"):
        services.claim_retract(claim=claim, actor=reviewer, comment="", public_note="x")


def test_editor_cannot_retract(editor, reviewer):
    claim = approved(editor, reviewer)
    with pytest.raises(PermissionDenied, match="retract"):
        services.claim_retract(claim=claim, actor=editor, comment="c", public_note="n")


def test_claim_in_review_cannot_be_retracted(editor, reviewer):
    claim = in_review(editor)
    with pytest.raises(WorkflowError, match="cannot become retracted"):
        services.claim_retract(
            claim=claim, actor=reviewer, comment="c", public_note="n"
        )


# -------------------------------------------------------------- supersede


def test_approved_correction_supersedes_the_original(editor, reviewer):
    original = approved(editor, reviewer)
    correction = draft(editor, corrects=original)
    services.claim_submit(claim=correction, actor=editor)
    services.claim_approve(
        claim=correction,
        actor=reviewer,
        confidence=2,
        rationale="Confirmed by the ministry.",
    )
    original.refresh_from_db()
    assert original.state == ClaimState.SUPERSEDED
    assert original.corrected_by == correction
    assert log(original)[-1] == (
        "approved",
        "superseded",
        "reviewer",
        f"Superseded by {correction.public_id}.",
    )


def test_original_stays_published_until_the_correction_is_approved(editor, reviewer):
    original = approved(editor, reviewer)
    correction = draft(editor, corrects=original)
    services.claim_submit(claim=correction, actor=editor)
    services.claim_reject(claim=correction, actor=reviewer, comment="Wrong")
    original.refresh_from_db()
    assert original.state == ClaimState.APPROVED


def test_only_an_approved_claim_can_be_corrected(editor):
    unpublished = draft(editor)
    with pytest.raises(WorkflowError, match="Only an approved claim"):
        draft(editor, corrects=unpublished)


def test_correction_of_a_since_retracted_claim_cannot_be_approved(editor, reviewer):
    original = approved(editor, reviewer)
    correction = draft(editor, corrects=original)
    services.claim_submit(claim=correction, actor=editor)
    services.claim_retract(claim=original, actor=reviewer, comment="c", public_note="n")
    with pytest.raises(WorkflowError, match="corrects a claim that is retracted"):
        services.claim_approve(
            claim=correction,
            actor=reviewer,
            confidence=2,
            rationale="Confirmed by the ministry.",
        )
    correction.refresh_from_db()
    assert correction.state == ClaimState.IN_REVIEW


# ------------------------------------------------------------------ editing


def test_create_records_the_author(editor):
    claim = draft(editor)
    assert claim.created_by == editor
    assert claim.updated_by == editor
    assert claim.state == ClaimState.DRAFT


def test_create_refuses_workflow_fields(editor):
    with pytest.raises(WorkflowError, match="state"):
        services.claim_create(
            actor=editor, statement="x", kind="other", state="approved"
        )


def test_user_without_permission_cannot_create(db):
    with pytest.raises(PermissionDenied):
        services.claim_create(actor=UserFactory(), statement="x", kind="other")


def test_reviewer_can_edit_a_draft(editor, reviewer):
    claim = draft(editor)
    services.claim_update(claim=claim, actor=reviewer, statement="Eight soldiers.")
    assert claim.statement == "Eight soldiers."
    assert claim.updated_by == reviewer
    assert claim.created_by == editor


@pytest.mark.parametrize("state", ["approved", "retracted", "superseded"])
def test_published_claim_is_read_only_for_everyone(editor, reviewer, state):
    claim = approved(editor, reviewer)
    if state != "approved":
        claim.state = state
        claim.public_note = "note"
        claim.save()
    boss = UserFactory(username="boss", is_superuser=True)
    citation = claim.citations.get()
    figure = FigureFactory(claim=claim)
    with pytest.raises(WorkflowError, match="read-only"):
        services.claim_update(claim=claim, actor=boss, statement="Changed")
    with pytest.raises(WorkflowError, match="read-only"):
        services.claim_delete(claim=claim, actor=boss)
    citation.quote = "five soldiers"
    citation.start = citation.document.text.find("five soldiers")
    citation.end = citation.start + len("five soldiers")
    with pytest.raises(WorkflowError, match="read-only"):
        services.citation_save(citation=citation, actor=boss)
    with pytest.raises(WorkflowError, match="read-only"):
        services.citation_delete(citation=citation, actor=boss)
    with pytest.raises(WorkflowError, match="read-only"):
        services.figure_delete(figure=figure, actor=boss)
    figure.value = 9
    with pytest.raises(WorkflowError, match="read-only"):
        services.figure_save(figure=figure, actor=boss)
    new = Citation(
        claim=claim,
        document=citation.document,
        originator=SourceFactory(),
        quote="five soldiers",
        start=citation.start,
        end=citation.end,
    )
    with pytest.raises(WorkflowError, match="read-only"):
        services.citation_save(citation=new, actor=boss)
    claim.refresh_from_db()
    assert claim.statement == "At least eight soldiers were killed."
    assert Citation.objects.get(pk=citation.pk).quote == "at least eight soldiers"
    assert Figure.objects.get(pk=figure.pk).value == 8


def test_citation_cannot_be_moved_out_of_a_published_claim(editor, reviewer):
    claim = approved(editor, reviewer)
    citation = claim.citations.get()
    citation.claim = draft(editor)
    with pytest.raises(WorkflowError, match="read-only"):
        services.citation_save(citation=citation, actor=editor)


def test_figure_saved_through_the_service_gets_its_interval(editor):
    claim = draft(editor)
    figure = Figure(
        claim=claim, metric="killed", subject="soldiers", qualifier="at_least", value=8
    )
    services.figure_save(figure=figure, actor=editor)
    figure.refresh_from_db()
    assert (figure.low, figure.high) == (8, None)


def test_bad_quote_through_the_service_is_refused(editor):
    claim = draft(editor)
    citation = Citation(
        claim=claim,
        document=DocumentFactory(),
        originator=SourceFactory(),
        quote="nine soldiers",
        start=0,
        end=13,
    )
    with pytest.raises(Exception, match="does not occur"):
        services.citation_save(citation=citation, actor=editor)


def test_draft_can_be_deleted_by_its_editor(editor):
    claim = draft(editor)
    services.claim_delete(claim=claim, actor=editor)
    assert not type(claim).objects.filter(pk=claim.pk).exists()


# ---------------------------------------------------------- what is offered


def test_available_actions_follow_state_role_and_four_eyes(editor, reviewer):
    claim = draft(editor)
    assert services.claim_available_actions(claim=claim, actor=editor) == ["submit"]
    services.claim_submit(claim=claim, actor=editor)
    assert services.claim_available_actions(claim=claim, actor=editor) == []
    assert services.claim_available_actions(claim=claim, actor=reviewer) == [
        "approve",
        "reject",
        "request_changes",
    ]
    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    assert services.claim_available_actions(claim=claim, actor=reviewer) == ["retract"]
    assert services.claim_available_actions(claim=claim, actor=editor) == []


# ------------------------------------------------------------------ in bulk


def test_bulk_approval_reports_each_refusal(editor, reviewer):
    good = in_review(editor)
    uncited = services.claim_create(actor=editor, statement="Uncited", kind="other")
    services.claim_submit(claim=uncited, actor=editor)
    mine = draft(reviewer)
    services.claim_submit(claim=mine, actor=reviewer)
    done, refused = services.claims_transition_each(
        claims=[good, uncited, mine], actor=reviewer, action="approve", confidence=3
    )
    assert done == [good]
    reasons = dict(refused)
    assert "without a citation" in reasons[uncited]
    assert "four eyes" in reasons[mine]


# ------------------------------------------------- suggested confidence


def test_departing_from_the_suggested_confidence_needs_a_rationale(editor, reviewer):
    claim = in_review(editor)  # one originator graded B: the suggestion is 3
    with pytest.raises(WorkflowError, match="suggested confidence is 3"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=1)
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW
    services.claim_approve(
        claim=claim, actor=reviewer, confidence=1, rationale="Seen on video."
    )
    claim.refresh_from_db()
    assert (claim.state, claim.confidence) == (ClaimState.APPROVED, 1)
    assert claim.confidence_rationale == "Seen on video."


def test_approving_a_figure_that_disagrees_opens_a_conflict(editor, reviewer):
    first = draft(editor)
    FigureFactory(claim=first, qualifier="at_least", value=8)
    services.claim_submit(claim=first, actor=editor)
    services.claim_approve(claim=first, actor=reviewer, confidence=3)
    second = draft(editor, event=first.event)
    services.figure_save(
        figure=Figure(
            claim=second,
            metric="killed",
            subject="soldiers",
            qualifier="exactly",
            value=5,
        ),
        actor=editor,
    )
    conflict = Figure.objects.get(claim=first).conflicts.get()
    assert conflict.status == "open"
    assert set(conflict.figures.values_list("claim_id", flat=True)) == {
        first.pk,
        second.pk,
    }
