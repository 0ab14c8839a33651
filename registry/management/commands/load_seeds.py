from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.services import transfer

DEFAULT_SEED = Path(settings.BASE_DIR) / "seeds" / "registry.yaml"


class Command(BaseCommand):
    help = (
        "Load the curated seed data in one transaction. Records already present "
        "are left alone, so running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_SEED)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = transfer.import_file(file, existing="skip")
        except transfer.RecordError as exc:
            raise CommandError(
                f"{file}: {str(exc).rstrip('.')}. Nothing was loaded."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Seed {file.name}: {result.summary()}."))
