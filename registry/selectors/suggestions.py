"""What the registry already holds that a new article's proposals touch.

For the claim proposer (issue 13): the events an article may be about, and
for each proposal the existing claims it may repeat. Read-only; each function
runs a fixed number of indexed queries whatever the registry's size.

- ``suggest_events``: events whose place is named in the text (the whole
  place, or its first words: "Kafr Nabl, Idlib" matches "Kafr Nabl"),
  ranked by how near their dates are to the article's date.
- ``possible_duplicates``: for one proposal, claims citing an overlapping
  passage of the same document, and claims of the same event with a figure
  of the same metric, saying whether it gives the same number, comes from
  the same originator and is about the same quantity (its quantity key:
  subjects are worded differently, "soldiers" and "Syrian Arab Army
  soldiers", so the key alone would miss the claim being repeated). A claim
  with another number is not a duplicate but the conflict or corroboration
  the new claim will join: it is listed with ``same_value`` false so the
  editor sees it before saving.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db.models import F, Q
from django.db.models.functions import Lower, Upper

from registry.choices import FigureKind
from registry.models import Citation, Event, Figure, quantity_key_of

# Capitalised runs of words (with the particles place names carry), in
# English and Spanish: "Deir ez-Zor", "Ras al-Ain", "San Juan de los Morros".
_PLACE_RUN = re.compile(
    r"\b[A-ZÁÉÍÓÚÑ][\w'’-]+(?:\s+(?:(?:al|el|ez|as|ad|de|del|la|las|los|da|do)[\s-]+)?"
    r"[A-ZÁÉÍÓÚÑ][\w'’-]+){0,4}"
)
# An event more than this far from the article's date is not suggested.
DATE_WINDOW = dt.timedelta(days=30)
MAX_PLACES = 200


@dataclass(frozen=True)
class EventSuggestion:
    id: str
    title: str
    place: str
    date_earliest: str | None
    date_latest: str | None
    days_away: int | None
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def of(cls, event: Event, days_away: int | None, reason: str) -> EventSuggestion:
        return cls(
            id=event.public_id,
            title=event.title,
            place=event.place,
            date_earliest=event.date_earliest.isoformat() if event.date_earliest else None,
            date_latest=event.date_latest.isoformat() if event.date_latest else None,
            days_away=days_away,
            reason=reason,
        )


def _place_phrases(text: str) -> set[str]:
    """Every capitalised run and each of its word-aligned sub-runs, folded."""
    found: set[str] = set()
    for match in _PLACE_RUN.finditer(text):
        words = match.group(0).split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                found.add(" ".join(words[i:j]).casefold())
                if len(found) >= MAX_PLACES * 4:
                    return found
    return found


def _days_away(event: Event, on: dt.date | None) -> int | None:
    if on is None or event.date_earliest is None:
        return None
    latest = event.date_latest or event.date_earliest
    if event.date_earliest <= on <= latest:
        return 0
    return min(abs((event.date_earliest - on).days), abs((latest - on).days))


def suggest_events(
    text: str, published_on: dt.date | None = None, *, limit: int = 3
) -> list[EventSuggestion]:
    """Events whose place the text names, nearest in date first."""
    phrases = _place_phrases(text)
    if not phrases:
        return []
    # Longest first: "Ras al-Ain" before "Ras" when the bound cuts.
    ordered = sorted(phrases, key=lambda p: (-len(p), p))[:MAX_PLACES]
    named = Q(place_folded__in=ordered)
    heads = [phrase for phrase in ordered[: MAX_PLACES // 2] if len(phrase) > 3]
    if heads:
        # "Kafr Nabl, Idlib", "Al-Bolil desert, Deir ez-Zor": the place's
        # first words, named alone. One regular expression on UPPER(place),
        # which the trigram index event_place_trgm serves; a hundred OR'd
        # prefixes made PostgreSQL scan every event instead (1.4 s at 1M
        # claims, 134k events; 16-19 ms this way on 250k).
        alternatives = "|".join(re.escape(phrase) for phrase in heads)
        named |= Q(place_upper__iregex=f"^(?:{alternatives})[, ]")
    candidates = Event.objects.annotate(
        place_folded=Lower("place"), place_upper=Upper("place")
    ).filter(named)
    if published_on is not None:
        # An event of the article's weeks: it may have begun before the
        # article and may still be going on.
        window = published_on - DATE_WINDOW
        candidates = candidates.filter(
            Q(date_earliest__isnull=True)
            | Q(date_earliest__lte=published_on + dt.timedelta(days=1))
        ).filter(
            Q(date_earliest__isnull=True)
            | Q(date_latest__gte=window)
            | Q(date_latest__isnull=True, date_earliest__gte=window)
        )
    # NULLS LAST (undated events after dated ones, as SQLite orders anyway)
    # is not the event list's index order: PostgreSQL cannot walk every event
    # in date order testing each place until 50 match (what it chose at 1M).
    events = list(
        candidates.order_by(F("date_earliest").desc(nulls_last=True), "public_id")[:50]
    )
    def nearness(event: Event) -> tuple[int, str]:
        days = _days_away(event, published_on)
        return (10**6 if days is None else days, event.public_id)

    ranked = sorted(events, key=nearness)
    suggestions = []
    for event in ranked[:limit]:
        days = _days_away(event, published_on)
        reason = f"the article names {event.place}"
        if days == 0:
            reason += " and its date falls within the event's dates"
        elif days is not None:
            reason += f"; the event is {days} days from the article's date"
        suggestions.append(EventSuggestion.of(event, days, reason))
    return suggestions


@dataclass(frozen=True)
class PossibleDuplicate:
    id: str
    state: str
    statement: str
    reason: str
    same_value: bool
    same_originator: bool

    def as_dict(self) -> dict:
        return asdict(self)


class DuplicateFinder:
    """What ``find`` needs about one article, read once: the stored
    document's citations and the suggested event's figures (of the
    article's metrics) with their originators. ``find`` then runs no query,
    so an article's proposals cost three queries in all, not three each.

    ``document_id``: the stored document the proposals were read from (its
    citations overlapping a proposal's passage are found); ``event``: the
    event the claims would be about.
    """

    # An event's figures read at most (newest claims first): enough for any
    # incident, bounded for an event that gathers a whole war.
    MAX_FIGURES = 2000

    def __init__(
        self,
        *,
        document_id: int | None = None,
        event: Event | None = None,
        metrics: Iterable[str] = (),
    ):
        self.event = event
        self.citations = (
            list(
                Citation.objects.filter(document_id=document_id)
                .select_related("claim", "originator")
                .order_by("claim_id", "pk")
            )
            if document_id is not None
            else []
        )
        metrics = set(metrics)
        self.figures = (
            list(
                Figure.objects.filter(
                    claim__event=event, kind=FigureKind.QUANTITY, metric__in=metrics
                )
                .select_related("claim")
                .order_by("-claim_id", "pk")[: self.MAX_FIGURES]
            )
            if event is not None and metrics
            else []
        )
        self.originators = (
            set(
                Citation.objects.filter(
                    claim_id__in={f.claim_id for f in self.figures}
                ).values_list("claim_id", "originator__public_id")
            )
            if self.figures
            else set()
        )

    def find(self, proposal: dict, *, limit: int = 5) -> list[PossibleDuplicate]:
        """Existing claims a proposal (``Proposal.as_dict()``) may repeat."""
        found: dict[int, PossibleDuplicate] = {}
        originator = proposal.get("originator")
        for citation in self.citations:
            if citation.start < proposal["end"] and citation.end > proposal["start"]:
                found.setdefault(
                    citation.claim_id,
                    PossibleDuplicate(
                        id=citation.claim.public_id,
                        state=citation.claim.state,
                        statement=citation.claim.statement,
                        reason="cites an overlapping passage of this document",
                        same_value=False,
                        same_originator=originator is not None
                        and citation.originator_id is not None
                        and citation.originator.public_id == originator,
                    ),
                )
        proposed = [
            f
            for f in proposal.get("figures", [])
            if f.get("kind", FigureKind.QUANTITY) == FigureKind.QUANTITY
            and f.get("metric")
        ]
        if self.event is None or not proposed:
            return _ranked(found, limit)
        by_metric: dict[str, list[dict]] = {}
        keys = {}
        for figure in proposed:
            by_metric.setdefault(figure["metric"], []).append(figure)
            keys[
                quantity_key_of(
                    kind=FigureKind.QUANTITY,
                    event_public_id=self.event.public_id,
                    metric=figure["metric"],
                    subject=figure.get("subject") or "",
                    period_start=figure.get("period_start"),
                    period_end=None,
                )
            ] = figure
        # The event's figures of the same metrics: subjects are worded
        # differently ("soldiers", "Syrian Arab Army soldiers"), so the
        # quantity key alone would miss the claim the editor is repeating.
        for existing in self.figures:
            if existing.claim_id in found or existing.metric not in by_metric:
                continue
            same_quantity = existing.quantity_key in keys
            candidates = (
                [keys[existing.quantity_key]]
                if same_quantity
                else by_metric[existing.metric]
            )
            same_value = any(
                existing.qualifier == f.get("qualifier")
                and existing.value == f.get("value")
                and existing.value_high == f.get("value_high")
                for f in candidates
            )
            same_originator = (existing.claim_id, originator) in self.originators
            what = f"{existing.stated or existing.value} {existing.subject} {existing.metric}"
            if same_value and same_originator:
                reason = f"the same figure from the same originator ({what})"
            elif same_value:
                reason = f"the same figure from another originator ({what})"
            elif same_quantity:
                reason = f"another figure about the same quantity ({what})"
            else:
                reason = f"another {existing.metric} figure about this event ({what})"
            found[existing.claim_id] = PossibleDuplicate(
                id=existing.claim.public_id,
                state=existing.claim.state,
                statement=existing.claim.statement,
                reason=reason,
                same_value=same_value,
                same_originator=same_originator,
            )
        return _ranked(found, limit)


def _ranked(found: dict, limit: int) -> list[PossibleDuplicate]:
    ranked = sorted(
        found.values(), key=lambda d: (not d.same_value, not d.same_originator, d.id)
    )
    return ranked[:limit]


def possible_duplicates(
    proposal: dict,
    *,
    document_id: int | None = None,
    event: Event | None = None,
    limit: int = 5,
) -> list[PossibleDuplicate]:
    """The claims one proposal may repeat (``DuplicateFinder`` for one)."""
    metrics = {f.get("metric") for f in proposal.get("figures", []) if f.get("metric")}
    finder = DuplicateFinder(document_id=document_id, event=event, metrics=metrics)
    return finder.find(proposal, limit=limit)
