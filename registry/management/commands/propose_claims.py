import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from registry.models import Document, Event, text_hash
from registry.proposer import propose
from registry.proposer.sources import known_sources, source_for
from registry.selectors.suggestions import DuplicateFinder, suggest_events


class Command(BaseCommand):
    help = (
        "Propose claims for a plain-text article: one JSON object a line on "
        "standard output. Sources are resolved through the registry's aliases "
        "when the database is there; without it nothing is resolved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--language", choices=["en", "es"])
        parser.add_argument("--published-on", type=dt.date.fromisoformat)
        parser.add_argument("--publisher", help="the publishing outlet's name or alias")

    def handle(self, *args, file, language, published_on, publisher, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        text = file.read_text(encoding="utf-8")
        proposals = propose(
            text,
            language=language,
            published_on=published_on,
            sources=known_sources(),
            publisher=source_for(publisher),
        )
        events, document_id = _registry_context(text, published_on)
        finder = _finder(events, document_id, proposals)
        for proposal in proposals:
            data = proposal.as_dict()
            data["suggested_events"] = events
            data["duplicates"] = (
                [d.as_dict() for d in finder.find(data)] if finder else []
            )
            self.stdout.write(json.dumps(data, ensure_ascii=False))


def _registry_context(text: str, published_on) -> tuple[list[dict], int | None]:
    """The events the article may be about, and the stored copy of the same
    text if the registry has it; nothing without a migrated database."""
    try:
        events = [e.as_dict() for e in suggest_events(text, published_on)]
        stored = Document.objects.filter(content_hash=text_hash(text)).values("pk").first()
    except DatabaseError:
        return [], None
    return events, stored["pk"] if stored else None


def _finder(events: list[dict], document_id: int | None, proposals):
    """What the registry holds about this article, read once; None without
    a migrated database."""
    try:
        event = Event.objects.filter(public_id=events[0]["id"]).first() if events else None
        return DuplicateFinder(
            document_id=document_id,
            event=event,
            metrics={f["metric"] for p in proposals for f in p.figures if f.get("metric")},
        )
    except DatabaseError:
        return None
