"""The corrections as an Atom feed (Django's syndication framework)."""

from __future__ import annotations

import json

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.selectors import public

FEED_SIZE = 50


class CorrectionsFeed(Feed):
    feed_type = Atom1Feed
    subtitle = gettext_lazy(
        "Retractions and corrections of published claims, newest first."
    )

    def __call__(self, request, *args, **kwargs):
        self._base = request.build_absolute_uri("/").rstrip("/")
        return super().__call__(request, *args, **kwargs)

    def title(self):
        from registry.web.views import _registry_name

        return _("%(registry)s: corrections") % {"registry": _registry_name()}

    def link(self):
        return reverse("public-corrections")

    def feed_url(self):
        return reverse("public-corrections-feed")

    def items(self):
        rows = (
            public.corrections()
            .order_by("-corrected_at", "-public_id")
            .values_list("correction", "corrected_at")[:FEED_SIZE]
        )
        items = []
        for text, corrected_at in rows:
            item = json.loads(public.with_base(text, self._base))
            item["corrected_at"] = corrected_at
            items.append(item)
        return items

    def item_title(self, item):
        if item["type"] == "retraction":
            return _("Retracted: %(said)s") % {"said": item["said"]}
        return _("Corrected: %(said)s") % {"said": item["said"]}

    def item_description(self, item):
        lines = [_("Said: %(text)s") % {"text": item["said"]}]
        if item["now_says"]:
            lines.append(_("Now says: %(text)s") % {"text": item["now_says"]})
        if item["note"]:
            lines.append(_("Why: %(text)s") % {"text": item["note"]})
        return "\n".join(lines)

    def item_link(self, item):
        successor = item["corrected_by"]
        return reverse(
            "claim-permalink", args=[successor["id"] if successor else item["claim"]["id"]]
        )

    def item_guid(self, item):
        return f"{self._base}{reverse('claim-permalink', args=[item['claim']['id']])}#correction"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item["corrected_at"]

    def item_updateddate(self, item):
        return item["corrected_at"]
