"""`check`: recompute every stock figure from the ledger and the order lines, and test the invariants.

The database does the sums and the per-line tests; Python sees a row per product and the rows
that break a rule. A million order lines cost about two seconds on SQLite (docs/PERFORMANCE.md):

- The per-product sums are added up without sorting the ledger or the order lines. On SQLite
  every row is added into a temporary table keyed by product (an upsert into a b-tree of one
  row per product); a GROUP BY would sort a million rows first, twice as slow. On PostgreSQL
  a GROUP BY is hashed, not sorted. The open lines' backorders are read through the partial
  index of waiting lines, so they cost what waits, not the history.
- The per-line tests are first counted, and only when a count says a line breaks a rule is
  the query that names the lines run. Each line's shipment totals are read along the index
  `shipment_line (order_line_id)`, each total then finding its line by its key, rather than
  the totals being looked up for every line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import peewee

from backorder_desktop.store.database import db, query, unindexed


@dataclass
class CheckReport:
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    products: int = 0
    ledger_rows: int = 0
    order_lines: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations


@dataclass(frozen=True)
class _Recomputed:
    """One product's figures as the ledger and the order lines add them up."""

    on_hand: int = 0  # the ledger's on-hand deltas
    committed: int = 0  # the ledger's committed deltas
    in_lines: int = 0  # the order lines' committed units (what pending shipments hold)
    waiting: int = 0  # the open orders' lines' backordered units


def check() -> CheckReport:
    """Recompute and compare; every mismatch is a violation, a negative available a warning."""
    with _one_snapshot():
        return _check()


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """Every read of the check sees the database as it stood at the first one, so a run or a
    receipt that another program commits meanwhile cannot make figures read before it disagree
    with rows read after it. On SQLite a deferred transaction: it only reads the file, and a
    writer does not wait on it (write-ahead log). On PostgreSQL a repeatable read, without JIT
    compilation: the server compiled each of these scans for 0.2 to 0.5 s, more than it then
    took to run them on 100,000 lines."""
    if _on_sqlite():
        with db.atomic(lock_type="DEFERRED"):
            yield
        return
    with db.atomic(isolation_level="REPEATABLE READ"):
        if query("SELECT current_setting('jit', true)")[0][0] is not None:
            db.execute_sql("SET LOCAL jit = off")
        yield


def _check() -> CheckReport:
    report = CheckReport()
    products = query("SELECT id, sku, on_hand, committed, backordered FROM product")
    report.products = len(products)
    recomputed, report.ledger_rows = _recompute()
    nothing = _Recomputed()
    for pid, sku, on_hand, committed, backordered in sorted(products, key=lambda p: str(p[1])):
        sums = recomputed.get(pid, nothing)
        if on_hand != sums.on_hand:
            report.violations.append(f"{sku}: on hand is {on_hand}, the ledger says {sums.on_hand}")
        if committed != sums.committed:
            report.violations.append(f"{sku}: committed is {committed}, the ledger says {sums.committed}")
        if committed != sums.in_lines:
            report.violations.append(
                f"{sku}: committed is {committed}, pending shipments hold {sums.in_lines}"
            )
        if backordered != sums.waiting:
            report.violations.append(
                f"{sku}: backordered is {backordered}, open order lines want {sums.waiting}"
            )
        if on_hand < 0:
            report.violations.append(f"{sku}: on hand is negative ({on_hand})")
        elif on_hand < committed:
            report.warnings.append(
                f"{sku}: available is {on_hand - committed} (on hand {on_hand} below committed"
                f" {committed}, after a negative adjustment); the processes allocate none of it"
            )
    _check_lines(report)
    _check_orders(report)
    _check_returns(report)
    return report


def _on_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


# What each product's figures add up from: per product (first column), its on hand, committed,
# committed in lines, waiting and ledger rows. Three reads:
_FIGURES = ("on_hand", "committed", "in_lines", "waiting", "ledger_rows")
_ADDED = (
    # every ledger row, as stored;
    "SELECT product_id, on_hand_delta, committed_delta, 0, 0, 1 FROM ledger WHERE TRUE",
    # the lines with units committed (pending shipments hold them), and a broken line of an open
    # order with a negative backorder (the index of waiting lines below leaves it out);
    "SELECT ol.product_id, 0, 0, ol.committed, CASE WHEN ol.backordered < 0"
    " AND (SELECT o.status FROM orders o WHERE o.id = ol.order_id) = 'open' THEN ol.backordered ELSE 0 END,"
    " 0 FROM order_line ol WHERE ol.committed <> 0 OR ol.backordered < 0",
    # the open orders' waiting lines, through the partial index `order_line_waiting (product_id…)
    # WHERE backordered > 0`: in product order, so summed without a sort, and as many as wait.
    "SELECT ol.product_id, 0, 0, 0, SUM(ol.backordered), 0 FROM order_line ol"
    " JOIN orders o ON o.id = ol.order_id WHERE ol.backordered > 0 AND {open} = 'open'"
    " GROUP BY ol.product_id",
)


