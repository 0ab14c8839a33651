"""Every public read, from the public projection (``services.projection``).

Nothing here reads a claim's workflow state: the projection holds published
claims only, so whatever these return is public by construction. Lists are
read by keyset (an indexed ordering and an opaque cursor), as stored JSON
text: no model instance is built per claim on the way out.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.db import DatabaseError, connections
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from registry.models import (
    Document,
    Event,
    PublicClaim,
    PublicFacet,
    PublicQuantity,
    Source,
)
from registry.services.projection import BASE_MARK, with_base

T = TypeVar("T")

# ------------------------------------------------------------------ keysets


class BadCursor(ValueError):
    """A cursor or page size the client must not send (answered with 400)."""


@dataclass(frozen=True)
class Ordering:
    """An indexed ordering: a column, then the public id as tie-breaker."""

    name: str
    column: str
    descending: bool
    kind: str  # how the column's values travel in a cursor: "time" or "int"


def _ordering(name: str, column: str, kind: str) -> dict[str, Ordering]:
    return {
        name: Ordering(name, column, False, kind),
        f"-{name}": Ordering(f"-{name}", column, True, kind),
    }


CLAIM_ORDERINGS = {
    **_ordering("published_at", "published_at", "time"),
    **_ordering("updated_at", "updated_at", "time"),
    **_ordering("confidence", "confidence", "int"),
}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def page_size(value: str | None) -> int:
    """The page size asked for: at most ``MAX_PAGE_SIZE`` (a larger one is
    capped); anything but a whole number from 1 up is refused."""
    if value in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise BadCursor(_("page_size must be a whole number from 1 up."))
    return min(size, MAX_PAGE_SIZE)


def _encode(ordering: Ordering, value, public_id: str, reverse: bool) -> str:
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    raw = json.dumps([ordering.name, value, public_id, int(reverse)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, ordering: Ordering):
    message = _("Invalid cursor: use the `next` or `previous` link as given.")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, value, public_id, reverse = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(message) from None
    if name != ordering.name:
        raise BadCursor(
            _("This cursor belongs to another ordering: start again without it.")
        )
    if not isinstance(public_id, str) or "\x00" in public_id or reverse not in (0, 1):
        raise BadCursor(message)
    if ordering.kind == "time":
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise BadCursor(message)
        value = parsed
    elif not isinstance(value, int) or isinstance(value, bool):
        raise BadCursor(message)
    return value, public_id, bool(reverse)


def keyset_page(
    queryset: QuerySet,
    *,
    ordering: Ordering,
    cursor: str | None,
    size: int,
    fields: tuple[str, ...],
) -> Page:
    """One page of ``queryset`` in ``ordering``, from ``cursor``.

    Reads ``size + 1`` rows along the ordering's index; the extra row only
    tells whether there is more.
    """
    column = ordering.column
    reverse = False
    if cursor:
        value, public_id, reverse = _decode(cursor, ordering)
        forward = ordering.descending != reverse  # walking towards smaller values
        op = "lt" if forward else "gt"
        queryset = queryset.filter(
            # The first condition is implied by the second; it is there for
            # the planner, which cannot start an index scan at an OR: with
            # it, a page deep in the list starts where the cursor points
            # instead of walking every row before it.
            Q(**{f"{column}__{op}e": value}),
            Q(**{f"{column}__{op}": value})
            | Q(**{column: value, f"public_id__{op}": public_id}),
        )
    walk_descending = ordering.descending != reverse
    sign = "-" if walk_descending else ""
    rows = list(
        queryset.order_by(f"{sign}{column}", f"{sign}public_id").values_list(
            column, "public_id", *fields
        )[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
    next_cursor = previous_cursor = None
    if rows:
        first, last = rows[0], rows[-1]
        if (more and not reverse) or (reverse and cursor):
            next_cursor = _encode(ordering, last[0], last[1], False)
        if (more and reverse) or (cursor and not reverse):
            previous_cursor = _encode(ordering, first[0], first[1], True)
    return Page([row[2:] for row in rows], next_cursor, previous_cursor)


# ------------------------------------------------------- one round trip


def read_once(read: Callable[[], T]) -> T:
    """``read()``, a read-only function of the public projection, without
    the per-request health check: with ``CONN_HEALTH_CHECKS`` on, Django sends
    a ``SELECT 1`` before a request's first query, a second round trip to the
    database for a one-query page. Instead, when the read fails on a
    persistent connection the database has dropped (a restart, a proxy's idle
    timeout), the connection is replaced and the read run once more: the
    check costs nothing unless it is needed. Inside a transaction (nothing
    could be retried there) and for any other error, nothing changes.
    """
    connection = connections[PublicClaim.objects.db]
    if connection.connection is None or connection.in_atomic_block:
        return read()  # a new connection is not checked; a transaction not retried
    # Django's own flag, "checked in this request": a read that succeeds has
    # checked the connection as well as a SELECT 1 would.
    connection.health_check_done = True
    try:
        return read()
    except DatabaseError:
        if connection.in_atomic_block or connection.is_usable():
            raise  # a real error, on a live connection
        connection.close()
        return read()  # once more, on a new connection


# ------------------------------------------------------------------- claims


def published_claims() -> QuerySet[PublicClaim]:
    """Every published claim's projection row."""
    return PublicClaim.objects.all()


