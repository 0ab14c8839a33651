"""Fill the public projection of a generated registry, faster than
``manage.py rebuild_public``.

    python -m bench.project --database-url postgres://.../fc_bench [--workers 2]

The rows are computed by the projection itself
(``services.projection.compute_quantities`` and ``compute_claims``, the
functions ``projection_rebuild`` and ``projection_check`` call), so they are
exactly what a rebuild writes; only the writing differs: a batch at a time
with COPY instead of one INSERT per row, and the claims split by primary key
over ``--workers`` processes. ``manage.py rebuild_public --check`` on the
result reports no difference (bench/RESULTS.md says how that was checked).

Run it on a freshly generated registry only: it empties the projection
first and writes it outside the services' locking.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill_quantities(part: int, parts: int) -> int:
    """Write the public facts (PublicQuantity) of every ``parts``-th quantity
    from the ``part``-th; return how many."""
    from django.db import connection, transaction
    from django.utils import timezone

    from registry.choices import LIVE_STATES
    from registry.models import Figure
    from registry.services.projection import _dumps, compute_quantities

    now = timezone.now()
    written = 0
    with transaction.atomic():
        keys = sorted(
            set(
                Figure.objects.filter(claim__state__in=LIVE_STATES)
                .values_list("quantity_key", flat=True)
                .distinct()
            )
        )[part::parts]
        for start in range(0, len(keys), BATCH):
            rows = compute_quantities(keys[start : start + BATCH])
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    "COPY registry_publicquantity (quantity_key, conflict_public_id, "
                    "has_conflict, status, event_id, metric, body, content_hash, "
                    "updated_at) FROM STDIN"
                ) as copy,
            ):
                for row in rows.values():
                    copy.write_row(
                        (
                            row.key,
                            row.conflict_public_id,
                            bool(row.conflict_public_id),
                            row.status,
                            row.event_id,
                            row.metric,
                            _dumps(row.facts),
                            row.content_hash,
                            now,
                        )
                    )
            written += len(rows)
    return written


def fill_claims(low: int, high: int) -> int:
    """Write the published claims with low < pk <= high (PublicClaim and
    PublicFacet), as ``_write_claims`` writes a claim published for the
    first time; return how many."""
    import json

    from django.db import connection, transaction

    from registry.choices import PUBLIC_STATES
    from registry.models import Claim, Figure, PublicQuantity
    from registry.presentation.claims import iso
    from registry.services.projection import _dumps, compute_claims

    written = 0
    last = low
    with transaction.atomic():
        while True:
            ids = list(
                Claim.objects.filter(state__in=PUBLIC_STATES, pk__gt=last, pk__lte=high)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            last = ids[-1]
            keys = set(
                Figure.objects.filter(claim_id__in=ids).values_list(
                    "quantity_key", flat=True
                )
            )
            facts = {
                key: json.loads(body, strict=False)  # raw BASE_MARKs, as stored
                for key, body in PublicQuantity.objects.filter(
                    quantity_key__in=keys
                ).values_list("quantity_key", "body")
            }
            rows = compute_claims(ids, facts)
            with connection.cursor() as cursor:
                with cursor.cursor.copy(
                    "COPY registry_publicclaim (claim_id, public_id, state, kind, "
                    "confidence, has_conflict, event_id, event_date_earliest, "
                    "event_date_latest, published_at, updated_at, corrected_at, "
                    "body, claimreview, correction, content_hash) FROM STDIN"
                ) as copy:
                    for pk, row in rows.items():
                        claim = row.claim
                        event = claim.event
                        copy.write_row(
                            (
                                pk,
                                claim.public_id,
                                claim.state,
                                claim.kind,
                                claim.confidence,
                                row.doc["has_conflict"],
                                claim.event_id,
                                event.date_earliest if event else None,
                                event.date_latest if event else None,
                                claim.published_at,
                                claim.updated_at,
                                row.corrected_at,
                                _dumps(
                                    {**row.doc, "updated_at": iso(claim.updated_at)}
                                ),
                                row.claimreview,
                                row.correction,
                                row.content_hash,
                            )
                        )
                with cursor.cursor.copy(
                    "COPY registry_publicfacet (claim_id, facet, value, published_at) "
                    "FROM STDIN"
                ) as copy:
                    for pk, row in rows.items():
                        for facet, value in sorted(row.facets):
                            copy.write_row(
                                (pk, facet, value[:300], row.claim.published_at)
                            )
            written += len(rows)
    return written


def _run_parts(url: str, parts: list[str]) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.project",
                "--database-url",
                url,
                "--part",
                part,
            ],
            cwd=ROOT,
            env=env,
        )
        for part in parts
    ]
    if any(w.wait() != 0 for w in workers):
        raise RuntimeError("a projection worker failed")


def fill(url: str, workers: int = 2) -> dict:
    """Fill the whole projection; the claims in ``workers`` processes."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url) as conn:
        conn.execute("DELETE FROM registry_publicfacet")
        conn.execute("DELETE FROM registry_publicclaim")
        conn.execute("DELETE FROM registry_publicquantity")
        top = conn.execute(
            "SELECT coalesce(max(id), 0) FROM registry_claim"
        ).fetchone()[0]
    # Quantities first (the claims' documents embed their facts), then claims.
    _run_parts(url, [f"q{i}/{workers}" for i in range(workers)])
    quantities_done = time.monotonic()
    step = -(-top // workers)
    _run_parts(url, [f"{i * step}:{min(top, (i + 1) * step)}" for i in range(workers)])
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE registry_publicquantity")
        conn.execute("ANALYZE registry_publicclaim")
        conn.execute("ANALYZE registry_publicfacet")
        claims = conn.execute("SELECT count(*) FROM registry_publicclaim").fetchone()[0]
        quantities = conn.execute(
            "SELECT count(*) FROM registry_publicquantity"
        ).fetchone()[0]
    done = time.monotonic()
    return {
        "projected claims": claims,
        "projected quantities": quantities,
        "quantities seconds": round(quantities_done - started, 1),
        "claims seconds": round(done - quantities_done, 1),
        "claims/s": round(claims / max(done - quantities_done, 0.001)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_bench"
        ),
    )
    parser.add_argument("--workers", type=int, default=2)
    # internal: "q<i>/<n>" (quantities) or "<low>:<high>" (claims)
    parser.add_argument("--part", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part is None:
        print(fill(args.database_url, args.workers))
        return
    _setup(args.database_url)
    if args.part.startswith("q"):
        part, parts = (int(n) for n in args.part[1:].split("/"))
        fill_quantities(part, parts)
    else:
        low, high = (int(n) for n in args.part.split(":"))
        fill_claims(low, high)


if __name__ == "__main__":
    main()
