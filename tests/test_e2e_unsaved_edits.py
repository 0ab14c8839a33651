"""Issue 12 in a real Chromium: "Submit for review" saves the edits typed
on the page first, and another review step asks before leaving unsaved
edits behind (and stays put when the reviewer says no)."""

import pytest

from registry import services
from registry.choices import ClaimState
from registry.models import Claim
from tests.e2e_support import sign_in
from tests.factories import CitationFactory

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_submit_saves_typed_edits_and_approve_asks_before_dropping_them(
    live_server, editor, reviewer, e2e_settings, browser
):
    base = live_server.url
    claim = services.claim_create(
        actor=editor, statement="At least eight soldiers killed.", kind="other"
    )
    CitationFactory(claim=claim)

    page = browser.new_context().new_page()
    sign_in(page, base, "editor")
    page.goto(f"{base}/admin/registry/claim/{claim.pk}/change/")
    page.fill("#id_statement", "At least nine soldiers killed.")  # not saved
    page.click('[data-action="submit"] details summary')
    page.fill("#id_t_comment_submit", "ready")
    page.click('[data-action="submit"] input[type=submit]')
    page.wait_for_selector("text=Your edits were saved. The claim is now in review.")
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW
    assert claim.statement == "At least nine soldiers killed."

    # A reviewer types an edit, then presses Approve: the page asks first.
    reviewer_page = browser.new_context().new_page()
    sign_in(reviewer_page, base, "reviewer")
    reviewer_page.goto(f"{base}/admin/registry/claim/{claim.pk}/change/")
    reviewer_page.fill("#id_statement", "typed, not saved")
    questions = []

    def decline(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    reviewer_page.once("dialog", decline)
    reviewer_page.select_option("#id_t_confidence", "3")
    reviewer_page.fill("#id_t_rationale", "One monitor.")
    reviewer_page.click("#approve-form input[type=submit]")
    assert questions and "unsaved edits" in questions[0]
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.IN_REVIEW
    assert reviewer_page.input_value("#id_statement") == "typed, not saved"
