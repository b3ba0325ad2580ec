"""SPEC 3, outgoing shipments and order voids: ship, void, refuse what does not apply."""

from __future__ import annotations

from datetime import datetime

import pytest

from backorder_desktop.domain import clock
from backorder_desktop.domain import shipments as shipping
from backorder_desktop.domain.errors import BadInput, Refused
from backorder_desktop.store.database import query
from tests.domain.helpers import (
    assert_clean,
    catalogue,
    enable,
    line,
    order,
    receive,
    run,
    shipment_ids,
    shipment_rows,
    shipments,
    snapshot,
    status,
    stock,
)


@pytest.fixture
def stocked(store):
    """W: 10 on hand, G: 5 on hand."""
    catalogue("W", "G")
    receive(W=10, G=5)


def test_shipping_lowers_on_hand_and_committed(stocked):
    order("A1", ("W", 4), ("G", 2))
    (sid,) = shipment_ids("A1")

    units = shipping.ship([sid])

    assert units == 6
    assert shipments() == [("A1", "order-entry", "shipped", [(1, "W", 4), (2, "G", 2)])]
    assert stock("W") == (6, 0, 6, 0)
    assert stock("G") == (3, 0, 3, 0)
    assert line("A1", 1) == {"ordered": 4, "committed": 0, "shipped": 4, "backordered": 0, "cancelled": 0}
    assert_clean()


def test_order_closes_when_fully_shipped(stocked):
    order("A1", ("W", 4), ("G", 2))

    shipping.ship(shipment_ids("A1"))

    assert status("A1") == "closed"
    assert_clean()


def test_order_stays_open_while_part_of_it_is_backordered(stocked):
    order("A1", ("W", 4), ("G", 7))

    shipping.ship(shipment_ids("A1"))

    assert status("A1") == "open"
    assert line("A1", 2) == {"ordered": 7, "committed": 0, "shipped": 5, "backordered": 2, "cancelled": 0}
    assert stock("G") == (0, 0, 0, 2)
    assert_clean()


def test_order_closes_when_its_last_backorder_ships(stocked):
    order("A1", ("G", 7))
    shipping.ship(shipment_ids("A1"))
    receive(G=2)
    enable()
    run("primary")
    assert status("A1") == "open"

    shipping.ship(shipment_ids("A1", by="primary"))

    assert status("A1") == "closed"
    assert line("A1", 1)["shipped"] == 7
    assert stock("G") == (0, 0, 0, 0)
    assert_clean()


def test_void_releases_units_to_backorder(stocked):
    order("A1", ("W", 4), ("G", 2))
    (sid,) = shipment_ids("A1")

    units = shipping.void([sid])

    assert units == 6
    assert shipments() == [("A1", "order-entry", "void", [(1, "W", 4), (2, "G", 2)])]
    assert stock("W") == (10, 0, 10, 4)
    assert stock("G") == (5, 0, 5, 2)
    assert line("A1", 1) == {"ordered": 4, "committed": 0, "shipped": 0, "backordered": 4, "cancelled": 0}
    assert status("A1") == "open"
    assert_clean()


def test_reentered_order_takes_units_released_by_a_void(stocked):
    order("A1", ("G", 5))
    shipping.void(shipment_ids("A1"))

    order("A2", ("G", 5))

    assert shipments(order="A2") == [("A2", "order-entry", "pending", [(1, "G", 5)])]
    assert stock("G") == (5, 5, 0, 5)
    assert line("A1", 1)["backordered"] == 5
    assert_clean()


@pytest.mark.parametrize(
    "first, second",
    [
        (shipping.ship, shipping.ship),
        (shipping.ship, shipping.void),
        (shipping.void, shipping.ship),
        (shipping.void, shipping.void),
    ],
)
def test_shipping_non_pending_shipment_is_refused_and_changes_nothing(stocked, first, second):
    order("A1", ("W", 4))
    (sid,) = shipment_ids("A1")
    first([sid])
    before = snapshot()

    with pytest.raises(Refused) as refused:
        second([sid])

    assert shipping.shipment_number(sid) in str(refused.value)
    assert snapshot() == before
    assert_clean()


def test_batch_with_one_non_pending_shipment_changes_none_of_them(stocked):
    order("A1", ("W", 4))
    order("A2", ("G", 2))
    shipped, pending = shipment_ids("A1")[0], shipment_ids("A2")[0]
    shipping.ship([shipped])
    before = snapshot()

    with pytest.raises(Refused):
        shipping.ship([pending, shipped])
    with pytest.raises(Refused):
        shipping.void([pending, shipped])

    assert snapshot() == before
    assert shipments(order="A2") == [("A2", "order-entry", "pending", [(1, "G", 2)])]
    assert stock("G") == (5, 2, 3, 0)


