"""The home page: the latest published claims, a keyset page at a time,
with a search box and the API's filters as a GET form."""

import re

import pytest
from django.contrib import admin
from django.test import Client

from registry.choices import ClaimState
from registry.models import PublicClaim
from registry.web import views
from tests.projection_support import published
from tests.public_site_support import (
    assert_nothing_unpublished,
    build_site,
    count_queries,
    page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(editor, reviewer):
    return build_site(editor, reviewer)


def test_home_lists_published_claims_newest_first_and_nothing_else(site):
    html = page("/")
    assert "Latest published claims" in html
    for claim in (site.eight, site.thirty, site.corrected):
        assert claim.statement in html
        assert f'href="/claims/{claim.public_id}/"' in html
    assert html.index(site.corrected.statement) < html.index(site.eight.statement)
    assert_nothing_unpublished(html)
    # The page links its JSON: the API's list with the same filters.
    assert 'href="/api/v1/claims/"' in html
    assert 'name="q"' in html and 'role="search"' in html


def test_filters_are_the_apis(site):
    html = page("/?source=SOHR&has_conflict=true")
    assert site.eight.statement in html
    assert site.thirty.statement not in html
    assert site.corrected.statement not in html
    assert 'href="/api/v1/claims/?source=SOHR&amp;has_conflict=true"' in html

    html = page(f"/?event={site.quiet_event.public_id}&min_confidence=3")
    assert site.corrected.statement in html
    assert site.eight.statement not in html

    html = page("/?published_after=2000-01-01&published_before=2999-01-01")
    assert site.eight.statement in html
    html = page("/?published_before=2000-01-01")
    assert site.eight.statement not in html
    assert "No published claim matches." in html


def test_search_finds_published_claims_only(site):
    html = page("/?q=soldiers")
    assert site.eight.statement in html
    assert_nothing_unpublished(html)
    html = page("/?q=ninety-nine")  # words only the draft holds
    assert site.draft.statement not in html
    assert "No published claim matches." in html


def test_bad_filters_and_cursors_are_a_readable_400():
    response = Client().get("/?confidence=9&published_after=yesterday")
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    response = Client().get("/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "no longer valid" in response.content.decode()


def test_older_link_walks_the_keyset(editor, reviewer, monkeypatch):
    monkeypatch.setattr(views, "CLAIMS_PER_PAGE", 2)
    claims = [
        published(editor, reviewer, event=None, value=n, statement=f"Claim number {n}.")
        for n in range(5)
    ]
    seen = []
    path = "/"
    while path:
        html = page(path)
        on_page = [c.statement for c in claims if c.statement in html]
        seen += sorted(on_page, key=html.index)
        marker = 'rel="next"'
        if marker not in html:
            break
        href = html[: html.index(marker)].rsplit('href="', 1)[1].split('"', 1)[0]
        path = href.replace("&amp;", "&")
    newest_first = PublicClaim.objects.order_by("-published_at", "-public_id")
    assert seen == [c.claim.statement for c in newest_first]
    assert len(seen) == 5


def test_home_query_count_is_bounded(site, editor, reviewer):
    first = count_queries("/?source=SOHR&q=soldiers")
    for n in range(5):
        published(editor, reviewer, event=site.event, value=100 + n)
    assert count_queries("/?source=SOHR&q=soldiers") <= first
    assert count_queries("/") <= 3


def test_admin_view_site_is_the_home_page():
    assert admin.site.site_url == "/"
    assert Client().get("/").status_code == 200
    assert ClaimState.APPROVED  # the home page answers even when empty


def test_every_select_of_the_form_starts_with_any():
    """A browser submits a select's first option: anything but an empty
    "Any" there would filter every search (it was confidence=1)."""
    html = page("/")
    selects = re.findall(r'<select name="(\w+)"[^>]*>\s*<option value="([^"]*)"', html)
    assert {name for name, _ in selects} >= {"kind", "confidence", "min_confidence"}
    assert all(first == "" for _, first in selects), selects
