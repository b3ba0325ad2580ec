"""SPEC 2 and 3, `check`: stock figures recomputed from the ledger, every invariant tested."""

from __future__ import annotations

import threading

import pytest

from backorder_desktop.domain import shipments as shipping
from backorder_desktop.domain.check import check
from backorder_desktop.store.database import executemany, query, write
from tests.domain.helpers import (
    adjust,
    assert_clean,
    at,
    catalogue,
    enable,
    give_back,
    order,
    receive,
    run,
    shipment_ids,
    shipments,
    stock,
)


def tamper(sql: str, *params: object) -> None:
    """Change a row behind the domain's back, as a bug or a hand edit would."""
    with write():
        executemany(sql, [params])


def ledger_sums(sku: str) -> tuple[int, int]:
    return tuple(
        query(
            "SELECT COALESCE(SUM(on_hand_delta), 0), COALESCE(SUM(committed_delta), 0) FROM ledger"
            " WHERE product_id = (SELECT id FROM product WHERE sku = ?)",
            (sku,),
        )[0]
    )


@pytest.fixture
def busy_day(store):
    """Every kind of event on W and G: receipts, orders, both processes, ship, void, return."""
    catalogue("W", "G", "OLD", discontinued=("OLD",))
    receive(W=10, G=4)
    order("A1", ("W", 6), ("G", 2), when=at(0))
    order("A2", ("W", 8), priority=1, when=at(1))
    order("A3", ("G", 5), ("W", 1), ship_complete=True, when=at(2))
    shipping.ship(shipment_ids("A1"))
    enable()
    receive(W=5)
    run("primary")
    order("A4", ("G", 1), when=at(3))
    shipping.void(shipment_ids("A4"))
    give_back("A1", "W", 2)
    adjust("G", 4, "count correction")
    run("secondary")
    shipping.void_order("A2")
    run("secondary")


def test_new_database_checks_clean(store):
    report = check()

    assert report.ok
    assert (report.violations, report.warnings) == ([], [])
    assert (report.products, report.ledger_rows, report.order_lines) == (0, 0, 0)


def test_check_after_a_busy_day_is_clean(busy_day):
    report = check()

    assert report.violations == []
    assert report.warnings == []
    assert report.products == 3
    assert report.order_lines == 6
    assert report.ledger_rows == query("SELECT COUNT(*) FROM ledger")[0][0]
    for sku in ("W", "G", "OLD"):
        on_hand, committed, available, _backordered = stock(sku)
        assert (on_hand, committed) == ledger_sums(sku)
        assert available >= 0


def test_busy_day_ends_with_the_expected_shipments_and_stock(busy_day):
    assert [(o, by, st) for o, by, st, _lines in shipments()] == [
        ("A1", "order-entry", "shipped"),
        ("A2", "order-entry", "void"),
        ("A2", "primary", "void"),
        ("A4", "order-entry", "void"),
        ("A3", "secondary", "pending"),
        ("A4", "secondary", "pending"),
    ]
    assert shipments(status="pending") == [
        ("A3", "secondary", "pending", [(1, "G", 5), (2, "W", 1)]),
        ("A4", "secondary", "pending", [(1, "G", 1)]),
    ]
    assert stock("W") == (11, 1, 10, 0)
    assert stock("G") == (6, 6, 0, 0)


@pytest.mark.parametrize(
    "column, message",
    [
        ("on_hand", "the ledger says"),
        ("committed", "pending shipments hold"),
        ("backordered", "open order lines want"),
    ],
)
def test_check_reports_a_stock_figure_that_disagrees(busy_day, column, message):
    tamper(f"UPDATE product SET {column} = {column} + 1 WHERE sku = ?", "W")

    report = check()

    assert not report.ok
    assert any(v.startswith("W:") and message in v for v in report.violations)


def test_check_reports_a_ledger_row_that_no_figure_reflects(busy_day):
    tamper(
        "INSERT INTO ledger (id, kind, product_id, on_hand_delta, committed_delta, at, document)"
        " VALUES (9999, 'adjustment', (SELECT id FROM product WHERE sku = 'G'), 3, 0,"
        " '2026-11-24 10:00:00', 'hand edit')"
    )

    report = check()

    assert any(v.startswith("G:") and "ledger" in v for v in report.violations)


def test_check_reports_an_order_line_that_does_not_add_up(store):
    catalogue("W")
    receive(W=2)
    order("A1", ("W", 5))
    tamper("UPDATE order_line SET ordered = 9")

    report = check()

    assert any("order A1 line 1" in v and "ordered 9" in v for v in report.violations)


def test_check_reports_a_closed_order_that_still_waits(store):
    catalogue("W")
    order("A1", ("W", 5))
    tamper("UPDATE orders SET status = 'closed'")

    report = check()

    assert any("order A1" in v for v in report.violations)


