import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.proposer import propose
from registry.proposer.sources import known_sources, source_for


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
        for proposal in proposals:
            self.stdout.write(json.dumps(proposal.as_dict(), ensure_ascii=False))
