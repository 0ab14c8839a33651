import os
from pathlib import Path

from django.core.management.base import BaseCommand

from registry.selectors.snapshot import consistent_snapshot
from registry.services import transfer


class Command(BaseCommand):
    help = "Export the whole registry as JSON Lines (the import and backup format)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to write, or - for standard output.")

    def handle(self, *args, file: str, **options):
        # One consistent snapshot, even while reviewers keep working.
        with consistent_snapshot():
            total = transfer.export_counts()
            with transfer.progress_bar(total, "Exporting") as bar:
                if file == "-":
                    count = transfer.write_jsonl(
                        transfer.export_records(), self.stdout, bar.update
                    )
                    return
                path = Path(file)
                partial = path.with_name(path.name + ".partial")
                with partial.open("w", encoding="utf-8", newline="\n") as out:
                    count = transfer.write_jsonl(
                        transfer.export_records(), out, bar.update
                    )
                # Never leave a half-written backup under the final name.
                os.replace(partial, path)
        self.stdout.write(
            self.style.SUCCESS(f"Exported {count - 1} records to {path}.")
        )
