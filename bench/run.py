"""Benchmark the public API as it runs in production, and print one table.

    python -m bench.run --sizes 10000,100000 [--duration 8] [--reuse]
        [--database-url URL[,URL...]] [--no-datasette] [--json FILE]

For each size: generate the synthetic registry in PostgreSQL with its public
projection (bench/generate.py; skipped with --reuse when the projection
already holds that many claims; one database URL for all sizes, or one per
size, comma-separated), start gunicorn with production settings (DEBUG off,
a SECRET_KEY, no throttle, no page cache), and measure with wrk, a separate
process:

- with one client (req/s, p50/p99): the claim list's first page; the list
  filtered by a common source (the most cited originator) and a rare one
  (the least cited), by ``min_confidence=2``, by ``has_conflict=true``;
  full-text search; the page reached by following ``next`` 50 times; a
  claim's detail; and beside them, on the same server, the ceilings: the
  bare view (a Django view returning the ready first page through the same
  middleware), the ``json_agg`` page (one PostgreSQL statement building the
  first page from the base tables, bench/urls.py) and Datasette serving a
  SQLite copy of the projection's documents, 20 a page (bench-only, in its
  own virtual environment under var/; --no-datasette skips it);
- the list and the ceilings saturated (2 x workers connections);
- the JSON Lines and CSV exports, read by a client process: claims/s and
  the peak resident memory of the gunicorn worker that served them;
- then ``EXPLAIN (ANALYZE, BUFFERS)`` of every query those list, filter and
  detail requests run, in bench/plans/<size>/<name>.txt (bench/explain.py).

The table ends with the ratios issue 9 sets targets for: list saturated /
bare (>= 0.3), list / json_agg, list / Datasette (>= 2), and each filter's
p50 growth from the smallest size to the largest (<= 2x).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
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
            # The projection's rows: a database without it is generated again.
            row = conn.execute("SELECT count(*) FROM registry_publicclaim").fetchone()
            return row[0]
    except psycopg.Error:
        return None


def start_server(db_url: str, bare_file: Path) -> subprocess.Popen:
    with socket.socket() as probe:
        # Another server there would answer in our place and be measured.
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise RuntimeError(f"port {PORT} is taken: set BENCH_PORT to a free one")
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
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi",  # with bench.settings: the ceilings' URLs too
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
            path if path.startswith("http") else BASE + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    # Requests wrk gave up on (2 s) are not in its latencies: count them.
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    # Error responses are counted, not fatal: the table shows them.
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "errors": (int(errors.group(1)) if errors else 0)
        + (int(timeouts.group(1)) if timeouts else 0),
    }


def measure_export(server: subprocess.Popen, path: str) -> dict:
    pids = worker_pids(server)
    peak = {"mb": max(rss_mb(p) for p in pids)}
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak["mb"] = max(peak["mb"], *(rss_mb(p) for p in pids))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # The client is a separate process, like wrk: it only counts lines, a
    # megabyte read at a time (reading line by line, the client itself was
    # slower than the export), and times the request itself (the start of a
    # Python process is no part of the export).
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time, urllib.request\n"
            "started = time.monotonic()\n"
            f"r = urllib.request.urlopen('{BASE}{path}')\n"
            "n = 0\n"
            "while block := r.read(1 << 20): n += block.count(b'\\n')\n"
            "print(n, time.monotonic() - started)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    done.set()
    sampler.join()
    lines, seconds = result.stdout.split()
    lines, seconds = int(lines), float(seconds)
    return {"seconds": seconds, "lines": lines, "peak_rss_mb": peak["mb"]}


def pick_urls(db_url: str) -> dict[str, str]:
    """The URLs measured, with a common and a rare source picked from the data."""
    with psycopg.connect(db_url) as conn:
        detail_id = conn.execute(
            "SELECT public_id FROM registry_publicclaim ORDER BY claim_id "
            "LIMIT 1 OFFSET (SELECT count(*) / 2 FROM registry_publicclaim)"
        ).fetchone()[0]
        # Sources by how many published claims cite them as originator.
        counts = conn.execute(
            "SELECT s.short_name, count(*) FROM registry_publicfacet f "
            "JOIN registry_source s ON f.value = s.id::text "
            "WHERE f.facet = 'o' GROUP BY s.short_name ORDER BY count(*) DESC"
        ).fetchall()
    common, rare = counts[0][0], counts[-1][0]
    return {
        "list": "/api/v1/claims/",
        "source_common": f"/api/v1/claims/?source={common}",
        "source_rare": f"/api/v1/claims/?source={rare}",
        "min_confidence": "/api/v1/claims/?min_confidence=2",
        "has_conflict": "/api/v1/claims/?has_conflict=true",
        "search": "/api/v1/claims/?q=mayadeen",
        "detail": f"/api/v1/claims/{detail_id}/",
        "_counts": {common: counts[0][1], rare: counts[-1][1]},
    }


def deep_cursor(path: str, pages: int = 50) -> str:
    """The URL reached by following ``next`` ``pages`` times from ``path``."""
    url = BASE + path
    for _ in range(pages):
        with urllib.request.urlopen(url, timeout=30) as response:
            url = json.loads(response.read())["next"]
    return url.removeprefix(BASE)


# --------------------------------------------------------------- Datasette

DATASETTE = ROOT / "var" / "bench-datasette" / "bin" / "datasette"
DATASETTE_PORT = PORT + 1
DATASETTE_PAGE = (
    "/claims/claims.json?_shape=array&_json=body&_col=body&_size=20"
    "&_sort_desc=published_at&_nocount=1"
)


def datasette_ready() -> bool:
    """Datasette, bench-only, in its own virtual environment under var/."""
    if DATASETTE.exists():
        return True
    venv = DATASETTE.parent.parent
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "datasette"],
            check=True,
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"Datasette skipped: {exc}", file=sys.stderr)
        return False
    return DATASETTE.exists()


def sqlite_copy(db_url: str, path: Path) -> None:
    """The projection's stored documents (addresses made absolute) in SQLite,
    with an index for the newest-first page."""
    import sqlite3

    path.unlink(missing_ok=True)
    lite = sqlite3.connect(path)
    lite.execute(
        "CREATE TABLE claims (id TEXT PRIMARY KEY, published_at TEXT, body TEXT)"
    )
    with psycopg.connect(db_url) as conn, conn.cursor(name="export") as cur:
        cur.execute(
            "SELECT public_id, to_char(published_at AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS.US'), replace(body, chr(1), %s) "
            "FROM registry_publicclaim",
            [BASE],
        )
        while rows := cur.fetchmany(5000):
            lite.executemany("INSERT INTO claims VALUES (?, ?, ?)", rows)
    lite.execute("CREATE INDEX claims_published ON claims (published_at DESC)")
    lite.commit()
    lite.close()


def start_datasette(path: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(DATASETTE),
            "serve",
            "--immutable",
            str(path),
            "--port",
            str(DATASETTE_PORT),
            "--setting",
            "default_page_size",
            "20",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{DATASETTE_PORT}{DATASETTE_PAGE}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=5)
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("datasette did not start")


# ------------------------------------------------------------------ a size

ONE_CLIENT = [
    ("list", "claim list, first page"),
    ("source_common", "list ?source=<common source>"),
    ("source_rare", "list ?source=<rare source>"),
    ("min_confidence", "list ?min_confidence=2"),
    ("has_conflict", "list ?has_conflict=true"),
    ("search", "list ?q=mayadeen (full text)"),
    ("deep", "list, cursor page 51 (next x50)"),
    ("detail", "claim detail"),
    ("bare", "bare view (ceiling)"),
    ("json_agg", "json_agg page, one SQL statement (ceiling)"),
    ("datasette", "Datasette, SQLite copy of the projection"),
]
SATURATED = [
    ("list_sat", "list", "claim list, saturated"),
    ("bare_sat", "bare", "bare view, saturated"),
    ("json_agg_sat", "json_agg", "json_agg page, saturated"),
    ("datasette_sat", "datasette", "Datasette, saturated"),
]
FILTERS = [
    "list",
    "source_common",
    "source_rare",
    "min_confidence",
    "has_conflict",
    "search",
    "deep",
    "detail",
]
PLANS = ROOT / "bench" / "plans"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def run_size(
    size: int, db_url: str, duration: int, reuse: bool, datasette: bool
) -> dict:
    generated = None
    if not (reuse and published_count(db_url) == size):
        generated = generate(db_url, size)
        print(f"generated {size:,} claims: {generated}", file=sys.stderr)
    urls = pick_urls(db_url)
    bare_file = Path(tempfile.mkstemp(prefix="bench-bare-", suffix=".json")[1])
    results = {"size": size, "generated": generated, "sources": urls.pop("_counts")}
    server = start_server(db_url, bare_file)
    lite = None
    try:
        page = urllib.request.urlopen(BASE + urls["list"], timeout=30).read()
        bare_file.write_bytes(page)  # the ceiling serves exactly this page
        results["page_bytes"] = len(page)
        urls["deep"] = deep_cursor(urls["list"])
        urls["bare"] = "/bench/bare/"
        urls["json_agg"] = "/bench/json_agg/"
        results["json_agg_bytes"] = len(
            urllib.request.urlopen(BASE + urls["json_agg"], timeout=30).read()
        )
        if datasette:
            # Datasette names the database after the file: /claims/claims.json.
            lite_file = Path(tempfile.mkdtemp(prefix="bench-lite-")) / "claims.db"
            sqlite_copy(db_url, lite_file)
            lite = start_datasette(lite_file)
            urls["datasette"] = f"http://127.0.0.1:{DATASETTE_PORT}{DATASETTE_PAGE}"
            results["datasette_bytes"] = len(
                urllib.request.urlopen(urls["datasette"], timeout=30).read()
            )
        results["urls"] = dict(urls)
        for name, _ in ONE_CLIENT:
            if name not in urls:
                continue
            wrk(urls[name], connections=1, threads=1, duration=2)  # warm up
            results[name] = wrk(urls[name], connections=1, threads=1, duration=duration)
        # The saturated runs take turns, ROUNDS times, and each keeps its
        # median: on a shared machine the load moves within a minute, and a
        # ratio of two runs minutes apart measured the neighbours.
        runs = {name: [] for name, of, _ in SATURATED if of in urls}
        for _ in range(ROUNDS):
            for name, of, _ in SATURATED:
                if of in urls:
                    runs[name].append(
                        wrk(
                            urls[of],
                            connections=2 * WORKERS,
                            threads=2,
                            duration=duration,
                        )
                    )
        for name, measured in runs.items():
            results[name] = sorted(measured, key=lambda m: m["rps"])[len(measured) // 2]
            results[name]["rounds"] = [round(m["rps"]) for m in measured]
        if lite is not None:
            stop_server(lite)
            lite = None
            lite_file.unlink(missing_ok=True)
            lite_file.parent.rmdir()
        results["jsonl"] = measure_export(server, "/api/v1/exports/claims.jsonl")
        results["csv"] = measure_export(server, "/api/v1/exports/claims.csv")
        for name in ("jsonl", "csv"):
            rows = results[name]["lines"] - (name == "csv")  # CSV: a header line
            if rows < size:
                raise RuntimeError(f"the {name} export stopped after {rows:,} rows")
    finally:
        stop_server(server)
        if lite is not None:
            stop_server(lite)
        bare_file.unlink(missing_ok=True)
    # The plans of the listed queries at this size (bench/plans/<size>/).
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.explain",
            "--database-url",
            db_url,
            "--out",
            str(PLANS / str(size)),
            *(f"{name}={urls[name]}" for name in FILTERS),
        ],
        cwd=ROOT,
        check=True,
    )
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
        f"{platform.python_version()}, gunicorn {WORKERS} sync workers, "
        "PostgreSQL, no page cache",
        "",
        "| claims | endpoint | clients | req/s | p50 ms | p99 ms |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in all_results:
        rows = [(n, label, 1) for n, label in ONE_CLIENT]
        rows += [(n, label, 2 * WORKERS) for n, _, label in SATURATED]
        for name, label, clients in rows:
            if name not in r:
                continue
            m = r[name]
            if m.get("errors"):
                label += f" (**{m['errors']} error responses**)"
            lines.append(
                f"| {r['size']:,} | {label} | {clients} | {m['rps']:.0f} | "
                f"{m['p50']:.1f} | {m['p99']:.1f} |"
            )
        for name, label in (("jsonl", "JSON Lines"), ("csv", "CSV")):
            e = r[name]
            rows = e["lines"] - (name == "csv")
            lines.append(
                f"| {r['size']:,} | {label} export: {rows:,} claims in "
                f"{e['seconds']:.1f} s = {rows / e['seconds']:,.0f} claims/s, "
                f"worker peak RSS {e['peak_rss_mb']:.0f} MB | 1 | | | |"
            )
    lines += ["", *ratios(all_results)]
    return "\n".join(lines)


def ratios(all_results: list[dict]) -> list[str]:
    lines = ["| claims | ratio | value | target |", "|---:|---|---:|---|"]
    for r in all_results:

        def ratio(a: str, b: str, r: dict = r) -> str:
            return f"{r[a]['rps'] / r[b]['rps']:.2f}" if a in r and b in r else "-"

        for label, value, target in (
            (
                "list saturated / bare saturated",
                ratio("list_sat", "bare_sat"),
                ">= 0.3",
            ),
            ("list / json_agg, one client", ratio("list", "json_agg"), ""),
            ("list / json_agg, saturated", ratio("list_sat", "json_agg_sat"), ""),
            ("list / Datasette, saturated", ratio("list_sat", "datasette_sat"), ">= 2"),
        ):
            lines.append(f"| {r['size']:,} | {label} | {value} | {target} |")
        for name, p99 in ((n, r[n]["p99"]) for n in FILTERS if n in r):
            if p99 >= 50:
                lines.append(
                    f"| {r['size']:,} | {name}: p99 {p99:.1f} ms, one client "
                    "| over | < 50 ms (at 1M) |"
                )
    first, last = all_results[0], all_results[-1]
    if last is not first:
        for name in FILTERS:
            growth = last[name]["p50"] / first[name]["p50"]
            lines.append(
                f"| {first['size']:,} -> {last['size']:,} | {name}: p50 growth "
                f"({first[name]['p50']:.1f} -> {last[name]['p50']:.1f} ms) "
                f"| {growth:.2f}x | <= 2x |"
            )
    return lines


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
    parser.add_argument(
        "--no-datasette", action="store_true", help="skip the Datasette comparison"
    )
    parser.add_argument(
        "--ingest",
        action="store_true",
        help="only measure export and restore at each size (bench/ingest.py)",
    )
    args = parser.parse_args()
    if args.ingest:
        from bench.ingest import bench_size

        for size in args.sizes.split(","):
            print(json.dumps(bench_size(int(size), args.database_url), indent=2))
        return
    datasette = not args.no_datasette and datasette_ready()
    urls = args.database_url.split(",")
    results = []
    for i, size in enumerate(args.sizes.split(",")):
        # One database for every size, or one each (comma-separated).
        url = urls[min(i, len(urls) - 1)]
        results.append(run_size(int(size), url, args.duration, args.reuse, datasette))
        print(table(results), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
