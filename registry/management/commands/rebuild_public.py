"""Recompute the public projection from the published rows."""

from django.core.management.base import BaseCommand, CommandError

from registry.services.projection import projection_check, projection_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the public read model (what the API, the public pages and "
        "the exports show) from the published rows. --check only compares."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare the stored projection with a fresh computation; "
            "exit 1 and list the differences if they differ.",
        )

    def handle(self, *args, check=False, **options):
        if check:
            problems = projection_check()
            for problem in problems:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} difference(s).")
            self.stdout.write("The public projection is up to date.")
            return
        counts = projection_rebuild()
        self.stdout.write(
            f"Rebuilt the public projection: {counts['claims']} claims, "
            f"{counts['quantities']} quantities."
        )
