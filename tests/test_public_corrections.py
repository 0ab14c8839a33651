"""Corrections as a page and as an Atom feed."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.public_site_support import (
    assert_nothing_unpublished,
    build_site,
    count_queries,
    page,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(editor, reviewer):
    return build_site(editor, reviewer)


def test_corrections_page_lists_retractions_and_supersessions(site):
    html = page("/corrections/")
    assert "<h1>Corrections</h1>" in html
    assert site.retracted.statement in html
    assert "The camp was misidentified." in html
    assert "Withdrawn, with no replacement." in html
    assert site.old.statement in html
    assert f'href="/claims/{site.corrected.public_id}/"' in html
    assert site.eight.statement not in html  # never corrected
    assert_nothing_unpublished(html)
    assert 'href="/api/v1/corrections/"' in html
    assert 'href="/corrections/feed/"' in html


def test_corrections_feed_is_atom(site):
    response = Client().get("/corrections/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert f"Retracted: {site.retracted.statement}" in titles
    assert f"Corrected: {site.old.statement}" in titles
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert f"http://testserver/claims/{site.corrected.public_id}/" in links
    assert all(e.find(f"{ATOM}updated").text for e in entries)
    assert_nothing_unpublished(response.content.decode())


def test_bad_cursor_is_a_400():
    response = Client().get("/corrections/?cursor=zzz")
    assert response.status_code == 400


def test_corrections_query_count_is_bounded(site):
    assert count_queries("/corrections/") <= 2
    assert count_queries("/corrections/feed/") <= 2
