#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's binaries, for the tests.
# Usage: bash .ci/postgres.sh [start|status|stop]
#   start (the default)  start a server (installing Debian's postgresql if need be) in a new
#                        temporary folder, on a free port, or on BACKORDER_PG_PORT if that is
#                        set (where a server this script started already runs, it is reused);
#                        its URL is the last line printed
#   status               exit 0 if a server this script started runs on BACKORDER_PG_PORT, 1 if not
#   stop                 stop the server this script started on BACKORDER_PG_PORT and delete its
#                        data folder (nothing to do if none runs there)
# So two test runs on one machine never share, or stop, each other's server: each starts its
# own and stops the one on the port its URL names, e.g.
#   url="$(bash .ci/postgres.sh | tail -n 1)"; port="${url##*:}"; port="${port%%/*}"
#   BACKORDER_PG_PORT="$port" bash .ci/postgres.sh stop
# BACKORDER_PG_DATA names the data folder of a new server instead of a new temporary one.
set -euo pipefail
mode="${1:-start}"
port="${BACKORDER_PG_PORT:-}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
sockets=/tmp
marker=started-by-backorder-postgres-sh # in the data folder of every server made here
# PostgreSQL refuses to run as root: run it as the postgres user the package created.
as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi

# The data folder of the server this script started on PORT (from the lock file of the
# server's socket, which names it), or nothing.
data_of() {
    local lock="$sockets/.s.PGSQL.$1.lock" data
    [ -r "$lock" ] || return 0
    data="$(sed -n 2p "$lock")"
    if [ -f "$data/$marker" ]; then echo "$data"; fi
}

running() { # DATA
    [ -n "$bin" ] && [ -n "$1" ] && "${as_owner[@]}" "$bin/pg_ctl" -D "$1" status >/dev/null 2>&1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$mode" in
status)
    if [ -n "$port" ] && running "$(data_of "$port")"; then exit 0; else exit 1; fi
    ;;
stop)
    if [ -z "$port" ]; then
        echo "postgres.sh stop: set BACKORDER_PG_PORT to the port of the server to stop" >&2
        exit 2
    fi
    data="$(data_of "$port")"
    if [ -n "$data" ]; then
        if running "$data"; then "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
        rm -rf "$data"
    fi
    exit 0
    ;;
start) ;;
*)
    echo "usage: bash .ci/postgres.sh [start|status|stop]" >&2
    exit 2
    ;;
esac

if [ -n "$port" ] && running "$(data_of "$port")"; then
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    exit 0
fi
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
if [ -n "${BACKORDER_PG_DATA:-}" ]; then
    data="$BACKORDER_PG_DATA"
    if [ -n "$(ls -A "$data" 2>/dev/null)" ] && { [ ! -f "$data/$marker" ] || running "$data"; }; then
        echo "postgres.sh: $data is not empty (a server, or one this script did not make)" >&2
        exit 1
    fi
    rm -rf "$data"
    mkdir -p "$data"
else
    data="$(mktemp -d /tmp/backorder-pg-XXXXXXXX)"
fi
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
"${as_owner[@]}" "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
"${as_owner[@]}" touch "$data/$marker"
# The settings live in the data folder, so that `pg_ctl -D DATA start` alone starts it again.
"${as_owner[@]}" tee -a "$data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockets'
fsync = off
max_connections = 200
EOF
# A free port can be taken by someone else before the server binds it: then try another.
for attempt in 1 2 3 4 5; do
    chosen="${port:-$(free_port)}"
    echo "port = $chosen" | "${as_owner[@]}" tee -a "$data/postgresql.conf" >/dev/null
    if "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w start >/dev/null; then
        echo "postgresql://postgres@127.0.0.1:$chosen/postgres"
        exit 0
    fi
    if [ -n "$port" ] || [ "$attempt" = 5 ]; then break; fi
done
echo "postgres.sh: the server did not start; its log:" >&2
tail -n 20 "$data/server.log" >&2 || true
rm -rf "$data"
exit 1
