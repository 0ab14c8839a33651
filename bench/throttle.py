"""What the anonymous throttle costs the claim list, in process.

    python -m bench.throttle --database-url URL [--redis redis://127.0.0.1:6379/9]
        [--requests 100] [--rounds 5]

Production settings (DEBUG off), Django's test client (no server, no
network to the client), the throttle's counters in Redis as in production.
In turns, ``--rounds`` times, ``--requests`` each: the bare view (the ready
page), the claim list with the anonymous throttle, the claim list without
it; prints the median milliseconds a request of each. The throttle's rate
is set far above what the loop reaches, so every request is counted and
none refused.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bare = Path(tempfile.mkstemp(prefix="bench-bare-", suffix=".json")[1])
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        BENCH_BARE_FILE=str(bare),
        API_ANON_RATE="1000000000/minute",
        REDIS_URL=args.redis,
        CACHE_KEY_PREFIX="bench-throttle",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from rest_framework.settings import api_settings

    from registry.api.views import ClaimViewSet

    client = Client()
    bare.write_bytes(client.get("/api/v1/claims/").content)

    def ms(url: str) -> float:
        client.get(url)
        started = time.perf_counter()
        for _ in range(args.requests):
            assert client.get(url).status_code == 200
        return (time.perf_counter() - started) / args.requests * 1000

    runs: dict[str, list[float]] = {"bare": [], "throttled": [], "unthrottled": []}
    try:
        for _ in range(args.rounds):
            runs["bare"].append(ms("/bench/bare/"))
            ClaimViewSet.throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES
            runs["throttled"].append(ms("/api/v1/claims/"))
            ClaimViewSet.throttle_classes = []
            runs["unthrottled"].append(ms("/api/v1/claims/"))
    finally:
        bare.unlink(missing_ok=True)
    for name, values in runs.items():
        print(
            f"{name}: median {statistics.median(values):.2f} ms a request "
            f"({', '.join(f'{v:.1f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
