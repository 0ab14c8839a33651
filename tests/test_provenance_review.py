"""Issue 12: what published claims rest on (a source's reliability, kind and
parent; a document's publisher, date and text; an event's date and place)
changes only with the reviewer's permission, and is kept in history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from registry import services
from registry.models import Document, Event, Source
from registry.services import records
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EventFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def published(editor, reviewer, *, source=None, document=None, event=None):
    claim = services.claim_create(
        actor=editor,
        statement="At least eight soldiers were killed.",
        kind="casualty_figure",
        event=event or EventFactory(),
    )
    CitationFactory(
        claim=claim,
        originator=source or SourceFactory(),
        document=document or DocumentFactory(),
    )
    services.claim_submit(claim=claim, actor=editor)
    return services.claim_approve(claim=claim, actor=reviewer, confidence=3)


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def test_editor_cannot_regrade_a_source_under_a_published_claim(editor, reviewer):
    source = SourceFactory(reliability="C")
    published(editor, reviewer, source=source)
    record = fresh(source)
    record.reliability = "A"
    with pytest.raises(PermissionDenied, match="reliability"):
        records.source_save(source=record, actor=editor)
    assert fresh(source).reliability == "C"


@pytest.mark.parametrize("field", ["kind", "parent"])
def test_editor_cannot_change_a_published_sources_kind_or_parent(
    editor, reviewer, field
):
    source = SourceFactory(kind="monitor")
    published(editor, reviewer, source=source)
    record = fresh(source)
    if field == "kind":
        record.kind = "armed_group"
    else:
        record.parent = SourceFactory()
    with pytest.raises(PermissionDenied, match="takes a reviewer"):
        records.source_save(source=record, actor=editor)


def test_reviewer_regrades_a_published_source_and_history_keeps_who(
    editor, reviewer
):
    source = SourceFactory(reliability="C")
    published(editor, reviewer, source=source)
    record = fresh(source)
    record.reliability = "B"
    records.source_save(source=record, actor=reviewer)
    last = Source.history.filter(id=source.pk).latest("history_date")
    assert (last.reliability, last.history_user) == ("B", reviewer)


def test_editor_may_still_rename_a_published_source_and_regrade_an_unused_one(
    editor, reviewer
):
    used = SourceFactory(name="Monitor")
    published(editor, reviewer, source=used)
    record = fresh(used)
    record.name = "The Monitor"
    records.source_save(source=record, actor=editor)
    unused = SourceFactory(reliability="C")
    unused.reliability = "A"
    records.source_save(source=unused, actor=editor)
    assert fresh(unused).reliability == "A"


def test_a_draft_claim_does_not_protect_its_source(editor):
    source = SourceFactory(reliability="C")
    claim = services.claim_create(actor=editor, statement="Eight.", kind="other")
    CitationFactory(claim=claim, originator=source)
    record = fresh(source)
    record.reliability = "E"
    records.source_save(source=record, actor=editor)


def test_editor_cannot_move_a_published_event(editor, reviewer):
    event = EventFactory(place="Al-Mazare", date_earliest=dt.date(2020, 4, 9))
    published(editor, reviewer, event=event)
    for change in ({"place": "Deir Ezzor"}, {"date_earliest": dt.date(2020, 4, 8)}):
        record = fresh(event)
        for name, value in change.items():
            setattr(record, name, value)
        with pytest.raises(PermissionDenied, match="takes a reviewer"):
            records.event_save(event=record, actor=editor)
    record = fresh(event)
    record.place = "Deir Ezzor"
    records.event_save(event=record, actor=reviewer)


def test_events_keep_history_with_who_changed_them(editor, reviewer):
    event = EventFactory(place="Al-Mazare")
    record = fresh(event)
    record.place = "Badiya al-Mayadeen"
    records.event_save(event=record, actor=editor)
    rows = list(
        Event.history.filter(id=event.pk)
        .order_by("history_date")
        .values_list("place", "history_user__username")
    )
    assert rows[-1] == ("Badiya al-Mayadeen", "editor")


def test_editor_cannot_change_a_published_documents_publisher(editor, reviewer):
    document = DocumentFactory()
    published(editor, reviewer, document=document)
    record = fresh(document)
    record.publisher = SourceFactory()
    with pytest.raises(PermissionDenied, match="publisher"):
        records.document_save(document=record, actor=editor)
    assert Document.objects.get(pk=document.pk).publisher_id is None


def test_admin_shows_provenance_read_only_to_an_editor_and_says_why(
    client, editor, reviewer
):
    source = SourceFactory(reliability="C")
    published(editor, reviewer, source=source)
    url = f"/admin/registry/source/{source.pk}/change/"
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert 'name="reliability"' not in page
    assert "can be changed by a reviewer only" in page
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert 'name="reliability"' in page


def test_event_admin_has_a_history_page(client, reviewer):
    event = EventFactory()
    client.force_login(reviewer)
    response = client.get(f"/admin/registry/event/{event.pk}/history/")
    assert response.status_code == 200