def test_check_reports_an_open_order_that_has_fully_shipped(store):
    catalogue("W")
    receive(W=5)
    order("A1", ("W", 5))
    shipping.ship(shipment_ids("A1"))
    tamper("UPDATE orders SET status = 'open'")

    report = check()

    assert any("order A1" in v and "open" in v for v in report.violations)


def test_check_reports_a_shipped_line_no_shipment_holds(store):
    catalogue("W")
    receive(W=5)
    order("A1", ("W", 5))
    shipping.ship(shipment_ids("A1"))
    tamper("UPDATE shipment_line SET qty = 4")

    report = check()

    assert any("order A1 line 1" in v and "shipped" in v for v in report.violations)


def test_check_reports_more_returned_than_shipped(store):
    catalogue("W")
    receive(W=5)
    order("A1", ("W", 3))
    shipping.ship(shipment_ids("A1"))
    give_back("A1", "W", 3)
    tamper("UPDATE customer_return SET qty = 4")

    report = check()

    assert any("order A1" in v and "returned" in v for v in report.violations)


def test_check_reports_a_pending_shipment_without_lines(store):
    catalogue("W")
    receive(W=5)
    order("A1", ("W", 3))
    tamper("DELETE FROM shipment_line")
    tamper("UPDATE order_line SET committed = 0, backordered = 3")
    tamper("UPDATE product SET committed = 0, backordered = 3")

    report = check()

    assert any("no lines" in v for v in report.violations)


def test_check_warns_when_a_negative_adjustment_leaves_available_below_zero(store):
    catalogue("W")
    receive(W=5)
    order("A1", ("W", 5))
    adjust("W", -2, "damage")

    report = check()

    assert report.ok
    assert report.violations == []
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("W:") and "-2" in report.warnings[0]
    assert stock("W") == (3, 5, -2, 0)


def test_shipping_from_a_short_shelf_restores_the_balance(store):
    catalogue("W")
    receive(W=5)
    order("A1", ("W", 3))
    order("A2", ("W", 2))
    adjust("W", -1, "damage")
    assert check().warnings != []

    shipping.void(shipment_ids("A2"))

    assert stock("W") == (4, 3, 1, 2)
    assert check().warnings == []
    assert_clean()


# --- each rule broken on its own, and all at once (issue 15: check counts first, and names the
# lines only when a count says one breaks a rule, so every rule needs a test that breaks it) ---


def test_check_reports_a_committed_line_that_no_shipment_holds(store):
    catalogue("W")
    receive(W=5)
    order("A1", ("W", 3))
    tamper("DELETE FROM shipment_line")  # the shipment stays, the line keeps its 3 committed

    report = check()

    assert "order A1 line 1: committed 3, pending shipments hold 0" in report.violations


def test_check_reports_a_line_that_holds_more_than_it_committed(store):
    catalogue("W")
    receive(W=5)
    order("A1", ("W", 3))
    tamper("UPDATE shipment_line SET qty = 4")

    report = check()

    assert report.violations == ["order A1 line 1: committed 3, pending shipments hold 4"]


def test_check_reports_a_negative_quantity(store):
    catalogue("W")
    order("A1", ("W", 5))
    tamper("UPDATE order_line SET backordered = 7, cancelled = -2")

    report = check()

    assert "order A1 line 1: a negative quantity" in report.violations
    assert "W: backordered is 5, open order lines want 7" in report.violations


def test_check_counts_a_negative_backorder_of_an_open_order(store):
    catalogue("W")
    order("A1", ("W", 5))
    tamper("UPDATE order_line SET backordered = -2, cancelled = 7")

    report = check()

    assert "W: backordered is 5, open order lines want -2" in report.violations
    assert "order A1 line 1: a negative quantity" in report.violations
    assert "order A1 line 1: cancelled units on an open order" in report.violations


def test_check_reports_cancelled_units_on_an_open_order(store):
    catalogue("W")
    order("A1", ("W", 5))
    tamper("UPDATE order_line SET backordered = 4, cancelled = 1")

    report = check()

    assert report.violations == [
        "W: backordered is 5, open order lines want 4",
        "order A1 line 1: cancelled units on an open order",
    ]


def test_check_reports_negative_stock_on_hand(store):
    catalogue("W")
    tamper("UPDATE product SET on_hand = -1")
    tamper(
        "INSERT INTO ledger (id, kind, product_id, on_hand_delta, committed_delta, at, document)"
        " VALUES (9999, 'adjustment', (SELECT id FROM product WHERE sku = 'W'), -1, 0,"
        " '2026-11-24 10:00:00', 'hand edit')"
    )

    report = check()

    assert report.violations == ["W: on hand is negative (-1)"]


