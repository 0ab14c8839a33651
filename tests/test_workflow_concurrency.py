"""Two reviewers acting on one claim at the same moment, on real connections."""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from registry.choices import ClaimState
from registry.models import Claim, ClaimTransition
from registry.services import workflow as services
from tests.factories import CitationFactory


def race(monkeypatch, claim, *calls):
    """Run each call in its own thread and connection, released together.

    The winner holds the row lock a little longer, so the others really
    wait on it instead of simply running after it.
    """
    original_hook = services._after_transition

    def slow_hook(*args, **kwargs):
        original_hook(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services, "_after_transition", slow_hook)
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call(claim=Claim.objects.get(pk=claim.pk))
            outcomes[index] = "won"
        except (ValidationError, PermissionDenied) as exc:
            outcomes[index] = " ".join(getattr(exc, "messages", [str(exc)]))
        except Exception as exc:
            outcomes[index] = f"raised {exc!r}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def submitted_claim(editor):
    claim = services.claim_create(actor=editor, statement="Eight killed", kind="other")
    CitationFactory(claim=claim)
    return services.claim_submit(claim=claim, actor=editor)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_one_wins(
    monkeypatch, editor, reviewer, second_reviewer
):
    claim = submitted_claim(editor)
    outcomes = race(
        monkeypatch,
        claim,
        lambda claim: services.claim_approve(
            claim=claim, actor=reviewer, confidence=2, rationale="Checked."
        ),
        lambda claim: services.claim_approve(
            claim=claim, actor=second_reviewer, confidence=4, rationale="Doubtful."
        ),
    )
    assert outcomes.count("won") == 1
    loser = next(o for o in outcomes if o != "won")
    assert "it is approved" in loser
    assert ClaimTransition.objects.filter(claim=claim, to_state="approved").count() == 1
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_approve_and_reject_at_once_leave_one_decision(
    monkeypatch, editor, reviewer, second_reviewer
):
    claim = submitted_claim(editor)
    outcomes = race(
        monkeypatch,
        claim,
        lambda claim: services.claim_approve(
            claim=claim, actor=reviewer, confidence=2, rationale="Checked."
        ),
        lambda claim: services.claim_reject(
            claim=claim, actor=second_reviewer, comment="Unsourced"
        ),
    )
    assert outcomes.count("won") == 1
    claim.refresh_from_db()
    decisions = ClaimTransition.objects.filter(claim=claim).exclude(
        to_state="in_review"
    )
    assert [d.to_state for d in decisions] == [claim.state]
    loser = next(o for o in outcomes if o != "won")
    assert f"it is {claim.get_state_display().lower()}" in loser
