"""Issue 12, the workflow: approving what you saw, four eyes over everyone
who wrote the claim, and no edit lost or action hidden without a word."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from registry import services
from registry.choices import ClaimState
from registry.models import Claim, Figure
from registry.services import WorkflowError
from tests.factories import CitationFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def draft(author, statement="At least eight soldiers were killed."):
    claim = services.claim_create(
        actor=author, statement=statement, kind="casualty_figure"
    )
    CitationFactory(claim=claim)
    return claim


def add_figure(claim, actor, value=8):
    figure = Figure(
        claim=claim, metric="killed", subject="soldiers", qualifier="at_least",
        value=value,
    )
    return services.figure_save(figure=figure, actor=actor)


def change_url(claim):
    return reverse("admin:registry_claim_change", args=[claim.pk])


def transition_url(claim, action):
    return reverse("admin:registry_claim_transition", args=[claim.pk, action])


# ------------------------------------------------- approving what you saw


def test_approval_is_refused_when_the_statement_changed_since_it_was_seen(
    editor, reviewer
):
    claim = draft(editor)
    services.claim_submit(claim=claim, actor=editor)
    seen = services.claim_version(claim)
    services.claim_update(claim=claim, actor=editor, statement="Eighty were killed.")
    with pytest.raises(WorkflowError, match="changed after you opened it"):
        services.claim_approve(
            claim=claim, actor=reviewer, confidence=3, seen_version=seen
        )
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW


def test_approval_is_refused_when_a_figure_changed_since_it_was_seen(
    editor, reviewer
):
    claim = draft(editor)
    figure = add_figure(claim, editor)
    services.claim_submit(claim=claim, actor=editor)
    seen = services.claim_version(claim)
    figure.value = 80
    services.figure_save(figure=figure, actor=editor)
    with pytest.raises(WorkflowError, match="changed after you opened it"):
        services.claim_approve(
            claim=claim, actor=reviewer, confidence=3, seen_version=seen
        )


def test_approval_of_the_version_seen_goes_through(editor, reviewer):
    claim = draft(editor)
    services.claim_submit(claim=claim, actor=editor)
    seen = services.claim_version(claim)
    services.claim_approve(claim=claim, actor=reviewer, confidence=3, seen_version=seen)
    assert claim.state == ClaimState.APPROVED


def test_claim_version_ignores_the_reviewers_confidence_but_not_citations(
    editor, reviewer
):
    claim = draft(editor)
    before = services.claim_version(claim)
    services.claim_update(claim=claim, actor=reviewer, confidence=2)
    assert services.claim_version(claim) == before
    citation = claim.citations.get()
    citation.stance = "disputes"
    services.citation_save(citation=citation, actor=editor)
    assert services.claim_version(claim) != before


def test_admin_approve_form_carries_the_version_and_a_stale_one_is_refused(
    client, editor, reviewer
):
    claim = draft(editor)
    services.claim_submit(claim=claim, actor=editor)
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    seen = services.claim_version(claim)
    assert f'name="seen_version" value="{seen}"' in page
    services.claim_update(claim=claim, actor=editor, statement="Eighty were killed.")
    response = client.post(
        transition_url(claim, "approve"),
        {"confidence": "3", "seen_version": seen},
        follow=True,
    )
    assert "changed after you opened it" in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW


def test_admin_approval_without_a_version_is_refused(client, editor, reviewer):
    claim = draft(editor)
    services.claim_submit(claim=claim, actor=editor)
    client.force_login(reviewer)
    client.post(transition_url(claim, "approve"), {"confidence": "3"})
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW


# ------------------------------------------------------------ four eyes


def test_author_cannot_approve_after_someone_else_submitted_and_edited(
    editor, reviewer, second_reviewer
):
    # The reproduction: the author writes, another submits and makes
    # a trivial edit, the author tries to approve.
    claim = draft(reviewer)
    services.claim_update(claim=claim, actor=editor, statement=claim.statement + " ")
    services.claim_submit(claim=claim, actor=editor)
    with pytest.raises(PermissionDenied, match="wrote part of this claim"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    services.claim_approve(claim=claim, actor=second_reviewer, confidence=3)
    assert claim.state == ClaimState.APPROVED


def test_whoever_added_a_figure_cannot_approve(editor, reviewer, second_reviewer):
    claim = draft(editor)
    add_figure(claim, reviewer)
    services.claim_update(claim=claim, actor=editor, statement="Eight were killed.")
    services.claim_submit(claim=claim, actor=editor)
    with pytest.raises(PermissionDenied, match="wrote part of"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)


def test_whoever_deleted_a_citation_cannot_approve(editor, reviewer):
    claim = draft(editor)
    extra = CitationFactory(claim=claim, originator=SourceFactory())
    services.citation_delete(citation=extra, actor=reviewer)
    services.claim_update(claim=claim, actor=editor, statement="Eight were killed.")
    services.claim_submit(claim=claim, actor=editor)
    with pytest.raises(PermissionDenied, match="wrote part of"):
        services.claim_approve(claim=claim, actor=reviewer, confidence=3)


def test_reviewer_who_sent_a_claim_back_may_approve_it_later(editor, reviewer):
    claim = draft(editor)
    services.claim_submit(claim=claim, actor=editor)
    services.claim_request_changes(claim=claim, actor=reviewer, comment="Source?")
    services.claim_update(claim=claim, actor=editor, statement="Eight were killed.")
    services.claim_submit(claim=claim, actor=editor)
    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    assert claim.state == ClaimState.APPROVED


def test_admin_hides_approve_from_a_past_writer_and_says_why(
    client, editor, reviewer
):
    claim = draft(reviewer)
    services.claim_update(claim=claim, actor=editor, statement="Eight were killed.")
    services.claim_submit(claim=claim, actor=editor)
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert 'data-action="approve"' not in page
    assert "Approve is not offered: You wrote part of this claim" in page
    assert 'data-action="reject"' in page


# --------------------------------------------- no edit lost, no silent hide


def test_reviewer_who_saved_a_confidence_is_told_why_approve_is_gone(
    client, editor, reviewer
):
    claim = draft(editor)
    services.claim_submit(claim=claim, actor=editor)
    services.claim_update(claim=claim, actor=reviewer, confidence=2)
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert (
        "Approve is not offered: You last edited this claim, so someone else "
        "must approve it" in page
    )


def _change_form_data(claim):
    citation = claim.citations.get()
    return {
        "statement": claim.statement,
        "kind": claim.kind,
        "event": "",
        "corrects": "",
        "confidence": "",
        "confidence_rationale": "",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "1",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "citations-0-id": str(citation.pk),
        "citations-0-claim": str(claim.pk),
        "citations-0-document": str(citation.document_id),
        "citations-0-originator": str(citation.originator_id),
        "citations-0-quote": citation.quote,
        "citations-0-start": str(citation.start),
        "citations-0-end": str(citation.end),
        "citations-0-stance": citation.stance,
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "1000",
    }


def test_submit_for_review_saves_the_typed_edits_first(client, editor):
    claim = draft(editor)
    client.force_login(editor)
    page = client.get(change_url(claim)).content.decode()
    assert 'form="claim_form" name="_submit_for_review"' in page
    data = _change_form_data(claim)
    data.update(
        statement="Nine soldiers were killed.",
        _submit_for_review="Save and submit for review",
        _submit_comment="ready",
    )
    response = client.post(change_url(claim), data, follow=True)
    assert "Your edits were saved. The claim is now in review." in (
        response.content.decode()
    )
    claim.refresh_from_db()
    assert claim.statement == "Nine soldiers were killed."
    assert claim.state == ClaimState.IN_REVIEW
    transition = claim.transitions.get()
    assert transition.comment == "ready"


def test_submit_with_an_invalid_edit_submits_nothing_and_keeps_the_input(
    client, editor
):
    claim = draft(editor)
    client.force_login(editor)
    data = _change_form_data(claim)
    data.update(statement="", _submit_for_review="Save and submit for review")
    response = client.post(change_url(claim), data)
    assert response.status_code == 200  # the form again, with its errors
    claim.refresh_from_db()
    assert claim.state == ClaimState.DRAFT
    assert not Claim.objects.filter(state=ClaimState.IN_REVIEW).exists()