def claim_body(*, public_id: str, base: str) -> str | None:
    """One published claim's JSON document, or None (never a hint why)."""
    body = (
        PublicClaim.objects.filter(public_id=public_id)
        .values_list("body", flat=True)
        .first()
    )
    return with_base(body, base) if body is not None else None


def claim_document(*, public_id: str, base: str) -> dict | None:
    body = claim_body(public_id=public_id, base=base)
    return json.loads(body) if body is not None else None


def claimreview_text(*, public_id: str, base: str) -> str | None:
    text = (
        PublicClaim.objects.filter(public_id=public_id)
        .values_list("claimreview", flat=True)
        .first()
    )
    return with_base(text, base) if text is not None else None


def sources_matching(value: str) -> QuerySet:
    """Source pks named by a public id, name, abbreviation or alias.

    A union of two index lookups: written as one OR, the planner scans
    every source.
    """
    return (
        Source.objects.filter(public_id=value)
        .order_by()
        .values("pk")
        .union(Source.objects.by_alias(value).order_by().values("pk"))
    )


def with_facet(queryset: QuerySet, facet: str | list[str], values) -> QuerySet:
    """Claims with one of ``values`` for ``facet`` (a ``PublicFacet`` kind,
    or a list of kinds: any of them).

    One EXISTS whatever the kinds: the planner can then join the facet rows
    of a rare value, or walk the publication order for a common one; an OR
    of two EXISTS forces the walk, through every claim when the value is rare.
    """
    facets = [facet] if isinstance(facet, str) else list(facet)
    return queryset.filter(
        Exists(
            PublicFacet.objects.filter(
                claim=OuterRef("pk"), facet__in=facets, value__in=values
            )
        )
    )


def export_bodies(*, base: str, batch_size: int = 2000) -> Iterator[list[str]]:
    """Every published claim's document, in primary-key order, a batch at a
    time (keyset, so memory stays flat and no query grows with the registry)."""
    last = 0
    while True:
        rows = list(
            PublicClaim.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "body")[:batch_size]
        )
        if not rows:
            return
        last = rows[-1][0]
        yield [with_base(body, base) for _key, body in rows]


def export_documents(*, base: str, chunk_bytes: int = 1 << 20) -> Iterator[bytes]:
    """Every published claim's document, one a line (UTF-8, each line ending
    in a newline), in primary-key order, about ``chunk_bytes`` at a time.

    No Python object per claim beyond its bytes, and no parsing of them: the
    stored text is concatenated and its addresses made absolute a chunk at a
    time. On PostgreSQL one binary ``COPY (SELECT ...) TO STDOUT`` streams
    the rows (one statement, so one snapshot; memory stays flat, rows
    arrive as they are read; the binary format spares the server the text
    format's escaping of every character). Elsewhere: keyset batches.
    """
    mark, absolute = BASE_MARK.encode(), base.rstrip("/").encode()
    connection = connections[PublicClaim.objects.db]
    if connection.vendor != "postgresql":
        for bodies in export_bodies(base=base):
            yield ("\n".join(bodies) + "\n").encode()
        return
    table = PublicClaim._meta.db_table
    with (
        connection.cursor() as cursor,
        # Through Django's cursor, so that the statement is logged like any
        # other query (tests count them).
        cursor.copy(
            f'COPY (SELECT "body" FROM "{table}" ORDER BY "claim_id") '
            "TO STDOUT (FORMAT binary)"
        ) as copy,
    ):
        lines: list[bytes] = []
        size = 0
        for line in _binary_copy_values(copy):
            lines.append(line)
            size += len(line)
            if size >= chunk_bytes:
                yield (b"\n".join(lines) + b"\n").replace(mark, absolute)
                lines, size = [], 0
        if lines:
            yield (b"\n".join(lines) + b"\n").replace(mark, absolute)


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def _binary_copy_values(copy) -> Iterator[bytes]:
    """The values of a one-column binary COPY, in order, however its data
    arrives in blocks (PostgreSQL's binary COPY format: a header, then per
    row a field count and each field's length and bytes, then -1)."""
    buffer = bytearray()
    position = None  # where the next row starts, once past the header
    ended = False
    for block in copy:  # read to the end, so that the connection is free again
        if ended:
            continue
        buffer += block
        if position is None:
            if len(buffer) < 19:
                continue
            if not buffer.startswith(_COPY_SIGNATURE):
                raise ValueError("Not PostgreSQL's binary COPY format.")
            header = 19 + int.from_bytes(buffer[15:19], "big")  # + extension
            if len(buffer) < header:
                continue
            position = header
        while len(buffer) - position >= 2:
            if buffer[position : position + 2] == b"\xff\xff":
                ended = True  # the trailer
                break
            if len(buffer) - position < 6:
                break
            length = int.from_bytes(buffer[position + 2 : position + 6], "big")
            if len(buffer) - position - 6 < length:
                break
            yield bytes(buffer[position + 6 : position + 6 + length])
            position += 6 + length
        del buffer[:position]
        position = 0


