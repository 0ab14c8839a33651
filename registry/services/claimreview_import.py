"""Import other fact-checkers' ClaimReview objects as drafts for review.

``import_claimreview(text, source=...)`` reads a single ClaimReview object,
a list of them, a feed (``@graph``), or an HTML page with embedded JSON-LD
(read with extruct), and for each review creates, through the workflow and
record services:

- a **document** of kind ``fact_check`` holding the review as retrieved,
  written as JSON with every key and value unchanged (so its quotes stay
  verbatim), its address, publication date and language;
- the **reviewing organisation** and the **claimant** as sources, matched
  by name or alias first (an existing source is never changed), else
  created with reliability F (cannot be judged) for a reviewer to grade;
- a **draft claim** whose statement reports the reviewer's verdict in the
  reviewer's words ("PolitiFact rated 'Pants on Fire' the claim by Rick
  Perry that ..."), citing the document twice: the reviewer asserting its
  rating (the quote is the rating's text), and the claimant's statement as
  relayed by the reviewer (the quote is ``claimReviewed``). The reviewer's
  rating is never the registry's confidence: that stays empty until a
  reviewer of this registry judges the claim.

Everything is done as the importing user ``IMPORT_USERNAME``
("claimreview-import"), an inactive-login, editor-role account created on
first use, so the history says who (what) recorded it and four-eyes review
applies as for any editor's draft.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from registry import services
from registry.choices import ClaimKind, DocumentKind, Reliability, SourceKind, Stance
from registry.models import Citation, CitationRelay, Document, Source, text_hash
from registry.services.records import document_save, source_save

IMPORT_USERNAME = "claimreview-import"


class ImportError_(ValueError):
    """The input holds no ClaimReview the importer can read."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # claim public ids
    skipped: list[str] = field(default_factory=list)  # why, per review


def importing_user():
    """The system account imports act as (an editor; it cannot sign in)."""
    from registry.roles import EDITOR, roles_setup

    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=IMPORT_USERNAME,
        defaults={"is_active": True, "is_staff": False},
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(roles_setup()[EDITOR])
    return user_model.objects.get(pk=user.pk)  # fresh permission cache


# ----------------------------------------------------------------- reading


def _is_review(item) -> bool:
    if not isinstance(item, dict):
        return False
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(str(k).rsplit("/", 1)[-1] == "ClaimReview" for k in kinds if k)


def _find_reviews(value) -> list[dict]:
    """ClaimReview objects in a parsed JSON-LD value (lists, @graph)."""
    if isinstance(value, list):
        return [r for item in value for r in _find_reviews(item)]
    if not isinstance(value, dict):
        return []
    if _is_review(value):
        context = value.get("@context")
        return [value if context else {"@context": "https://schema.org", **value}]
    found = []
    for key in ("@graph", "mainEntity", "hasPart", "review"):
        if key in value:
            found += _find_reviews(value[key])
    return found


