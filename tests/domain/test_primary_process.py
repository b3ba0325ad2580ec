"""SPEC 4, the Primary Backorder Process (7792): fills backorders from what receipts added."""

from __future__ import annotations

import pytest

from backorder_desktop.domain import shipments as shipping
from tests.domain.helpers import (
    adjust,
    assert_clean,
    at,
    catalogue,
    enable,
    give_back,
    line,
    order,
    receive,
    run,
    shipment_ids,
    shipment_rows,
    shipments,
    stock,
    watermark,
)


@pytest.fixture
def products(store):
    catalogue("W", "G")


def test_receipt_fills_highest_priority_backorder_first(products):
    order("A1", ("W", 5), priority=5, when=at(0))
    order("A2", ("W", 4), priority=1, when=at(1))
    order("A3", ("W", 3), priority=3, when=at(2))
    receive(W=6)
    enable()

    record = run("primary").record

    assert shipments() == [
        ("A2", "primary", "pending", [(1, "W", 4)]),
        ("A3", "primary", "pending", [(1, "W", 2)]),
    ]
    assert line("A1", 1)["backordered"] == 5
    assert line("A3", 1) == {"ordered": 3, "committed": 2, "shipped": 0, "backordered": 1, "cancelled": 0}
    assert stock("W") == (6, 6, 0, 6)
    assert (record.process, record.trigger, record.outcome) == ("primary", "manual", "ok")
    assert (record.ledger_rows, record.products, record.shipments, record.units) == (1, 1, 2, 6)
    assert_clean()


def test_primary_shipments_are_marked_with_the_process_and_the_run(products):
    order("A1", ("W", 2))
    receive(W=2)
    enable()

    record = run("primary").record

    ((_sid, number, creator, state, run_id, lines),) = shipment_rows()
    assert (number, creator, state, run_id, lines) == ("A1", "primary", "pending", record.id, [(1, "W", 2)])


def test_primary_allocates_at_most_what_receipts_added(products):
    order("A1", ("W", 10))
    adjust("W", 5, "count correction")  # available 5, not the Primary's to hand out
    receive(W=3)
    enable()

    primary = run("primary").record

    assert shipments() == [("A1", "primary", "pending", [(1, "W", 3)])]
    assert primary.units == 3
    assert stock("W") == (8, 3, 5, 7)

    run("secondary")

    assert shipments(by="secondary") == [("A1", "secondary", "pending", [(1, "W", 5)])]
    assert stock("W") == (8, 8, 0, 2)
    assert_clean()


def test_primary_allocates_only_what_is_still_available_of_a_receipt(products):
    order("A1", ("W", 5))
    receive(W=6)
    order("A2", ("W", 4))  # order entry takes 4 of the 6 received before the Primary runs
    enable()

    run("primary")

    assert shipments() == [
        ("A2", "order-entry", "pending", [(1, "W", 4)]),
        ("A1", "primary", "pending", [(1, "W", 2)]),
    ]
    assert stock("W") == (6, 6, 0, 3)
    assert_clean()


def test_a_receipt_smaller_than_a_count_shortfall_gives_the_primary_nothing(products):
    receive(W=5)
    order("A1", ("W", 5))  # all 5 committed at entry
    adjust("W", -3, "damage")  # on hand 2 below committed 5: available -3
    order("A2", ("W", 4))  # backordered
    receive(W=2)  # received 2, yet available is still -1
    enable()

    record = run("primary").record

    assert (record.outcome, record.products, record.shipments, record.units) == ("ok", 1, 0, 0)
    assert shipments(by="primary") == []
    assert line("A2", 1) == {"ordered": 4, "committed": 0, "shipped": 0, "backordered": 4, "cancelled": 0}
    assert stock("W") == (4, 5, -1, 4)
    receive(W=3)  # available 2: the next run hands out what is there, not the received 3
    assert run("primary").record.units == 2
    assert shipments(by="primary") == [("A2", "primary", "pending", [(1, "W", 2)])]
    assert stock("W") == (7, 7, 0, 2)
    assert_clean()


def test_primary_ignores_adjustments(products):
    order("A1", ("W", 5))
    adjust("W", 5, "found on a shelf")
    enable()

    record = run("primary").record

    assert shipments() == []
    assert stock("W") == (5, 0, 5, 5)
    assert (record.outcome, record.ledger_rows, record.products, record.shipments, record.units) == (
        "ok",
        0,
        0,
        0,
        0,
    )
    assert_clean()


