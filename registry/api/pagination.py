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
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ParseError(
                "Invalid cursor: use the `next` or `previous` link."
            ) from exc


class CreatedCursorPagination(PublicCursorPagination):
    ordering = "-created_at"


class CorrectionCursorPagination(PublicCursorPagination):
    ordering = ("-corrected_at", "-public_id")
