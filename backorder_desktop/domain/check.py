"""`check`: recompute every stock figure from the ledger and the order lines, and test the invariants."""

from __future__ import annotations

from dataclasses import dataclass, field

from backorder_desktop.store.database import query


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


def _sums(sql: str) -> dict[int, tuple[int, ...]]:
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in query(sql)}


def check() -> CheckReport:
    """Recompute and compare; every mismatch is a violation, a negative available a warning."""
    report = CheckReport()
    products = {
        row[0]: row[1:] for row in query("SELECT id, sku, on_hand, committed, backordered FROM product")
    }
    report.products = len(products)
    from_ledger = _sums(
        "SELECT product_id, SUM(on_hand_delta), SUM(committed_delta), COUNT(*) FROM ledger"
        " GROUP BY product_id"
    )
    report.ledger_rows = sum(v[2] for v in from_ledger.values())
    pending = _sums(
        "SELECT sl.product_id, SUM(sl.qty) FROM shipment_line sl JOIN shipment s"
        " ON s.id = sl.shipment_id WHERE s.status = 'pending' GROUP BY sl.product_id"
    )
    waiting = _sums(
        "SELECT ol.product_id, SUM(ol.backordered) FROM order_line ol JOIN orders o"
        " ON o.id = ol.order_id WHERE o.status = 'open' GROUP BY ol.product_id"
    )
    for pid, (sku, on_hand, committed, backordered) in sorted(products.items(), key=lambda p: p[1][0]):
        led_on_hand, led_committed, _rows = from_ledger.get(pid, (0, 0, 0))
        if on_hand != led_on_hand:
            report.violations.append(f"{sku}: on hand is {on_hand}, the ledger says {led_on_hand}")
        if committed != led_committed:
            report.violations.append(f"{sku}: committed is {committed}, the ledger says {led_committed}")
        (in_pending,) = pending.get(pid, (0,))
        if committed != in_pending:
            report.violations.append(f"{sku}: committed is {committed}, pending shipments hold {in_pending}")
        (in_orders,) = waiting.get(pid, (0,))
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


def _check_lines(report: CheckReport) -> None:
    rows = query(
        "SELECT o.number, o.status, ol.line, ol.ordered, ol.committed, ol.shipped, ol.backordered,"
        " ol.cancelled, COALESCE(p.qty, 0), COALESCE(sh.qty, 0) FROM order_line ol"
        " JOIN orders o ON o.id = ol.order_id"
        " LEFT JOIN (SELECT sl.order_line_id, SUM(sl.qty) AS qty FROM shipment_line sl"
        "   JOIN shipment s ON s.id = sl.shipment_id WHERE s.status = 'pending'"
        "   GROUP BY sl.order_line_id) p ON p.order_line_id = ol.id"
        " LEFT JOIN (SELECT sl.order_line_id, SUM(sl.qty) AS qty FROM shipment_line sl"
        "   JOIN shipment s ON s.id = sl.shipment_id WHERE s.status = 'shipped'"
        "   GROUP BY sl.order_line_id) sh ON sh.order_line_id = ol.id"
    )
    report.order_lines = len(rows)
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
    for number, status, unshipped in query(
        "SELECT o.number, o.status, SUM(ol.ordered - ol.shipped) FROM orders o"
        " JOIN order_line ol ON ol.order_id = o.id WHERE o.status IN ('open', 'closed')"
        " GROUP BY o.number, o.status"
    ):
        if status == "open" and int(unshipped) == 0:
            report.violations.append(f"order {number}: every line shipped but the order is open")
        if status == "closed" and int(unshipped) != 0:
            report.violations.append(f"order {number}: closed with {unshipped} units unshipped")
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
