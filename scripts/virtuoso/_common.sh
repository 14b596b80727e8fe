# shellcheck shell=bash disable=SC2034
# Shared settings and helpers for scripts/virtuoso/*.sh (sourced, not executed).
#
# Environment (all optional):
#   VIRTUOSO_DB_DIR         database directory      (default /tmp/strikegraph-virtuoso)
#                           (start.sh/stop.sh/grants.sh also take it as $1)
#   VIRTUOSO_SQL_PORT       isql / ODBC port        (default 11111)
#   VIRTUOSO_HTTP_PORT      HTTP port (SPARQL, GSP) (default 18890)
#   VIRTUOSO_DBA_PASSWORD   password that start.sh sets for dba and dav (default strikegraph-dba)
#   VIRTUOSO_APP_USER       SPARQL user for the authenticated endpoints (default strikegraph)
#   VIRTUOSO_APP_PASSWORD   its password            (default strikegraph)
#   VIRTUOSO_ANON_UPDATE    1 = anonymous /sparql and /sparql-graph-crud may write (default 1;
#                           the server listens on 127.0.0.1 only). 0 = read-only for anonymous.
#   VIRTUOSO_START_TIMEOUT  seconds start.sh waits for the endpoint (default 120)
#   VIRTUOSO_STOP_TIMEOUT   seconds stop.sh waits for shutdown     (default 60)

VIRTUOSO_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VIRTUOSO_INI_TEMPLATE="$VIRTUOSO_SCRIPT_DIR/virtuoso.ini"

VIRTUOSO_DB_DIR="${1:-${VIRTUOSO_DB_DIR:-/tmp/strikegraph-virtuoso}}"
VIRTUOSO_HOST=127.0.0.1
VIRTUOSO_SQL_PORT="${VIRTUOSO_SQL_PORT:-11111}"
VIRTUOSO_HTTP_PORT="${VIRTUOSO_HTTP_PORT:-18890}"
VIRTUOSO_DBA_PASSWORD="${VIRTUOSO_DBA_PASSWORD:-strikegraph-dba}"
VIRTUOSO_APP_USER="${VIRTUOSO_APP_USER:-strikegraph}"
VIRTUOSO_APP_PASSWORD="${VIRTUOSO_APP_PASSWORD:-strikegraph}"
VIRTUOSO_ANON_UPDATE="${VIRTUOSO_ANON_UPDATE:-1}"
VIRTUOSO_START_TIMEOUT="${VIRTUOSO_START_TIMEOUT:-120}"
VIRTUOSO_STOP_TIMEOUT="${VIRTUOSO_STOP_TIMEOUT:-60}"
VIRTUOSO_BASE_URL="http://$VIRTUOSO_HOST:$VIRTUOSO_HTTP_PORT"

for _v in VIRTUOSO_DBA_PASSWORD VIRTUOSO_APP_PASSWORD VIRTUOSO_APP_USER; do
  case "${!_v}" in
    *\'*|*\"*|*\\*|*' '*|'') echo "$_v must be non-empty without quotes, backslashes or spaces" >&2; exit 2 ;;
  esac
done
case "$VIRTUOSO_DB_DIR" in /*) ;; *) VIRTUOSO_DB_DIR="$(pwd)/$VIRTUOSO_DB_DIR" ;; esac

# PID of the server owning $VIRTUOSO_DB_DIR (from its lock file), if it is alive.
virtuoso_pid() {
  local lck="$VIRTUOSO_DB_DIR/virtuoso.lck" pid
  [ -f "$lck" ] || return 1
  pid="$(sed -n 's/^VIRT_PID=\([0-9][0-9]*\).*/\1/p' "$lck" | head -n1)"
  [ -n "$pid" ] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # make sure the pid is really a virtuoso-t (pids get reused after a crash)
  case "$(cat "/proc/$pid/comm" 2>/dev/null)" in virtuoso-t*) echo "$pid" ;; *) return 1 ;; esac
}

# True if something listens on 127.0.0.1:$1
port_busy() {
  (exec 3<>"/dev/tcp/$VIRTUOSO_HOST/$1") 2>/dev/null
}

# True when the HTTP SPARQL endpoint answers an ASK query.
sparql_ready() {
  curl -fsS -m 5 -o /dev/null -H 'Accept: application/sparql-results+json' \
    "$VIRTUOSO_BASE_URL/sparql?query=ASK%7B%7D" 2>/dev/null
}

# Run SQL from stdin through isql as user $1 with password $2; fail on any SQL error.
vsql() {
  local user="$1" pw="$2" out rc
  out="$(timeout 120 isql-vt "$VIRTUOSO_HOST:$VIRTUOSO_SQL_PORT" "$user" "$pw" \
           VERBOSE=OFF BANNER=OFF PROMPT=OFF ECHO=OFF 2>&1)"; rc=$?
  if [ $rc -ne 0 ] || grep -q '^\*\*\* Error' <<<"$out"; then
    printf '%s\n' "$out" >&2
    return 1
  fi
  printf '%s\n' "$out"
}

# True if user/password can log in over isql.
vsql_login_ok() {
  echo "select 1;" | timeout 30 isql-vt "$VIRTUOSO_HOST:$VIRTUOSO_SQL_PORT" "$1" "$2" \
      VERBOSE=OFF BANNER=OFF PROMPT=OFF ECHO=OFF >/dev/null 2>&1
}

print_endpoints() {
  cat <<EOF
Virtuoso (db dir $VIRTUOSO_DB_DIR, pid ${1:-?}) is ready:
  SPARQL query/update (anonymous):        $VIRTUOSO_BASE_URL/sparql
  SPARQL query/update (digest auth):      $VIRTUOSO_BASE_URL/sparql-auth
  SPARQL query/update (basic auth):       $VIRTUOSO_BASE_URL/sparql-auth-basic
  Graph Store Protocol (anonymous):       $VIRTUOSO_BASE_URL/sparql-graph-crud
  Graph Store Protocol (digest auth):     $VIRTUOSO_BASE_URL/sparql-graph-crud-auth
  Graph Store Protocol (basic auth):      $VIRTUOSO_BASE_URL/sparql-graph-crud-auth-basic
  isql (SQL):                             isql-vt $VIRTUOSO_HOST:$VIRTUOSO_SQL_PORT dba <VIRTUOSO_DBA_PASSWORD>
  app user for the *-auth endpoints:      $VIRTUOSO_APP_USER / <VIRTUOSO_APP_PASSWORD>
  anonymous update enabled:               $VIRTUOSO_ANON_UPDATE
EOF
}
