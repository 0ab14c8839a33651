"""Time ``projection_rebuild()`` on a registry, rolled back afterwards, and
print a digest of what it wrote (to compare two versions of the code).

    DATABASE_URL=postgres://.../fc_bench DEBUG=0 python -m bench.rebuild

Prints the counts, wall and CPU seconds, claims per CPU second, and the md5
of every claim row (body, ClaimReview, correction, hash), every quantity
row (body, hash) and every facet, in key order (PostgreSQL only).
"""

from __future__ import annotations

import os
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    django.setup()
    from django.db import connection, transaction

    from registry.services.projection import projection_rebuild

    digests = {
        "claims": "SELECT md5(string_agg(body || claimreview || correction"
        " || content_hash, '' ORDER BY claim_id)) FROM registry_publicclaim",
        "quantities": "SELECT md5(string_agg(body || content_hash, ''"
        " ORDER BY quantity_key)) FROM registry_publicquantity",
        "facets": "SELECT md5(string_agg(facet || value, ''"
        " ORDER BY claim_id, facet, value)) FROM registry_publicfacet",
    }
    wall, cpu = time.monotonic(), time.process_time()
    with transaction.atomic():
        counts = projection_rebuild()
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        with connection.cursor() as cursor:
            found = {}
            for name, sql in digests.items():
                cursor.execute(sql)
                found[name] = cursor.fetchone()[0]
        transaction.set_rollback(True)
    print(
        counts,
        f"wall {wall:.1f} s, CPU {cpu:.1f} s,",
        f"{counts['claims'] / cpu:.0f} claims per CPU s",
        found,
    )


if __name__ == "__main__":
    main()
