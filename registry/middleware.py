"""Request checks that run before any view."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "The address contains a NUL byte (%00), which no identifier or filter can hold."


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL byte anywhere in the path or the query string.

    PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"),
    so a NUL that reached a lookup was a 500; no id, filter or cursor can
    contain one, so refuse it before any view: JSON under /api/, plain text
    elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_path = request.META.get("PATH_INFO", "")
        query = request.META.get("QUERY_STRING", "")
        if (
            "\x00" in raw_path
            or "\x00" in request.path
            or b"\x00" in unquote_to_bytes(query.replace("+", " "))
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": NUL_MESSAGE},
                    status=400,
                    # The ClaimReview routes answer JSON-LD, errors included.
                    content_type="application/ld+json"
                    if "claimreview" in request.path
                    else "application/json",
                )
            return HttpResponseBadRequest(
                NUL_MESSAGE, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
