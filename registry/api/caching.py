"""A shared server-side cache for anonymous GETs of the public API.

Responses are public and already say ``Cache-Control: public, max-age=N``:
any proxy may serve them for N seconds. The server keeps them as long in
Django's cache (per process by default; one shared Redis with REDIS_URL),
so a popular page is built once per N seconds, not once per request.
``API_CACHE_SECONDS=0`` turns it off. Streamed exports are never cached.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.views.decorators.cache import cache_page


def cached_publicly(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.API_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        return cache_page(seconds, key_prefix="public")(view)(request, *args, **kwargs)

    return wrapper
