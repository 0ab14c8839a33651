"""The claim page as a reviewer's desk (issue 14, item 1): figures typed as
worded, quotes found in their document, relay chains, one confidence
control, corrections that copy the original, and the small things a new
reviewer tripped on (dates as day numbers, a red cross for "no conflict",
badge contrast, a public id that is not the one saved, constraint names,
Save buttons on a read-only page)."""

import datetime as dt

import pytest
from django.urls import reverse

from registry import services
from registry.admin import STATE_COLOURS
from registry.choices import ClaimState
from registry.figures.quotes import find_quote
from registry.models import Claim, Conflict
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    FigureFactory,
    SourceFactory,
)
from tests.test_admin import change_url, make_claim, transition_url

pytestmark = pytest.mark.django_db

TEXT = (
    "SOHR said at least eight soldiers were killed. The London-based agency\u2019s "
    "toll later rose; at least eight soldiers  were   wounded too."
)


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def _add_data(document, source, **overrides):
    data = {
        "statement": "At least 41 people were killed",
        "kind": "casualty_figure",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-document": document.pk,
        "citations-0-originator": source.pk,
        "citations-0-quote": "at least eight soldiers were killed",
        "citations-0-stance": "asserts",
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "0",
        "figures-0-kind": "quantity",
        "figures-0-stated": "at least 41 killed",
        "figures-0-subject": "people",
        "figures-0-unit": "people",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------ quote matching


def test_find_quote_lists_every_occurrence_with_context():
    search = find_quote(TEXT, "at least eight soldiers")
    assert [p.start for p in search.occurrences] == [
        TEXT.find("at least eight soldiers"),
        TEXT.rfind("at least eight soldiers"),
    ]
    assert search.occurrences[0].after.startswith(" were killed")
    assert search.closest is None


def test_find_quote_offers_the_documents_text_for_a_straight_apostrophe():
    search = find_quote(TEXT, "The London-based agency's toll")
    assert search.occurrences == []
    assert search.closest.text == "The London-based agency\u2019s toll"
    assert TEXT[search.closest.start : search.closest.end] == search.closest.text


def test_find_quote_offers_the_documents_spacing():
    search = find_quote(TEXT, "eight soldiers were wounded")
    assert search.closest.text == "eight soldiers  were   wounded"


def test_find_quote_offers_a_near_passage_in_whole_words_or_nothing():
    near = find_quote(TEXT, "at least eigth soldiers were kiled")
    assert near.closest.text == "at least eight soldiers were killed"
    assert find_quote(TEXT, "qqqq zzzz xxxx").closest is None


# --------------------------------------------------------------- the forms


def test_figure_typed_as_worded_is_read_and_saved(client, editor):
    document, source = DocumentFactory(text=TEXT), SourceFactory()
    client.force_login(editor)
    response = client.post(reverse("admin:registry_claim_add"), _add_data(document, source))
    assert response.status_code == 302, response.context["errors"]
    figure = Claim.objects.get().figures.get()
    assert (figure.qualifier, figure.value, figure.metric, figure.subject) == (
        "at_least",
        41,
        "killed",
        "people",
    )
    assert (figure.low, figure.high) == (41, None)


def test_figure_wording_that_names_no_metric_asks_for_it(client, editor):
    document, source = DocumentFactory(text=TEXT), SourceFactory()
    client.force_login(editor)
    data = _add_data(document, source, **{"figures-0-stated": "some 200"})
    response = client.post(reverse("admin:registry_claim_add"), data)
    assert response.status_code == 200
    assert "the wording does not name it" in response.content.decode()
    assert not Claim.objects.exists()


def test_unreadable_wording_says_why_and_keeps_the_form(client, editor):
    document, source = DocumentFactory(text=TEXT), SourceFactory()
    client.force_login(editor)
    data = _add_data(document, source, **{"figures-0-stated": "killed many"})
    page = client.post(reverse("admin:registry_claim_add"), data).content.decode()
    assert "Give the qualifier and value yourself" in page
    assert not Claim.objects.exists()


def test_quote_occurring_twice_asks_which_and_saves_the_one_picked(client, editor):
    document, source = DocumentFactory(text=TEXT), SourceFactory()
    client.force_login(editor)
    data = _add_data(
        document, source, **{"citations-0-quote": "at least eight soldiers"}
    )
    page = client.post(reverse("admin:registry_claim_add"), data).content.decode()
    assert "occurs 2 times" in page and not Claim.objects.exists()
    second = TEXT.rfind("at least eight soldiers")
    data["citations-0-start"] = str(second)
    response = client.post(reverse("admin:registry_claim_add"), data)
    assert response.status_code == 302
    assert Claim.objects.get().citations.get().start == second


def test_curly_quote_mismatch_shows_the_closest_passage_and_saves_nothing(
    client, editor
):
    document, source = DocumentFactory(text=TEXT), SourceFactory()
    client.force_login(editor)
    data = _add_data(
        document, source, **{"citations-0-quote": "The London-based agency's toll"}
    )
    page = client.post(reverse("admin:registry_claim_add"), data).content.decode()
    assert "The London-based agency\u2019s toll" in page
    assert "copy it exactly" in page
    assert not Claim.objects.exists()


def test_relay_chain_is_typed_by_alias_and_kept_in_order(client, editor):
    document = DocumentFactory(text=TEXT)
    ministry = SourceFactory(name="French Ministry of Foreign Affairs")
    efe = SourceFactory(name="Agencia EFE", short_name="EFE")
    afp = SourceFactory(name="Agence France-Presse", short_name="AFP")
    client.force_login(editor)
    data = _add_data(document, ministry, **{"citations-0-relays_text": "EFE \u2192 afp"})
    response = client.post(reverse("admin:registry_claim_add"), data)
    assert response.status_code == 302, response.context["errors"]
    claim = Claim.objects.get()
    assert claim.citations.get().relay_chain == [efe, afp]
    page = client.get(change_url(claim)).content.decode()
    assert "EFE \u2192 AFP" in page


def test_unknown_relay_is_refused_by_name(client, editor):
    document, source = DocumentFactory(text=TEXT), SourceFactory()
    client.force_login(editor)
    data = _add_data(document, source, **{"citations-0-relays_text": "Nobody Agency"})
    page = client.post(reverse("admin:registry_claim_add"), data).content.decode()
    assert "No source is called \u201cNobody Agency\u201d" in page
    assert not Claim.objects.exists()


def test_between_figure_error_names_no_database_constraint(client, editor):
    document, source = DocumentFactory(text=TEXT), SourceFactory()
    client.force_login(editor)
    data = _add_data(
        document,
        source,
        **{
            "figures-0-stated": "",
            "figures-0-metric": "killed",
            "figures-0-qualifier": "at_least",
            "figures-0-value": "8",
            "figures-0-value_high": "4",
        },
    )
    page = client.post(reverse("admin:registry_claim_add"), data).content.decode()
    assert not Claim.objects.exists()
    assert "Between" in page
    assert "figure_between_bounds" not in page and "Constraint" not in page


# ------------------------------------------------------- the JSON helpers


def test_figure_reading_endpoint_reads_wording(client, editor):
    client.force_login(editor)
    url = reverse("admin:registry_claim_figure_reading")
    reading = client.get(url, {"text": "at least 41 killed"}).json()
    assert reading["ok"] and reading["qualifier"] == "at_least"
    assert (reading["value"], reading["metric"], reading["interval"]) == (
        41,
        "killed",
        "[41, open)",
    )
    spanish = client.get(url, {"text": "unos 200 heridos"}).json()
    assert (spanish["qualifier"], spanish["value"], spanish["metric"]) == (
        "about",
        200,
        "injured",
    )
    refused = client.get(url, {"text": "many"}).json()
    assert not refused["ok"] and refused["error"]


def test_quote_search_endpoint_finds_each_occurrence_and_the_closest(client, editor):
    document = DocumentFactory(text=TEXT)
    client.force_login(editor)
    url = reverse("admin:registry_claim_quote_search")
    found = client.get(url, {"document": document.pk, "quote": "at least eight"}).json()
    assert len(found["occurrences"]) == 2
    closest = client.get(
        url, {"document": document.pk, "quote": "agency's toll"}
    ).json()
    assert closest["occurrences"] == []
    assert closest["closest"]["text"] == "agency\u2019s toll"
    assert client.get(url, {"document": "x", "quote": "a"}).status_code == 400
    assert client.get(url, {"document": "999999", "quote": "a"}).status_code == 404


def test_quote_search_reads_who_said_it_the_kind_and_a_statement(client, editor):
    sohr = SourceFactory(name="Syrian Observatory for Human Rights", short_name="SOHR")
    document = DocumentFactory(text=TEXT, language="en")
    client.force_login(editor)
    url = reverse("admin:registry_claim_quote_search")
    quote = "at least eight soldiers were killed"
    reading = client.get(url, {"document": document.pk, "quote": quote}).json()[
        "reading"
    ]
    assert reading["originator"] == {"id": sohr.pk, "label": str(sohr)}
    assert reading["kind"] == "casualty_figure"
    assert reading["statement"] == "At least eight soldiers were killed."


def test_quote_whose_sentence_names_an_unregistered_source_says_so(client, editor):
    document = DocumentFactory(text=TEXT, language="en")
    client.force_login(editor)
    url = reverse("admin:registry_claim_quote_search")
    quote = "at least eight soldiers were killed"
    reading = client.get(url, {"document": document.pk, "quote": quote}).json()[
        "reading"
    ]
    assert reading["originator"] is None  # nobody is chosen for the editor
    assert reading["originator_text"] == "SOHR"


def test_quote_found_twice_is_read_only_for_the_occurrence_picked(client, editor):
    document = DocumentFactory(text=TEXT)
    client.force_login(editor)
    url = reverse("admin:registry_claim_quote_search")
    both = client.get(url, {"document": document.pk, "quote": "at least eight"})
    assert both.json()["reading"] is None  # which one is not known yet
    second = TEXT.rfind("at least eight")
    picked = client.get(
        url, {"document": document.pk, "quote": "at least eight", "start": second}
    ).json()
    assert picked["reading"]["statement"] == "At least eight."
    elsewhere = client.get(
        url, {"document": document.pk, "quote": "at least eight", "start": 3}
    ).json()
    assert elsewhere["reading"] is None  # not an occurrence: nothing is read


def test_statement_from_quote_makes_a_sentence_of_it():
    from registry.admin.desk import statement_from_quote

    assert statement_from_quote("  at least  eight killed ") == "At least eight killed."
    assert statement_from_quote("\u201cWe saw it.\u201d") == "We saw it."
    assert statement_from_quote("   ") == ""


def test_citation_document_box_offers_the_documents_added_last_first(client, editor):
    # Added first, though published later and first by title.
    older = DocumentFactory(title="An article", published_on=dt.date(2024, 5, 2))
    newer = DocumentFactory(title="The article", published_on=dt.date(2024, 5, 1))
    client.force_login(editor)
    url = reverse("admin:autocomplete")
    params = {
        "app_label": "registry",
        "model_name": "citation",
        "field_name": "document",
    }
    offered = [r["id"] for r in client.get(url, params).json()["results"]]
    assert offered[:2] == [str(newer.pk), str(older.pk)]


def test_desk_helpers_are_for_signed_in_writers_only(client, django_user_model):
    url = reverse("admin:registry_claim_figure_reading")
    assert client.get(url, {"text": "8"}).status_code == 302  # to the login
    outsider = django_user_model.objects.create_user("outsider", is_staff=True)
    client.force_login(outsider)
    assert client.get(url, {"text": "8"}).status_code == 403


# ---------------------------------------------- confidence and corrections


def test_one_confidence_control_preset_to_the_suggestion(client, editor, reviewer):
    claim = make_claim(editor, submit=True)
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert 'id="id_confidence"' not in page  # the form's picker is gone
    assert page.count('name="confidence"') == 1
    level = page.split('data-level="')[1].split('"')[0]
    assert f'<option value="{level}" selected>' in page
    seen = page.split('name="seen_version" value="')[1].split('"')[0]
    response = client.post(
        transition_url(claim, "approve"), {"confidence": level, "seen_version": seen}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.confidence) == (ClaimState.APPROVED, int(level))


def test_correction_copies_citations_and_figures_and_asks_the_public_reason(
    client, editor, reviewer, second_reviewer
):
    efe = SourceFactory(name="Agencia EFE", short_name="EFE")
    original = make_claim(editor)
    citation = original.citations.get()
    services.citation_save(citation=citation, actor=editor, relays=[efe])
    FigureFactory(claim=original, stated="at least eight")
    services.claim_submit(claim=original, actor=editor)
    services.claim_approve(claim=original, actor=reviewer, confidence=3)

    client.force_login(editor)
    url = reverse("admin:registry_claim_correct", args=[original.pk])
    assert "Public reason" in client.get(url).content.decode()
    refused = client.post(url, {"public_note": "  "})
    assert "corrections feed" in refused.content.decode()
    response = client.post(url, {"public_note": "The toll was nine, not eight."})
    correction = Claim.objects.get(corrects=original)
    assert response.status_code == 302
    assert response["Location"] == change_url(correction)
    assert correction.state == ClaimState.DRAFT
    assert correction.public_note == "The toll was nine, not eight."
    copy = correction.citations.get()
    assert (copy.quote, copy.start, copy.relay_chain) == (
        citation.quote,
        citation.start,
        [efe],
    )
    assert list(correction.figures.values_list("stated", "value")) == [
        ("at least eight", 8)
    ]
    page = client.get(change_url(correction)).content.decode()
    assert "The published claim this corrects said:" in page
    assert "The toll was nine, not eight." in page
    # Asking again opens the same correction rather than a second one.
    again = client.post(url, {"public_note": "again"})
    assert again["Location"] == change_url(correction)

    services.claim_submit(claim=correction, actor=editor)
    services.claim_approve(claim=correction, actor=second_reviewer, confidence=3)
    feed = client.get("/api/v1/corrections/").json()
    notes = [item["note"] for item in feed["results"]]
    assert "The toll was nine, not eight." in notes


def test_public_reason_belongs_to_corrections_only(editor):
    with pytest.raises(services.WorkflowError):
        services.claim_create(
            actor=editor, statement="x", kind="other", public_note="why"
        )


# ------------------------------------------------------ the small things


def _contrast(hex_colour: str) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)  # against white text