def _recompute() -> tuple[dict[int, _Recomputed], int]:
    """Per product: the figures recomputed from the ledger and the order lines; and the number of
    ledger rows."""
    added = [sql.format(open=unindexed("o.status")) for sql in _ADDED]
    if _on_sqlite():
        rows = _added_up_by_product(added)
    else:
        # PostgreSQL hashes a GROUP BY: one pass over what is added, no sort.
        sums = ", ".join(f"SUM({figure})" for figure in _FIGURES)
        rows = query(
            f"SELECT product_id, {sums} FROM ({' UNION ALL '.join(added)})"
            f" AS added (product_id, {', '.join(_FIGURES)}) GROUP BY product_id"
        )
    recomputed = {pid: _Recomputed(*(int(f) for f in figures)) for pid, *figures, _ledger_rows in rows}
    return recomputed, sum(int(row[-1]) for row in rows)


def _added_up_by_product(added: list[str]) -> list[tuple[Any, ...]]:
    """SQLite: each row of ADDED added into its product's row of a temporary table, in the order
    they are read (a GROUP BY would sort the million rows first: twice as slow). The temporary
    table is this connection's own, in its temporary database: nothing is written to the file."""
    name = "temp.check_sums"
    db.execute_sql(f"DROP TABLE IF EXISTS {name}")
    columns = ", ".join(f"{figure} INTEGER NOT NULL" for figure in _FIGURES)
    db.execute_sql(f"CREATE TABLE {name} (product_id INTEGER PRIMARY KEY, {columns})")
    add = ", ".join(f"{figure} = {figure} + excluded.{figure}" for figure in _FIGURES)
    try:
        for sql in added:
            db.execute_sql(
                f"INSERT INTO {name} (product_id, {', '.join(_FIGURES)}) {sql}"
                f" ON CONFLICT (product_id) DO UPDATE SET {add}"
            )
        return query(f"SELECT product_id, {', '.join(_FIGURES)} FROM {name}")
    finally:
        db.execute_sql(f"DROP TABLE IF EXISTS {name}")


# Per line that some shipment holds: what its pending and its shipped shipments hold of it, in
# one pass along the index `shipment_line (order_line_id)`.
_HELD = (
    "SELECT sl.order_line_id AS id,"
    " SUM(CASE WHEN s.status = 'pending' THEN sl.qty ELSE 0 END) AS pending,"
    " SUM(CASE WHEN s.status = 'shipped' THEN sl.qty ELSE 0 END) AS sent"
    " FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id GROUP BY sl.order_line_id"
)
# A line's own rules: its quantities add up and none is negative; its order's status agrees.
_LINE_BROKEN = (
    "ol.ordered <> ol.committed + ol.shipped + ol.backordered + ol.cancelled"
    " OR ol.committed < 0 OR ol.shipped < 0 OR ol.backordered < 0 OR ol.cancelled < 0"
    " OR (o.status <> 'open' AND (ol.backordered > 0 OR ol.committed > 0))"
    " OR (o.status = 'open' AND ol.cancelled > 0)"
)


def _lines_are_sound() -> bool:
    """Whether every line keeps its rules and agrees with what shipments hold of it, counted
    without naming any line.

    A line that no shipment holds must have nothing committed and nothing shipped; the lines
    that some shipment holds are met from the shipment lines' side, each finding its line by
    its key (on SQLite, the order of a cross join is kept: the totals come out of the index in line
    order and are never stored or looked up). So the lines with units committed or shipped
    must all be among those met, and none of those met may disagree."""
    join = "CROSS JOIN" if _on_sqlite() else "JOIN"
    ((met, disagree),) = query(
        f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN ol.committed <> h.pending OR ol.shipped <> h.sent"
        f" THEN 1 ELSE 0 END), 0) FROM ({_HELD}) h {join} order_line ol ON ol.id = h.id"
        " WHERE ol.committed <> 0 OR ol.shipped <> 0 OR h.pending <> 0 OR h.sent <> 0"
    )
    ((holding, broken),) = query(
        "SELECT COALESCE(SUM(CASE WHEN ol.committed <> 0 OR ol.shipped <> 0 THEN 1 ELSE 0 END), 0),"
        f" COALESCE(SUM(CASE WHEN {_LINE_BROKEN} THEN 1 ELSE 0 END), 0)"
        " FROM order_line ol LEFT JOIN orders o ON o.id = ol.order_id"
    )
    # Both counts run over every line, whether its order exists or not (it does: a foreign key),
    # so that they meet the same lines. A line met with nothing committed, shipped or held is
    # not counted on either side.
    return int(disagree) == 0 and int(broken) == 0 and int(met) == int(holding)


