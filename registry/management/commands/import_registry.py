from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.services import transfer


class Command(BaseCommand):
    help = (
        "Import a registry export or an article's file (JSON Lines) in one "
        "transaction. A bad record stops the import, is named with the reason, "
        "and nothing is changed. Records already present are compared: "
        "identical ones are left alone, differing ones refused unless --update."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything, change nothing; list what would be created, "
            "what is identical and what differs, field by field.",
        )
        mode.add_argument(
            "--update",
            action="store_true",
            help="Apply the differences of sources, documents and events already "
            "present (claims and conflicts are never changed by an import).",
        )
        mode.add_argument(
            "--skip-existing",
            action="store_true",
            help="Leave records whose id is already present alone, unchecked.",
        )
        parser.add_argument(
            "--no-bulk",
            action="store_true",
            help="Write row by row even into an empty registry (slower; the "
            "bulk path writes the same rows).",
        )
        parser.add_argument(
            "--actor",
            help="Username recorded in history for --update and for citations "
            "added to claims already present.",
        )

    def handle(
        self,
        *args,
        file: Path,
        dry_run,
        update,
        skip_existing,
        actor,
        no_bulk,
        **options,
    ):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        user = None
        if actor:
            try:
                user = get_user_model().objects.get(username=actor, is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(f"--actor {actor}: no such active user") from None
        existing = "update" if update else "skip" if skip_existing else "error"
        total = sum(1 for line in file.open("rb") if line.strip()) - 1
        with transfer.progress_bar(max(total, 0), "Importing") as bar:
            try:
                result = transfer.import_file(
                    file,
                    existing=existing,
                    actor=user,
                    dry_run=dry_run,
                    progress=bar.update,
                    bulk=False if no_bulk else None,
                )
            except transfer.RecordError as exc:
                raise CommandError(
                    f"{file}: {str(exc).rstrip('.')}. Nothing was imported."
                ) from exc
        if dry_run:
            self.stdout.write(result.report())
            self.stdout.write(f"Dry run of {file}: nothing was changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result.summary()}."))