def test_state_badges_meet_wcag_aa_contrast():
    for state, colour in STATE_COLOURS.items():
        assert _contrast(colour) >= 4.5, (state, colour)


def test_date_figures_show_dates_not_day_numbers(client, editor):
    claim = make_claim(editor)
    FigureFactory(
        claim=claim,
        kind="date",
        metric="died_on",
        subject="Abu Bakr al-Baghdadi",
        qualifier="",
        value=None,
        date_value=dt.date(2019, 10, 25),
        date_precision="day",
    )
    client.force_login(editor)
    page = client.get(change_url(claim)).content.decode()
    assert "2019-10-25" in page
    assert str(dt.date(2019, 10, 25).toordinal()) not in page


def test_add_form_shows_no_public_id(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:registry_claim_add")).content.decode()
    assert "field-public_id" not in page


def test_claim_list_says_no_conflict_in_words(client, editor, reviewer):
    make_claim(editor)
    client.force_login(reviewer)
    page = client.get(reverse("admin:registry_claim_changelist")).content.decode()
    assert "icon-no.svg" not in page and "conflict-none" in page


def test_conflict_page_is_read_only_without_save_buttons(client, editor, reviewer):
    figure = FigureFactory(claim=make_claim(editor))
    conflict = Conflict.objects.create(
        quantity_key=figure.quantity_key, kind="quantity", metric="killed",
        subject="soldiers",
    )
    conflict.figures.add(figure)
    client.force_login(reviewer)
    url = reverse("admin:registry_conflict_change", args=[conflict.pk])
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert "Settle" in page


def test_citation_factory_still_matches(editor):
    # The factories write quotes at their offsets; the desk's form must not
    # have changed what a stored citation is.
    assert CitationFactory().check_quote() is None


def test_rewording_a_saved_figure_reads_it_again(client, editor):
    claim = make_claim(editor)
    figure = FigureFactory(claim=claim, stated="at least eight", value=8)
    citation = claim.citations.get()
    client.force_login(editor)
    data = {
        "statement": claim.statement,
        "kind": claim.kind,
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "1",
        "citations-0-id": str(citation.pk),
        "citations-0-claim": str(claim.pk),
        "citations-0-document": str(citation.document_id),
        "citations-0-originator": str(citation.originator_id),
        "citations-0-quote": citation.quote,
        "citations-0-start": str(citation.start),
        "citations-0-end": str(citation.end),
        "citations-0-stance": citation.stance,
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "1",
        "figures-0-id": str(figure.pk),
        "figures-0-claim": str(claim.pk),
        "figures-0-kind": "quantity",
        "figures-0-stated": "more than nine",
        "figures-0-metric": "killed",
        "figures-0-subject": "soldiers",
        "figures-0-qualifier": "at_least",
        "figures-0-value": "8",
        "figures-0-unit": "people",
    }
    response = client.post(change_url(claim), data)
    assert response.status_code == 302, response.context["errors"]
    figure.refresh_from_db()
    assert (figure.qualifier, figure.value, figure.low) == ("more_than", 9, 10)


def test_event_coordinates_error_names_no_database_constraint(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:registry_event_add"),
        {
            "title": "Attack at Al-Mazare",
            "date_precision": "day",
            "place_precision": "exact",
            "latitude": "35.0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "event_coordinates_paired" not in page
    assert "Give both latitude and longitude, or neither." in page