def test_primary_ignores_returns_and_voids(products):
    receive(W=5, G=2)
    order("A1", ("W", 5))
    shipping.ship(shipment_ids("A1"))
    order("B1", ("G", 2))
    enable()
    run("primary")  # evaluates the receipt: nothing was waiting
    order("A2", ("W", 3))  # backordered
    give_back("A1", "W", 2)
    shipping.void(shipment_ids("B1"))
    assert stock("W") == (2, 0, 2, 3)
    assert stock("G") == (2, 0, 2, 2)

    record = run("primary").record

    assert (record.ledger_rows, record.shipments, record.units) == (0, 0, 0)
    assert shipments(by="primary") == []
    assert stock("W") == (2, 0, 2, 3)
    assert stock("G") == (2, 0, 2, 2)
    assert_clean()


def test_primary_evaluates_only_receipts_since_its_last_run(products):
    order("A1", ("W", 10))
    enable()
    receive(W=4)
    first = run("primary").record
    receive(W=3)

    second = run("primary").record

    assert [(s[1], s[3]) for s in shipments()] == [("primary", [(1, "W", 4)]), ("primary", [(1, "W", 3)])]
    assert (first.ledger_rows, first.units) == (1, 4)
    assert (second.ledger_rows, second.units) == (1, 3)
    assert stock("W") == (7, 7, 0, 3)
    assert watermark("primary") > 0
    assert_clean()


def test_primary_does_not_reuse_receipts_it_already_evaluated(products):
    enable()
    receive(W=5)
    run("primary")  # nothing waits yet; the receipt is evaluated and done
    order("A1", ("W", 2), ("G", 1), ship_complete=True)  # G short: nothing committed
    receive(G=1)

    run("primary")

    assert shipments() == []
    assert stock("W") == (5, 0, 5, 2)
    assert stock("G") == (1, 0, 1, 1)

    run("secondary")

    assert shipments() == [("A1", "secondary", "pending", [(1, "W", 2), (2, "G", 1)])]
    assert_clean()


def test_ship_complete_order_waits_for_secondary(products):
    adjust("G", 5, "count correction")  # G available, but not from a receipt
    order("A1", ("W", 3), ("G", 2), ship_complete=True, priority=1, when=at(0))
    order("A2", ("W", 2), when=at(1))
    assert shipments() == []
    receive(W=5)
    enable()

    run("primary")

    assert shipments() == [("A2", "primary", "pending", [(1, "W", 2)])]
    assert line("A1", 1)["backordered"] == 3 and line("A1", 2)["backordered"] == 2
    assert stock("W") == (5, 2, 3, 3)
    assert stock("G") == (5, 0, 5, 2)

    run("secondary")

    assert shipments(by="secondary") == [("A1", "secondary", "pending", [(1, "W", 3), (2, "G", 2)])]
    assert stock("W") == (5, 5, 0, 0)
    assert stock("G") == (5, 2, 3, 0)
    assert_clean()


def test_ship_complete_order_filled_by_primary_when_every_product_was_received(products):
    order("A1", ("W", 3), ("G", 2), ship_complete=True)
    receive(W=3)
    receive(G=4)
    enable()

    record = run("primary").record

    assert shipments() == [("A1", "primary", "pending", [(1, "W", 3), (2, "G", 2)])]
    assert (record.ledger_rows, record.products, record.shipments, record.units) == (2, 2, 1, 5)
    assert stock("W") == (3, 3, 0, 0)
    assert stock("G") == (4, 2, 2, 0)
    assert_clean()


def test_primary_counts_receipt_rows_and_products_received(products):
    order("A1", ("W", 20))
    receive(W=5, G=5)
    receive(W=1)
    adjust("G", 1, "count correction")
    enable()

    record = run("primary").record

    assert (record.ledger_rows, record.products, record.shipments, record.units) == (3, 2, 1, 6)
    assert shipments() == [("A1", "primary", "pending", [(1, "W", 6)])]
    assert stock("W") == (6, 6, 0, 14)
    assert stock("G") == (6, 0, 6, 0)
    assert_clean()


def test_primary_does_not_fill_backorders_of_a_voided_order(products):
    order("A1", ("W", 5))
    shipping.void_order("A1")
    receive(W=5)
    enable()

    record = run("primary").record

    assert shipments() == []
    assert record.units == 0
    assert stock("W") == (5, 0, 5, 0)
    assert line("A1", 1)["cancelled"] == 5
    assert_clean()


def test_receipt_larger_than_backorders_leaves_the_rest_available(products):
    order("A1", ("W", 2))
    receive(W=10)
    enable()

    run("primary")

    assert shipments() == [("A1", "primary", "pending", [(1, "W", 2)])]
    assert stock("W") == (10, 2, 8, 0)
    order("A2", ("W", 3))
    assert shipments(order="A2") == [("A2", "order-entry", "pending", [(1, "W", 3)])]
    assert stock("W") == (10, 5, 5, 0)
    assert_clean()
