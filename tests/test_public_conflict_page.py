"""A conflict's public page: the published figures side by side, drawn."""

import pytest

from registry.models import PublicQuantity
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


def test_conflict_page_shows_published_figures_only(site):
    html = page(f"/conflicts/{site.conflict_id}/")
    assert "Conflicting figures: killed, soldiers" in html
    assert f'href="/claims/{site.eight.public_id}/"' in html
    assert f'href="/claims/{site.thirty.public_id}/"' in html
    assert f'href="/sources/{site.source.public_id}/"' in html
    assert f'href="/events/{site.event.public_id}/"' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'viewBox="0 0 760' in svg and "SOHR" in svg
    # the draft's and the rejected claim's figures are not drawn
    assert "exactly 99" not in svg and "exactly 77" not in svg
    assert svg.count("class=\"bar") == 2
    assert_nothing_unpublished(html)
    assert f'href="/api/v1/conflicts/{site.conflict_id}/"' in html


def test_a_quantity_without_conflict_and_a_missing_id_share_one_404(site):
    calm = PublicQuantity.objects.filter(has_conflict=False).first()
    missing = not_found_page("/conflicts/nope/")
    if calm is not None and calm.conflict_public_id:
        assert not_found_page(f"/conflicts/{calm.conflict_public_id}/") == missing
    assert not_found_page(f"/conflicts/{calm.quantity_key[:12]}/") == missing


def test_claim_permalink_links_the_conflict_page_and_scales_its_picture(site):
    html = page(f"/claims/{site.eight.public_id}/")
    assert f'href="/conflicts/{site.conflict_id}/"' in html
    assert "max-width: 760px" in html
    assert f'href="/sources/{site.source.public_id}/"' in html
    assert f'/api/v1/claims/{site.eight.public_id}/claimreview/">ClaimReview' in html


def test_conflict_page_query_count_is_bounded(site, editor, reviewer):
    path = f"/conflicts/{site.conflict_id}/"
    before = count_queries(path)
    published(editor, reviewer, event=site.event, value=500)
    assert count_queries(path) <= before <= 3