def _check_lines(report: CheckReport) -> None:
    report.order_lines = int(query("SELECT COUNT(*) FROM order_line")[0][0])
    if _lines_are_sound():
        return
    rows = query(
        f"WITH held AS ({_HELD}) "
        "SELECT o.number, o.status, ol.line, ol.ordered, ol.committed, ol.shipped, ol.backordered,"
        " ol.cancelled, COALESCE(h.pending, 0), COALESCE(h.sent, 0)"
        " FROM order_line ol JOIN orders o ON o.id = ol.order_id LEFT JOIN held h ON h.id = ol.id"
        f" WHERE {_LINE_BROKEN}"
        " OR ol.committed <> COALESCE(h.pending, 0) OR ol.shipped <> COALESCE(h.sent, 0)"
        " ORDER BY ol.id"
    )
    for number, status, line, ordered, committed, shipped, backordered, cancelled, held, sent in rows:
        where = f"order {number} line {line}"
        if min(committed, shipped, backordered, cancelled) < 0:
            report.violations.append(f"{where}: a negative quantity")
        if ordered != committed + shipped + backordered + cancelled:
            report.violations.append(
                f"{where}: ordered {ordered} is not committed {committed} + shipped {shipped}"
                f" + backordered {backordered} + cancelled {cancelled}"
            )
        if committed != held:
            report.violations.append(f"{where}: committed {committed}, pending shipments hold {held}")
        if shipped != sent:
            report.violations.append(f"{where}: shipped {shipped}, shipped shipments hold {sent}")
        if status != "open" and (backordered or committed):
            report.violations.append(f"{where}: the order is {status} but the line still waits")
        if status == "open" and cancelled:
            report.violations.append(f"{where}: cancelled units on an open order")


def _check_orders(report: CheckReport) -> None:
    unshipped = "EXISTS (SELECT 1 FROM order_line ol WHERE ol.order_id = o.id AND ol.shipped < ol.ordered)"
    for number, status in query(
        f"SELECT o.number, o.status FROM orders o WHERE (o.status = 'open' AND NOT {unshipped})"
        f" OR (o.status = 'closed' AND {unshipped})"
    ):
        if status == "open":
            report.violations.append(f"order {number}: every line shipped but the order is open")
        else:
            report.violations.append(f"order {number}: closed with units unshipped")
    for number, created_by in query(
        "SELECT s.id, s.created_by FROM shipment s WHERE s.status = 'pending'"
        " AND NOT EXISTS (SELECT 1 FROM shipment_line sl WHERE sl.shipment_id = s.id)"
    ):
        report.violations.append(f"shipment {number} ({created_by}) has no lines")


def _check_returns(report: CheckReport) -> None:
    # What was shipped of each returned product of an order is summed from that order's own lines
    # (`order_line (order_id)`): as many reads as returns. Joined to the sums of every order's
    # lines instead, SQLite grouped all the order lines as soon as one return existed (1.0 s on
    # 1,000,000 lines with 1,000 returns, against 0.01 s).
    for number, sku, returned, shipped in query(
        "SELECT o.number, p.sku, r.qty, (SELECT COALESCE(SUM(ol.shipped), 0) FROM order_line ol"
        "  WHERE ol.order_id = r.order_id AND ol.product_id = r.product_id)"
        " FROM (SELECT order_id, product_id, SUM(qty) AS qty FROM customer_return"
        "  GROUP BY order_id, product_id) r"
        " JOIN orders o ON o.id = r.order_id JOIN product p ON p.id = r.product_id"
    ):
        if int(returned) > int(shipped):
            report.violations.append(f"order {number}: {returned} of {sku} returned, {shipped} shipped")
