"""Whether anything was written since a moment: a revision of the database, read in a handful of
index seeks, that every write of any program moves (the command line, another window, a service).

The window compares the revision it saw last with one read now, off its own thread, and reads
its tables again only when they differ. Every change leaves a trace here: stock moves write
ledger rows (receipts, adjustments, returns, commits, shipping, voids); runs, shipments, orders
and products get new ids; voiding an order that only waited changes no stock, so voided orders
are counted (through the status index); the two schedules and the preferences are a few values
each; the activity log's newest row catches a change that writes nothing else (a grant). On SQLite
the database files themselves are compared too (any commit of any program changes the write-ahead
log), which also catches product names and flags changed by an import; on PostgreSQL those show
at the next other change or when the person refreshes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from backorder_desktop.store.database import files_on_disk, query


class Revision(NamedTuple):
    """Where the database stands: unequal revisions mean something was written in between."""

    ledger: int  # the highest ledger id
    runs: int
    shipments: int
    orders: int
    products: int
    voided_orders: int
    activity: int  # the highest activity id: a grant writes nothing else
    schedules: tuple[tuple[Any, ...], ...]  # each schedule's saved values
    preferences: tuple[Any, ...]
    files: tuple[int, ...] | None  # SQLite: the database and its log on disk; None on a server


_HIGHEST = (
    "SELECT (SELECT COALESCE(MAX(id), 0) FROM ledger), (SELECT COALESCE(MAX(id), 0) FROM run),"
    " (SELECT COALESCE(MAX(id), 0) FROM shipment), (SELECT COALESCE(MAX(id), 0) FROM orders),"
    " (SELECT COALESCE(MAX(id), 0) FROM product), (SELECT COUNT(*) FROM orders WHERE status = 'void'),"
    " (SELECT COALESCE(MAX(id), 0) FROM activity)"
)


def revision() -> Revision:
    """The database's revision now."""
    files = files_on_disk()  # before the reads: a commit after it shows in the next revision
    ((ledger, runs, shipments, orders, products, voided, logged),) = query(_HIGHEST)
    schedules = tuple(
        query('SELECT code, enabled, every, unit, days, start, "end", saved_at FROM schedule ORDER BY code')
    )
    (preferences,) = query("SELECT backorders_enabled, allocation_order FROM preferences WHERE id = 1")
    return Revision(
        int(ledger),
        int(runs),
        int(shipments),
        int(orders),
        int(products),
        int(voided),
        int(logged),
        schedules,
        tuple(preferences),
        files,
    )
