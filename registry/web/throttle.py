"""Who is asking, and how often: one rule for the client's address (DRF's
throttle, the public pages' throttle and django-axes all use it) and the
public pages' throttle."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle, BaseThrottle


def client_ip(request) -> str | None:
    """The client's address. ``X-Forwarded-For`` is believed only as far as
    the ``NUM_PROXIES`` proxies of our own that appended to it (0, the
    default: never), since any client can send the header with any address."""
    return BaseThrottle().get_ident(request)


class PageRateThrottle(AnonRateThrottle):
    """The API's anonymous rate, counted separately for the HTML pages."""

    cache_format = "throttle_page_%(scope)s_%(ident)s"
