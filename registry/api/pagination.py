import datetime as dt

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.pagination import CursorPagination


class PublicCursorPagination(CursorPagination):
    """Opaque cursors over a stable ordering; no page numbers, no counts.

    Cursors hold a timestamp position (never a database id), and a client
    cannot ask for more than ``max_page_size`` items at once.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-published_at"
    page_size_query_description = "Items per page (1-100, default 20)."
    cursor_query_description = "The `next` or `previous` link's cursor."

    def decode_cursor(self, request):
        # A malformed cursor is a bad request, not a missing page.
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise ParseError(
                _("Invalid cursor: use the `next` or `previous` link.")
            ) from exc
        # Well-formed base64 with a position that is no timestamp (or one the
        # databases cannot hold) reached the query and was a 500.
        if (
            cursor is not None
            and cursor.position is not None
            and not _valid_position(cursor.position)
        ):
            raise ParseError(_("Invalid cursor: use the `next` or `previous` link."))
        return cursor


def _valid_position(position: str) -> bool:
    try:
        moment = parse_datetime(position)
        if moment is None or moment.tzinfo is None:
            return False  # the cursors we write always carry their offset
        moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return False
    return True


class CreatedCursorPagination(PublicCursorPagination):
    ordering = "-created_at"


class CorrectionCursorPagination(PublicCursorPagination):
    ordering = ("-corrected_at", "-public_id")
