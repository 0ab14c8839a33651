"""Time the reviewers' admin pages with one logged-in client, at scale.

    python -m bench.admin --sizes 100000,1000000 [--repeat 30] [--reuse]
        [--database-url postgres://.../fc_admin_{size}] [--json FILE]

For each size: a synthetic registry in PostgreSQL (bench/generate.py, base
tables only: the admin does not read the public projection; with --reuse a
database already holding that many claims is kept), made ready for review
work (two accounts; the claims in review submitted by the editor, with their
transitions), then every admin page a reviewer opens is requested through
Django's test client, in this process, signed in as the reviewer, with
production settings (DEBUG off): the claim list (plain, searched, filtered,
sorted, a far page), the review queue, the source, document, event,
conflict and transition lists and their searches, a big and a small
source's page, a document's page, the index. Each page is requested
``--repeat`` times after two warm-up requests: p50 and p99 (with fewer
than 100 requests, p99 is the slowest); then once more with its queries
captured: their number, their summed time (the database's share, which
the machine's load moves less than the rendering's), and the slowest
one's ``EXPLAIN (ANALYZE, BUFFERS)`` in bench/plans/admin/<size>/<page>.txt.

Issue 14's target: every page under 200 ms at 1M claims.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/fc_admin_{size}"
TARGET_MS = 200


def claims_in(url: str) -> int | None:
    try:
        with psycopg.connect(url) as conn:
            return conn.execute(
                "SELECT count(*) FROM registry_claim WHERE state = 'approved'"
            ).fetchone()[0]
    except psycopg.Error:
        return None


def ensure_database(url: str, size: int, reuse: bool) -> None:
    import subprocess

    from bench.generate import generate

    have = claims_in(url) if reuse else None
    # The generator publishes 98% of its claims as approved.
    if have is None or have < size * 0.9:
        print(f"generating {size} claims in {url}", flush=True)
        print(generate(url, size, projection=False), flush=True)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def setup_django(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        ALLOWED_HOSTS="testserver",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # Manifest storage needs collectstatic; what is measured is the same.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def prepare() -> dict:
    """Accounts, and the claims in review as an editor's submissions."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from registry.roles import EDITOR, REVIEWER, roles_setup

    groups = roles_setup()
    users = {}
    for name, role in (("bench-editor", EDITOR), ("bench-reviewer", REVIEWER)):
        user, _ = get_user_model().objects.get_or_create(
            username=name, defaults={"is_staff": True}
        )
        user.groups.add(groups[role])
        users[role] = user
    editor = users[EDITOR]
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "registry_claim"
        )
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registry_claimtransition
                (claim_id, actor_id, from_state, to_state, comment, created_at)
            SELECT id, %s, 'draft', 'in_review', '', created_at + interval '1 day'
            FROM registry_claim c WHERE state = 'in_review' AND NOT EXISTS (
                SELECT 1 FROM registry_claimtransition t
                WHERE t.claim_id = c.id AND t.to_state = 'in_review')
            """,
            [editor.pk],
        )
        cursor.execute(
            "UPDATE registry_claim SET submitted_by_id = %s "
            "WHERE state = 'in_review' AND submitted_by_id IS NULL",
            [editor.pk],
        )
        if "submitted_at" in columns:
            cursor.execute(
                "UPDATE registry_claim SET submitted_at = created_at + interval "
                "'1 day' WHERE state = 'in_review' AND submitted_at IS NULL"
            )
        cursor.execute("ANALYZE registry_claim")
        cursor.execute("ANALYZE registry_claimtransition")
    return users


def pick() -> dict:
    """Ids the pages are opened with: a big and a small source, an event, ..."""
    from django.db import connection

    from registry.models import Claim, Document, Event, Source

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT originator_id, count(*) FROM registry_citation "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        counted = cursor.fetchall()
    big, small = counted[0][0], counted[-1][0]
    claim = Claim.objects.filter(state="approved").order_by("pk")[500]
    document = Document.objects.get(pk=claim.citations.first().document_id)
    return {
        "big_source": Source.objects.get(pk=big),
        "big_source_citations": counted[0][1],
        "small_source": Source.objects.get(pk=small),
        "small_source_citations": counted[-1][1],
        "claim": claim,
        "event": Event.objects.get(pk=claim.event_id),
        "document": document,
    }


def pages(ids: dict) -> list[tuple[str, str]]:
    from django.urls import reverse

    claims = reverse("admin:registry_claim_changelist")
    big, small = ids["big_source"], ids["small_source"]
    return [
        ("index", reverse("admin:index")),
        ("claims", claims),
        ("claims page 100", f"{claims}?p=100"),
        ("claims sorted by last change", f"{claims}?o=-7"),
        ("claims ?q=mayadeen (common word)", f"{claims}?q=mayadeen"),
        ("claims ?q=<claim id>", f"{claims}?q={ids['claim'].public_id}"),
        ("claims ?q=<quote words, one claim>", f"{claims}?q=" + _rare_words(ids)),
        ("claims ?q=<a source's name>", f"{claims}?q={small.name.replace(' ', '+')}"),
        ("claims state=in review", f"{claims}?state__exact=in_review"),
        ("claims confidence=1", f"{claims}?confidence__exact=1"),
        ("claims conflict=open", f"{claims}?conflict=open"),
        ("claims source=<big>", f"{claims}?source={big.public_id}"),
        ("claims source=<small>", f"{claims}?source={small.public_id}"),
        ("claims event=<id>", f"{claims}?event={ids['event'].public_id}"),
        ("claims document=<id>", f"{claims}?document={ids['document'].public_id}"),
        ("review queue", reverse("admin:registry_reviewqueue_changelist")),
        ("sources", reverse("admin:registry_source_changelist")),
        ("sources ?q=<name>", reverse("admin:registry_source_changelist") + "?q=S42"),
        (
            "source page, big",
            reverse("admin:registry_source_change", args=[big.pk]),
        ),
        (
            "source page, small",
            reverse("admin:registry_source_change", args=[small.pk]),
        ),
        ("documents", reverse("admin:registry_document_changelist")),
        (
            "documents ?q=<title>",
            reverse("admin:registry_document_changelist") + "?q=Report+4242",
        ),
        (
            "document page",
            reverse("admin:registry_document_change", args=[ids["document"].pk]),
        ),
        ("events", reverse("admin:registry_event_changelist")),
        (
            "events ?q=<place>",
            reverse("admin:registry_event_changelist") + "?q=Palmyra",
        ),
        ("conflicts", reverse("admin:registry_conflict_changelist")),
        ("transitions", reverse("admin:registry_claimtransition_changelist")),
    ]


def _rare_words(ids: dict) -> str:
    # Each generated quote ends with its citation's number: "[1234]".
    citation = ids["claim"].citations.order_by("pk").first()
    return f"said+{citation.pk}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def measure(client, name: str, url: str, repeat: int, plans: Path | None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        client.get(url, secure=True)
    times, statuses = [], set()
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    queries = captured.captured_queries
    selects = [q for q in queries if q["sql"].lstrip("( ").upper().startswith("SELECT")]
    slowest = max(selects, key=lambda q: float(q["time"]), default=None)
    result = {
        "page": name,
        "url": url,
        "status": sorted(statuses),
        "p50_ms": round(statistics.median(times), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "queries": len(queries),
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 1) if slowest else 0,
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
    }
    if plans is not None and slowest is not None:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        plans.mkdir(parents=True, exist_ok=True)
        slug = "".join(c if c.isalnum() else "-" for c in name).strip("-")
        (plans / f"{slug}.txt").write_text(
            f"-- {name}: {url}\n-- slowest of {len(queries)} queries\n"
            f"{slowest['sql']}\n\n{plan}\n"
        )
    return result


def run_size(
    url: str, size: int, repeat: int, plans: Path | None, only: str = ""
) -> list[dict]:
    from django.test import Client

    users = prepare()
    ids = pick()
    client = Client()
    from registry.roles import REVIEWER

    client.force_login(users[REVIEWER])
    results = []
    for name, page in pages(ids):
        if only and only not in name:
            continue
        result = measure(client, name, page, repeat, plans)
        result["claims"] = size
        results.append(result)
        print(
            f"{size:>9,} | {name:<40} | {result['p50_ms']:>7} | {result['p99_ms']:>7}"
            f" | {result['queries']:>3} | {result['sql_ms']:>7}"
            f" | {result['status']}",
            flush=True,
        )
    return results


def table(results: list[dict], repeat: int) -> str:
    lines = [
        f"| claims | page | p50 ms | p99 ms (of {repeat}) | queries "
        "| SQL ms | slowest query ms |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        mark = "" if r["p99_ms"] < TARGET_MS else " **over 200 ms**"
        bad = "" if r["status"] == [200] else f" (status {r['status']})"
        lines.append(
            f"| {r['claims']:,} | {r['page']}{bad} | {r['p50_ms']} | {r['p99_ms']}"
            f"{mark} | {r['queries']} | {r.get('sql_ms', '')} "
            f"| {r['slowest_query_ms']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_ADMIN_DATABASE_URL", DEFAULT_DB),
        help="{size} is replaced by the number of claims",
    )
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--plans", type=Path, default=ROOT / "bench/plans/admin")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", default="", help="pages whose name contains this")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for size in sizes:
        url = args.database_url.replace("{size}", str(size))
        ensure_database(url, size, args.reuse)
    # One Django per process, one database per Django: each size in a child.
    if len(sizes) == 1:
        url = args.database_url.replace("{size}", str(sizes[0]))
        setup_django(url)
        results = run_size(
            url, sizes[0], args.repeat, args.plans / str(sizes[0]), args.only
        )
    else:
        import subprocess
        import tempfile

        for size in sizes:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.admin",
                        "--sizes",
                        str(size),
                        "--repeat",
                        str(args.repeat),
                        "--database-url",
                        args.database_url,
                        "--reuse",
                        "--plans",
                        str(args.plans),
                        "--json",
                        out.name,
                        "--only",
                        args.only,
                    ],
                    cwd=ROOT,
                    check=True,
                )
                results += json.loads(Path(out.name).read_text())
    print()
    print(table(results, args.repeat))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
