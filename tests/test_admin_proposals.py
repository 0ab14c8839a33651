"""A document's admin page, from text to draft claims: "Propose claims"
(accept creates draft claims through the services, reject is remembered)
and "cite this" (a selected span into a new or existing claim). Editors
only; bad input gets 400 with the reasons, never 500."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from registry import services
from registry.choices import ClaimState, SourceKind
from registry.models import Claim, RejectedProposal
from registry.proposer import VERSION
from tests.factories import DocumentFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

ARTICLE = Path(__file__).parent / "data/proposer/articles/en01_wafa_gaza_rafah.txt"


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Tests run with DEBUG off; the manifest storage would need collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def wafa(db):
    source = SourceFactory(name="WAFA", kind=SourceKind.NEWS_AGENCY)
    source.aliases.create(alias="the official Palestinian WAFA news agency")
    return source


@pytest.fixture
def article(wafa):
    return DocumentFactory(
        title="Over 70 Palestinians killed",
        text=ARTICLE.read_text(encoding="utf-8").strip("\n"),
        published_on="2023-10-17",
    )


def url(name, document):
    return reverse(f"admin:registry_document_{name}", args=[document.pk])


def post_json(client, address, body):
    return client.post(
        address, data=json.dumps(body), content_type="application/json"
    )


def offers(client, document):
    response = client.get(url("proposals", document))
    assert response.status_code == 200, response.content
    return response.json()["proposals"]


def as_sent(offer):
    """An offer as the page sends it back: the figures left ticked."""
    return {**offer, "figures": [f for f in offer["figures"] if f["include"]]}


def test_editor_sees_proposals_with_verbatim_quotes_and_resolved_sources(
    client, editor, article, wafa
):
    client.force_login(editor)
    found = offers(client, article)
    assert found
    for offer in found:
        assert article.text[offer["start"] : offer["end"]] == offer["quote"]
        assert offer["proposer_version"] == VERSION
    first = found[0]
    assert "Over 70 Palestinians were killed" in first["quote"]
    assert first["originator"] == wafa.public_id
    killed = [f for f in first["figures"] if f["metric"] == "killed"]
    assert killed and killed[0]["value"] == 70


def test_propose_page_and_document_page_offer_the_tools_to_editors(
    client, editor, article
):
    client.force_login(editor)
    page = client.get(url("propose", article))
    assert page.status_code == 200
    assert b"document_editor.js" in page.content
    assert b"data-document-text" in page.content
    change = client.get(reverse("admin:registry_document_change", args=[article.pk]))
    assert b"propose-claims-link" in change.content
    assert b"document-editor-config" in change.content


def test_accepting_creates_a_draft_claim_by_the_editor_marked_as_proposed(
    client, editor, article, wafa
):
    client.force_login(editor)
    offer = offers(client, article)[0]
    offer["statement"] = "WAFA reports more than 70 Palestinians killed."
    response = post_json(
        client, url("proposals_accept", article), {"proposals": [as_sent(offer)]}
    )
    assert response.status_code == 200, response.content
    result = response.json()["results"][0]
    claim = Claim.objects.get(public_id=result["claim"]["public_id"])
    assert claim.state == ClaimState.DRAFT
    assert claim.created_by == editor
    assert claim.proposer_version == VERSION
    assert claim.statement == offer["statement"]
    citation = claim.citations.get()
    assert (citation.document, citation.originator) == (article, wafa)
    assert article.text[citation.start : citation.end] == citation.quote
    assert {(f.metric, f.value) for f in claim.figures.all()} >= {("killed", 70)}
    # The accepted span is cited now: it is not offered again.
    assert offer["key"] not in {o["key"] for o in offers(client, article)}


def test_a_rejected_proposal_is_not_offered_again(client, editor, article):
    client.force_login(editor)
    offer = offers(client, article)[1]
    response = post_json(
        client,
        url("proposals_reject", article),
        {k: offer[k] for k in ("start", "end", "quote", "proposer_version")},
    )
    assert response.status_code == 200, response.content
    assert RejectedProposal.objects.filter(
        document=article, start=offer["start"], proposer_version=VERSION
    ).exists()
    assert offer["key"] not in {o["key"] for o in offers(client, article)}
    # Rejecting it twice keeps one record.
    post_json(
        client,
        url("proposals_reject", article),
        {k: offer[k] for k in ("start", "end", "quote", "proposer_version")},
    )
    assert RejectedProposal.objects.filter(document=article).count() == 1


def test_a_proposal_with_a_bad_figure_creates_nothing_and_says_why(
    client, editor, article
):
    client.force_login(editor)
    offer = offers(client, article)[0]
    offer["figures"][0]["metric"] = "bananas"
    offer["figures"][0]["value"] = "many"
    response = post_json(
        client, url("proposals_accept", article), {"proposals": [offer]}
    )
    assert response.status_code == 400
    errors = " ".join(response.json()["results"][0]["errors"])
    assert "Figure 1" in errors and "metric" in errors and "value" in errors
    assert not Claim.objects.exists()


def test_an_unregistered_originator_is_refused_with_a_reason(
    client, editor, article
):
    client.force_login(editor)
    offer = offers(client, article)[0]
    offer["originator"] = "Nobody We Know"
    response = post_json(
        client, url("proposals_accept", article), {"proposals": [as_sent(offer)]}
    )
    assert response.status_code == 400
    assert "Nobody We Know" in response.json()["results"][0]["errors"][0]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"proposals": "x"}',
        b'{"proposals": [1, null, "x"]}',
        b'{"proposals": [{"start": -1, "end": 99999999999999999999, "quote": ""}]}',
        b'{"proposals": [{"start": 0, "end": 5, "quote": "wrong", "originator":'
        b' "WAFA", "statement": "s", "kind": "other", "figures": [[], {}]}]}',
        b'{"proposals": [{"start": 5, "end": 2, "quote": "x", "originator":'
        b' "WAFA", "statement": "s", "kind": "other"}]}',
        b'{"proposals": [{"start": 0, "end": 4, "quote": "Over", "originator":'
        b' "WAFA", "statement": "s", "kind": "other", "figures": [{"kind":'
        b' "quantity", "metric": "killed", "subject": "people", "qualifier":'
        b' "between", "value": 10, "value_high": 5}, {"kind": "date",'
        b' "metric": "died_on", "subject": "x", "date_value": "2023-02-30"},'
        b' {"kind": "quantity", "metric": "killed", "subject": "p", "value":'
        b' 1.5}]}]}',
    ],
)
def test_bad_input_is_answered_400_never_500(client, editor, article, body):
    client.force_login(editor)
    response = client.post(
        url("proposals_accept", article), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False
    for name in ("proposals_reject", "cite"):
        response = client.post(url(name, article), data=body, content_type="application/json")
        assert response.status_code == 400, (name, response.content)
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "query", ["", "?start=x&end=3", "?start=5&end=2", "?start=0&end=99999999999", "?start=3&end=4"]
)
def test_bad_selections_are_answered_400(client, editor, article, query):
    article.text = "ab   cdef"
    article.save()
    client.force_login(editor)
    response = client.get(url("cite", article) + query)
    assert response.status_code == 400, response.content


def test_only_editors_may_use_the_endpoints(client, article):
    viewer = UserFactory(username="viewer", is_staff=True)
    client.force_login(viewer)
    for name in ("proposals", "cite"):
        assert client.get(url(name, article)).status_code == 403
    for name in ("proposals_accept", "proposals_reject", "cite"):
        assert post_json(client, url(name, article), {}).status_code == 403
    assert client.get(url("propose", article)).status_code == 403
    client.logout()
    response = client.get(url("proposals", article))
    assert response.status_code == 302  # to the admin's sign-in


def test_unknown_documents_and_wrong_methods(client, editor, article):
    client.force_login(editor)
    missing = reverse("admin:registry_document_proposals", args=[999999])
    assert client.get(missing).status_code == 404
    huge = reverse("admin:registry_document_proposals", args=[2**70])
    assert client.get(huge).status_code == 404
    assert client.get("/admin/registry/document/abc/proposals/").status_code == 404
    assert client.get(url("proposals_accept", article)).status_code == 405
    assert client.delete(url("cite", article)).status_code == 405


def test_cite_this_reads_the_selection_and_takes_the_right_occurrence(
    client, editor, wafa
):
    text = (
        "Six people were killed on Monday, a local official said.\n\n"
        "WAFA said that six people were killed in the second strike."
    )
    document = DocumentFactory(text=text)
    second = text.index("six people were killed", 60)
    client.force_login(editor)
    response = client.get(
        url("cite", document) + f"?start={second}&end={second + 22}"
    )
    assert response.status_code == 200, response.content
    offer = response.json()["offer"]
    assert (offer["start"], offer["quote"]) == (second, "six people were killed")
    assert offer["originator"] == wafa.public_id
    assert [(f["metric"], f["value"]) for f in offer["figures"]] == [("killed", 6)]
    offer.update(statement="WAFA: six people killed in the second strike.", kind="casualty_figure")
    offer["figures"][0]["subject"] = "people"
    response = post_json(client, url("cite", document), offer)
    assert response.status_code == 200, response.content
    claim = Claim.objects.get()
    citation = claim.citations.get()
    assert (citation.start, citation.end) == (second, second + 22)
    assert claim.proposer_version == ""  # cited by hand, not proposed
    assert claim.figures.get().value == 6


def test_cite_this_into_an_existing_claim(client, editor, wafa):
    document = DocumentFactory()
    claim = services.claim_create(
        actor=editor, statement="Soldiers were killed.", kind="other"
    )
    client.force_login(editor)
    quote = "at least eight soldiers"
    start = document.text.index(quote)
    response = client.get(url("cite", document) + f"?start={start}&end={start + len(quote)}")
    assert claim.public_id in {c["public_id"] for c in response.json()["claims"]}
    body = {
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "originator": "WAFA",
        "claim": claim.public_id,
        "figures": [
            {
                "kind": "quantity",
                "metric": "killed",
                "subject": "soldiers",
                "qualifier": "at_least",
                "value": 8,
            }
        ],
    }
    response = post_json(client, url("cite", document), body)
    assert response.status_code == 200, response.content
    assert Claim.objects.count() == 1
    assert claim.citations.get().quote == quote
    assert claim.figures.get().low == 8


def test_cite_into_a_published_claim_is_refused(client, editor, reviewer, wafa):
    document = DocumentFactory()
    claim = services.claim_create(actor=editor, statement="S.", kind="other")
    quote = "at least eight soldiers"
    start = document.text.index(quote)
    body = {"start": start, "end": start + len(quote), "quote": quote, "originator": "WAFA"}
    client.force_login(editor)
    assert post_json(client, url("cite", document), {**body, "claim": claim.public_id}).status_code == 200
    services.claim_submit(claim=claim, actor=editor)
    services.claim_approve(claim=claim, actor=reviewer, confidence=3)
    response = post_json(client, url("cite", document), {**body, "claim": claim.public_id})
    assert response.status_code == 400
    assert "read-only" in " ".join(response.json()["errors"])


def test_documents_in_other_languages_are_read_without_error(client, editor, wafa):
    document = DocumentFactory(language="fr", text="Huit soldats ont été tués.")
    client.force_login(editor)
    assert client.get(url("proposals", document)).status_code == 200
    response = client.get(url("cite", document) + "?start=0&end=11")
    assert response.status_code == 200, response.content
    assert response.json()["offer"]["quote"] == "Huit soldat"


def test_a_new_alias_is_seen_by_the_next_proposals(client, editor, article):
    client.force_login(editor)
    authorities = next(
        o for o in offers(client, article) if o["quote"].startswith("Authorities in Gaza")
    )
    assert authorities["originator"] == ""
    source = SourceFactory(name="Gaza authorities", kind=SourceKind.GOVERNMENT)
    source.aliases.create(alias="Authorities in Gaza")
    authorities = next(
        o for o in offers(client, article) if o["quote"].startswith("Authorities in Gaza")
    )
    assert authorities["originator"] == source.public_id


# ---------------------------------------------- the registry's context


@pytest.fixture
def rafah(db):
    from tests.factories import EventFactory

    return EventFactory(
        title="Strikes on Rafah", place="Rafah, Gaza Strip",
        date_earliest="2023-10-16", date_latest="2023-10-17",
    )


def test_proposals_come_with_the_suggested_event_and_claims_they_may_repeat(
    client, editor, article, wafa, rafah
):
    client.force_login(editor)
    first = offers(client, article)[0]
    assert first["event"] == rafah.public_id
    events = client.get(url("proposals", article)).json()["events"]
    assert events[0]["id"] == rafah.public_id and "Rafah" in events[0]["reason"]
    # Accepted about that event, a second reading of the same figure (from
    # another copy of the article) shows the first claim as a possible repeat.
    response = post_json(
        client, url("proposals_accept", article), {"proposals": [as_sent(first)]}
    )
    assert response.status_code == 200, response.content
    claim = Claim.objects.get(public_id=response.json()["results"][0]["claim"]["public_id"])
    assert claim.event == rafah
    copy = DocumentFactory(
        title="Copy", text=article.text, published_on=article.published_on
    )
    again = next(o for o in offers(client, copy) if o["quote"] == first["quote"])
    repeats = {d["id"]: d for d in again["duplicates"]}
    assert claim.public_id in repeats
    assert repeats[claim.public_id]["same_value"] is True


def test_an_unknown_event_is_refused_with_the_reason(client, editor, article, wafa):
    client.force_login(editor)
    offer = {**as_sent(offers(client, article)[0]), "event": "no-such-event"}
    response = post_json(client, url("proposals_accept", article), {"proposals": [offer]})
    assert response.status_code == 400
    assert "No event has the id no-such-event." in json.dumps(response.json())
    assert not Claim.objects.exists()


def test_a_proposed_claims_proposer_version_survives_a_backup(
    client, editor, article, wafa, tmp_path
):
    """export_registry carries the mark, import_registry restores it."""
    from django.core.management import call_command

    client.force_login(editor)
    offer = offers(client, article)[0]
    response = post_json(
        client, url("proposals_accept", article), {"proposals": [as_sent(offer)]}
    )
    assert response.status_code == 200, response.content
    backup = tmp_path / "backup.jsonl"
    call_command("export_registry", str(backup), verbosity=0)
    records = [json.loads(line) for line in backup.read_text().splitlines()]
    claims = [r for r in records if r["type"] == "claim"]
    assert [c["proposer_version"] for c in claims] == [VERSION]
    Claim.objects.all().delete()
    call_command("import_registry", str(backup), "--update", verbosity=0)
    assert Claim.objects.get().proposer_version == VERSION
