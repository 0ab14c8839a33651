"""The sitemap of the public pages: claims, sources, events, conflicts.

Each section reads one indexed projection query per sitemap page of
(address, last change) pairs, never a model instance per row."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from registry.selectors import public


class ClaimSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return public.published_claims().order_by("-published_at", "-public_id").values_list(
            "public_id", "updated_at"
        )

    def location(self, item):
        return reverse("claim-permalink", args=[item[0]])

    def lastmod(self, item):
        return item[1]


class SourceSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return public.public_sources().order_by("pk").values_list("public_id", flat=True)

    def location(self, item):
        return reverse("public-source", args=[item])


class EventSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return public.public_events().order_by("pk").values_list("public_id", flat=True)

    def location(self, item):
        return reverse("public-event", args=[item])


class ConflictSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return public.public_conflicts().order_by("-updated_at", "conflict_public_id").values_list(
            "conflict_public_id", "updated_at"
        )

    def location(self, item):
        return reverse("public-conflict", args=[item[0]])

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "claims": ClaimSitemap,
    "sources": SourceSitemap,
    "events": EventSitemap,
    "conflicts": ConflictSitemap,
}
