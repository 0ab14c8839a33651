"""Full-text search indexes (PostgreSQL only).

The expressions are exactly those ``registry.selectors.search_claims``
builds with ``SearchVector(..., config=...)``, so the planner uses them.
Other databases have no such index and search with a substring match.
"""

from django.db import migrations

INDEXES = [
    (
        "claim_statement_fts",
        "registry_claim",
        "to_tsvector('english'::regconfig, COALESCE(statement, ''))",
    ),
    (
        "citation_quote_fts",
        "registry_citation",
        "to_tsvector('simple'::regconfig, COALESCE(quote, ''))",
    ),
]
# The public claim list is ordered by publication time over public states.
PUBLISHED_INDEX = (
    "CREATE INDEX IF NOT EXISTS claim_public_published ON registry_claim "
    "(published_at DESC, id DESC) "
    "WHERE state IN ('approved', 'retracted', 'superseded')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
        )
    schema_editor.execute(PUBLISHED_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP INDEX IF EXISTS claim_public_published")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
