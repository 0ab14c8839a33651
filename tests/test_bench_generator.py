"""The benchmark's generator writes the real schema with COPY: a column the
models gain without a default (a NOT NULL text field) stops it at its first
row. This keeps `make bench` working as the models change."""

import psycopg
import pytest
from django.conf import settings

pytestmark = pytest.mark.postgres


def test_the_generator_fills_a_fresh_registry_and_its_projection():
    from bench.generate import generate

    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/test_bench_generator"
    )
    counts = generate(url, 60, projection_workers=1)
    try:
        assert counts["claims (published)"] == 60
        with psycopg.connect(url) as conn:
            published = conn.execute(
                "SELECT count(*) FROM registry_publicclaim"
            ).fetchone()[0]
        assert published == 60
        with psycopg.connect(url) as conn:
            # The admin's conflict flag, as detection keeps it.
            wrong, flagged, by_rule = conn.execute(
                """
                SELECT count(*) FILTER (WHERE in_open_conflict <> in_rule),
                       count(*) FILTER (WHERE in_open_conflict),
                       count(*) FILTER (WHERE in_rule)
                FROM (SELECT c.in_open_conflict, EXISTS (
                        SELECT 1 FROM registry_conflict_figures cf
                        JOIN registry_figure f ON f.id = cf.figure_id
                        JOIN registry_conflict k ON k.id = cf.conflict_id
                        WHERE f.claim_id = c.id AND k.status = 'open') AS in_rule
                      FROM registry_claim c) AS flags
                """
            ).fetchone()
        assert wrong == 0
        assert flagged == by_rule == counts["claims in an open conflict"]
    finally:
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "test_bench_generator" WITH (FORCE)')