def test_check_names_every_rule_a_closed_order_breaks(store):
    catalogue("W")
    order("A1", ("W", 5))
    tamper("UPDATE orders SET status = 'closed'")

    report = check()

    assert report.violations == [
        "W: backordered is 5, open order lines want 0",
        "order A1 line 1: the order is closed but the line still waits",
        "order A1: closed with units unshipped",
    ]


def test_check_reports_every_broken_rule_of_a_busy_day_at_once(busy_day):
    tamper("UPDATE product SET on_hand = on_hand + 1 WHERE sku = 'OLD'")
    tamper(
        "UPDATE order_line SET ordered = ordered + 1 WHERE line = 1"
        " AND order_id = (SELECT id FROM orders WHERE number = 'A1')"
    )
    tamper(
        "DELETE FROM shipment_line WHERE shipment_id IN"
        " (SELECT s.id FROM shipment s JOIN orders o ON o.id = s.order_id"
        "  WHERE o.number = 'A4' AND s.status = 'pending')"
    )
    tamper(
        "UPDATE shipment_line SET qty = qty + 1 WHERE shipment_id IN"
        " (SELECT s.id FROM shipment s JOIN orders o ON o.id = s.order_id"
        "  WHERE o.number = 'A3' AND s.status = 'pending') AND order_line_id ="
        " (SELECT ol.id FROM order_line ol JOIN orders o ON o.id = ol.order_id"
        "  WHERE o.number = 'A3' AND ol.line = 2)"
    )

    report = check()

    assert report.violations == [
        "OLD: on hand is 1, the ledger says 0",
        "order A1 line 1: ordered 7 is not committed 0 + shipped 6 + backordered 0 + cancelled 0",
        "order A3 line 2: committed 1, pending shipments hold 2",
        "order A4 line 1: committed 1, pending shipments hold 0",
        "order A1: closed with units unshipped",
        f"shipment {shipment_ids('A4', 'secondary')[0]} (secondary) has no lines",
    ]
    assert report.warnings == []


def test_check_reads_the_database_as_it_stood_when_it_began(busy_day, monkeypatch):
    """A receipt that another program commits while check reads: check compares the products'
    figures it read before with the ledger as it stood then, not with the ledger after."""
    from backorder_desktop.domain import check as checking
    from backorder_desktop.store import database

    recompute = checking._recompute

    def recompute_after_a_receipt():
        def receive_elsewhere():
            try:
                receive(W=5)
            finally:
                database.close()  # this thread's own connection

        elsewhere = threading.Thread(target=receive_elsewhere)
        elsewhere.start()
        elsewhere.join()
        return recompute()

    monkeypatch.setattr(checking, "_recompute", recompute_after_a_receipt)
    report = check()
    monkeypatch.undo()

    assert report.violations == []
    assert stock("W") == (16, 1, 15, 0)  # the receipt was written all the same
    assert check().violations == []


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
def test_check_sorts_no_big_table_on_sqlite(busy_day, monkeypatch):
    """SQLite sorts a GROUP BY of a table with no index on the column: a million ledger rows or
    order lines cost about a second each so. check adds them up by product without sorting, and
    reads what it matches along indexes; the lines that wait through their partial index. Each
    statement's plan is read just before it runs (the temporary table only exists meanwhile)."""
    from backorder_desktop.domain import check as checking
    from backorder_desktop.store import database

    plans: dict[str, str] = {}

    def explained(sql: str, params: tuple = ()) -> None:
        rows = database.query(f"EXPLAIN QUERY PLAN {sql}", params)
        plans[sql] = " / ".join(str(row[-1]) for row in rows)

    class Watched:
        def __getattr__(self, name: str) -> object:
            return getattr(database.db, name)

        def execute_sql(self, sql: str, params: tuple = ()) -> object:
            if sql.startswith("INSERT"):
                explained(sql, params)
            return database.db.execute_sql(sql, params)

    def watched_query(sql: str, params: tuple = ()) -> list:
        explained(sql, params)
        return database.query(sql, params)

    monkeypatch.setattr(checking, "db", Watched())
    monkeypatch.setattr(checking, "query", watched_query)
    assert checking.check().ok
    monkeypatch.undo()

    big = [sql for sql in plans if any(table in sql for table in ("ledger", "order_line", "shipment_line"))]
    assert len(big) >= 7, plans
    for sql in big:
        plan = plans[sql]
        assert "AUTOMATIC" not in plan, (sql, plan)
        if "customer_return" in sql:  # grouped by order and product: as many rows as returns
            assert "SCAN order_line" not in plan and "SCAN ol" not in plan, (sql, plan)
        else:
            assert "TEMP B-TREE" not in plan, (sql, plan)
    (waiting,) = [sql for sql in big if "SUM(ol.backordered)" in sql]
    assert "order_line_waiting" in plans[waiting] and "orders_status" not in plans[waiting]
