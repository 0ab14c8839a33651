"""The reviewers' admin: what it shows to whom, and that it goes through the rules."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import services
from registry.choices import ClaimState
from registry.models import Claim, ClaimTransition, Conflict
from registry.services import conflicts
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EventFactory,
    FigureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Tests run with DEBUG off; the manifest storage would need collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def make_claim(author, *, submit=False, statement="At least eight soldiers killed"):
    claim = services.claim_create(actor=author, statement=statement, kind="other")
    CitationFactory(claim=claim)
    if submit:
        services.claim_submit(claim=claim, actor=author)
    return claim


def change_url(claim):
    return reverse("admin:registry_claim_change", args=[claim.pk])


def transition_url(claim, action):
    return reverse("admin:registry_claim_transition", args=[claim.pk, action])


# ------------------------------------------------------------- claim page


def test_editor_sees_submit_on_a_draft_and_no_review_buttons(client, editor):
    claim = make_claim(editor)
    client.force_login(editor)
    page = client.get(change_url(claim)).content.decode()
    assert 'data-action="submit"' in page
    assert 'data-action="approve"' not in page
    services.claim_submit(claim=claim, actor=editor)
    page = client.get(change_url(claim)).content.decode()
    assert "No review step is open to you" in page


def test_submitter_sees_no_approve_button_but_another_reviewer_does(
    client, reviewer, second_reviewer
):
    claim = make_claim(reviewer, submit=True)
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert 'data-action="approve"' not in page
    assert 'data-action="reject"' in page
    client.force_login(second_reviewer)
    page = client.get(change_url(claim)).content.decode()
    for action in ("approve", "reject", "request_changes"):
        assert f'data-action="{action}"' in page
    assert 'data-action="retract"' not in page


def test_forged_approval_by_the_editor_is_refused(client, editor):
    claim = make_claim(editor, submit=True)
    client.force_login(editor)
    response = client.post(transition_url(claim, "approve"), {"confidence": "1"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW
    assert not ClaimTransition.objects.filter(to_state="approved").exists()


def test_reviewer_approves_from_the_claim_page(client, editor, reviewer):
    claim = make_claim(editor, submit=True)
    client.force_login(reviewer)
    response = client.post(
        transition_url(claim, "approve"),
        {
            "confidence": "2",
            "rationale": "Two monitors",
            "comment": "fine",
            "seen_version": services.claim_version(claim),
        },
        follow=True,
    )
    assert "The claim is now approved." in response.content.decode()
    claim.refresh_from_db()
    assert (claim.state, claim.confidence) == (ClaimState.APPROVED, 2)


def test_missing_comment_is_reported_not_applied(client, editor, reviewer):
    claim = make_claim(editor, submit=True)
    client.force_login(reviewer)
    response = client.post(
        transition_url(claim, "reject"), {"comment": ""}, follow=True
    )
    assert "a comment is needed" in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW


def test_transition_needs_post(client, editor):
    claim = make_claim(editor)
    client.force_login(editor)
    assert client.get(transition_url(claim, "submit")).status_code == 405


def test_approved_claim_page_is_read_only_and_refuses_a_post(client, editor, reviewer):
    claim = make_claim(editor, submit=True)
    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert 'name="_save"' not in page
    assert 'name="statement"' not in page
    assert "read-only" in page
    response = client.post(change_url(claim), {"statement": "Changed", "kind": "other"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.statement == "At least eight soldiers killed"


def test_history_page_lists_changes_to_the_claim_and_its_parts(client, editor):
    claim = make_claim(editor)
    services.claim_update(claim=claim, actor=editor, statement="Eight killed")
    figure = FigureFactory.build(claim=claim)
    services.figure_save(figure=figure, actor=editor)
    services.figure_delete(figure=figure, actor=editor)
    client.force_login(editor)
    url = reverse("admin:registry_claim_history", args=[claim.pk])
    page = client.get(url).content.decode()
    assert "Eight killed" in page
    assert "At least eight soldiers killed" in page
    parts = page[page.index('id="parts-history"') :]
    assert "killed soldiers: at_least 8" in parts
    assert "deleted" in parts and "added" in parts
    assert "\u201cat least eight soldiers\u201d" in parts


def test_history_cannot_be_used_to_revert(client, editor):
    claim = make_claim(editor)
    version = claim.history.earliest("history_date")
    client.force_login(editor)
    url = reverse(
        "admin:registry_claim_simple_history", args=[claim.pk, version.history_id]
    )
    assert client.post(url, {"statement": "x", "kind": "other"}).status_code == 403


def test_editor_records_a_claim_with_citation_and_figure_in_the_admin(client, editor):
    document = DocumentFactory()
    source = SourceFactory()
    event = EventFactory()
    client.force_login(editor)
    data = {
        "statement": "At least eight soldiers were killed",
        "kind": "casualty_figure",
        "event": event.pk,
        "confidence_rationale": "",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-document": document.pk,
        "citations-0-originator": source.pk,
        "citations-0-quote": "at least eight soldiers",
        "citations-0-stance": "asserts",
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "0",
        "figures-0-kind": "quantity",
        "figures-0-metric": "killed",
        "figures-0-subject": "soldiers",
        "figures-0-qualifier": "at_least",
        "figures-0-value": "8",
        "figures-0-unit": "people",
    }
    response = client.post(reverse("admin:registry_claim_add"), data)
    assert response.status_code == 302, response.context["errors"]
    claim = Claim.objects.get()
    assert (claim.created_by, claim.updated_by, claim.state) == (
        editor,
        editor,
        ClaimState.DRAFT,
    )
    citation = claim.citations.get()
    assert citation.start == document.text.find("at least eight soldiers")
    figure = claim.figures.get()
    assert (figure.low, figure.high) == (8, None)


def test_quote_not_in_the_document_is_refused_in_the_form(client, editor):
    document = DocumentFactory()
    client.force_login(editor)
    data = {
        "statement": "Nine",
        "kind": "other",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-document": document.pk,
        "citations-0-originator": SourceFactory().pk,
        "citations-0-quote": "nine soldiers",
        "citations-0-stance": "asserts",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:registry_claim_add"), data)
    assert response.status_code == 200
    # Refused, with the document's closest passage to copy instead.
    assert "not verbatim" in response.content.decode()
    assert "five soldiers" in response.content.decode()
    assert not Claim.objects.exists()


# -------------------------------------------------------------- claim list


def test_claim_list_query_count_does_not_grow_with_rows(client, reviewer, editor):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("admin:registry_claim_changelist"))
        assert response.status_code == 200
        return len(queries)

    client.force_login(reviewer)
    make_claim(editor)
    few = count_queries()
    for n in range(8):
        claim = make_claim(editor, statement=f"Claim {n}")
        services.claim_update(claim=claim, actor=editor, event=EventFactory())
        CitationFactory(claim=claim, originator=SourceFactory())
        FigureFactory(claim=claim)
    assert count_queries() == few


def test_claim_list_shows_state_confidence_originators_and_conflict(
    client, editor, reviewer
):
    claim = make_claim(editor, submit=True)
    services.claim_approve(claim=claim, actor=reviewer, confidence=2, rationale="Two reports agree.")
    figure = FigureFactory(claim=claim)
    conflict = Conflict.objects.create(
        quantity_key=figure.quantity_key,
        kind="quantity",
        metric="killed",
        subject="soldiers",
    )
    conflict.figures.add(figure)
    # Made by hand, not by detection: flag its claim as detection does.
    conflicts.claims_flag_refresh(claim_ids=[claim.pk])
    client.force_login(reviewer)
    page = client.get(reverse("admin:registry_claim_changelist")).content.decode()
    assert "Approved" in page
    assert "2: probably true" in page
    assert claim.citations.get().originator.name in page
    assert 'class="conflict-open"' in page and "icon-no.svg" not in page
    url = reverse("admin:registry_claim_changelist")
    assert claim.statement in client.get(url, {"conflict": "open"}).content.decode()
    assert claim.statement not in client.get(url, {"conflict": "none"}).content.decode()


def test_claim_search_finds_source_aliases_and_quotes(client, editor, reviewer):
    observatory = SourceFactory(name="Syrian Observatory for Human Rights")
    observatory.aliases.create(alias="the London-based agency")
    claim = make_claim(editor, statement="Eight soldiers killed")
    claim.citations.update(originator=observatory)
    other = make_claim(editor, statement="Unrelated")
    client.force_login(reviewer)
    url = reverse("admin:registry_claim_changelist")
    for query in ("London-based", "eight soldiers"):
        page = client.get(url, {"q": query}).content.decode()
        assert claim.statement in page, query
    page = client.get(url, {"q": "London-based"}).content.decode()
    assert other.statement not in page
    page = client.get(url, {"source": "the london-based AGENCY"}).content.decode()
    assert claim.statement in page and other.statement not in page


def test_claim_list_filters_by_event_and_document(client, editor, reviewer):
    claim = make_claim(editor, statement="Eight soldiers killed")
    services.claim_update(claim=claim, actor=editor, event=EventFactory())
    other = make_claim(editor, statement="Unrelated")
    client.force_login(reviewer)
    url = reverse("admin:registry_claim_changelist")
    page = client.get(url, {"event": claim.event.title}).content.decode()
    assert claim.statement in page and other.statement not in page
    document = claim.citations.get().document
    page = client.get(url, {"document": document.public_id}).content.decode()
    assert claim.statement in page and other.statement not in page


def test_bulk_approval_reports_refusals(client, editor, reviewer):
    good = make_claim(editor, submit=True, statement="Good")
    own = make_claim(reviewer, submit=True, statement="Own")
    draft = make_claim(editor, statement="Draft")
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:registry_claim_changelist"),
        {
            "action": "approve_selected",
            "_selected_action": [good.pk, own.pk, draft.pk],
            "confidence": "3",
            "comment": "",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "1 claim: approve done." in page
    assert "four eyes" in page
    assert "it is draft" in page
    states = dict(Claim.objects.values_list("statement", "state"))
    assert states == {"Good": "approved", "Own": "in_review", "Draft": "draft"}


def test_editor_has_no_bulk_review_actions(client, editor):
    make_claim(editor)
    client.force_login(editor)
    page = client.get(reverse("admin:registry_claim_changelist")).content.decode()
    assert "approve_selected" not in page
    assert "delete_selected" not in page


# ----------------------------------------------------------- review queue


def test_review_queue_shows_others_claims_oldest_first(
    client, editor, reviewer, second_reviewer
):
    first = make_claim(editor, submit=True, statement="First submitted")
    second = make_claim(second_reviewer, submit=True, statement="Second submitted")
    own = make_claim(reviewer, submit=True, statement="My own")
    make_claim(editor, statement="Still a draft")
    client.force_login(reviewer)
    page = client.get(reverse("admin:registry_reviewqueue_changelist")).content.decode()
    assert own.statement not in page
    assert "Still a draft" not in page
    assert page.index(first.statement) < page.index(second.statement)
    index = client.get(reverse("admin:index")).content.decode()
    assert 'class="count-waiting">2<' in index


def test_editor_does_not_see_the_review_queue(client, editor):
    client.force_login(editor)
    url = reverse("admin:registry_reviewqueue_changelist")
    assert client.get(url).status_code == 403


# --------------------------------------------------- documents and sources


def test_document_page_highlights_each_quote_with_a_link_to_its_claim(client, editor):
    claim = make_claim(editor)
    document = claim.citations.get().document
    client.force_login(editor)
    page = client.get(
        reverse("admin:registry_document_change", args=[document.pk])
    ).content.decode()
    assert f'<a href="{change_url(claim)}">at least eight soldiers</a></mark>' in page
    # Cited text cannot be edited from under its quotes.
    assert 'name="text"' not in page


def test_source_page_counts_its_claims_by_state(client, editor, reviewer):
    claim = make_claim(editor, submit=True)
    source = claim.citations.get().originator
    client.force_login(reviewer)
    page = client.get(
        reverse("admin:registry_source_change", args=[source.pk])
    ).content.decode()
    assert "In review: 1" in page
    assert "aliases-TOTAL_FORMS" in page
    assert 'name="reliability_rationale"' in page


def test_transitions_are_listed_read_only(client, editor, reviewer):
    make_claim(editor, submit=True)
    client.force_login(reviewer)
    url = reverse("admin:registry_claimtransition_changelist")
    assert client.get(url).status_code == 200
    transition = ClaimTransition.objects.get()
    change = reverse("admin:registry_claimtransition_change", args=[transition.pk])
    assert client.post(change, {"comment": "edited"}).status_code == 403


# ------------------------------------------------------------ the seed


def test_seeded_registry_pages_render_with_every_quote_highlighted(client, reviewer):
    from django.core.management import call_command

    from registry.models import Citation, Document

    call_command("load_seeds", verbosity=0)
    client.force_login(reviewer)
    for name in ("claim", "reviewqueue", "source", "document", "claimtransition"):
        url = reverse(f"admin:registry_{name}_changelist")
        assert client.get(url).status_code == 200, name
    article = Document.objects.filter(part_of=None).order_by("pk").first()
    page = client.get(
        reverse("admin:registry_document_change", args=[article.pk])
    ).content.decode()
    cited = Citation.objects.filter(document=article).values("claim").distinct()
    assert cited.count() > 5
    for claim_id in cited.values_list("claim", flat=True):
        assert f'href="/admin/registry/claim/{claim_id}/change/"' in page
    claim = Claim.objects.filter(state="approved").first()
    page = client.get(change_url(claim)).content.decode()
    assert "Workflow log" in page


def test_approved_claim_offers_a_prefilled_correction(client, editor, reviewer):
    claim = make_claim(editor, submit=True)
    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    client.force_login(editor)
    page = client.get(change_url(claim)).content.decode()
    assert 'id="record-correction"' in page
    add = client.get(reverse("admin:registry_claim_add"), {"corrects": claim.pk})
    assert f'<option value="{claim.pk}" selected>' in add.content.decode()


def test_corrects_box_offers_only_approved_claims(client, editor, reviewer):
    published = make_claim(editor, submit=True, statement="Published one")
    services.claim_approve(claim=published, actor=reviewer, confidence=3)
    make_claim(editor, statement="Draft one")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "registry",
            "model_name": "claim",
            "field_name": "corrects",
            "term": "one",
        },
    )
    texts = [item["text"] for item in response.json()["results"]]
    assert len(texts) == 1 and texts[0].startswith("Published one")
