#!/usr/bin/env bash
# Start a throwaway PostgreSQL server from Debian's binaries for the tests; print its URL.
# Usage: source .ci/postgres.sh  (exports BACKORDER_TEST_POSTGRES)
set -euo pipefail
port="${BACKORDER_PG_PORT:-54329}"
data="${BACKORDER_PG_DATA:-/tmp/backorder-pg-$port}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bin" ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    else
        echo "postgres.sh: no PostgreSQL binaries and no apt-get to install them" >&2
        return 1 2>/dev/null || exit 1
    fi
fi
# PostgreSQL refuses to run as root: run it as the postgres user the package created.
as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi
if ! "${as_owner[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    "${as_owner[@]}" "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
fi
export BACKORDER_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$port/postgres"
echo "$BACKORDER_TEST_POSTGRES"
