#!/usr/bin/env bash
# Idempotent security setup of a running strikegraph Virtuoso (called by start.sh).
#
#  * dba / dav passwords: a fresh database has dba/dba; it is changed to
#    $VIRTUOSO_DBA_PASSWORD (and dav gets the same).
#  * app user $VIRTUOSO_APP_USER with role SPARQL_UPDATE, for the *-auth endpoints.
#  * extra Basic-auth endpoints /sparql-auth-basic and /sparql-graph-crud-auth-basic
#    (Virtuoso's own /sparql-auth and /sparql-graph-crud-auth accept Digest only,
#    while rdflib's SPARQLConnector(auth=(u, p)) sends Basic).
#  * VIRTUOSO_ANON_UPDATE=1: GRANT SPARQL_UPDATE TO "SPARQL" (the identity that
#    anonymous /sparql and /sparql-graph-crud requests run as); 0: revoke it.
#
# Usage: scripts/virtuoso/grants.sh [DB_DIR]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

if vsql_login_ok dba "$VIRTUOSO_DBA_PASSWORD"; then
  :
elif vsql_login_ok dba dba; then
  echo "grants.sh: setting the dba/dav password (fresh database)"
  vsql dba dba >/dev/null <<EOF
-- dav is a WebDAV-only account (not SQL-enabled): USER_SET_PASSWORD refuses it,
-- USER_CHANGE_PASSWORD with its default password 'dav' works.
create procedure DB.DBA.SG_SET_DAV (in p varchar)
{
  declare st, msg varchar;
  if (exists (select 1 from DB.DBA.SYS_USERS where U_NAME = 'dav'))
    exec ('USER_CHANGE_PASSWORD (?, ?, ?)', st, msg, vector ('dav', 'dav', p));
};
DB.DBA.SG_SET_DAV ('$VIRTUOSO_DBA_PASSWORD');
drop procedure DB.DBA.SG_SET_DAV;
USER_SET_PASSWORD ('dba', '$VIRTUOSO_DBA_PASSWORD');
checkpoint;
EOF
  vsql_login_ok dba "$VIRTUOSO_DBA_PASSWORD" || { echo "grants.sh: new dba password does not work" >&2; exit 1; }
else
  echo "grants.sh: cannot log in as dba with VIRTUOSO_DBA_PASSWORD nor with the default password" >&2
  exit 1
fi

if [ "$VIRTUOSO_ANON_UPDATE" = 1 ]; then
  ANON_SQL="DB.DBA.SG_EXEC_QUIET ('GRANT SPARQL_UPDATE TO \"SPARQL\"');"
else
  ANON_SQL="DB.DBA.SG_EXEC_QUIET ('REVOKE SPARQL_UPDATE FROM \"SPARQL\"');"
fi

vsql dba "$VIRTUOSO_DBA_PASSWORD" >/dev/null <<EOF
-- app user (created once, password re-set every time so the env var wins)
create procedure DB.DBA.SG_ENSURE_USER (in u varchar, in p varchar)
{
  if (not exists (select 1 from DB.DBA.SYS_USERS where U_NAME = u))
    DB.DBA.USER_CREATE (u, p);
  USER_SET_PASSWORD (u, p);
  -- the SPARQL auth check needs a SQL-enabled account
  DB.DBA.USER_SET_OPTION (u, 'SQL_ENABLE', 1);
  if (not exists (select 1 from DB.DBA.SYS_ROLE_GRANTS where GI_SUPER = (select U_ID from DB.DBA.SYS_USERS where U_NAME = u)
                   and GI_SUB = (select U_ID from DB.DBA.SYS_USERS where U_NAME = 'SPARQL_UPDATE')))
    exec ('GRANT SPARQL_UPDATE TO "' || u || '"');
};
-- GRANT/REVOKE that do not fail when already granted / not granted
create procedure DB.DBA.SG_EXEC_QUIET (in stmt varchar)
{
  declare st, msg varchar;
  st := '00000';
  exec (stmt, st, msg);
};
DB.DBA.SG_ENSURE_USER ('$VIRTUOSO_APP_USER', '$VIRTUOSO_APP_PASSWORD');
drop procedure DB.DBA.SG_ENSURE_USER;

-- Basic-auth twins of Virtuoso's digest-only endpoints
DB.DBA.VHOST_REMOVE (lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-auth-basic');
DB.DBA.VHOST_DEFINE (lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-auth-basic',
  ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba', opts=>vector('noinherit', 1),
  auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', realm=>'SPARQL', sec=>NULL);
DB.DBA.VHOST_REMOVE (lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-graph-crud-auth-basic');
DB.DBA.VHOST_DEFINE (lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-graph-crud-auth-basic',
  ppath=>'/!sparql-graph-crud/', is_dav=>1, vsp_user=>'dba', opts=>vector('noinherit', 1, 'exec_as_get', 1),
  auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', realm=>'SPARQL', sec=>NULL);

$ANON_SQL
drop procedure DB.DBA.SG_EXEC_QUIET;
checkpoint;
EOF
echo "grants.sh: dba password set, app user '$VIRTUOSO_APP_USER' has SPARQL_UPDATE, anonymous update=$VIRTUOSO_ANON_UPDATE"
