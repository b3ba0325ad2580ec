"""Schema version 2: every quantity, total and count is a 64-bit integer.

A line holds at most a billion units, but totals add lines up: on PostgreSQL, whose INTEGER
is 32-bit, three receipts of a billion of one SKU overflowed `product.on_hand`, and an order
of three such lines made the units still waiting overflow every run's record. SQLite's
INTEGER is 64-bit already, so there this step changes nothing but is recorded all the same.

A frozen copy, like 0001: the columns as they are named at version 2.
"""

from typing import Any

import peewee as pw

COLUMNS = {
    "product": ("on_hand", "committed", "backordered"),
    "order_line": ("ordered", "committed", "shipped", "backordered", "cancelled"),
    "run": ("ledger_rows", "products", "shipments", "units", "waiting"),
    "shipment_line": ("qty",),
    "receipt_line": ("qty",),
    "adjustment": ("qty",),
    "customer_return": ("qty",),
    # Its id too: a busy shop writes billions of ledger rows in a lifetime, and no key refers to it.
    "ledger": ("id", "on_hand_delta", "committed_delta"),
}


def up(migrator: Any, db: pw.Database) -> None:
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    for table, columns in COLUMNS.items():
        # One statement a table: PostgreSQL rewrites each table once, not once a column.
        changes = ", ".join(f'ALTER COLUMN "{column}" TYPE BIGINT' for column in columns)
        db.execute_sql(f'ALTER TABLE "{table}" {changes}')
