"""A source's public page: grade and rationale, its published claims, its
figures over time."""

import pytest

from tests.factories import SourceFactory
from tests.projection_support import published
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


def test_source_page_shows_grade_rationale_claims_and_figures(site):
    html = page(f"/sources/{site.source.public_id}/")
    assert "Syrian Observatory for Human Rights (SOHR)" in html
    assert "B: usually reliable" in html
    assert "A long record of tolls later confirmed." in html
    assert "based in London" in html
    assert site.eight.statement in html
    assert site.corrected.statement in html
    assert site.thirty.statement not in html  # another source's claim
    assert "Figures over time" in html
    assert "exactly 8" in html
    assert_nothing_unpublished(html)
    assert f'href="/api/v1/sources/{site.source.public_id}/"' in html
    assert f'href="/api/v1/claims/?source={site.source.public_id}"' in html


def test_source_of_unpublished_claims_only_has_the_same_404_as_a_missing_one(
    site, editor
):
    from tests.projection_support import draft

    hidden = SourceFactory(name="Only in drafts")
    draft(editor, event=None, originator=hidden, statement="DRAFT-ONLY x")
    unpublished = not_found_page(f"/sources/{hidden.public_id}/")
    missing = not_found_page("/sources/no-such-source/")
    assert unpublished == missing
    assert "Only in drafts" not in unpublished


def test_source_page_query_count_is_bounded(site, editor, reviewer):
    path = f"/sources/{site.source.public_id}/"
    before = count_queries(path)
    for n in range(6):
        published(editor, reviewer, event=site.event, value=200 + n, originator=site.source)
    assert count_queries(path) <= before
    assert before <= 6
