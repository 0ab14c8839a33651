import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.models import Source
from registry.services import intake


class Command(BaseCommand):
    help = (
        "Add a document from a .txt file, a saved .html page (main text extracted) "
        "or an http(s) address. Metadata the page gives is used unless given here."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .txt or .html file, or an http(s) address")
        parser.add_argument("--title")
        parser.add_argument("--language", help="BCP 47 code; detected when not given")
        parser.add_argument("--published-on", type=dt.date.fromisoformat)
        parser.add_argument("--publisher", help="a registered source's name or alias")
        parser.add_argument("--kind", default="article")

    def handle(self, *args, file, title, language, published_on, publisher, kind, **options):
        try:
            if file.startswith(("http://", "https://")):
                read = intake.read_url(file)
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"{file}: no such file")
                read = intake.read_file(path)
            source = None
            name = publisher or read.publisher_name
            if name:
                source = Source.objects.by_alias(name).first()
                if source is None and publisher:
                    raise CommandError(f"{publisher!r} names no registered source")
            document, created = intake.document_create(
                read=read, title=title, language=language, published_on=published_on,
                publisher=source, kind=kind,
            )
        except intake.IntakeError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Added" if created else "Already stored:"
        self.stdout.write(
            f"{verb} document {document.public_id} ({document.language}, "
            f"{len(document.text)} characters): {document.title}"
        )
