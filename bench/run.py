"""Benchmark the public API as it runs in production, and print one table.

    python -m bench.run --sizes 10000,100000 [--duration 8] [--keep]

For each size: generate the synthetic registry in PostgreSQL (bench/generate.py,
skipped with --reuse when the database already holds that many claims),
start gunicorn with production settings (DEBUG off, a SECRET_KEY, no
throttle), and measure with wrk, a separate process:

- the claim list's first page, a filtered and searched page, a claim detail,
  each with one client (p50/p99 latency, req/s);
- the list and the bare view with enough clients to saturate the server
  (req/s), the bare view being a Django view that returns an already
  serialised page of the same size through the same middleware: the
  ceiling; list/bare is the ratio to watch;
- the full CSV export, read by a client process: rows/s and the peak
  resident memory of the gunicorn worker that served it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg

from bench.generate import generate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/fc_bench"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))


def published_count(url: str) -> int | None:
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM registry_claim "
                "WHERE state IN ('approved', 'retracted', 'superseded')"
            ).fetchone()
            return row[0]
    except psycopg.Error:
        return None


def start_server(db_url: str, bare_file: Path, cache_seconds: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "",  # no throttle: the benchmark is the only client
        "LOG_LEVEL": "WARNING",
        "BENCH_BARE_FILE": str(bare_file),
        "API_CACHE_SECONDS": str(cache_seconds),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            # A sync worker must stream a whole export within the timeout.
            "--timeout",
            "600",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/api/v1/claims/?page_size=1", timeout=5)
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def worker_pids(server: subprocess.Popen) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(server.pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [int(p) for p in out.split()]


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(path: str, *, connections: int, threads: int, duration: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            BASE + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{path}: {errors.group(1)} error responses\n{out}")
    return {"rps": rps, "p50": p50, "p99": p99}


def measure_export(server: subprocess.Popen) -> dict:
    pids = worker_pids(server)
    peak = {"mb": max(rss_mb(p) for p in pids)}
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak["mb"] = max(peak["mb"], *(rss_mb(p) for p in pids))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    # The client is a separate process, like wrk: it only counts lines.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, urllib.request\n"
            f"r = urllib.request.urlopen('{BASE}/api/v1/exports/claims.csv')\n"
            "n = -1\n"
            "for _ in r: n += 1\n"
            "print(n)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    lines = int(result.stdout)
    return {"seconds": seconds, "lines": lines, "peak_rss_mb": peak["mb"]}


def check_export(results: dict, size: int) -> None:
    if results["export"]["lines"] < size:
        raise RuntimeError(
            f"the export stopped after {results['export']['lines']:,} of {size:,} rows"
        )


def run_size(size: int, db_url: str, duration: int, reuse: bool) -> dict:
    generated = None
    if not (reuse and published_count(db_url) == size):
        generated = generate(db_url, size)
        print(f"generated {size:,} claims: {generated}", file=sys.stderr)
    with psycopg.connect(db_url) as conn:
        detail_id = conn.execute(
            "SELECT public_id FROM registry_claim WHERE state = 'approved' "
            "ORDER BY id LIMIT 1 OFFSET %s",
            [size // 2],
        ).fetchone()[0]
    bare_file = Path(tempfile.mkstemp(prefix="bench-bare-", suffix=".json")[1])
    search = "/api/v1/claims/?q=mayadeen&min_confidence=3&language=en"
    results = {"size": size, "generated": generated}
    # First without the server-side cache: what building a response costs.
    server = start_server(db_url, bare_file, cache_seconds=0)
    try:
        page = urllib.request.urlopen(BASE + "/api/v1/claims/", timeout=30).read()
        bare_file.write_bytes(page)  # the ceiling serves exactly this page
        results["page_bytes"] = len(page)
        for name, path in (
            ("list", "/api/v1/claims/"),
            ("search", search),
            ("detail", f"/api/v1/claims/{detail_id}/"),
            ("bare", "/bench/bare/"),
        ):
            wrk(path, connections=1, threads=1, duration=2)  # warm up
            results[name] = wrk(path, connections=1, threads=1, duration=duration)
        for name, path in (
            ("list_sat", "/api/v1/claims/"),
            ("bare_sat", "/bench/bare/"),
        ):
            results[name] = wrk(
                path, connections=2 * WORKERS, threads=2, duration=duration
            )
        results["export"] = measure_export(server)
        check_export(results, size)
    finally:
        stop_server(server)
    # Then as deployed: anonymous pages kept for API_CACHE_SECONDS.
    server = start_server(db_url, bare_file, cache_seconds=60)
    try:
        for name, path, clients in (
            ("cached_list", "/api/v1/claims/", 1),
            ("cached_search", search, 1),
            ("cached_list_sat", "/api/v1/claims/", 2 * WORKERS),
        ):
            wrk(path, connections=clients, threads=min(2, clients), duration=2)
            results[name] = wrk(
                path,
                connections=clients,
                threads=min(2, clients),
                duration=duration,
            )
    finally:
        stop_server(server)
        bare_file.unlink(missing_ok=True)
    return results


def table(all_results: list[dict]) -> str:
    generated = [
        f"{r['size']:,} claims generated in {r['generated']['seconds']} s: "
        f"{r['generated']}"
        for r in all_results
        if r["generated"]
    ]
    lines = [
        *generated,
        f"Benchmark {time.strftime('%Y-%m-%d')} on {platform.node()}: "
        f"{os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, gunicorn {WORKERS} sync workers, PostgreSQL",
        "",
        "| claims | endpoint | clients | req/s | p50 ms | p99 ms |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in all_results:
        for name, label, clients in (
            ("list", "claim list, first page", 1),
            ("search", "filtered + searched list", 1),
            ("detail", "claim detail", 1),
            ("bare", "bare view (ceiling)", 1),
            ("list_sat", "claim list, saturated", 2 * WORKERS),
            ("bare_sat", "bare view, saturated", 2 * WORKERS),
            ("cached_list", "claim list, server cache on", 1),
            ("cached_search", "filtered + searched, server cache on", 1),
            ("cached_list_sat", "claim list, server cache on, saturated", 2 * WORKERS),
        ):
            m = r[name]
            lines.append(
                f"| {r['size']:,} | {label} | {clients} | {m['rps']:.0f} | "
                f"{m['p50']:.1f} | {m['p99']:.1f} |"
            )
        e = r["export"]
        for label, key in (("cache off", "list_sat"), ("cache on", "cached_list_sat")):
            ratio = r[key]["rps"] / r["bare_sat"]["rps"]
            lines.append(
                f"| {r['size']:,} | list/bare throughput ratio, {label} | "
                f"{2 * WORKERS} | {ratio:.2f} | | |"
            )
        lines.append(
            f"| {r['size']:,} | CSV export: {e['lines']:,} rows in "
            f"{e['seconds']:.1f} s = {e['lines'] / e['seconds']:,.0f} rows/s, "
            f"worker peak RSS {e['peak_rss_mb']:.0f} MB | 1 | | | |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the public API.")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--duration", type=int, default=8, help="seconds per run")
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database of the right size"
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    results = [
        run_size(int(size), args.database_url, args.duration, args.reuse)
        for size in args.sizes.split(",")
    ]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
