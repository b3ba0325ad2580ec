#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's binaries, for the tests.
# Usage: bash .ci/postgres.sh [start|status|stop]
#   start (the default)  start it unless it runs (installing Debian's postgresql if need be);
#                        its URL is the last line printed
#   status               exit 0 if it runs, 1 if not
#   stop                 stop it and delete its data folder (nothing to do if it does not run)
# BACKORDER_PG_PORT (default 54329) and BACKORDER_PG_DATA choose the server.
set -euo pipefail
mode="${1:-start}"
port="${BACKORDER_PG_PORT:-54329}"
data="${BACKORDER_PG_DATA:-/tmp/backorder-pg-$port}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
# PostgreSQL refuses to run as root: run it as the postgres user the package created.
as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi

running() {
    [ -n "$bin" ] && "${as_owner[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

case "$mode" in
status)
    if running; then exit 0; else exit 1; fi
    ;;
stop)
    if running; then
        "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    rm -rf "$data"
    exit 0
    ;;
start) ;;
*)
    echo "usage: bash .ci/postgres.sh [start|status|stop]" >&2
    exit 2
    ;;
esac

if [ -z "$bin" ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    else
        echo "postgres.sh: no PostgreSQL binaries and no apt-get to install them" >&2
        exit 1
    fi
fi
if ! running; then
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    "${as_owner[@]}" "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
fi
echo "postgresql://postgres@127.0.0.1:$port/postgres"
