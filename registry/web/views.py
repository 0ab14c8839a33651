"""Public HTML pages, server-rendered from the public projection."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError

from registry.choices import ClaimState
from registry.models import PublicQuantity
from registry.presentation.claimreview import CONTEXT
from registry.presentation.claims import originator_name
from registry.presentation.place_svg import place_svg
from registry.presentation.svg import public_conflict_svg
from registry.selectors import public
from registry.web.filters import PublicClaimForm
from registry.web.throttle import PageRateThrottle

CLAIMS_PER_PAGE = 20
CONFLICTS_PER_EVENT = 20


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _throttled(request) -> HttpResponse | None:
    """A 429 when this anonymous client has used up the API's rate."""
    throttle = PageRateThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = throttle.wait()
    response = HttpResponse(
        _("Too many requests: slow down and try again shortly."),
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
            "registry_name": _registry_name(),
            "json_url": data["url"],
            "claimreview_url": f"{data['url']}claimreview/",
        },
    )
    _cache_publicly(response)
    return response


def _cache_publicly(response) -> None:
    """Shared caches may keep a page for a minute, one copy per language:
    the language comes from the browser (Accept-Language, which
    LocaleMiddleware adds to Vary) or from the switcher's cookie."""
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
    patch_vary_headers(response, ("Cookie",))


def _registry_name() -> str:
    return getattr(settings, "REGISTRY_NAME", "Fact-check registry")


def _page(request, template: str, context: dict, status: int = 200):
    response = render(
        request,
        template,
        {"registry_name": _registry_name(), **context},
        status=status,
    )
    if status == 200:
        _cache_publicly(response)
    return response


def _link(request, **changes) -> str:
    """This page's address with ``changes`` to its query string."""
    query: QueryDict = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    text = query.urlencode()
    return f"{request.path}?{text}" if text else request.path


def _claim_page(request, queryset, base: str):
    """One keyset page of claims (newest first) as documents, with its links;
    None when the cursor is not one we gave."""
    try:
        page = public.keyset_page(
            queryset,
            ordering=public.CLAIM_ORDERINGS["-published_at"],
            cursor=request.GET.get("cursor") or None,
            size=CLAIMS_PER_PAGE,
            fields=("body",),
        )
    except public.BadCursor:
        return None
    claims = [json.loads(public.with_base(body, base)) for (body,) in page.rows]
    for claim in claims:
        claim["published_on"] = _day(claim["published_at"])
        names = []
        for citation in claim["citations"]:
            name = originator_name(citation)
            if name not in names:
                names.append(name)
        claim["originators"] = names
    return {
        "claims": claims,
        "older": _link(request, cursor=page.next_cursor) if page.next_cursor else None,
        "newer": _link(request, cursor=page.previous_cursor)
        if page.previous_cursor
        else None,
    }


def _day(value: str | None):
    moment = parse_datetime(value or "")
    return moment.astimezone(dt.UTC).date() if moment else None


def _figures_over_time(claims: list[dict]) -> list[dict]:
    """The figures of these claims, oldest first (by the date a figure is
    "as of", else the day its claim was published)."""
    rows = []
    for claim in claims:
        for figure in claim["figures"]:
            rows.append(
                {
                    "when": figure["as_of"] or (claim["published_at"] or "")[:10],
                    "figure": figure,
                    "claim": claim,
                }
            )
    rows.sort(key=lambda row: (row["when"], row["claim"]["id"]))
    return rows


def _bad_cursor(request, template: str, context: dict):
    return _page(
        request,
        template,
        {**context, "claims": [], "bad_cursor": _link(request, cursor=None)},
        status=400,
    )


@require_safe
def home(request):
    if (refusal := _throttled(request)) is not None:
        return refusal
    """The latest published claims, a page at a time, with the API's filters."""
    base = _base(request)
    form = PublicClaimForm(
        request.GET or None, queryset=public.published_claims(), request=request
    )
    context = {
        "form": form,
        "json_url": reverse("api:claim-list")
        + (f"?{request.GET.urlencode()}" if request.GET else ""),
    }
    try:
        valid = not form.is_bound or form.is_valid()
        queryset = form.qs if valid else None
    except ValidationError:
        valid, queryset = False, None
    if not valid:
        return _page(
            request, "registry/public/home.html", {**context, "invalid": True}, 400
        )
    page = _claim_page(request, queryset, base)
    if page is None:
        return _bad_cursor(request, "registry/public/home.html", context)
    filtered = form.is_bound and form.is_filtered()
    return _page(
        request, "registry/public/home.html", {**context, **page, "filtered": filtered}
    )


