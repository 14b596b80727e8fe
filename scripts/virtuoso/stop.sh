#!/usr/bin/env bash
# Stop strikegraph's Virtuoso for DB_DIR: clean shutdown via isql (checkpoint),
# then SIGTERM, then SIGKILL, each bounded. Exits 0 if nothing is running.
#
# Usage: scripts/virtuoso/stop.sh [DB_DIR]       (see _common.sh for the env vars)
# Set VIRTUOSO_WIPE=1 to also delete DB_DIR afterwards.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

wait_gone() {  # pid seconds
  local end=$(( SECONDS + $2 ))
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.5
  done
}

if pid="$(virtuoso_pid)"; then
  echo "stop.sh: shutting down virtuoso (pid $pid)"
  # isql -K = SHUTDOWN (checkpoints first). Try the configured password, then the default.
  for pw in "$VIRTUOSO_DBA_PASSWORD" dba; do
    if timeout 30 isql-vt "$VIRTUOSO_HOST:$VIRTUOSO_SQL_PORT" dba "$pw" -K </dev/null >/dev/null 2>&1; then
      break
    fi
  done
  if ! wait_gone "$pid" "$VIRTUOSO_STOP_TIMEOUT"; then
    echo "stop.sh: still running after ${VIRTUOSO_STOP_TIMEOUT}s, sending SIGTERM" >&2
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 20; then
      echo "stop.sh: sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 10 || { echo "stop.sh: pid $pid would not die" >&2; exit 1; }
    fi
  fi
  echo "stop.sh: stopped"
else
  echo "stop.sh: no virtuoso running for $VIRTUOSO_DB_DIR"
fi

if [ "${VIRTUOSO_WIPE:-0}" = 1 ] && [ -d "$VIRTUOSO_DB_DIR" ]; then
  rm -rf -- "$VIRTUOSO_DB_DIR"
  echo "stop.sh: removed $VIRTUOSO_DB_DIR"
fi
