"""The Primary run on PostgreSQL against its floors, when a server is at hand.

The server is the one `--postgres URL` names, or BACKORDER_BENCH_POSTGRES, or the test suite's
BACKORDER_TEST_POSTGRES (`bash .ci/postgres.sh start` prints one). Each repeat runs on a new
database copied from a prepared one (CREATE DATABASE … TEMPLATE), in a child process; the floors
then write, on another copy, exactly the rows the run wrote, with no logic: by COPY for the
inserts and a temporary table joined by UPDATE … FROM for the updates (the COPY floor), and by
`executemany` of each statement (the executemany floor). Databases made here are dropped, with
the groups the program made for them. A URL is shown without its password.
"""

from __future__ import annotations

import os
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PREFIX = "backorder_bench_"


def server(given: str | None) -> str | None:
    """The server to measure on, if any."""
    return given or os.environ.get("BACKORDER_BENCH_POSTGRES") or os.environ.get("BACKORDER_TEST_POSTGRES")


def database_url(server_url: str, name: str) -> str:
    """SERVER_URL with its database replaced by NAME."""
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(server_url: str) -> Any:
    return _connect(database_url(server_url, "postgres"), autocommit=True)


def fresh(server_url: str, name: str, template: str | None = None) -> str:
    """A new database NAME (a copy of TEMPLATE's, when given), made again if it was there."""
    drop(server_url, name)
    with _admin(server_url) as admin:
        copy = f' TEMPLATE "{PREFIX}{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{PREFIX}{name}"{copy}')
    return database_url(server_url, PREFIX + name)


def drop(server_url: str, name: str) -> None:
    """Drop database NAME and the groups the program made for it (not those of the database it
    was copied from)."""
    import psycopg

    with _admin(server_url) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PREFIX + name,)).fetchone()
        if found is None:
            return
        groups: list[str] = []
        try:
            with _connect(database_url(server_url, PREFIX + name)) as inside:
                own = inside.execute(  # a copy holds its original's row until the program opens it
                    "SELECT admin_role, staff_role FROM team WHERE database_oid ="
                    " (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
                groups = [group for row in own for group in row]
        except psycopg.Error:
            pass  # no team table yet: no groups
        admin.execute(f'DROP DATABASE "{PREFIX}{name}" WITH (FORCE)')
        for group in groups:
            admin.execute(f'DROP ROLE IF EXISTS "{group}"')


def _connect(url: str, autocommit: bool = False) -> Any:
    """A plain driver connection (the password, if any, from the URL or ~/.pgpass, never shown)."""
    import psycopg

    from backorder_desktop.store.urls import connection_settings

    settings = {k: v for k, v in connection_settings(url).items() if v is not None}
    settings["dbname"] = settings.pop("database")
    return psycopg.connect(autocommit=autocommit, **settings)


def floor(pristine: str, done: str, how: str) -> dict[str, Any]:
    """On PRISTINE, write exactly the rows the last run wrote into DONE; HOW is "copy" or
    "executemany". Timed from BEGIN to COMMIT."""
    with _connect(done) as source:
        (run_id,) = source.execute("SELECT MAX(id) FROM run").fetchone()
        with _connect(pristine) as before:
            (top,) = before.execute("SELECT value FROM counter WHERE name = 'ledger'").fetchone()
        run = source.execute("SELECT * FROM run WHERE id = %s", (run_id,)).fetchone()
        shipment_columns = ("id", "order_id", "created_at", "created_by", "run_id", "status", "created_user")
        shipments = source.execute(
            f"SELECT {', '.join(shipment_columns)} FROM shipment WHERE run_id = %s", (run_id,)
        ).fetchall()
        line_columns = ("id", "shipment_id", "order_line_id", "product_id", "qty")
        lines = source.execute(
            f"SELECT {', '.join('sl.' + c for c in line_columns)} FROM shipment_line sl"
            " JOIN shipment s ON s.id = sl.shipment_id WHERE s.run_id = %s",
            (run_id,),
        ).fetchall()
        order_lines = source.execute(
            "SELECT ol.id, ol.committed, ol.backordered FROM order_line ol WHERE ol.id IN"
            " (SELECT order_line_id FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id"
            "  WHERE s.run_id = %s)",
            (run_id,),
        ).fetchall()
        products = source.execute(
            "SELECT id, committed, backordered FROM product"
            " WHERE id IN (SELECT product_id FROM ledger WHERE id > %s)",
            (top,),
        ).fetchall()
        ledger_columns = ("id", "kind", "product_id", "on_hand_delta", "committed_delta", "at", "document")
        ledger = source.execute(
            f"SELECT {', '.join(ledger_columns)} FROM ledger WHERE id > %s", (top,)
        ).fetchall()
        counters = source.execute("SELECT value, name FROM counter").fetchall()
        watermarks = source.execute("SELECT ledger_id, process FROM watermark").fetchall()
    with _connect(pristine) as target:
        cursor = target.cursor()
        started = time.perf_counter()
        cursor.execute(f"INSERT INTO run VALUES ({', '.join(['%s'] * len(run))})", run)
        inserts = (
            ("shipment", shipment_columns, shipments),
            ("shipment_line", line_columns, lines),
            ("ledger", ledger_columns, ledger),
        )
        updates = (("order_line", order_lines), ("product", products))
        if how == "copy":
            for table, columns, rows in inserts:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            for table, rows in updates:
                cursor.execute(
                    f"CREATE TEMP TABLE changed_{table} (id BIGINT, committed BIGINT, backordered BIGINT)"
                    " ON COMMIT DROP"
                )
                with cursor.copy(f"COPY changed_{table} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    f"UPDATE {table} t SET committed = c.committed, backordered = c.backordered"
                    f" FROM changed_{table} c WHERE t.id = c.id"
                )
        else:
            for table, columns, rows in inserts:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            for table, rows in updates:
                cursor.executemany(
                    f"UPDATE {table} SET committed = %s, backordered = %s WHERE id = %s",
                    [(c, b, i) for i, c, b in rows],
                )
        cursor.executemany("UPDATE counter SET value = %s WHERE name = %s", counters)
        cursor.executemany("UPDATE watermark SET ledger_id = %s WHERE process = %s", watermarks)
        target.commit()
        seconds = time.perf_counter() - started
    rows = len(shipments) + len(lines) + len(order_lines) + len(products) + len(ledger) + 1
    return {"seconds": seconds, "rows": rows}


def fingerprints(url: str, people: bool = True) -> dict[str, str]:
    from bench import tables

    with _connect(url) as connection:
        return tables.fingerprints(connection, people)