@require_safe
def source_page(request, public_id: str):
    if (refusal := _throttled(request)) is not None:
        return refusal
    source = public.public_source(public_id)
    if source is None:
        raise Http404("Not found.")
    base = _base(request)
    context = {
        "source": source,
        "aliases": source.extra_aliases,
        "json_url": reverse("api:source-detail", args=[source.public_id]),
        "claims_json_url": reverse("api:claim-list")
        + "?"
        + QueryDict.fromkeys(["source"], source.public_id).urlencode(),
    }
    page = _claim_page(request, public.claims_citing(source), base)
    if page is None:
        return _bad_cursor(request, "registry/public/source.html", context)
    context["figures"] = _figures_over_time(page["claims"])
    return _page(request, "registry/public/source.html", {**context, **page})


@require_safe
def event_page(request, public_id: str):
    if (refusal := _throttled(request)) is not None:
        return refusal
    event = public.public_event(public_id)
    if event is None:
        raise Http404("Not found.")
    base = _base(request)
    context = {
        "event": event,
        "json_url": reverse("api:event-detail", args=[event.public_id]),
        "claims_json_url": reverse("api:claim-list")
        + "?"
        + QueryDict.fromkeys(["event"], event.public_id).urlencode(),
        "map": place_svg(
            latitude=float(event.latitude),
            longitude=float(event.longitude),
            place=event.place,
            uid=f"map-{event.public_id}",
        )
        if event.latitude is not None and event.longitude is not None
        else None,
        "conflicts": [
            _conflict_with_picture(quantity, base)
            for quantity in public.conflicts_of_event(event)[:CONFLICTS_PER_EVENT]
        ],
    }
    page = _claim_page(request, public.claims_of_event(event), base)
    if page is None:
        return _bad_cursor(request, "registry/public/event.html", context)
    context["figures"] = _figures_over_time(page["claims"])
    return _page(request, "registry/public/event.html", {**context, **page})


def _conflict_with_picture(quantity: PublicQuantity, base: str) -> dict:
    conflict = public.conflict_document(quantity, base)
    facts = json.loads(public.with_base(quantity.body, base))
    conflict["picture"] = public_conflict_svg(
        facts["kind"],
        facts["conflict"],
        facts["consensus_interval"],
        uid=f"conflict-{conflict['id']}",
    )
    return conflict


@require_safe
def conflict_page(request, public_id: str):
    if (refusal := _throttled(request)) is not None:
        return refusal
    quantity = public.public_conflict(public_id)
    if quantity is None:
        raise Http404("Not found.")
    conflict = _conflict_with_picture(quantity, _base(request))
    return _page(
        request,
        "registry/public/conflict.html",
        {
            "conflict": conflict,
            "status_label": {
                "open": _("Open: not yet settled"),
                "explained": _("Explained"),
                "settled": _("Settled"),
            }.get(conflict["status"], conflict["status"]),
            "json_url": reverse("api:conflict-detail", args=[conflict["id"]]),
        },
    )


@require_safe
def corrections_page(request):
    if (refusal := _throttled(request)) is not None:
        return refusal
    """Retractions and supersessions, newest first, a page at a time."""
    base = _base(request)
    context = {"json_url": reverse("api:correction-list")}
    try:
        page = public.keyset_page(
            public.corrections(),
            ordering=public.CORRECTION_ORDERING,
            cursor=request.GET.get("cursor") or None,
            size=CLAIMS_PER_PAGE,
            fields=("correction",),
        )
    except public.BadCursor:
        return _page(
            request,
            "registry/public/corrections.html",
            {**context, "bad_cursor": request.path},
            status=400,
        )
    items = [json.loads(public.with_base(text, base)) for (text,) in page.rows]
    for item in items:
        item["corrected_on"] = _day(item["corrected_at"])
    return _page(
        request,
        "registry/public/corrections.html",
        {
            **context,
            "corrections": items,
            "older": _link(request, cursor=page.next_cursor)
            if page.next_cursor
            else None,
            "newer": _link(request, cursor=page.previous_cursor)
            if page.previous_cursor
            else None,
        },
    )


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
