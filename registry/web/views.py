"""Public HTML pages, server-rendered from the public projection."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_safe

from registry.choices import ClaimState
from registry.models import PublicQuantity
from registry.presentation.claimreview import CONTEXT
from registry.presentation.svg import public_conflict_svg
from registry.selectors import public
from registry.web.throttle import PageRateThrottle


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _throttled(request) -> HttpResponse | None:
    """A 429 when this anonymous client has used up the API's rate."""
    throttle = PageRateThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = throttle.wait()
    response = HttpResponse(
        "Too many requests: slow down and try again shortly.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    if wait is not None:
        response["Retry-After"] = str(int(wait) + 1)
    return response


@require_safe
def claim_permalink(request, public_id: str):
    if (refusal := _throttled(request)) is not None:
        return refusal
    base = _base(request)
    data = public.claim_document(public_id=public_id, base=base)
    if data is None:
        raise Http404("Not found.")
    review = json.loads(public.claimreview_text(public_id=public_id, base=base))
    review = {"@context": CONTEXT, **review}
    _attach_conflict_pictures(data, base)
    published = parse_datetime(data["published_at"] or "")
    response = render(
        request,
        "registry/public/claim.html",
        {
            "data": data,
            "state_label": ClaimState(data["state"]).label,
            "published_on": published.astimezone(dt.UTC).date() if published else None,
            "permalink": data["permalink"],
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


def _attach_conflict_pictures(data: dict, base: str) -> None:
    """Each conflict's SVG interval picture, from the public facts of its
    quantity: the same figures, consensus and preference as the table."""
    ids = {c["id"] for f in data["figures"] for c in f["conflicts"]}
    if not ids:
        return
    quantities = {
        q.conflict_public_id: q
        for q in PublicQuantity.objects.filter(conflict_public_id__in=ids)
    }
    for figure in data["figures"]:
        for item in figure["conflicts"]:
            quantity = quantities.get(item["id"])
            if quantity is None:
                continue
            facts = json.loads(public.with_base(quantity.body, base))
            item["picture"] = public_conflict_svg(
                facts["kind"],
                facts["conflict"],
                facts["consensus_interval"],
                uid=f"conflict-{item['id']}",
            )
