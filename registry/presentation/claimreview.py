"""schema.org ClaimReview for published claims.

Fact-check aggregators read ClaimReview (https://schema.org/ClaimReview):
``claimReviewed`` is the statement, ``itemReviewed`` the Claim with who
made it (``author``) and where it appeared (``appearance``), and
``reviewRating`` our confidence: ``ratingValue`` is the Admiralty level
(1 best ... 6 cannot be judged, so ``bestRating`` 1 and ``worstRating`` 6)
and ``alternateName`` its words. ``dateModified`` marks a corrected claim.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from registry.choices import ClaimState, SourceKind
from registry.models import Claim, Source

CONTEXT = "https://schema.org"
PERSON_KINDS = {SourceKind.OFFICIAL}


def _organisation() -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": getattr(settings, "REGISTRY_NAME", "Fact-check registry"),
        **(
            {"url": settings.REGISTRY_URL}
            if getattr(settings, "REGISTRY_URL", "")
            else {}
        ),
    }


def _agent(source: Source) -> dict[str, Any]:
    data = {
        "@type": "Person" if source.kind in PERSON_KINDS else "Organization",
        "name": source.name,
    }
    if source.short_name:
        data["alternateName"] = source.short_name
    if source.homepage:
        data["url"] = source.homepage
    return data


def _appearance(citation) -> dict[str, Any]:
    document = citation.document
    data: dict[str, Any] = {"@type": "CreativeWork", "headline": document.title}
    if document.url:
        data["url"] = document.url
    if document.published_on:
        data["datePublished"] = document.published_on.isoformat()
    if document.publisher_id:
        data["publisher"] = _agent(document.publisher)
    data["inLanguage"] = document.language
    data["text"] = citation.quote
    return data


def claim_review(claim: Claim, *, permalink: str, with_context: bool = True) -> dict:
    """One claim as a ClaimReview object (with its own @context by default)."""
    from registry.presentation.claims import confidence_label, iso

    citations = list(claim.citations.all())
    authors, seen = [], set()
    for citation in citations:
        if citation.originator_id not in seen:
            seen.add(citation.originator_id)
            authors.append(_agent(citation.originator))
    item: dict[str, Any] = {"@type": "Claim"}
    if authors:
        item["author"] = authors[0] if len(authors) == 1 else authors
    if citations:
        item["appearance"] = [_appearance(c) for c in citations]
        dates = [c.document.published_on for c in citations if c.document.published_on]
        if dates:
            item["datePublished"] = min(dates).isoformat()
    label = confidence_label(claim.confidence)
    if claim.state == ClaimState.RETRACTED:
        label = f"Retracted: {claim.public_note}"
    elif claim.state == ClaimState.SUPERSEDED:
        label = f"Superseded by a corrected claim ({label})"
    review = {
        "@type": "ClaimReview",
        "url": permalink,
        "claimReviewed": claim.statement,
        "itemReviewed": item,
        "author": _organisation(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": claim.confidence,
            "bestRating": 1,
            "worstRating": 6,
            "alternateName": label,
            "ratingExplanation": claim.confidence_rationale,
        },
        "datePublished": iso(claim.published_at),
    }
    if _was_modified(claim):
        review["dateModified"] = iso(claim.updated_at)
    if with_context:
        review = {"@context": CONTEXT, **review}
    return review


def _was_modified(claim: Claim) -> bool:
    """Corrected claims, and corrections of an earlier claim, carry dateModified."""
    if claim.state in (ClaimState.RETRACTED, ClaimState.SUPERSEDED):
        return True
    return bool(claim.corrects_id)


def claim_review_feed(claims, *, permalink) -> dict[str, Any]:
    """A page of ClaimReviews as one JSON-LD document (``@graph``)."""
    return {
        "@context": CONTEXT,
        "@graph": [
            claim_review(c, permalink=permalink(c.public_id), with_context=False)
            for c in claims
        ],
    }
