#!/usr/bin/env bash
# A real PostgreSQL streaming replica of the local primary, for tests and the
# benchmark: scripts/replica.sh start|stop|status|url
#
# start: copies the primary (127.0.0.1:5432, trust auth, user postgres) with
#   pg_basebackup -R into REPLICA_DIR and runs it as a hot standby on
#   REPLICA_PORT. A replica already running is left alone; a stopped one is
#   made afresh (a copy is quick here, and an old one may have fallen behind
#   the WAL the primary still keeps: no replication slot is used, so a
#   forgotten replica can never fill the primary's disk).
# stop: stops it (the data stays until the next start).
# status: exit 0 if it is running and streaming from the primary.
# url: prints DATABASE_REPLICA_URL for a database NAME (default factcheck).
#
# The primary must accept replication connections from 127.0.0.1: if its
# pg_hba.conf has no such line, start adds one (once) and reloads it.
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/tmp/factcheck-replica-$REPLICA_PORT}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

die() { echo "replica: $*" >&2; exit 1; }
[ -x "$PG_BIN/pg_ctl" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
primary_sql() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -XAtqc "$1"; }
replica_sql() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -XAtqc "$1"; }

running() { as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; }

streaming() {
  [ "$(replica_sql "select status from pg_stat_wal_receiver" 2>/dev/null)" = streaming ]
}

allow_replication() {
  local hba
  hba=$(primary_sql "show hba_file")
  if ! grep -Eq "^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust" "$hba"; then
    echo "replica: allowing replication from 127.0.0.1 in $hba"
    printf '\n# Added by factcheck scripts/replica.sh: the local streaming replica.\nhost replication postgres 127.0.0.1/32 trust\n' >>"$hba"
    primary_sql "select pg_reload_conf()" >/dev/null
  fi
  case "$(primary_sql "show wal_level")" in
    replica | logical) ;;
    *) die "the primary needs wal_level=replica (a restart of the primary)" ;;
  esac
}

start() {
  if running; then
    echo "replica: already running on port $REPLICA_PORT"
    return 0
  fi
  pg_isready -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -q || die "no primary at $PRIMARY_HOST:$PRIMARY_PORT"
  allow_replication
  rm -rf "$REPLICA_DIR"
  mkdir -p "$REPLICA_DIR"
  chmod 700 "$REPLICA_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$REPLICA_DIR"
  echo "replica: copying the primary into $REPLICA_DIR"
  as_pg pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    -D "$REPLICA_DIR" -R -X stream -c fast
  # Debian keeps the configuration outside the data directory, so the copy has
  # none: give the standby its own. A hot standby needs these limits at least
  # as high as the primary's.
  local limits="" setting
  for setting in max_connections max_worker_processes max_wal_senders \
    max_prepared_transactions max_locks_per_transaction; do
    limits+="$setting = $(primary_sql "show $setting")"$'\n'
  done
  as_pg tee "$REPLICA_DIR/postgresql.conf" >/dev/null <<EOF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$REPLICA_DIR'
hba_file = '$REPLICA_DIR/pg_hba.conf'
ident_file = '$REPLICA_DIR/pg_ident.conf'
hot_standby = on
# Replay wins quickly over a reader holding a lock (tests truncate tables).
max_standby_streaming_delay = 1s
hot_standby_feedback = on
wal_receiver_status_interval = 1s
shared_buffers = 64MB
$limits
EOF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_pg tee "$REPLICA_DIR/pg_hba.conf" >/dev/null
  as_pg touch "$REPLICA_DIR/pg_ident.conf"
  as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/server.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$REPLICA_DIR/server.log" >&2; die "the standby did not start"; }
  for _ in $(seq 1 30); do
    streaming && break
    sleep 0.5
  done
  streaming || die "the standby runs but does not stream from the primary (see $REPLICA_DIR/server.log)"
  echo "replica: streaming from $PRIMARY_HOST:$PRIMARY_PORT, serving on 127.0.0.1:$REPLICA_PORT"
}

stop() {
  if running; then
    as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null
    echo "replica: stopped"
  else
    echo "replica: not running"
  fi
}

status() {
  if running && streaming; then
    local lag
    lag=$(replica_sql "select coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)")
    echo "replica: streaming on 127.0.0.1:$REPLICA_PORT (received but not yet replayed: $lag bytes)"
  else
    echo "replica: not running or not streaming"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) echo "postgres://postgres@127.0.0.1:$REPLICA_PORT/${2:-factcheck}" ;;
  *) die "usage: $0 start|stop|status|url [DBNAME]" ;;
esac
