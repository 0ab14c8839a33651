"""Measure backup and restore: export, import into an empty database, export
again, compare the bytes.

    python -m bench.ingest --source-url postgres://.../fc_bench \\
        --target-url postgres://.../fc_restore [--claims 100000] [--slow]

``--claims`` first generates the source registry (bench/generate.py). The
target database is dropped, recreated and migrated (PostgreSQL with its
default settings). Each step runs as its own ``manage.py`` process under
``/usr/bin/time``, so the figures include start-up and the peak memory is
the process's own. ``--limit-claims N`` imports only the file's first N
claims (and no conflicts), to measure the row-by-row path (``--slow``) in
reasonable time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench import generate as bench_generate
from bench.generate import generate, recreate_database

ROOT = Path(__file__).resolve().parent.parent
# What an import writes: the registry's tables, their history, the public
# projection and the conflicts' audit trail.
TABLES_SQL = """
SELECT relname FROM pg_class
WHERE relkind = 'r' AND relname LIKE 'registry_%'
"""


def _run(args: list[str], url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "bench-only-not-secret")
    env.setdefault("ALLOWED_HOSTS", "localhost")
    started = time.monotonic()
    # stderr to a file: the import logs each phase as it ends.
    log = Path(args[1]).with_suffix(f".{args[0]}.log")
    with log.open("w") as err:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M %U %S", sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    seconds = time.monotonic() - started
    stderr = log.read_text()
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{stderr[-3000:]}")
    rss_kb, user, system = stderr.strip().splitlines()[-1].split()
    return {
        "seconds": round(seconds, 1),
        "cpu seconds": round(float(user) + float(system), 1),
        "peak MB": round(int(rss_kb) / 1024),
        "output": done.stdout.strip()[-300:],
        "log": [line for line in stderr.splitlines() if "import:" in line],
    }


REFRESH = (
    "from registry.models import Figure; "
    "from registry.services.conflicts import conflicts_refresh; "
    "r = conflicts_refresh(quantity_keys=set("
    "Figure.objects.values_list('quantity_key', flat=True))); "
    "print(len(r.opened), 'opened', len(r.updated), 'updated', "
    "len(r.dissolved), 'dissolved')"
)


def detect_conflicts(url: str) -> str:
    """Run conflict detection over the generated registry: the generator
    writes conflicts by its own simpler rule, which a restore (that runs
    detection) would otherwise correct, so the second export would differ."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REFRESH],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def count_rows(url: str, public: bool = True) -> int:
    """Rows in the registry's tables; without ``public``, the public
    projection's left out (the rows the file itself makes)."""
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute(TABLES_SQL)]
        return sum(
            conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in tables
            if public or not t.startswith("registry_public")
        )


def limit(path: Path, out: Path, claims: int) -> None:
    """The file's header, sources, documents, events and first claims (no
    conflicts; corrections and revisions of claims left out are dropped)."""
    kept: set[str] = set()
    with path.open("rb") as src:
        for line in src:
            record = json.loads(line)
            if record["type"] == "claim":
                if len(kept) == claims:
                    break
                kept.add(record["id"])
    with path.open("rb") as src, out.open("wb") as dst:
        for line in src:
            record = json.loads(line)
            if record["type"] == "conflict" or (
                record["type"] == "claim" and record["id"] not in kept
            ):
                break
            if record["type"] == "claim":
                if record.get("corrects") not in kept:
                    record["corrects"] = None
                for figure in record["figures"]:
                    if (figure.get("revises") or {}).get("claim") not in kept:
                        figure["revises"] = None
                line = (
                    json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
                ).encode()
            dst.write(line)


def run(
    source_url: str,
    target_url: str,
    folder: Path,
    *,
    slow: bool = False,
    limit_claims: int | None = None,
) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    first, second = folder / "export-1.jsonl", folder / "export-2.jsonl"
    result: dict = {}
    exported = _run(["export_registry", str(first)], source_url)
    records = sum(1 for _ in first.open("rb")) - 1
    result["export"] = {
        **exported,
        "records": records,
        "MB": round(first.stat().st_size / 2**20),
        "records/s": round(records / exported["seconds"]),
    }
    to_import = first
    if limit_claims is not None:
        to_import = folder / "export-limited.jsonl"
        limit(first, to_import, limit_claims)
        records = sum(1 for _ in to_import.open("rb")) - 1
    recreate_database(target_url)
    before = count_rows(target_url)
    imported = _run(
        ["import_registry", str(to_import), *(["--no-bulk"] if slow else [])],
        target_url,
    )
    rows = count_rows(target_url) - before
    base_rows = count_rows(target_url, public=False) - before
    result["import"] = {
        **imported,
        "records": records,
        "table rows": rows,
        "table rows without the projection": base_rows,
        "records/s": round(records / imported["seconds"]),
        "rows/s": round(rows / imported["seconds"]),
    }
    if limit_claims is None:
        again = _run(["export_registry", str(second)], target_url)
        result["export again"] = again
        result["identical"] = first.read_bytes() == second.read_bytes()
    return result


def bench_size(claims: int, url: str) -> dict:
    """Generate ``claims`` into ``<url>_src``, detect its conflicts, then
    export, restore into ``<url>_restore`` and export again."""
    source, target = f"{url}_src", f"{url}_restore"
    bench_generate.fill_projection = lambda url, workers=2: {}
    generate(source, claims)
    detect_conflicts(source)
    return {
        "size": claims,
        **run(source, target, ROOT / "var" / "ingest" / str(claims)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-url", required=True)
    parser.add_argument("--target-url", required=True)
    parser.add_argument("--claims", type=int, help="generate the source first")
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "ingest")
    parser.add_argument("--slow", action="store_true", help="row by row")
    parser.add_argument("--limit-claims", type=int)
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument(
        "--detect", action="store_true", help="run conflict detection on the source"
    )
    args = parser.parse_args()
    if args.claims:
        # An export reads the registry's own tables, not the public
        # projection: leave the projection of the source empty.
        bench_generate.fill_projection = lambda url, workers=2: {}
        print(generate(args.source_url, args.claims), flush=True)
        print("detection:", detect_conflicts(args.source_url), flush=True)
    if args.detect:
        print("detection:", detect_conflicts(args.source_url), flush=True)
    if args.generate_only:
        return
    print(
        json.dumps(
            run(
                args.source_url,
                args.target_url,
                args.folder,
                slow=args.slow,
                limit_claims=args.limit_claims,
            ),
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
