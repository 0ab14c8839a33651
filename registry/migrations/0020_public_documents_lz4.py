"""The public projection's stored documents compressed with lz4 instead of
PostgreSQL's default pglz (issue 9).

Every public read and export decompresses these documents: a claim list page
reads 20 of them, the JSON Lines export all of them. lz4 decompresses several
times faster than pglz for about the same size (measured on the benchmark's
10k registry: 1,654 bytes stored a document against 1,478 with pglz, of
3,527 written; the server's CPU for a whole binary COPY 112-116 ms against
136-152 ms). PostgreSQL 14 and later built with lz4 only; elsewhere (SQLite,
a server without lz4) this changes nothing. Values already stored are
rewritten, since a column's compression applies to values written after it
is set; the documents themselves do not change.
"""

from django.db import migrations

TABLE = "registry_publicclaim"
COLUMNS = ("body", "claimreview", "correction")


def lz4_available(connection) -> bool:
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return False
    with connection.cursor() as cursor:
        # The setting's choices list lz4 only when the server was built with it.
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
            "WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def compress_with_lz4(apps, schema_editor):
    connection = schema_editor.connection
    if not lz4_available(connection):
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(
                f"ALTER TABLE {quote(TABLE)} ALTER COLUMN {quote(column)} "
                "SET COMPRESSION lz4"
            )
        # `|| ''` makes a new value (the same text), which is then compressed
        # with the column's new method; an unchanged value would be kept as is.
        assignments = ", ".join(f"{quote(c)} = {quote(c)} || ''" for c in COLUMNS)
        cursor.execute(f"UPDATE {quote(TABLE)} SET {assignments}")


def compress_with_default(apps, schema_editor):
    connection = schema_editor.connection
    if not lz4_available(connection):
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(
                f"ALTER TABLE {quote(TABLE)} ALTER COLUMN {quote(column)} "
                "SET COMPRESSION DEFAULT"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0019_parts_and_totals"),
    ]

    operations = [
        migrations.RunPython(compress_with_lz4, compress_with_default),
    ]
