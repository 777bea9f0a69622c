# Sourced by ops/runbook: a PostgreSQL instance of its own, so restarting it
# never disturbs the machine's shared cluster (and the tests of anyone
# using it). initdb into DIR, trust auth, TCP on 127.0.0.1:PORT only (no
# Unix socket). As root, the server runs as the `postgres` user, since
# PostgreSQL refuses to run as root.
#
#   private_pg_init DIR PORT    create and start; sets PG_URL_BASE
#   private_pg_stop             fast shutdown (connections are cut)
#   private_pg_start            start again, wait until it accepts connections
#   private_pg_psql DB SQL      run SQL
#   private_pg_cleanup          stop if running (for an EXIT trap)

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    # From /: the caller's directory (a checkout under a private mktemp
    # folder, say) may be closed to the postgres user.
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

private_pg_init() {
  PG_DIR=$1
  PG_PORT=$2
  [[ -x "$PG_BIN/initdb" ]] || { echo "private-postgres: no initdb under /usr/lib/postgresql (run ops/install-deps)" >&2; return 1; }
  mkdir -p "$PG_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$PG_DIR"
  fi
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  PG_URL_BASE="postgres://postgres@127.0.0.1:${PG_PORT}"
  private_pg_start
}

private_pg_start() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off" start >/dev/null \
    || { tail -20 "$PG_DIR/server.log" >&2; return 1; }
}

private_pg_stop() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null
}

private_pg_psql() {
  psql "$PG_URL_BASE/$1" -v ON_ERROR_STOP=1 -qtAc "$2"
}

private_pg_cleanup() {
  if [[ -n "${PG_DIR:-}" && -f "$PG_DIR/data/postmaster.pid" ]]; then
    private_pg_stop 2>/dev/null || true
  fi
}
