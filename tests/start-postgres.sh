#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the relay tests and prints its URL.
#   eval "$(bash tests/start-postgres.sh DIR)"   # sets ONSHI_PG_URL and ONSHI_PG_PID
# The server runs as the `postgres` user (initdb refuses root) from a fresh data folder in
# DIR, on a free loopback port, with trust authentication on loopback only. It does not use
# or need the system's PostgreSQL service.
set -euo pipefail
dir=${1:?usage: start-postgres.sh DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "echo 'PostgreSQL server binaries not found (apt install postgresql)' >&2; false"; exit 1; }
mkdir -p "$dir"
data="$dir/pgdata"
rm -rf "$data"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
as_pg "$bin/initdb" -D "$data" -A trust -U postgres --no-sync > "$dir/initdb.log" 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start > /dev/null
pid=$(head -1 "$data/postmaster.pid")
echo "export ONSHI_PG_URL=postgres://postgres@127.0.0.1:$port/postgres ONSHI_PG_PID=$pid ONSHI_PG_DATA=$data"
