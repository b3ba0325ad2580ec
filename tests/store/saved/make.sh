#!/usr/bin/env bash
# Makes the saved databases that the upgrade tests open, each with the program as it was at that
# schema, never with a newer one:
#   schema 2: commit 3317de3, for tests/store/test_slot_migration.py
#   schema 3: commit 067c8df, for tests/store/test_activity_migration.py
#   bash tests/store/saved/make.sh PROGRAM DB        # DB: a new SQLite file or an empty server database
# For PostgreSQL, the database is then dumped as text:
#   pg_dump --no-owner --no-privileges --inserts DB_URL | grep -v "^\\\\" > tests/store/saved/schema-N.sql
# (without psql's backslash commands, so that any driver can run it)
set -euo pipefail
program="$1"
db="$2"
here="$(cd "$(dirname "$0")" && pwd)"
run() { "$program" --db "$db" "$@"; }
run init
run import products "$here/products.csv"
run import orders "$here/orders.csv"
run prefs --enable
run import receipts "$here/receipts.csv"
run run primary
run ship S0000001
run import adjustments "$here/adjustments.csv"
run run secondary --dry-run
run run secondary
run import returns "$here/returns.csv"
run schedules set 7792 --on --every 1 --unit minutes --days mon,tue,wed,thu,fri,sat,sun --start 00:00 --end 23:59
run prefs --disable
run run primary
run prefs --enable
run void-shipment S0000002
run check
