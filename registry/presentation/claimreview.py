"""schema.org ClaimReview for published claims.

Fact-check aggregators read ClaimReview (https://schema.org/ClaimReview;
Google: https://developers.google.com/search/docs/appearance/structured-data/factcheck).

What the rating means
---------------------
The registry's claims say "source X said N". The quote is checked verbatim
against the document, so that a source said it is never in doubt. The
rating is the registry's confidence that **the claim is accurate as the
best current evidence has it** (the figure, date or event is right), not a
rating of whether the source said it. A faithfully reported figure that
stronger evidence contradicts is rated "improbable", and the explanation
says why.

The scale (best above worst, as Google requires)
-------------------------------------------------
``ratingValue`` = 6 - the registry's confidence level (Admiralty
credibility scale, 1 best), ``bestRating`` 5, ``worstRating`` 1:

=========== ============ ===========================================
ratingValue confidence   alternateName (shown by search engines)
=========== ============ ===========================================
5           1 confirmed  Accurate: confirmed by independent sources
4           2 probably   Probably accurate
3           3 possibly   Possibly accurate: one source, uncorroborated
2           4 doubtful   Doubtful
1           5 improbable Improbable: contradicted by stronger evidence
(none)      6            Cannot be judged on the evidence available
(none)      retracted    Retracted by the registry
(none)      superseded   Superseded by a corrected review
=========== ============ ===========================================

Level 6, retracted and superseded claims carry no ``ratingValue`` (there is
no point on the scale for them); their ``alternateName`` says which.
``Rating.name`` repeats the short verdict, ``Rating.description`` states
the scale's meaning, and ``ratingExplanation`` is always filled: the
reviewer's rationale, else a sentence for the confidence level (and for a
retraction, the public note).

Other fields
------------
``claimReviewed`` is a short form of the statement within Google's
75-character guidance (cut at a word, with an ellipsis); the full statement
is the Claim's ``text``. ``itemReviewed`` is the Claim: ``author`` its
originators, ``appearance`` one CreativeWork per document (its quotes as
``text``; the sources it came through, relays, as ``isBasedOn`` works
authored by each relay, in chain order), ``firstAppearance`` the earliest
of them. The review's ``author`` is the registry with its ``url`` (the
``REGISTRY_URL`` setting, else the site's own address). ``dateModified``
marks a corrected or retracted claim.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from registry.choices import ClaimState, SourceKind
from registry.models import Claim, Source

CONTEXT = "https://schema.org"
PERSON_KINDS = {SourceKind.OFFICIAL}
SHORT_LIMIT = 75
BEST, WORST = 5, 1

VERDICTS = {
    1: "Accurate: confirmed by independent sources",
    2: "Probably accurate",
    3: "Possibly accurate: one source, uncorroborated",
    4: "Doubtful",
    5: "Improbable: contradicted by stronger evidence",
    6: "Cannot be judged on the evidence available",
}
EXPLANATIONS = {
    1: "Independent sources, which do not relay one another, agree on it.",
    2: "Likely accurate: reliable sources report it and nothing stronger "
    "contradicts it, though it is not independently confirmed.",
    3: "Reported by a single source and not corroborated by an independent "
    "one; nothing stronger contradicts it so far.",
    4: "Doubtful: the sources are weak or other sources give different "
    "figures that are not settled.",
    5: "Contradicted by stronger evidence from other sources.",
    6: "The evidence available does not allow a judgment.",
}
RETRACTED = "Retracted by the registry"
SUPERSEDED = "Superseded by a corrected review"
MEANING = (
    "The registry's confidence that the claim is accurate as the best "
    "current evidence has it (not whether the source said it: quotes are "
    "checked verbatim). 5 accurate, confirmed by independent sources; 4 "
    "probably accurate; 3 possibly accurate, one source; 2 doubtful; 1 "
    "improbable. No value: cannot be judged, retracted or superseded."
)


def rating_value(level: int | None) -> int | None:
    """The registry's confidence level (1 best ... 5; 6 unjudged) on the
    ClaimReview scale (5 best ... 1 worst); None where no point applies."""
    if level is None or not 1 <= level <= 5:
        return None
    return BEST + 1 - level


def short_form(statement: str, limit: int = SHORT_LIMIT) -> str:
    """The statement within ``limit`` characters, cut at a word."""
    text = " ".join(statement.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def _site_url(permalink: str, public_id: str) -> str:
    """The site's address: the permalink without its path."""
    from registry.presentation.claims import Urls

    path = Urls("").permalink(public_id)
    return permalink[: -len(path)] + "/" if permalink.endswith(path) else permalink


