"""An event's public page: its claims and figures, its conflicts drawn,
a map drawn as SVG when it has coordinates."""

import re

import pytest

from tests.factories import EventFactory
from tests.projection_support import draft, published
from tests.public_site_support import (
    assert_nothing_unpublished,
    build_site,
    count_queries,
    not_found_page,
    page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(editor, reviewer):
    return build_site(editor, reviewer)


def test_event_page_shows_claims_figures_conflict_picture_and_map(site):
    html = page(f"/events/{site.event.public_id}/")
    assert "<h1>Attack at Al-Mazare</h1>" in html
    assert site.eight.statement in html and site.thirty.statement in html
    assert "exactly 30" in html
    assert f'href="/conflicts/{site.conflict_id}/"' in html
    # The conflict picture and the map are server-drawn SVG that scale.
    assert 'class="conflict-svg"' in html
    svg = re.search(r'<svg[^>]*class="place-svg"[^>]*>.*?</svg>', html, re.DOTALL)
    assert svg, "no map"
    assert 'viewBox="0 0 360 240"' in svg.group(0)
    assert "Al-Mazare, Deir Ezzor" in svg.group(0)
    assert "<circle" in svg.group(0)
    assert "35.0160" in html
    assert "svg.conflict-svg, svg.place-svg { display: block; width: 100%" in html
    assert_nothing_unpublished(html)
    assert f'href="/api/v1/events/{site.event.public_id}/"' in html


def test_event_without_coordinates_has_no_map(site):
    html = page(f"/events/{site.quiet_event.public_id}/")
    assert "place-svg" not in html.split("<main", 1)[1].split("</main>")[0]
    assert site.corrected.statement in html
    assert_nothing_unpublished(html)


def test_unpublished_event_has_the_same_404_as_a_missing_one(editor):
    hidden = EventFactory(title="Only drafted")
    draft(editor, event=hidden, statement="DRAFT-ONLY y")
    assert not_found_page(f"/events/{hidden.public_id}/") == not_found_page(
        "/events/nothing-here/"
    )


def test_event_page_query_count_is_bounded(site, editor, reviewer):
    path = f"/events/{site.event.public_id}/"
    before = count_queries(path)
    for n in range(4):
        published(editor, reviewer, event=site.event, value=300 + 40 * n)
    assert count_queries(path) <= before
    assert before <= 6