# ---------------------------------------------------------------- conflicts


def public_conflicts() -> QuerySet[PublicQuantity]:
    return PublicQuantity.objects.filter(has_conflict=True)


def conflict_document(quantity: PublicQuantity, base: str) -> dict:
    facts = json.loads(with_base(quantity.body, base))
    conflict = facts["conflict"]
    return {
        "id": conflict["id"],
        "kind": facts["kind"],
        "metric": facts["metric"],
        "subject": facts["subject"],
        "event": facts["event"],
        "period_start": facts["period_start"],
        "period_end": facts["period_end"],
        "status": conflict["status"],
        "rationale": conflict["rationale"],
        "preferred_claim": conflict["preferred_claim"],
        "consensus_interval": facts["consensus_interval"],
        "ranges": facts["ranges"],
        "figures": conflict["figures"],
        "updated_at": quantity.updated_at,
    }


# -------------------------------------------------------------- corrections


def corrections() -> QuerySet[PublicClaim]:
    """Every retraction and supersession."""
    return PublicClaim.objects.filter(corrected_at__isnull=False)


CORRECTION_ORDERING = Ordering("-corrected_at", "corrected_at", True, "time")
CONFLICT_ORDERING = Ordering("-updated_at", "updated_at", True, "time")


# ------------------------------------------- sources, documents and events


def _facet_count(facet: str) -> Coalesce:
    return Coalesce(
        Subquery(
            PublicFacet.objects.filter(facet=facet, value=OuterRef("pk_text"))
            .order_by()
            .values("facet")
            .annotate(n=Count("claim_id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _with_pk_text(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(pk_text=Cast("pk", output_field=CharField()))


def _facet_exists(facets: list[str]) -> Exists:
    return Exists(
        PublicFacet.objects.filter(facet__in=facets, value=OuterRef("pk_text"))
    )


def public_sources() -> QuerySet[Source]:
    """Sources that a published claim cites as originator, relay or publisher."""
    return (
        _with_pk_text(Source.objects.all())
        .filter(
            _facet_exists(
                [PublicFacet.ORIGINATOR, PublicFacet.RELAY, PublicFacet.PUBLISHER]
            )
        )
        .select_related("parent")
        .prefetch_related("aliases")
        .annotate(
            published_claim_count=_facet_count(PublicFacet.ORIGINATOR),
            relayed_claim_count=_facet_count(PublicFacet.RELAY),
        )
    )


def public_documents() -> QuerySet[Document]:
    """Documents cited by a published claim, and the documents they are part of."""
    return (
        _with_pk_text(Document.objects.all())
        .filter(_facet_exists([PublicFacet.DOCUMENT]))
        .select_related("publisher", "part_of")
        .defer("text")
    )


def public_events() -> QuerySet[Event]:
    claims = PublicClaim.objects.filter(event=OuterRef("pk"))
    return Event.objects.filter(Exists(claims)).annotate(
        published_claim_count=Coalesce(
            Subquery(
                claims.order_by().values("event").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    )


# ------------------------------------------------ the public site's pages


def public_source(public_id: str) -> Source | None:
    """A source a published claim cites, or None (never a hint why)."""
    return public_sources().filter(public_id=public_id).first()


def public_event(public_id: str) -> Event | None:
    """An event with a published claim, or None."""
    return public_events().filter(public_id=public_id).first()


def public_conflict(public_id: str) -> PublicQuantity | None:
    """A conflict between published figures, or None."""
    return public_conflicts().filter(conflict_public_id=public_id).first()


def claims_citing(source: Source) -> QuerySet[PublicClaim]:
    """Published claims citing ``source`` as originator or relay."""
    return published_claims().filter(
        Exists(
            PublicFacet.objects.filter(
                claim=OuterRef("pk"),
                facet__in=[PublicFacet.ORIGINATOR, PublicFacet.RELAY],
                value=str(source.pk),
            )
        )
    )


def claims_of_event(event: Event) -> QuerySet[PublicClaim]:
    return published_claims().filter(event=event)


def conflicts_of_event(event: Event) -> QuerySet[PublicQuantity]:
    return public_conflicts().filter(event=event).order_by("-updated_at", "pk")
