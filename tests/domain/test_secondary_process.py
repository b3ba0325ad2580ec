"""SPEC 4, the Secondary Backorder Process (8050): fills backorders from the whole available balance."""

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
)


@pytest.fixture
def products(store):
    catalogue("W", "G", "X")


def test_secondary_fills_backorder_from_an_adjustment(products):
    order("A1", ("W", 5))
    adjust("W", 3, "count correction")
    enable()

    record = run("secondary").record

    ((_sid, number, creator, state, run_id, lines),) = shipment_rows()
    assert (number, creator, state, run_id, lines) == ("A1", "secondary", "pending", record.id, [(1, "W", 3)])
    assert stock("W") == (3, 3, 0, 2)
    assert line("A1", 1) == {"ordered": 5, "committed": 3, "shipped": 0, "backordered": 2, "cancelled": 0}
    assert (
        record.process,
        record.outcome,
        record.ledger_rows,
        record.products,
        record.shipments,
        record.units,
    ) == ("secondary", "ok", 1, 1, 1, 3)
    assert_clean()


def test_secondary_fills_backorder_from_a_return(products):
    receive(W=5)
    order("A1", ("W", 5))
    shipping.ship(shipment_ids("A1"))
    order("A2", ("W", 2))
    give_back("A1", "W", 2)
    enable()

    record = run("secondary").record

    assert shipments(by="secondary") == [("A2", "secondary", "pending", [(1, "W", 2)])]
    assert stock("W") == (2, 2, 0, 0)
    assert (record.ledger_rows, record.units) == (1, 2)
    assert_clean()


def test_secondary_fills_backorders_from_units_a_void_released(products):
    receive(W=4)
    order("A1", ("W", 4), when=at(0))
    order("A2", ("W", 3), priority=1, when=at(1))
    shipping.void(shipment_ids("A1"))
    assert stock("W") == (4, 0, 4, 7)
    enable()

    record = run("secondary").record

    assert shipments(by="secondary") == [
        ("A1", "secondary", "pending", [(1, "W", 1)]),
        ("A2", "secondary", "pending", [(1, "W", 3)]),
    ]
    assert stock("W") == (4, 4, 0, 3)
    assert (record.ledger_rows, record.shipments, record.units) == (1, 2, 4)
    assert_clean()


def test_secondary_uses_the_whole_available_balance_including_unprocessed_receipts(products):
    order("A1", ("W", 10))
    receive(W=4)
    adjust("W", 2, "count correction")
    enable()

    secondary = run("secondary").record
    primary = run("primary").record

    assert shipments() == [("A1", "secondary", "pending", [(1, "W", 6)])]
    assert secondary.units == 6
    assert (primary.ledger_rows, primary.units, primary.shipments) == (1, 0, 0)
    assert stock("W") == (6, 6, 0, 4)
    assert_clean()


def test_secondary_evaluates_only_products_with_backorders(products):
    order("A1", ("W", 5))
    adjust("W", 1, "count correction")
    adjust("G", 9, "count correction")
    enable()

    record = run("secondary").record

    assert (record.ledger_rows, record.products, record.units) == (2, 1, 1)
    assert shipments() == [("A1", "secondary", "pending", [(1, "W", 1)])]
    assert stock("G") == (9, 0, 9, 0)
    assert_clean()


def test_secondary_fills_ship_complete_order_when_every_line_can_be_filled(products):
    order("A1", ("W", 3), ("G", 2), ship_complete=True)
    adjust("W", 3, "count correction")
    adjust("G", 2, "count correction")
    assert shipments() == []
    enable()

    run("secondary")

    assert shipments() == [("A1", "secondary", "pending", [(1, "W", 3), (2, "G", 2)])]
    assert stock("W") == (3, 3, 0, 0)
    assert stock("G") == (2, 2, 0, 0)
    assert_clean()


