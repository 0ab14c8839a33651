"""The review workflow in a real headless Chromium, against a live server.

Uses Debian's chromium (``make e2e-deps`` installs it); on a machine
without it the test skips with the reason, which CI turns into a failure.
"""

import os
import re

import pytest

from registry.choices import ClaimState
from registry.models import Claim, ClaimTransition
from tests.e2e_support import ARTIFACTS, choose, sign_in
from tests.factories import DocumentFactory, SourceFactory

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_editor_records_and_submits_reviewer_approves_in_a_browser(
    live_server, editor, reviewer, e2e_settings, browser
):
    document = DocumentFactory(title="Daesh resurgence article")
    SourceFactory(name="Syrian Observatory for Human Rights")
    base = live_server.url

    # -- the editor records a claim with a citation and a figure
    editor_page = browser.new_context().new_page()
    sign_in(editor_page, base, "editor")
    editor_page.goto(f"{base}/admin/registry/claim/add/")
    editor_page.fill("#id_statement", "At least eight soldiers were killed.")
    editor_page.select_option("#id_kind", "casualty_figure")
    choose(editor_page, "id_citations-0-document", document.title)
    choose(editor_page, "id_citations-0-originator", "Syrian Observatory")
    editor_page.fill("#id_citations-0-quote", "at least eight soldiers")
    editor_page.select_option("#id_figures-0-metric", "killed")
    editor_page.fill("#id_figures-0-subject", "soldiers")
    editor_page.select_option("#id_figures-0-qualifier", "at_least")
    editor_page.fill("#id_figures-0-value", "8")
    editor_page.click("input[name=_continue]")
    editor_page.wait_for_selector("#review-panel")
    claim = Claim.objects.get()
    assert claim.citations.count() == 1 and claim.figures.count() == 1

    # -- and submits it
    editor_page.click('[data-action="submit"] input[type=submit]')
    editor_page.wait_for_selector("text=The claim is now in review.")
    assert editor_page.inner_text("#claim-state") == "In review"

    # -- the same editor sees no approve button, and a forged approval fails
    assert editor_page.locator("#approve-form").count() == 0
    status = editor_page.evaluate(
        """async (url) => {
            const body = new FormData();
            body.append("csrfmiddlewaretoken",
                document.querySelector("[name=csrfmiddlewaretoken]").value);
            body.append("confidence", "1");
            const response = await fetch(url, {method: "POST", body});
            return response.status;
        }""",
        f"/admin/registry/claim/{claim.pk}/transition/approve/",
    )
    assert status == 403
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW

    # -- a reviewer finds it in the queue and approves it
    reviewer_page = browser.new_context().new_page()
    sign_in(reviewer_page, base, "reviewer")
    assert reviewer_page.inner_text("#review-counts .count-waiting") == "1"
    reviewer_page.click("text=Waiting for your review")
    reviewer_page.wait_for_selector("#result_list")
    reviewer_page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)
    reviewer_page.click("#result_list a:has-text('At least eight soldiers')")
    reviewer_page.select_option("#id_t_confidence", "3")
    reviewer_page.fill("#id_t_rationale", "One monitor, not yet corroborated.")
    reviewer_page.click("#approve-form input[type=submit]")
    reviewer_page.wait_for_selector("text=The claim is now approved.")
    assert reviewer_page.inner_text("#claim-state") == "Approved"
    assert reviewer_page.locator("input[name=_save]").count() == 0
    reviewer_page.screenshot(path=str(ARTIFACTS / "claim-approved.png"), full_page=True)

    # -- the claim list shows it approved, with its confidence
    reviewer_page.goto(f"{base}/admin/registry/claim/")
    row = reviewer_page.locator("#result_list tbody tr").first
    assert "Approved" in row.inner_text()
    assert re.search(r"3: possibly true", row.inner_text())

    claim.refresh_from_db()
    assert (claim.state, claim.confidence) == (ClaimState.APPROVED, 3)
    assert list(
        ClaimTransition.objects.filter(claim=claim).values_list(
            "to_state", "actor__username"
        )
    ) == [("in_review", "editor"), ("approved", "reviewer")]

    # -- and the public sees it: the API and the permalink page, signed out
    public = browser.new_context().new_page()
    response = public.goto(f"{base}/api/v1/claims/{claim.public_id}/")
    assert response.status == 200
    published = response.json()
    assert published["statement"] == claim.statement
    assert published["confidence"]["level"] == 3
    public.goto(f"{base}/claims/{claim.public_id}/")
    assert claim.statement in public.inner_text("body")
    public.screenshot(path=str(ARTIFACTS / "public-permalink.png"), full_page=True)
    assert os.path.getsize(ARTIFACTS / "review-queue.png") > 0
