"""Writing many rows at once: COPY on PostgreSQL, ``bulk_create`` elsewhere.

Used by the importer's bulk path (a restore into an empty registry): rows
are built and validated in Python, given their primary keys up front (so
that children can point at parents before either is written), and written
a batch at a time, with their history rows, instead of one INSERT each.

Django creates foreign keys ``DEFERRABLE INITIALLY DEFERRED`` on PostgreSQL
and SQLite, so a batch may reference rows written later in the same
transaction; they are checked at commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

# Primary keys fetched from a sequence per round trip.
ID_BLOCK = 1000


class IdAllocator:
    """Primary keys for rows not written yet, from the table's own sequence
    on PostgreSQL (so later INSERTs never collide), counted past the
    largest key on SQLite (the import holds the only write lock)."""

    def __init__(self, model):
        self.model = model
        self.table = model._meta.db_table
        self.free: list[int] = []
        self.next_sqlite: int | None = None

    def take(self) -> int:
        if connection.vendor == "postgresql":
            if not self.free:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                        "FROM generate_series(1, %s)",
                        [self.table, ID_BLOCK],
                    )
                    self.free = [row[0] for row in cursor.fetchall()][::-1]
            return self.free.pop()
        if self.next_sqlite is None:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{self.table}"')
                top = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = %s",
                    [self.table],
                )
                top = max(top, cursor.fetchone()[0])
            self.next_sqlite = top + 1
        pk, self.next_sqlite = self.next_sqlite, self.next_sqlite + 1
        return pk


def _columns(model, with_pk: bool):
    return [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]


def write_rows(model, objs: Sequence, *, with_pk: bool = True) -> int:
    """Insert these unsaved instances as they are (no ``save()``, no
    signals); without ``with_pk`` the database numbers them."""
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        if not with_pk:
            for obj in objs:
                obj.pk = None
        model._base_manager.bulk_create(objs, batch_size=500)
        return len(objs)
    fields = _columns(model, with_pk)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # Plain values need no conversion; dates, decimals and JSON go through
    # the field, as an INSERT would.
    plain = {
        "CharField",
        "TextField",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "BooleanField",
        "ForeignKey",
        "OneToOneField",
        "AutoField",
        "BigAutoField",
    }
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is asked per value
    converters = [
        (f.attname, None if f.get_internal_type() in plain else f) for f in fields
    ]
    # The driver's errors as Django's (IntegrityError, DataError, ...).
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for obj in objs:
            copy.write_row(
                [
                    getattr(obj, name)
                    if field is None
                    else field.get_db_prep_save(getattr(obj, name), db)
                    for name, field in converters
                ]
            )
    return len(objs)


def history_rows(model, objs: Sequence, *, when=None) -> list:
    """The django-simple-history rows a ``save()`` of each new instance would
    have written ("+", no user), as ``bulk_history_create`` builds them."""
    history = model.history.model
    when = when or timezone.now()
    names = [f.attname for f in history.tracked_fields]
    return [
        history(
            history_date=when,
            history_type="+",
            history_user_id=None,
            history_change_reason=None,
            **{name: getattr(obj, name) for name in names},
        )
        for obj in objs
    ]
