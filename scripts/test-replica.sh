#!/usr/bin/env bash
# The second half of `make test`: the tests marked `replica`, on PostgreSQL
# with a real streaming replica that scripts/replica.sh starts (and leaves
# running for the next run; `scripts/replica.sh stop` stops it).
#
# Without a PostgreSQL server at PGTEST_URL, or where a replica cannot be
# started (the primary's pg_hba.conf not writable, wal_level too low), this
# says why and skips them, except under CI=true, where it fails.
set -uo pipefail
cd "$(dirname "$0")/.."
PGTEST_URL=${PGTEST_URL:-postgres://postgres@127.0.0.1:5432/factcheck_test}
PY=${PY:-.venv/bin/python}

skip() {
  if [ "${CI:-}" = true ]; then
    echo "make test: $1 (CI never skips the replica tests)" >&2
    exit 1
  fi
  echo "== replica tests skipped: $1 (README: PostgreSQL)"
  exit 0
}

pg_isready -q -d "$PGTEST_URL" 2>/dev/null || skip "no PostgreSQL answers at $PGTEST_URL"
bash scripts/replica.sh start || skip "scripts/replica.sh could not start a replica"
echo "== the replica tests, on PostgreSQL with a streaming replica (TEST_REPLICA=0 skips them)"
DATABASE_URL="$PGTEST_URL" \
  DATABASE_REPLICA_URL="$(bash scripts/replica.sh url "${PGTEST_URL##*/}")" \
  exec "$PY" -m pytest -m replica -q -p no:cacheprovider
