"""What the warehouse prints (issue 14): a packing slip per shipment with the customer's ship-to
address, none for a void one; a pick list of the pending ones by product, in shelf order. On
SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest

from backorder_desktop.domain import packing, team
from backorder_desktop.domain import shipments as shipping
from backorder_desktop.domain.customers import Address, CustomerInput, save_customers
from backorder_desktop.domain.packing import PickLine, SlipLine
from tests.domain.helpers import T0, catalogue, order, receive, shipment_ids

SHIPPED_AT = datetime(2026, 12, 2, 15, 1)


@pytest.fixture
def warehouse(store: str) -> dict[str, int]:
    """Four orders with a shipment each: A1 (Acme, address on file), B1 (Bolt, none on file),
    C1 shipped, D1 void. Returns each order's shipment id."""
    catalogue("A-10", "A-2", "B-1")
    receive(**{"A-10": 50, "A-2": 50, "B-1": 50})
    save_customers([CustomerInput("Acme Ltd", "1 Harbour Road", "Portsmouth", "", "PO1 3AX", "UK", "test:1")])
    order("A1", ("A-10", 4), ("B-1", 2), ("A-2", 1), customer="Acme Ltd")
    order("B1", ("A-10", 3), ("B-1", 5), customer="Bolt & Co")
    order("C1", ("A-2", 7), customer="Acme Ltd")
    order("D1", ("B-1", 1), customer="Acme Ltd")
    ids = {number: shipment_ids(number)[0] for number in ("A1", "B1", "C1", "D1")}
    shipping.ship([ids["C1"]], at=SHIPPED_AT)
    shipping.void([ids["D1"]])
    return ids


def test_each_shipment_gets_a_slip_with_its_address_and_a_void_one_gets_none(
    warehouse: dict[str, int],
) -> None:
    found = packing.packing_slips(list(reversed(warehouse.values())))
    assert [slip.order for slip in found.slips] == ["A1", "B1", "C1"], "by shipment number"
    assert found.void == [shipping.shipment_number(warehouse["D1"])]
    acme, bolt, shipped = found.slips
    assert acme.number == shipping.shipment_number(warehouse["A1"])
    assert acme.address == Address("Acme Ltd", "1 Harbour Road", "Portsmouth", "", "PO1 3AX", "UK")
    assert acme.address.lines() == ["1 Harbour Road", "Portsmouth PO1 3AX", "UK"]
    assert acme.lines == [
        SlipLine(1, "A-10", "Product A-10", 4),
        SlipLine(2, "B-1", "Product B-1", 2),
        SlipLine(3, "A-2", "Product A-2", 1),
    ]
    assert (acme.units, acme.status, acme.ordered_at) == (7, "pending", T0)
    assert bolt.address is None, "no address on file"
    assert shipped.status == "shipped"
    assert shipped.closed_user == team.who().user
    assert shipped.closed_at == SHIPPED_AT


def test_the_pick_list_sums_each_product_over_the_pending_shipments_in_shelf_order(
    warehouse: dict[str, int],
) -> None:
    pick = packing.pick_list(list(warehouse.values()), made_at=T0)
    a1, b1 = (shipping.shipment_number(warehouse[n]) for n in ("A1", "B1"))
    assert pick.lines == [
        PickLine("A-2", "Product A-2", 1, [(a1, 1)]),  # A-2 before A-10: the numbers by value
        PickLine("A-10", "Product A-10", 7, [(a1, 4), (b1, 3)]),
        PickLine("B-1", "Product B-1", 7, [(a1, 2), (b1, 5)]),
    ]
    assert pick.shipments == [a1, b1]
    assert pick.units == 15
    assert pick.left_out == [
        (shipping.shipment_number(warehouse["C1"]), "shipped"),
        (shipping.shipment_number(warehouse["D1"]), "void"),
    ]
    assert pick.made_at == T0


def test_an_address_prints_without_its_empty_fields() -> None:
    assert Address("X", "2732 Baker Blvd.", "Eugene", "OR", "97403", "USA").lines() == [
        "2732 Baker Blvd.",
        "Eugene, OR 97403",
        "USA",
    ]
    assert Address("X", "", "", "Co. Cork", "", "Ireland").lines() == ["Co. Cork", "Ireland"]
    assert Address("X", "", "", "", "", "").lines() == []