def test_unknown_shipment_is_bad_input_and_changes_nothing(stocked):
    order("A1", ("W", 4))
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        shipping.ship([999])

    assert "S0000999" in str(refused.value)
    assert snapshot() == before


def test_void_order_releases_pending_shipments_and_cancels_backorders(stocked):
    order("A1", ("W", 4), ("G", 8))

    released, cancelled = shipping.void_order("A1")

    assert (released, cancelled) == (9, 3)
    assert status("A1") == "void"
    assert shipments() == [("A1", "order-entry", "void", [(1, "W", 4), (2, "G", 5)])]
    assert stock("W") == (10, 0, 10, 0)
    assert stock("G") == (5, 0, 5, 0)
    assert line("A1", 2) == {"ordered": 8, "committed": 0, "shipped": 0, "backordered": 0, "cancelled": 8}
    assert_clean()


def test_void_partly_shipped_order_keeps_what_shipped(stocked):
    order("A1", ("W", 4), ("G", 8))
    shipping.ship(shipment_ids("A1"))
    receive(G=2)
    enable()
    run("primary")
    assert stock("G") == (2, 2, 0, 1)

    shipping.void_order("A1")

    assert status("A1") == "void"
    assert [s[2] for s in shipments(order="A1")] == ["shipped", "void"]
    assert line("A1", 1) == {"ordered": 4, "committed": 0, "shipped": 4, "backordered": 0, "cancelled": 0}
    assert line("A1", 2) == {"ordered": 8, "committed": 0, "shipped": 5, "backordered": 0, "cancelled": 3}
    assert stock("W") == (6, 0, 6, 0)
    assert stock("G") == (2, 0, 2, 0)
    assert_clean()


@pytest.mark.parametrize("make_not_open", ["ship", "void"])
def test_voiding_an_order_that_is_not_open_is_refused(stocked, make_not_open):
    order("A1", ("W", 4))
    if make_not_open == "ship":
        shipping.ship(shipment_ids("A1"))
    else:
        shipping.void_order("A1")
    before = snapshot()

    with pytest.raises(Refused) as refused:
        shipping.void_order("A1")

    assert "A1" in str(refused.value)
    assert snapshot() == before
    assert_clean()


def test_voiding_an_unknown_order_is_bad_input(stocked):
    with pytest.raises(BadInput):
        shipping.void_order("NOPE")


def test_shipment_of_a_voided_order_cannot_be_shipped(stocked):
    order("A1", ("W", 4))
    (sid,) = shipment_ids("A1")
    shipping.void_order("A1")

    with pytest.raises(Refused):
        shipping.ship([sid])
    assert stock("W") == (10, 0, 10, 0)


def test_shipment_numbers_are_s_and_seven_digits(stocked):
    order("A1", ("W", 1))
    (sid,) = shipment_ids("A1")

    assert shipping.shipment_number(sid) == f"S{sid:07d}"
    assert shipping.shipment_number(42) == "S0000042"
    assert shipping.parse_numbers(["S0000042", "42", "s42", " S42 "]) == [42]
    with pytest.raises(BadInput):
        shipping.parse_numbers(["S00X1", "shipment"])


def test_shipment_records_its_order_creator_and_no_run(stocked):
    order("A1", ("W", 1))

    ((_sid, number, creator, state, run_id, lines),) = shipment_rows()

    assert (number, creator, state, run_id, lines) == ("A1", "order-entry", "pending", None, [(1, "W", 1)])


def test_shipment_records_when_it_was_created_and_closed(stocked, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 24, 10, 15, 0))
    order("A1", ("W", 1))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 24, 16, 45, 0))

    shipping.ship(shipment_ids("A1"))

    assert [tuple(map(str, r)) for r in query("SELECT created_at, closed_at FROM shipment")] == [
        ("2026-11-24 10:15:00", "2026-11-24 16:45:00")
    ]
    ledger_rows = query("SELECT kind, at FROM ledger WHERE kind IN ('commit', 'ship') ORDER BY id")
    assert [(k, str(at)) for k, at in ledger_rows] == [
        ("commit", "2026-11-24 10:15:00"),
        ("ship", "2026-11-24 16:45:00"),
    ]
