from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.services import transfer


class Command(BaseCommand):
    help = (
        "Import a registry export (JSON Lines) in one transaction. A bad record "
        "stops the import, is named with the reason, and nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Leave records whose id is already present alone instead of failing.",
        )

    def handle(self, *args, file: Path, skip_existing: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        total = sum(1 for line in file.open("rb") if line.strip()) - 1
        with transfer.progress_bar(max(total, 0), "Importing") as bar:
            try:
                result = transfer.import_file(
                    file,
                    existing="skip" if skip_existing else "error",
                    progress=bar.update,
                )
            except transfer.RecordError as exc:
                raise CommandError(f"{file}: {exc}. Nothing was imported.") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result.summary()}."))
