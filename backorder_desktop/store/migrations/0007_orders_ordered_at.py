"""Schema version 7: orders are found and sorted by when they were ordered (the Orders tab).

The Orders tab lists every order newest first and filters them by a range of days. Without an
index on `orders.ordered_at`, each page of that list sorted all the orders: on 500,000 orders
(1,000,000 lines) a page took 340 ms and a count of one month's orders 49 ms, in the window's
thread; with it, 0.2 ms and 1 ms (docs/PERFORMANCE.md, "The Orders tab").

A frozen copy, like 0001: the index as it is named at version 7.
"""

from typing import Any

import peewee as pw


def up(migrator: Any, db: pw.Database) -> None:
    db.execute_sql("CREATE INDEX orders_ordered_at ON orders (ordered_at)")
