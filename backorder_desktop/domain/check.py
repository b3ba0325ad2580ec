"""`check`: recompute every stock figure from the ledger and the order lines, and test the invariants.

Each big table is read once, and the per-line tests run inside the database,
which returns only the lines that break one: a million lines cost seconds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from backorder_desktop.domain.ledger import COMMITTED, ON_HAND
from backorder_desktop.store.database import db, query


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


def _ledger_totals() -> tuple[dict[int, list[int]], int]:
    """Per product: [on hand, committed] summed from the ledger; and the number of rows."""
    # Running sums in two-item lists, not objects: the ledger may hold millions of rows.
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = 0
    cursor = db.execute_sql("SELECT product_id, on_hand_delta, committed_delta FROM ledger")
    while batch := cursor.fetchmany(20_000):
        rows += len(batch)
        for product_id, on_hand, committed in batch:
            total = totals[product_id]
            total[ON_HAND] += on_hand
            total[COMMITTED] += committed
    return totals, rows


def check() -> CheckReport:
    """Recompute and compare; every mismatch is a violation, a negative available a warning."""
    report = CheckReport()
    products = {
        pid: (sku, on_hand, committed, backordered)
        for pid, sku, on_hand, committed, backordered in query(
            "SELECT id, sku, on_hand, committed, backordered FROM product"
        )
    }
    report.products = len(products)
    from_ledger, report.ledger_rows = _ledger_totals()
    from_lines = {
        pid: (int(committed or 0), int(waiting or 0))
        for pid, committed, waiting in query(
            "SELECT ol.product_id, SUM(ol.committed),"
            " SUM(CASE WHEN o.status = 'open' THEN ol.backordered ELSE 0 END)"
            " FROM order_line ol JOIN orders o ON o.id = ol.order_id GROUP BY ol.product_id"
        )
    }
    for pid, (sku, on_hand, committed, backordered) in sorted(products.items(), key=_by_sku):
        led_on_hand, led_committed = from_ledger.get(pid, (0, 0))
        if on_hand != led_on_hand:
            report.violations.append(f"{sku}: on hand is {on_hand}, the ledger says {led_on_hand}")
        if committed != led_committed:
            report.violations.append(f"{sku}: committed is {committed}, the ledger says {led_committed}")
        in_lines, in_orders = from_lines.get(pid, (0, 0))
        if committed != in_lines:
            report.violations.append(f"{sku}: committed is {committed}, pending shipments hold {in_lines}")
        if backordered != in_orders:
            report.violations.append(
                f"{sku}: backordered is {backordered}, open order lines want {in_orders}"
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


def _by_sku(product: tuple[int, tuple[str, int, int, int]]) -> str:
    _pid, (sku, *_figures) = product
    return sku


# Per line: what pending and shipped shipments hold of it, in one pass over the shipment lines.
_HELD = (
    "WITH held AS (SELECT sl.order_line_id AS id,"
    " SUM(CASE WHEN s.status = 'pending' THEN sl.qty ELSE 0 END) AS pending,"
    " SUM(CASE WHEN s.status = 'shipped' THEN sl.qty ELSE 0 END) AS sent"
    " FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id GROUP BY sl.order_line_id) "
)


def _check_lines(report: CheckReport) -> None:
    report.order_lines = int(query("SELECT COUNT(*) FROM order_line")[0][0])
    rows = query(
        _HELD + "SELECT o.number, o.status, ol.line, ol.ordered, ol.committed, ol.shipped, ol.backordered,"
        " ol.cancelled, COALESCE(h.pending, 0), COALESCE(h.sent, 0)"
        " FROM order_line ol JOIN orders o ON o.id = ol.order_id LEFT JOIN held h ON h.id = ol.id"
        " WHERE ol.ordered <> ol.committed + ol.shipped + ol.backordered + ol.cancelled"
        " OR ol.committed < 0 OR ol.shipped < 0 OR ol.backordered < 0 OR ol.cancelled < 0"
        " OR ol.committed <> COALESCE(h.pending, 0) OR ol.shipped <> COALESCE(h.sent, 0)"
        " OR (o.status <> 'open' AND (ol.backordered > 0 OR ol.committed > 0))"
        " OR (o.status = 'open' AND ol.cancelled > 0)"
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
    for number, sku, returned, shipped in query(
        "SELECT o.number, p.sku, r.qty, COALESCE(s.qty, 0) FROM"
        " (SELECT order_id, product_id, SUM(qty) AS qty FROM customer_return"
        "  GROUP BY order_id, product_id) r"
        " JOIN orders o ON o.id = r.order_id JOIN product p ON p.id = r.product_id"
        " LEFT JOIN (SELECT order_id, product_id, SUM(shipped) AS qty FROM order_line"
        "  GROUP BY order_id, product_id) s ON s.order_id = r.order_id AND s.product_id = r.product_id"
    ):
        if int(returned) > int(shipped):
            report.violations.append(f"order {number}: {returned} of {sku} returned, {shipped} shipped")
