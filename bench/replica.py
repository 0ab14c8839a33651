"""Public reads from a streaming replica while the primary takes approvals.

    python -m bench.replica [--claims 10000] [--duration 10] [--database-url URL]

What it measures, on one generated registry (bench/generate.py, reused when
it already holds the size asked for):

1. the claim list (first page) and a claim's detail served by gunicorn with
   ``DATABASE_REPLICA_URL`` pointing at the local streaming replica
   (scripts/replica.sh, started here if it is not running), the primary
   idle: requests/s, p50, p99 (wrk, one client and saturated);
2. the same while a writer process records, submits and approves claims on
   the primary through the services, as fast as it can: the reads'
   requests/s and latencies, the approvals/s, and the replication lag the
   replica reported (sampled every 0.2 s: bytes received but not replayed,
   and seconds since the last replayed transaction was committed);
3. the same reads and write load with no replica (everything on the
   primary), for comparison;
4. that the replica really served the reads (its ``pg_stat_database``
   transaction count for the database grows during a run) and that every
   approval made during the run is visible on the replica afterwards
   (within the lag: the bench waits for replay, then counts).

The writer is a separate process running the same services the admin uses
(``claim_create``, ``citation_save``, ``figure_save``, ``claim_submit``,
``claim_approve``), so each approval also writes the public projection.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from bench.generate import generate
from bench.run import WORKERS, published_count, start_server, stop_server, wrk

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/fc_bench_replica"
REPLICA_SCRIPT = ROOT / "scripts" / "replica.sh"
WRITER_TAG = "bench-replica-writer"


def replica_url(db_url: str) -> str:
    name = db_url.rsplit("/", 1)[1]
    subprocess.run(["bash", str(REPLICA_SCRIPT), "start"], check=True)
    return subprocess.run(
        ["bash", str(REPLICA_SCRIPT), "url", name],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def start_gunicorn(db_url: str, replica: str | None) -> subprocess.Popen:
    """bench.run's server (production settings, no throttle), reading the
    public side from ``replica`` when given."""
    saved = os.environ.pop("DATABASE_REPLICA_URL", None)
    if replica:
        os.environ["DATABASE_REPLICA_URL"] = replica
    try:
        return start_server(db_url, Path(tempfile.gettempdir()) / "bench-replica-bare.json")
    finally:
        os.environ.pop("DATABASE_REPLICA_URL", None)
        if saved is not None:
            os.environ["DATABASE_REPLICA_URL"] = saved


def start_writer(db_url: str, stats_file: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bench.replica", "--writer", str(stats_file)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


# ------------------------------------------------------------------ writer


def writer(stats_file: Path) -> None:
    """Record, submit and approve claims through the services until killed,
    writing the count of approvals to ``stats_file`` after each one."""
    import signal

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from registry import services
    from registry.models import Citation, Document, Event, Figure, Source
    from registry.roles import EDITOR, REVIEWER, roles_setup

    groups = roles_setup()
    users = {}
    for role, group in ((EDITOR, groups[EDITOR]), (REVIEWER, groups[REVIEWER])):
        user, _ = get_user_model().objects.get_or_create(
            username=f"{WRITER_TAG}-{role}".lower(), defaults={"is_staff": True}
        )
        user.groups.add(group)
        users[role] = user
    editor, reviewer = users[EDITOR], users[REVIEWER]
    documents = list(Document.objects.exclude(text="").order_by("id")[:200])
    sources = list(Source.objects.order_by("id")[:200])
    events = list(Event.objects.order_by("id")[:200])
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    approved = 0
    while not stop["now"]:
        i = approved
        document = documents[i % len(documents)]
        quote = document.text[:60].strip() or document.text[:60]
        start = document.text.find(quote)
        claim = services.claim_create(
            actor=editor,
            statement=f"Benchmark writer claim {i}: at least {i % 90 + 1} killed.",
            kind="casualty_figure",
            event=events[i % len(events)],
        )
        services.citation_save(
            citation=Citation(
                claim=claim,
                document=document,
                originator=sources[i % len(sources)],
                quote=quote,
                start=start,
                end=start + len(quote),
            ),
            actor=editor,
        )
        services.figure_save(
            figure=Figure(
                claim=claim,
                metric="killed",
                subject="people",
                stated=f"at least {i % 90 + 1}",
                qualifier="at_least",
                value=i % 90 + 1,
            ),
            actor=editor,
        )
        services.claim_submit(claim=claim, actor=editor)
        services.claim_approve(
            claim=claim, actor=reviewer, confidence=3, rationale="benchmark"
        )
        approved += 1
        stats_file.write_text(str(approved))


# ------------------------------------------------------------------- lag


class LagSampler(threading.Thread):
    """Samples the replica's replay lag every 0.2 s."""

    def __init__(self, replica_admin_url: str):
        super().__init__(daemon=True)
        self.url = replica_admin_url
        self.bytes: list[int] = []
        self.seconds: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.is_set():
                row = conn.execute(
                    "SELECT coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), "
                    "pg_last_wal_replay_lsn()), 0), "
                    "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
                    "THEN 0 ELSE extract(epoch FROM now() - "
                    "pg_last_xact_replay_timestamp()) END"
                ).fetchone()
                self.bytes.append(int(row[0]))
                self.seconds.append(float(row[1] or 0))
                time.sleep(0.2)

    def summary(self) -> dict:
        if not self.seconds:
            return {"max_bytes": 0, "max_seconds": 0.0, "p50_seconds": 0.0}
        ordered = sorted(self.seconds)
        return {
            "max_bytes": max(self.bytes),
            "max_seconds": round(ordered[-1], 3),
            "p50_seconds": round(ordered[len(ordered) // 2], 3),
        }


def replica_xacts(replica_db_url: str) -> int:
    name = replica_db_url.rsplit("/", 1)[1]
    admin = replica_db_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database "
            "WHERE datname = %s",
            [name],
        ).fetchone()[0]


def count_published(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM registry_publicclaim").fetchone()[0]


def wait_replayed(primary_url: str, replica_db_url: str, timeout: float = 60) -> float:
    """Seconds until the replica has replayed what the primary has written."""
    started = time.monotonic()
    with psycopg.connect(primary_url, autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    with psycopg.connect(replica_db_url, autocommit=True) as conn:
        while time.monotonic() - started < timeout:
            done = conn.execute(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [target]
            ).fetchone()[0]
            if done:
                return time.monotonic() - started
            time.sleep(0.05)
    raise RuntimeError("the replica did not catch up within a minute")


# --------------------------------------------------------------------- run


def run_reads(paths: dict[str, str], duration: int) -> dict:
    saturated = 2 * WORKERS
    return {
        "list_1": wrk(paths["list"], connections=1, threads=1, duration=duration),
        "list_sat": wrk(
            paths["list"],
            connections=saturated,
            threads=2,
            duration=duration,
        ),
        "detail_sat": wrk(
            paths["detail"],
            connections=saturated,
            threads=2,
            duration=duration,
        ),
    }


def with_writes(db_url: str, paths: dict[str, str], duration: int, replica_admin: str | None):
    stats = Path(f"/tmp/{WRITER_TAG}-{os.getpid()}.txt")
    stats.write_text("0")
    writer_process = start_writer(db_url, stats)
    sampler = LagSampler(replica_admin) if replica_admin else None
    try:
        # Let the writer reach its pace before measuring.
        time.sleep(3)
        before = int(stats.read_text() or 0)
        started = time.monotonic()
        if sampler:
            sampler.start()
        reads = run_reads(paths, duration)
        seconds = time.monotonic() - started
        after = int(stats.read_text() or 0)
    finally:
        writer_process.terminate()
        writer_process.wait(timeout=60)
        if sampler:
            sampler.done.set()
            sampler.join()
    result = {
        "reads": reads,
        "approvals": after - before,
        "approvals_per_s": round((after - before) / seconds, 1),
    }
    if writer_process.returncode not in (0, -15):
        raise RuntimeError(f"the writer failed (exit {writer_process.returncode})")
    if sampler:
        result["lag"] = sampler.summary()
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_REPLICA_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--json")
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer:
        writer(Path(args.writer))
        return {}

    db_url = args.database_url
    if (published_count(db_url) or 0) < args.claims:
        print(f"generating {args.claims:,} claims in {db_url}", flush=True)
        generate(db_url, args.claims)
    replica = replica_url(db_url)
    replica_admin = replica.rsplit("/", 1)[0] + "/postgres"
    wait_replayed(db_url, replica)

    with psycopg.connect(db_url) as conn:
        detail = conn.execute(
            "SELECT public_id FROM registry_publicclaim ORDER BY claim_id LIMIT 1"
        ).fetchone()[0]
    paths = {"list": "/api/v1/claims/", "detail": f"/api/v1/claims/{detail}/"}
    results: dict = {"claims": args.claims, "workers": WORKERS}

    server = start_gunicorn(db_url, replica)
    try:
        xacts = replica_xacts(replica)
        results["replica_idle"] = run_reads(paths, args.duration)
        results["replica_xacts_idle"] = replica_xacts(replica) - xacts
        published_before = count_published(db_url)
        xacts = replica_xacts(replica)
        results["replica_writes"] = with_writes(db_url, paths, args.duration, replica_admin)
        results["replica_xacts_writes"] = replica_xacts(replica) - xacts
    finally:
        stop_server(server)
    results["catch_up_seconds"] = round(wait_replayed(db_url, replica), 3)
    published_after = count_published(db_url)
    on_replica = count_published(replica)
    results["published_during_run"] = published_after - published_before
    results["replica_has_all"] = on_replica == published_after

    server = start_gunicorn(db_url, None)
    try:
        results["primary_writes"] = with_writes(db_url, paths, args.duration, None)
    finally:
        stop_server(server)

    if not results["replica_xacts_idle"] or not results["replica_xacts_writes"]:
        raise RuntimeError("the replica served no reads: is DATABASE_REPLICA_URL routed?")
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return results


def print_table(r: dict) -> None:
    print(
        f"\nReplica reads, {r['claims']:,} claims, gunicorn {r['workers']} workers\n"
    )
    print("| reads from | primary load | endpoint | clients | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---:|---:|---:|---:|")
    rows = [
        ("replica", "idle", r["replica_idle"]),
        ("replica", "approvals", r["replica_writes"]["reads"]),
        ("primary", "approvals", r["primary_writes"]["reads"]),
    ]
    names = {"list_1": ("list", 1), "list_sat": ("list", 2 * r["workers"]),
             "detail_sat": ("detail", 2 * r["workers"])}
    for source, load, reads in rows:
        for key, (endpoint, clients) in names.items():
            m = reads[key]
            errors = f" ({m['errors']} errors)" if m["errors"] else ""
            print(
                f"| {source} | {load} | {endpoint}{errors} | {clients} | "
                f"{m['rps']:.0f} | {m['p50']:.1f} | {m['p99']:.1f} |"
            )
    rw, pw = r["replica_writes"], r["primary_writes"]
    lag = rw["lag"]
    print(
        f"\nApprovals on the primary during the reads: {rw['approvals_per_s']}/s "
        f"(replica serving reads), {pw['approvals_per_s']}/s (reads on the primary)."
    )
    print(
        f"Replica lag under that load: p50 {lag['p50_seconds']} s, max "
        f"{lag['max_seconds']} s, max {lag['max_bytes']:,} bytes unreplayed; "
        f"caught up {r['catch_up_seconds']} s after the writes stopped."
    )
    print(
        f"The replica served the reads: {r['replica_xacts_idle']:,} transactions "
        f"idle, {r['replica_xacts_writes']:,} under writes; "
        f"{r['published_during_run']} claims published during the run, all on "
        f"the replica afterwards: {r['replica_has_all']}."
    )


if __name__ == "__main__":
    main()
