"""EXPLAIN (ANALYZE, BUFFERS) the SQL the public API runs for some URLs.

    python -m bench.explain --database-url URL --out bench/plans/100000 \\
        list=/api/v1/claims/ has_conflict=/api/v1/claims/?has_conflict=true

Each URL is requested once through Django's test client (production
settings), its queries captured, then requested again and every SELECT it
ran is explained; ``<out>/<name>.txt`` gets the queries with their plans.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("urls", nargs="+", help="name=path")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        API_ANON_RATE="",
    )
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    args.out.mkdir(parents=True, exist_ok=True)
    for item in args.urls:
        name, url = item.split("=", 1)
        parts = [f"-- {url}\n"]
        try:
            client.get(url)  # warm the caches the first request fills
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
        except Exception as exc:  # the plan file says what failed
            parts.append(f"\n-- the request failed: {type(exc).__name__}: {exc}\n")
            (args.out / f"{name}.txt").write_text("".join(parts))
            continue
        if response.status_code != 200:
            parts.append(f"\n-- status {response.status_code}\n")
        selects = [q["sql"] for q in captured.captured_queries]
        selects = [s for s in selects if s.lstrip("( ").upper().startswith("SELECT")]
        with connection.cursor() as cursor:
            for number, sql in enumerate(selects, 1):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                parts.append(
                    f"\n-- query {number} of {len(selects)}:\n{sql}\n\n{plan}\n"
                )
        (args.out / f"{name}.txt").write_text("".join(parts))


if __name__ == "__main__":
    main()