def read_reviews(text: str, *, base_url: str = "") -> list[dict]:
    """The ClaimReview objects in JSON text or an HTML page."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            return _find_reviews(json.loads(stripped))
        except json.JSONDecodeError as exc:
            raise ImportError_(f"Not valid JSON: {exc}") from None
    import extruct

    data = extruct.extract(text, base_url=base_url or None, syntaxes=["json-ld"])
    return _find_reviews(data.get("json-ld", []))


# ------------------------------------------------------------------ values


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value", "")
    return " ".join(str(value or "").split())


def _get(obj, name: str):
    """A property, also when a page spells it with another case ("Name")."""
    if not isinstance(obj, dict):
        return None
    if name in obj:
        return obj[name]
    lowered = name.lower()
    return next((v for k, v in obj.items() if k.lower() == lowered), None)


def _agents(value) -> list[dict]:
    items = value if isinstance(value, list) else [value]
    return [
        a if isinstance(a, dict) else {"name": a}
        for a in items
        if a not in (None, "", {})
    ]


def _agent_name(agent: dict) -> str:
    name = _text(_get(agent, "name")) or _text(_get(agent, "alternateName"))
    if name:
        return name
    url = _text(_get(agent, "url")) or _text(_get(agent, "sameAs"))
    host = urlparse(url).netloc
    return host.removeprefix("www.") if host else ""


def _date(value) -> dt.date | None:
    text = _text(value)
    if not text:
        return None
    try:
        parsed = parse_datetime(text)
        if parsed is not None:
            return parsed.date()
        return parse_date(text[:10])
    except ValueError:
        return None


def _url(value) -> str:
    text = str(value or "").strip() if not isinstance(value, (list, dict)) else _text(value)
    if any(c.isspace() for c in text) or len(text) > 1000:
        return ""
    return text if urlparse(text).scheme in ("http", "https") else ""


def _source(agent: dict, actor, *, person: bool = False) -> Source:
    name = _agent_name(agent)[:300]
    found = list(Source.objects.by_alias(name)) if name else []
    if found:
        return found[0]
    homepage = _url(_get(agent, "url"))
    if homepage:
        existing = Source.objects.filter(homepage=homepage).first()
        if existing is not None:
            return existing
    source = Source(
        name=name or "Unnamed source",
        kind=SourceKind.OFFICIAL if person else SourceKind.OTHER,
        reliability=Reliability.F,
        reliability_rationale="Recorded by the ClaimReview importer; not graded yet.",
        homepage=homepage,
    )
    return source_save(source=source, actor=actor)


def _quote_at(text: str, key: str, value: str) -> tuple[str, int, int] | None:
    """``value`` as it stands after ``"key":`` in the JSON text (escapes and
    all, so that it is verbatim there), with its offsets."""
    literal = json.dumps(value, ensure_ascii=False)[1:-1]
    pattern = '"' + re.escape(key) + r'"\s*:\s*"(' + re.escape(literal) + ')"'
    match = re.search(pattern, text)
    if match is None:
        return None
    return match.group(1), match.start(1), match.end(1)


# ------------------------------------------------------------------ import


def _statement(reviewer: str, claimant: str, claimed: str, verdict: str, scale: str) -> str:
    who = f" by {claimant}" if claimant else ""
    rated = f'rated "{verdict}"{scale}' if verdict else "reviewed"
    return f'{reviewer} {rated} the claim{who} that "{claimed}".'


def _scale(rating: dict) -> str:
    value = _text(_get(rating, "ratingValue"))
    if not value:
        return ""
    best, worst = _text(_get(rating, "bestRating")), _text(_get(rating, "worstRating"))
    if best or worst:
        return f" ({value} on its scale from {worst or '1'} worst to {best or '5'} best)"
    return f" ({value} on its scale)"


@transaction.atomic
def _import_one(review: dict, actor, *, retrieved_from: str) -> str | None:
    text = json.dumps(review, ensure_ascii=False, indent=2)
    if Document.objects.filter(
        kind=DocumentKind.FACT_CHECK, content_hash=text_hash(text)
    ).exists():
        return None
    claimed = _text(_get(review, "claimReviewed"))
    item = _get(review, "itemReviewed") or {}
    if not claimed and isinstance(item, dict):
        claimed = _text(_get(item, "text")) or _text(_get(item, "name"))
    if not claimed:
        raise ImportError_("a ClaimReview without claimReviewed")
    rating = _get(review, "reviewRating") or {}
    rating = rating[0] if isinstance(rating, list) and rating else rating
    verdict = _text(_get(rating, "alternateName")) or _text(_get(rating, "name"))

    reviewer_agents = _agents(_get(review, "author")) or _agents(_get(review, "publisher"))
    reviewer = _source(reviewer_agents[0], actor) if reviewer_agents else None
    claimants = _agents(_get(item, "author")) if isinstance(item, dict) else []
    claimant = (
        _source(claimants[0], actor, person=_text(claimants[0].get("@type")) == "Person")
        if claimants
        else None
    )
    if reviewer is None:
        reviewer = _source({"url": _get(review, "url") or retrieved_from}, actor)

    language = (
        _text(_get(review, "inLanguage"))
        or _text(_get(item, "inLanguage") if isinstance(item, dict) else "")
        or "und"
    )[:16]
    document = document_save(
        document=Document(
            kind=DocumentKind.FACT_CHECK,
            title=(
                _text(_get(review, "name"))
                or _text(_get(review, "headline"))
                or f"{reviewer.name}: fact-check of \u201c{claimed}\u201d"
            )[:500],
            publisher=reviewer,
            url=_url(_get(review, "url")) or _url(retrieved_from),
            retrieved_at=timezone.now(),
            published_on=_date(_get(review, "datePublished")),
            language=language,
            text=text,
        ),
        actor=actor,
    )
    claim = services.claim_create(
        actor=actor,
        statement=_statement(
            reviewer.name, claimant.name if claimant else "", claimed, verdict, _scale(rating)
        ),
        kind=ClaimKind.OTHER,
        confidence=None,
        confidence_rationale="",
    )
    rating_quote = _quote_at(text, "alternateName", verdict) if verdict else None
    if rating_quote is None and verdict:
        rating_quote = _quote_at(text, "name", verdict)
    if rating_quote is not None:
        quote, start, end = rating_quote
        services.citation_save(
            citation=Citation(
                claim=claim, document=document, originator=reviewer,
                quote=quote, start=start, end=end, stance=Stance.ASSERTS,
            ),
            actor=actor,
        )
    claim_quote = _quote_at(text, "claimReviewed", claimed) or (
        _quote_at(text, "text", claimed) or _quote_at(text, "name", claimed)
    )
    if claim_quote is not None:
        quote, start, end = claim_quote
        citation = services.citation_save(
            citation=Citation(
                claim=claim, document=document,
                originator=claimant or reviewer,
                quote=quote, start=start, end=end, stance=Stance.ASSERTS,
            ),
            actor=actor,
        )
        if claimant is not None and claimant.pk != reviewer.pk:
            # The claimant's words reached us through the reviewer's review.
            CitationRelay.objects.create(citation=citation, source=reviewer, position=1)
    return claim.public_id


def import_claimreview(text: str, *, retrieved_from: str = "", actor=None) -> ImportReport:
    """Import every ClaimReview in ``text`` (JSON or HTML) as draft claims."""
    reviews = read_reviews(text, base_url=retrieved_from if "://" in retrieved_from else "")
    if not reviews:
        raise ImportError_("No ClaimReview found (a JSON object, a list, a @graph "
                           "feed or an HTML page with JSON-LD is expected).")
    actor = actor or importing_user()
    report = ImportReport()
    for review in reviews:
        label = _text(_get(review, "claimReviewed"))[:60] or _text(_get(review, "url"))
        try:
            public_id = _import_one(review, actor, retrieved_from=retrieved_from)
        except ImportError_ as exc:
            report.skipped.append(f"{label}: {exc}")
            continue
        if public_id is None:
            report.skipped.append(f"{label}: already imported")
        else:
            report.created.append(public_id)
    return report
