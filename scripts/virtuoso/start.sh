#!/usr/bin/env bash
# Start strikegraph's Virtuoso on 127.0.0.1 with scripts/virtuoso/virtuoso.ini,
# wait (bounded) until the HTTP SPARQL endpoint answers, apply grants.sh, and
# print the endpoint URLs. Returns 0 when ready; non-zero (and stops the server
# it started) on timeout.
#
# Usage: scripts/virtuoso/start.sh [DB_DIR]      (see _common.sh for the env vars)
# Idempotent: if the server for DB_DIR is already running it only re-applies grants.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

command -v virtuoso-t >/dev/null || { echo "start.sh: virtuoso-t not found; run scripts/virtuoso/install.sh" >&2; exit 1; }

if pid="$(virtuoso_pid)"; then
  echo "start.sh: already running (pid $pid)"
  sparql_ready || { echo "start.sh: pid $pid runs but $VIRTUOSO_BASE_URL/sparql does not answer" >&2; exit 1; }
  "$VIRTUOSO_SCRIPT_DIR/grants.sh" "$VIRTUOSO_DB_DIR"
  print_endpoints "$pid"
  exit 0
fi

for port in "$VIRTUOSO_SQL_PORT" "$VIRTUOSO_HTTP_PORT"; do
  if port_busy "$port"; then
    echo "start.sh: 127.0.0.1:$port is already in use by another process" >&2
    exit 1
  fi
done

mkdir -p "$VIRTUOSO_DB_DIR"
rm -f "$VIRTUOSO_DB_DIR/virtuoso.lck"   # stale lock (no live pid, checked above)

# The checked-in ini is used as is unless ports are overridden; then a copy with
# the other ports is written into the database directory.
INI="$VIRTUOSO_INI_TEMPLATE"
if [ "$VIRTUOSO_SQL_PORT" != 11111 ] || [ "$VIRTUOSO_HTTP_PORT" != 18890 ]; then
  INI="$VIRTUOSO_DB_DIR/virtuoso.ini"
  sed -e "s/^\(ServerPort *= *\)127\.0\.0\.1:11111/\1127.0.0.1:$VIRTUOSO_SQL_PORT/" \
      -e "s/^\(ServerPort *= *\)127\.0\.0\.1:18890/\1127.0.0.1:$VIRTUOSO_HTTP_PORT/" \
      -e "s/^\(DefaultHost *= *\)127\.0\.0\.1:18890/\1127.0.0.1:$VIRTUOSO_HTTP_PORT/" \
      "$VIRTUOSO_INI_TEMPLATE" > "$INI"
fi

echo "start.sh: starting virtuoso-t (db dir $VIRTUOSO_DB_DIR, ini $INI)"
# virtuoso-t daemonizes itself; relative paths in the ini resolve against the cwd.
( cd "$VIRTUOSO_DB_DIR" && exec virtuoso-t +configfile "$INI" ) \
  >"$VIRTUOSO_DB_DIR/virtuoso-t.stdout" 2>&1 \
  || { echo "start.sh: virtuoso-t failed to start:" >&2; cat "$VIRTUOSO_DB_DIR/virtuoso-t.stdout" >&2; tail -n 20 "$VIRTUOSO_DB_DIR/virtuoso.log" >&2 || true; exit 1; }

deadline=$(( SECONDS + VIRTUOSO_START_TIMEOUT ))
pid=""
until sparql_ready; do
  pid="$(virtuoso_pid || true)"
  if [ $SECONDS -ge $deadline ]; then
    echo "start.sh: endpoint not ready after ${VIRTUOSO_START_TIMEOUT}s; last log lines:" >&2
    tail -n 20 "$VIRTUOSO_DB_DIR/virtuoso.log" >&2 || true
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
    exit 1
  fi
  # give the daemon a few seconds to write its lock file before declaring it dead
  if [ -z "$pid" ] && [ $(( SECONDS + VIRTUOSO_START_TIMEOUT - deadline )) -gt 10 ]; then
    echo "start.sh: virtuoso-t exited during startup; last log lines:" >&2
    tail -n 20 "$VIRTUOSO_DB_DIR/virtuoso.log" >&2 || true
    exit 1
  fi
  sleep 1
done
pid="$(virtuoso_pid || true)"

"$VIRTUOSO_SCRIPT_DIR/grants.sh" "$VIRTUOSO_DB_DIR"
print_endpoints "$pid"