def _organisation(site_url: str) -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": getattr(settings, "REGISTRY_NAME", "Fact-check registry"),
        "url": getattr(settings, "REGISTRY_URL", "") or site_url,
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


def _appearances(citations) -> list[dict[str, Any]]:
    """One CreativeWork per document, in citation order."""
    by_document: dict[int, list] = {}
    for citation in citations:
        by_document.setdefault(citation.document_id, []).append(citation)
    works = []
    for group in by_document.values():
        document = group[0].document
        data: dict[str, Any] = {"@type": "CreativeWork", "headline": document.title}
        if document.url:
            data["url"] = document.url
        if document.published_on:
            data["datePublished"] = document.published_on.isoformat()
        if document.publisher_id:
            data["publisher"] = _agent(document.publisher)
        data["inLanguage"] = document.language
        quotes = list(dict.fromkeys(c.quote for c in group))
        data["text"] = " […] ".join(quotes)
        relays, seen = [], set()
        for citation in group:
            for link in citation.relay_links.all():
                if link.source_id not in seen:
                    seen.add(link.source_id)
                    relays.append(
                        {"@type": "CreativeWork", "author": _agent(link.source)}
                    )
        if relays:
            data["isBasedOn"] = relays
        works.append(data)
    return works


def _verdict(claim: Claim) -> tuple[str, int | None]:
    if claim.state == ClaimState.RETRACTED:
        return RETRACTED, None
    if claim.state == ClaimState.SUPERSEDED:
        return SUPERSEDED, None
    return VERDICTS.get(claim.confidence, VERDICTS[6]), rating_value(claim.confidence)


def _explanation(claim: Claim) -> str:
    reasons = (claim.confidence_rationale or "").strip() or EXPLANATIONS.get(
        claim.confidence, EXPLANATIONS[6]
    )
    note = (claim.public_note or "").strip()
    if claim.state == ClaimState.RETRACTED:
        return f"Retracted: {note}" if note else "Retracted by the registry."
    if claim.state == ClaimState.SUPERSEDED:
        return f"Superseded by a correction. {note}".strip() if note else (
            "Superseded by a correction; see the corrected claim."
        )
    return reasons


def claim_review(claim: Claim, *, permalink: str, with_context: bool = True) -> dict:
    """One claim as a ClaimReview object (with its own @context by default)."""
    from registry.presentation.claims import iso

    citations = list(claim.citations.all())
    authors, seen = [], set()
    for citation in citations:
        # An unnamed originator ("a military source") is no schema.org agent.
        if citation.originator_id is not None and citation.originator_id not in seen:
            seen.add(citation.originator_id)
            authors.append(_agent(citation.originator))
    item: dict[str, Any] = {"@type": "Claim", "text": claim.statement}
    if authors:
        item["author"] = authors[0] if len(authors) == 1 else authors
    appearances = _appearances(citations)
    if appearances:
        item["appearance"] = appearances
        dated = [a for a in appearances if "datePublished" in a]
        first = min(dated, key=lambda a: a["datePublished"]) if dated else appearances[0]
        item["firstAppearance"] = first
        if dated:
            item["datePublished"] = first["datePublished"]
    verdict, value = _verdict(claim)
    rating: dict[str, Any] = {"@type": "Rating"}
    if value is not None:
        rating["ratingValue"] = value
    rating.update(
        {
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": verdict,
            "name": verdict,
            "description": MEANING,
            "ratingExplanation": _explanation(claim),
        }
    )
    short = short_form(claim.statement)
    review = {
        "@type": "ClaimReview",
        "url": permalink,
        "name": f"Review: {short}",
        "claimReviewed": short,
        "itemReviewed": item,
        "author": _organisation(_site_url(permalink, claim.public_id)),
        "reviewRating": rating,
        "datePublished": iso(claim.published_at),
    }
    if claim.state == ClaimState.RETRACTED:
        review["reviewBody"] = _explanation(claim)
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
