"""Import other fact-checkers' ClaimReview as draft claims for review."""

from pathlib import Path
from urllib.parse import urlparse
from urllib.request import Request, urlopen

from django.core.management.base import BaseCommand, CommandError

from registry.services.claimreview_import import (
    IMPORT_USERNAME,
    ImportError_,
    import_claimreview,
)

MAX_BYTES = 20 * 1024 * 1024


def _read(location: str) -> str:
    if urlparse(location).scheme in ("http", "https"):
        request = Request(location, headers={
            "User-Agent": "factcheck-registry ClaimReview importer",
            "Accept": "application/ld+json, application/json, text/html;q=0.9",
        })
        with urlopen(request, timeout=30) as response:  # http(s) only, checked above
            data = response.read(MAX_BYTES + 1)
            charset = response.headers.get_content_charset() or "utf-8"
        if len(data) > MAX_BYTES:
            raise CommandError(f"{location} is larger than {MAX_BYTES} bytes.")
        return data.decode(charset, errors="replace")
    path = Path(location)
    if not path.is_file():
        raise CommandError(f"No such file: {location}")
    return path.read_text(encoding="utf-8-sig")


class Command(BaseCommand):
    help = (
        "Import ClaimReview (a JSON object, a list, a feed with @graph, or an "
        "HTML page with embedded JSON-LD) from FILE_OR_URL: each review becomes "
        "a fact-check document holding the review as retrieved, the reviewer "
        "and the claimant as sources (matched by name or alias first) and a "
        "DRAFT claim citing it, with the reviewer's rating in the reviewer's "
        f"words. Acts as the system user '{IMPORT_USERNAME}'."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="FILE_OR_URL")

    def handle(self, *args, location, **options):
        try:
            text = _read(location)
            report = import_claimreview(text, retrieved_from=location)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot import {location}: {exc}") from None
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
        for public_id in report.created:
            self.stdout.write(f"draft claim {public_id}")
        for reason in report.skipped:
            self.stdout.write(f"skipped: {reason}")
        self.stdout.write(
            f"{len(report.created)} draft claim(s) created, "
            f"{len(report.skipped)} skipped."
        )
