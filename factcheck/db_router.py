"""Public reads from the read replica; everything else from the primary.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database (a
PostgreSQL hot standby: read-only, a little behind the primary) and install
this router and its middleware. The middleware marks each request: a GET or
HEAD under one of ``PUBLIC_READ_PREFIXES`` (the public API, the claims'
permalink pages) may read from the replica; admin pages, forms, health checks,
management commands and anything outside a request never do.

Once anything in a request writes, the rest of that request reads from the
primary too, so it never reads around its own write. A reader must never get
an error from the replica: when it cannot be reached the router falls back to
the primary (and logs it) and tries the replica again after
``REPLICA_RETRY_SECONDS``; when it fails during a request, the view runs again
on the primary. What the public may see late is only what the replica has not
replayed yet: a just-published claim shows within the lag (milliseconds on
one machine).

Routers see only the ORM: code that takes ``django.db.connection`` itself
(the PostgreSQL CSV export's COPY) reads from the primary.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
PUBLIC_READ_PREFIXES = (
    "/api/",
    "/claims/",
    "/sources/",
    "/events/",
    "/conflicts/",
    "/corrections/",
    "/sitemap.xml",
)
PUBLIC_READ_PATHS = frozenset({"/"})  # the public site's home page
REPLICA_RETRY_SECONDS = 10.0


@dataclass
class _Request:
    public_read: bool
    wrote: bool = False


_request: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "factcheck_db_request", default=None
)
_down_until = 0.0
_down_lock = threading.Lock()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and settings.READ_REPLICA


def is_public_read(request) -> bool:
    return request.method in ("GET", "HEAD") and (
        request.path_info.startswith(PUBLIC_READ_PREFIXES)
        or request.path_info in PUBLIC_READ_PATHS
    )


def _mark_down(error: Exception) -> None:
    global _down_until
    with _down_lock:
        _down_until = time.monotonic() + REPLICA_RETRY_SECONDS
    connections[REPLICA].close()
    log.warning(
        "read replica unreachable, reading from the primary for %ss: %s",
        REPLICA_RETRY_SECONDS,
        error,
    )


def _replica_reachable() -> bool:
    """Whether the replica answers: checked when its connection opens, and
    not asked again for REPLICA_RETRY_SECONDS after it failed."""
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    if connection.connection is not None:
        return True
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        _mark_down(error)
        return False
    return True


def read_alias() -> str:
    """The database the current context reads from."""
    state = _request.get()
    if state is None or not state.public_read or state.wrote:
        return PRIMARY
    if not replica_configured() or not _replica_reachable():
        return PRIMARY
    return REPLICA


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object read from one may
        # point at an object read from the other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A standby replays the primary's migrations; it cannot run its own.
        return db != REPLICA


class ReadReplicaMiddleware:
    """Marks the request for the router (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _Request(public_read=is_public_read(request) and replica_configured())
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if response.streaming and state.public_read:
            # A streamed export reads while the server sends it, after this
            # method has returned: it takes the request's routing along.
            response.streaming_content = _within(state, response.streaming_content)
        return response

    def process_exception(self, request, exception):
        state = _request.get()
        if (
            state is not None
            and state.public_read
            and not state.wrote
            and isinstance(exception, (OperationalError, InterfaceError))
            and read_alias() == REPLICA
        ):
            # The replica went away during the request: a GET is safe to
            # answer again, from the primary, before any error is reported.
            _mark_down(exception)
            state.public_read = False
            match = request.resolver_match
            return match.func(request, *match.args, **match.kwargs)
        return None


def _within(state: _Request, chunks):
    iterator = iter(chunks)
    while True:
        token = _request.set(state)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _request.reset(token)
        yield chunk