def test_ship_complete_order_that_cannot_fill_is_skipped_and_later_orders_take_the_stock(products):
    order("A1", ("W", 5), ("G", 5), ship_complete=True, priority=1, when=at(0))
    order("A2", ("W", 3), when=at(1))
    adjust("W", 5, "count correction")
    adjust("G", 2, "count correction")
    enable()

    run("secondary")

    assert shipments() == [("A2", "secondary", "pending", [(1, "W", 3)])]
    assert line("A1", 1)["backordered"] == 5 and line("A1", 2)["backordered"] == 5
    assert stock("W") == (5, 3, 2, 5)
    assert stock("G") == (2, 0, 2, 5)
    assert_clean()


def test_partly_filled_ship_complete_order_waits_for_its_remaining_lines(products):
    receive(W=3, G=2)
    order("A1", ("W", 3), ("G", 2), ship_complete=True)
    shipping.void(shipment_ids("A1"))  # both lines back on backorder
    order("B1", ("G", 1))  # re-entered elsewhere: takes one G
    enable()

    run("secondary")

    assert shipments(by="secondary") == []
    assert stock("W") == (3, 0, 3, 3)
    assert stock("G") == (2, 1, 1, 2)
    adjust("G", 1, "found")

    run("secondary")

    assert shipments(by="secondary") == [("A1", "secondary", "pending", [(1, "W", 3), (2, "G", 2)])]
    assert stock("G") == (3, 3, 0, 0)
    assert_clean()


def test_secondary_does_not_fill_backorders_of_a_voided_order(products):
    order("A1", ("W", 5))
    order("A2", ("W", 1))
    shipping.void_order("A1")
    adjust("W", 4, "count correction")
    enable()

    run("secondary")

    assert shipments() == [("A2", "secondary", "pending", [(1, "W", 1)])]
    assert stock("W") == (4, 1, 3, 0)
    assert_clean()


def test_secondary_allocates_nothing_from_a_negative_balance(products):
    receive(W=5)
    order("A1", ("W", 5))
    order("A2", ("W", 2))
    adjust("W", -3, "damage")
    enable()

    record = run("secondary").record

    assert (record.outcome, record.shipments, record.units) == ("ok", 0, 0)
    assert shipments(by="secondary") == []
    assert stock("W") == (2, 5, -3, 2)


def test_secondary_fills_several_products_and_orders_in_one_run(products):
    order("A1", ("W", 2), ("X", 4), ("G", 1), when=at(0))
    order("A2", ("G", 3), when=at(1))
    adjust("W", 5, "count correction")
    adjust("G", 3, "count correction")
    enable()

    record = run("secondary").record

    assert shipments() == [
        ("A1", "secondary", "pending", [(1, "W", 2), (3, "G", 1)]),
        ("A2", "secondary", "pending", [(1, "G", 2)]),
    ]
    assert (record.products, record.shipments, record.units) == (3, 2, 5)
    assert stock("W") == (5, 2, 3, 0)
    assert stock("G") == (3, 3, 0, 1)
    assert stock("X") == (0, 0, 0, 4)
    assert_clean()


def test_secondary_dry_run_explains_lines_it_cannot_fill(products):
    order("A1", ("W", 2), when=at(0))
    order("A2", ("W", 2), when=at(1))
    order("B1", ("X", 3), when=at(2))
    adjust("W", 3, "count correction")
    enable()

    result = run("secondary", dry_run=True, explain=True)

    got = {(e.order, e.sku): (e.allocated, e.reason) for e in result.explanations}
    assert set(got) == {("A1", "W"), ("A2", "W"), ("B1", "X")}
    assert got[("A1", "W")][0] == 2 and got[("A1", "W")][1].startswith("filled")
    assert got[("A2", "W")][0] == 1 and got[("A2", "W")][1].startswith("partly filled")
    assert got[("B1", "X")][0] == 0 and got[("B1", "X")][1].startswith("not filled")
    assert "available" in got[("B1", "X")][1]
    assert shipments() == []
    assert stock("W") == (3, 0, 3, 4)
