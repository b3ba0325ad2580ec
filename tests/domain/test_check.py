"""SPEC 2 and 3, `check`: stock figures recomputed from the ledger, every invariant tested."""

from __future__ import annotations

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
