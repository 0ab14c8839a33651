"""One consistent view of the registry for a long read (exports, backups).

PostgreSQL's default isolation, READ COMMITTED, gives every statement its own
snapshot: an export reading sources, then documents, then claims while
reviewers keep approving would write a file that no moment of the registry
ever held (a claim without its newly added citation, a conflict naming a
figure the file lacks). REPEATABLE READ, READ ONLY gives the whole transaction
the snapshot of its first statement and takes no locks that would block a
writer. SQLite's transactions already read one snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def consistent_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's reads on one snapshot (read only on PostgreSQL)."""
    connection = connections[using]
    # Inside a transaction already (a test's, a caller's), that transaction's
    # isolation holds: PostgreSQL sets it only before the first statement.
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
