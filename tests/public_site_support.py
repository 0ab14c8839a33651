"""A small public registry for the public site's tests, built through the
workflow services (so the services keep the projection), with a draft and
a rejected claim that no public page may show."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry import services
from registry.models import Claim, Event, PublicQuantity, Source
from tests.factories import EventFactory, SourceFactory
from tests.projection_support import draft, publish, published

# Text only unpublished claims hold: no public page may contain it.
HIDDEN = ("DRAFT-ONLY", "REJECTED-ONLY", "IN-REVIEW-ONLY")


@dataclass
class Site:
    source: Source
    other_source: Source
    event: Event
    quiet_event: Event
    eight: Claim
    thirty: Claim
    retracted: Claim
    old: Claim
    corrected: Claim
    draft: Claim
    rejected: Claim
    in_review: Claim
    conflict_id: str


def build_site(editor, reviewer) -> Site:
    sohr = SourceFactory(
        name="Syrian Observatory for Human Rights",
        short_name="SOHR",
        based_in="London",
        reliability="B",
        reliability_rationale="A long record of tolls later confirmed.",
    )
    masdar = SourceFactory(name="Al Masdar News", reliability="D")
    event = EventFactory(
        title="Attack at Al-Mazare",
        place="Al-Mazare, Deir Ezzor",
        latitude=Decimal("35.016"),
        longitude=Decimal("40.452"),
    )
    quiet = EventFactory(title="Camps in the north-east", place="")
    eight = published(
        editor, reviewer, event=event, value=8, originator=sohr,
        statement="Eight soldiers were killed at Al-Mazare.",
    )
    thirty = published(
        editor, reviewer, event=event, value=30, originator=masdar,
        statement="Thirty soldiers were killed at Al-Mazare.",
    )
    retracted = published(
        editor, reviewer, event=quiet, value=3, originator=sohr,
        subject="children", statement="Three children left the camps.",
    )
    services.claim_retract(
        claim=retracted, actor=reviewer, comment="wrong camp",
        public_note="The camp was misidentified.",
    )
    old = published(
        editor, reviewer, event=quiet, value=5, originator=sohr,
        subject="families", statement="Five families left the camps.",
    )
    corrected = publish(
        draft(
            editor, event=quiet, value=6, originator=sohr, subject="families",
            statement="Six families left the camps.", corrects=old,
        ),
        editor,
        reviewer,
    )
    hidden_draft = draft(
        editor, event=event, value=99, originator=sohr,
        statement="DRAFT-ONLY ninety-nine soldiers killed.",
    )
    rejected = draft(
        editor, event=event, value=77, originator=sohr,
        statement="REJECTED-ONLY seventy-seven soldiers killed.",
    )
    services.claim_submit(claim=rejected, actor=editor)
    services.claim_reject(claim=rejected, actor=reviewer, comment="no source")
    in_review = draft(
        editor, event=quiet, value=42, originator=masdar,
        statement="IN-REVIEW-ONLY forty-two families.",
    )
    services.claim_submit(claim=in_review, actor=editor)
    for claim in (eight, thirty, retracted, old, corrected, hidden_draft, rejected, in_review):
        claim.refresh_from_db()
    conflict_id = PublicQuantity.objects.get(has_conflict=True).conflict_public_id
    return Site(
        sohr, masdar, event, quiet, eight, thirty, retracted, old, corrected,
        hidden_draft, rejected, in_review, conflict_id,
    )


def page(path: str, status: int = 200) -> str:
    response = Client().get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def assert_nothing_unpublished(html: str) -> None:
    for text in HIDDEN:
        assert text not in html


def count_queries(path: str) -> int:
    from django.db import connection

    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def not_found_page(path: str) -> str:
    return page(path, status=404)
