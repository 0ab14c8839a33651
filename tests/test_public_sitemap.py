"""The sitemap: every public claim, source, event and conflict page."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.public_site_support import (
    assert_nothing_unpublished,
    build_site,
    count_queries,
)

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def site(editor, reviewer):
    return build_site(editor, reviewer)


def test_sitemap_lists_public_pages_only(site):
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    locations = {
        url.find(f"{NS}loc").text for url in ET.fromstring(response.content)
    }
    base = "http://testserver"
    for claim in (site.eight, site.thirty, site.retracted, site.old, site.corrected):
        assert f"{base}/claims/{claim.public_id}/" in locations
    for claim in (site.draft, site.rejected, site.in_review):
        assert f"{base}/claims/{claim.public_id}/" not in locations
    assert f"{base}/sources/{site.source.public_id}/" in locations
    assert f"{base}/events/{site.event.public_id}/" in locations
    assert f"{base}/events/{site.quiet_event.public_id}/" in locations
    assert f"{base}/conflicts/{site.conflict_id}/" in locations
    assert_nothing_unpublished(response.content.decode())
    # Every address in it answers, and no page shows an unpublished claim.
    client = Client()
    for location in [*locations, f"{base}/", f"{base}/corrections/"]:
        response = client.get(location.removeprefix(base))
        assert response.status_code == 200, location
        assert_nothing_unpublished(response.content.decode())


def test_sitemap_query_count_is_bounded(site):
    assert count_queries("/sitemap.xml") <= 8
