"""Checks of a ClaimReview object: JSON-LD expansion against a local
schema.org context, and Google's required and recommended fields.

Google's fields, from "Fact check (ClaimReview) structured data"
(https://developers.google.com/search/docs/appearance/structured-data/factcheck;
the table is also summarised in Full Fact's notes,
https://fullfact.github.io/markup-investigation/docs/notes/01-basic-usage/):

- ClaimReview: required ``claimReviewed``, ``reviewRating``, ``url``;
  recommended ``author``, ``datePublished``, ``itemReviewed``.
  ``claimReviewed``: "try to keep this less than 75 characters"; it must
  not carry the rating.
- Claim: recommended ``appearance``, ``author``, ``datePublished``,
  ``firstAppearance``.
- Rating: required ``alternateName``; recommended ``bestRating``, ``name``,
  ``ratingValue``, ``worstRating``. Numeric ratings: integers, best above
  worst, the value between them.
- The author of a ClaimReview: an Organization or Person with ``name`` and
  ``url``.

Our two documented departures: ``ratingValue`` is left out where no point
of the scale applies (confidence 6, "cannot be judged", and retracted or
superseded reviews; ``alternateName`` then says which), and the Claim's
``datePublished`` where no document it appeared in has a known date.
"""

from __future__ import annotations

import json
from pathlib import Path

from pyld import jsonld

CONTEXT_FILE = Path(__file__).resolve().parent / "data" / "schemaorg-context.jsonld"
SCHEMA = "https://schema.org/"
UNRATED = {
    "Cannot be judged on the evidence available",
    "Retracted by the registry",
    "Superseded by a corrected review",
}


def local_loader(url, options=None):
    """Serves the schema.org context from tests/data; nothing else (no network)."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org") or url.startswith(
        ("https://schema.org/docs/jsonldcontext", "http://schema.org/docs/jsonldcontext")
    ):
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(CONTEXT_FILE.read_text(encoding="utf-8")),
        }
    raise jsonld.JsonLdError(
        f"No network in tests: {url}", "jsonld.LoadDocumentError", code="loading document failed"
    )


def _keys(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@"):
                found.add(key)
            _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


def _types(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        if "@type" in value:
            found.update([value["@type"]] if isinstance(value["@type"], str) else value["@type"])
        for item in value.values():
            _types(item, found)
    elif isinstance(value, list):
        for item in value:
            _types(item, found)
    return found


def _expanded_iris(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@type":
                found.update(item)
            elif not key.startswith("@"):
                found.add(key)
            _expanded_iris(item, found)
    elif isinstance(value, list):
        for item in value:
            _expanded_iris(item, found)
    return found


def jsonld_problems(document: dict) -> list[str]:
    """Expand ``document``; every term and type must be a schema.org one.

    The shipped context defines each schema.org term and has no ``@vocab``,
    so a misspelt or made-up property would be dropped by expansion: it is
    reported here instead of passing silently.
    """
    if "@context" not in document:
        document = {"@context": "https://schema.org", **document}
    expanded = jsonld.expand(document, {"documentLoader": local_loader})
    iris = _expanded_iris(expanded, set())
    problems = [
        f"term {key!r} is not a schema.org term"
        for key in sorted(_keys(document, set()) - {"@context"})
        if SCHEMA + key not in iris
    ]
    problems += [
        f"type {name!r} is not a schema.org type"
        for name in sorted(_types(document, set()))
        if SCHEMA + name not in iris
    ]
    return problems


def _agent_problems(agent, where: str) -> list[str]:
    agents = agent if isinstance(agent, list) else [agent]
    problems = []
    for one in agents:
        if not isinstance(one, dict) or one.get("@type") not in ("Organization", "Person"):
            problems.append(f"{where}: an Organization or Person is expected")
        elif not one.get("name"):
            problems.append(f"{where}: no name")
    return problems


def google_problems(review: dict) -> list[str]:
    """Google's required and recommended ClaimReview fields (see above)."""
    problems = []
    if review.get("@type") != "ClaimReview":
        return ["@type is not ClaimReview"]
    for name in ("claimReviewed", "reviewRating", "url"):
        if not review.get(name):
            problems.append(f"required ClaimReview.{name} is missing")
    for name in ("author", "datePublished", "itemReviewed"):
        if not review.get(name):
            problems.append(f"recommended ClaimReview.{name} is missing")
    claimed = review.get("claimReviewed") or ""
    if len(claimed) > 75:
        problems.append(f"claimReviewed has {len(claimed)} characters (over 75)")
    author = review.get("author")
    if author:
        problems += _agent_problems(author, "ClaimReview.author")
        if isinstance(author, dict) and not author.get("url"):
            problems.append("ClaimReview.author has no url")
    item = review.get("itemReviewed") or {}
    if item.get("@type") != "Claim":
        problems.append("itemReviewed is not a Claim")
    for name in ("appearance", "author", "firstAppearance"):
        if not item.get(name):
            problems.append(f"recommended Claim.{name} is missing")
    dated = [a for a in item.get("appearance", []) if a.get("datePublished")]
    if dated and not item.get("datePublished"):
        problems.append("recommended Claim.datePublished is missing")
    if item.get("author"):
        problems += _agent_problems(item["author"], "Claim.author")
    rating = review.get("reviewRating") or {}
    if rating.get("@type") != "Rating":
        problems.append("reviewRating is not a Rating")
    if not rating.get("alternateName"):
        problems.append("required Rating.alternateName is missing")
    for name in ("bestRating", "name", "worstRating"):
        if rating.get(name) in (None, ""):
            problems.append(f"recommended Rating.{name} is missing")
    value = rating.get("ratingValue")
    best, worst = rating.get("bestRating"), rating.get("worstRating")
    if value is None and rating.get("alternateName") not in UNRATED:
        problems.append("recommended Rating.ratingValue is missing")
    numbers = [n for n in (value, best, worst) if n is not None]
    if any(not isinstance(n, int) or isinstance(n, bool) for n in numbers):
        problems.append("ratings must be integers")
    elif best is not None and worst is not None:
        if not best > worst:
            problems.append(f"bestRating {best} is not above worstRating {worst}")
        if value is not None and not worst <= value <= best:
            problems.append(f"ratingValue {value} is outside {worst}..{best}")
    if str(rating.get("alternateName", "")).lower() in claimed.lower() and claimed:
        problems.append("claimReviewed carries the rating")
    return problems
