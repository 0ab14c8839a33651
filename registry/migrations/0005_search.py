"""Full-text search and the public list's index (PostgreSQL only).

A claim is found by the words of its statement and of its citations'
quotes, so PostgreSQL keeps one ``search_vector`` per claim (statement with
the English configuration, stemmed; quotes, which may be in any language,
with the simple one), current through triggers on claims and citations,
with a GIN index. The column lives outside the Django model on purpose:
only ``registry.selectors.search_claims`` reads it, and no query selects
it. Other databases have none of this and search with a substring match.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE registry_claim ADD COLUMN IF NOT EXISTS search_vector tsvector",
    """
    CREATE OR REPLACE FUNCTION registry_claim_search_vector(claim bigint, statement text)
    RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce(statement, '')), 'A')
            || setweight(to_tsvector('simple', coalesce(
                (SELECT string_agg(quote, ' ' ORDER BY id)
                 FROM registry_citation WHERE claim_id = claim), '')), 'B')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION registry_claim_search_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := registry_claim_search_vector(NEW.id, NEW.statement);
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER registry_claim_search BEFORE INSERT OR UPDATE OF statement
    ON registry_claim FOR EACH ROW EXECUTE FUNCTION registry_claim_search_update()
    """,
    """
    CREATE OR REPLACE FUNCTION registry_citation_search_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE registry_claim
            SET search_vector = registry_claim_search_vector(id, statement)
            WHERE id = OLD.claim_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE registry_claim
            SET search_vector = registry_claim_search_vector(id, statement)
            WHERE id = NEW.claim_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER registry_citation_search
    AFTER INSERT OR UPDATE OF quote, claim_id OR DELETE ON registry_citation
    FOR EACH ROW EXECUTE FUNCTION registry_citation_search_update()
    """,
    "UPDATE registry_claim SET search_vector = registry_claim_search_vector(id, statement)",
    "CREATE INDEX IF NOT EXISTS claim_search ON registry_claim USING gin (search_vector)",
    # The public claim list is ordered by publication time over public states.
    """
    CREATE INDEX IF NOT EXISTS claim_public_published ON registry_claim
    (published_at DESC, id DESC)
    WHERE state IN ('approved', 'retracted', 'superseded')
    """,
]
BACKWARD = [
    "DROP INDEX IF EXISTS claim_public_published",
    "DROP TRIGGER IF EXISTS registry_citation_search ON registry_citation",
    "DROP TRIGGER IF EXISTS registry_claim_search ON registry_claim",
    "DROP FUNCTION IF EXISTS registry_citation_search_update()",
    "DROP FUNCTION IF EXISTS registry_claim_search_update()",
    "DROP FUNCTION IF EXISTS registry_claim_search_vector(bigint, text)",
    "ALTER TABLE registry_claim DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_history")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
