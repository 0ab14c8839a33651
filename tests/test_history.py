"""History of every change, and the roles that may make them."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from registry import services
from registry.models import Claim, Document, Figure, Source
from registry.roles import EDITOR, REVIEWER, roles_setup
from registry.services.transfer import export_records, import_records
from tests.factories import CitationFactory, DocumentFactory, FigureFactory

pytestmark = pytest.mark.django_db


def test_every_edit_and_transition_of_a_claim_is_kept_with_its_author(editor, reviewer):
    claim = services.claim_create(actor=editor, statement="Eight", kind="other")
    services.claim_update(claim=claim, actor=editor, statement="At least eight")
    CitationFactory(claim=claim)
    services.claim_submit(claim=claim, actor=editor)
    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    rows = list(claim.history.order_by("history_date", "history_id"))
    assert [r.statement for r in rows[:2]] == ["Eight", "At least eight"]
    assert [r.history_user for r in rows] == [editor, editor, editor, reviewer]
    assert rows[-1].state == "approved"


def test_citation_and_figure_changes_are_kept(editor):
    claim = services.claim_create(actor=editor, statement="Eight", kind="other")
    figure = FigureFactory.build(claim=claim)
    services.figure_save(figure=figure, actor=editor)
    figure.value = 9
    services.figure_save(figure=figure, actor=editor)
    figure_id = figure.pk
    services.figure_delete(figure=figure, actor=editor)
    history = Figure.history.filter(id=figure_id).order_by("history_date")
    assert [r.history_type for r in history] == ["+", "~", "-"]
    assert [r.value for r in history] == [8, 9, 9]
    assert {r.history_user for r in history} == {editor}


def test_source_and_document_changes_are_kept():
    document = DocumentFactory()
    document.text = "Rewritten."
    document.save()
    assert document.history.count() == 2
    assert document.history.earliest("history_date").text != "Rewritten."
    source = Source.objects.create(name="Observatory", kind="monitor")
    source.reliability = "C"
    source.save()
    assert list(
        source.history.order_by("history_date").values_list("reliability", flat=True)
    ) == ["F", "C"]


def test_import_and_export_still_round_trip_with_history(editor, reviewer):
    claim = services.claim_create(actor=editor, statement="Eight", kind="other")
    CitationFactory(claim=claim)
    services.claim_submit(claim=claim, actor=editor)
    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    records = list(export_records())
    Claim.objects.all().delete()
    Document.objects.all().delete()
    Source.objects.all().delete()
    import_records(records, existing="skip")
    assert list(export_records()) == records
    assert Claim.objects.get(public_id=claim.public_id).history.exists()


def test_roles_hold_exactly_their_permissions():
    roles_setup()
    editor = set(
        Group.objects.get(name=EDITOR).permissions.values_list("codename", flat=True)
    )
    reviewer = set(
        Group.objects.get(name=REVIEWER).permissions.values_list("codename", flat=True)
    )
    assert "review_claim" not in editor and "retract_claim" not in editor
    assert {"review_claim", "retract_claim", "change_claim"} <= reviewer
    assert editor < reviewer
    assert not {"delete_source", "delete_document"} & reviewer
    assert not any(
        c.endswith("claimtransition") and not c.startswith("view") for c in reviewer
    )


def test_setup_roles_is_idempotent_and_repairs_a_group():
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    group = Group.objects.get(name=EDITOR)
    group.permissions.clear()
    call_command("setup_roles", stdout=out)
    call_command("setup_roles", stdout=out)
    assert Group.objects.filter(name__in=[EDITOR, REVIEWER]).count() == 2
    assert group.permissions.count() > 0
    assert "Reviewer:" in out.getvalue()


def test_editor_group_cannot_approve_but_reviewer_can(editor, reviewer):
    assert not editor.has_perm("registry.review_claim")
    assert reviewer.has_perm("registry.review_claim")
    assert reviewer.has_perm("registry.change_claim")
