"""Public permalink pages: one server-rendered page per published claim."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from . import claimreview, selectors
from .api.representation import Urls, claim_data
from .choices import PUBLIC_STATES
from .conflict_svg import conflict_svg, figures_for_picture


@require_safe
def claim_permalink(request, public_id: str):
    claim = selectors.published_claim_get(public_id=public_id)
    if claim is None:
        raise Http404("Not found.")
    urls = Urls(request.build_absolute_uri("/"))
    permalink = urls.permalink(claim.public_id)
    review = claimreview.claim_review(claim, permalink=permalink)
    data = claim_data(claim, urls)
    _attach_conflict_pictures(claim, data)
    response = render(
        request,
        "registry/public/claim.html",
        {
            "claim": claim,
            "data": data,
            "permalink": permalink,
            # json.dumps escapes nothing HTML-relevant by itself: escape "<",
            # ">" and "&" so a quote cannot close the <script> element.
            "claimreview_json": json.dumps(review, ensure_ascii=False, indent=2)
            .replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026"),
            "registry_name": getattr(settings, "REGISTRY_NAME", "Fact-check registry"),
        },
    )
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
    return response


def _attach_conflict_pictures(claim, data: dict) -> None:
    """Add each conflict's SVG interval picture, drawn from published figures only."""
    conflicts = {c.public_id: c for f in claim.figures.all() for c in f.conflicts.all()}
    for figure in data["figures"]:
        for item in figure["conflicts"]:
            conflict = conflicts[item["id"]]
            published = [
                f
                for f in figures_for_picture(conflict)
                if f.claim.state in PUBLIC_STATES
            ]
            item["picture"] = conflict_svg(conflict, published)
