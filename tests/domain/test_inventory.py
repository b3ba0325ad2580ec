"""SPEC 3, inventory events (receipts, adjustments, returns) and the ledger; SPEC 2, available."""

from __future__ import annotations

import pytest

from backorder_desktop.domain import inventory
from backorder_desktop.domain import shipments as shipping
from backorder_desktop.domain.check import check
from backorder_desktop.domain.errors import BadInput, Refused
from backorder_desktop.store.database import query
from tests.domain.helpers import (
    T0,
    adjust,
    assert_clean,
    catalogue,
    enable,
    give_back,
    order,
    receive,
    run,
    shipment_ids,
    shipments,
    snapshot,
    stock,
)


def ledger_rows() -> list[tuple[str, str, int, int, str]]:
    return [
        tuple(r)
        for r in query(
            "SELECT l.kind, p.sku, l.on_hand_delta, l.committed_delta, l.document FROM ledger l"
            " JOIN product p ON p.id = l.product_id ORDER BY l.id"
        )
    ]


@pytest.fixture
def products(store):
    catalogue("W", "G")


def test_receipt_raises_on_hand_and_is_one_ledger_row_per_line(products):
    units = receive("R-100", W=10, G=3)

    assert units == 13
    assert stock("W") == (10, 0, 10, 0)
    assert stock("G") == (3, 0, 3, 0)
    assert ledger_rows() == [
        ("receipt", "W", 10, 0, "receipt R-100"),
        ("receipt", "G", 3, 0, "receipt R-100"),
    ]
    assert_clean()


def test_receipt_alone_does_not_fill_backorders(products):
    order("A1", ("W", 4))

    receive(W=10)

    assert shipments() == []
    assert stock("W") == (10, 0, 10, 4)
    assert_clean()


def test_receipt_number_that_exists_refuses_the_whole_batch(products):
    receive("R1", W=1)
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        inventory.receive(
            [
                inventory.ReceiptInput("R2", T0, [inventory.ReceiptLineInput("W", 5)]),
                inventory.ReceiptInput("R1", T0, [inventory.ReceiptLineInput("G", 5)]),
            ]
        )

    assert "R1" in str(refused.value)
    assert snapshot() == before
    assert stock("W") == (1, 0, 1, 0)


@pytest.mark.parametrize(
    "lines",
    [
        [inventory.ReceiptLineInput("NOPE", 1)],
        [inventory.ReceiptLineInput("W", 0)],
        [inventory.ReceiptLineInput("W", 1), inventory.ReceiptLineInput("W", 2)],
        [],
    ],
)
def test_bad_receipt_is_refused_and_changes_nothing(products, lines):
    before = snapshot()

    with pytest.raises(BadInput):
        inventory.receive([inventory.ReceiptInput("R1", T0, lines)])

    assert snapshot() == before


def test_adjustment_changes_on_hand_both_ways(products):
    receive(W=10)

    adjust("W", 3, "count correction")
    adjust("W", -5, "damage")

    assert stock("W") == (8, 0, 8, 0)
    kinds = [(k, sku, delta, committed) for k, sku, delta, committed, _doc in ledger_rows()]
    assert kinds == [("receipt", "W", 10, 0), ("adjustment", "W", 3, 0), ("adjustment", "W", -5, 0)]
    assert query("SELECT qty, reason FROM adjustment ORDER BY id") == [
        (3, "count correction"),
        (-5, "damage"),
    ]
    assert_clean()


@pytest.mark.parametrize(
    "qty, reason, field", [(-11, "damage", "qty"), (0, "count", "qty"), (2, "  ", "reason")]
)
def test_bad_adjustment_is_refused_and_changes_nothing(products, qty, reason, field):
    receive(W=10)
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        adjust("W", qty, reason)

    assert [p.field for p in refused.value.problems] == [field]
    assert snapshot() == before


def test_negative_adjustment_below_committed_allocates_nothing_and_check_warns(products):
    receive(W=10)
    order("A1", ("W", 8))
    order("A2", ("W", 5))  # 2 committed, 3 backordered
    enable()

    adjust("W", -4, "damage")  # on hand 6 below committed 10

    assert stock("W") == (6, 10, -4, 3)
    receive(W=3)  # available -1: still nothing to hand out
    primary = run("primary").record
    secondary = run("secondary").record
    assert (primary.outcome, primary.shipments, primary.units) == ("ok", 0, 0)
    assert (secondary.outcome, secondary.shipments, secondary.units) == ("ok", 0, 0)
    assert shipments(by="primary") == [] and shipments(by="secondary") == []
    assert stock("W") == (9, 10, -1, 3)
    report = check()
    assert report.violations == []
    assert len(report.warnings) == 1 and report.warnings[0].startswith("W:")


def test_return_raises_on_hand(products):
    receive(W=10)
    order("A1", ("W", 6))
    shipping.ship(shipment_ids("A1"))

    units = give_back("A1", "W", 2)

    assert units == 2
    assert stock("W") == (6, 0, 6, 0)
    assert ledger_rows()[-1][:4] == ("return", "W", 2, 0)
    assert "A1" in ledger_rows()[-1][4]
    assert_clean()


def test_return_more_than_shipped_is_refused(products):
    receive(W=10)
    order("A1", ("W", 6))
    shipping.ship(shipment_ids("A1"))
    before = snapshot()

    with pytest.raises((BadInput, Refused)) as refused:
        give_back("A1", "W", 7)

    assert "A1" in str(refused.value)
    assert snapshot() == before
    assert stock("W") == (4, 0, 4, 0)


def test_return_counts_earlier_returns(products):
    receive(W=10)
    order("A1", ("W", 6))
    shipping.ship(shipment_ids("A1"))
    give_back("A1", "W", 4)
    before = snapshot()

    with pytest.raises((BadInput, Refused)):
        give_back("A1", "W", 3)
    with pytest.raises((BadInput, Refused)):
        inventory.record_returns([inventory.ReturnInput("A1", "W", 1), inventory.ReturnInput("A1", "W", 2)])

    assert snapshot() == before
    give_back("A1", "W", 2)
    assert stock("W") == (10, 0, 10, 0)
    assert_clean()


def test_return_of_units_still_pending_is_refused(products):
    receive(W=10)
    order("A1", ("W", 6))  # committed, not shipped
    before = snapshot()

    with pytest.raises((BadInput, Refused)):
        give_back("A1", "W", 1)

    assert snapshot() == before


@pytest.mark.parametrize(
    "number, sku, qty", [("NOPE", "W", 1), ("A1", "G", 1), ("A1", "ZZ", 1), ("A1", "W", 0)]
)
def test_return_for_unknown_order_or_product_not_shipped_is_refused(products, number, sku, qty):
    receive(W=10, G=10)
    order("A1", ("W", 6))
    shipping.ship(shipment_ids("A1"))
    before = snapshot()

    with pytest.raises((BadInput, Refused)):
        give_back(number, sku, qty)

    assert snapshot() == before


def test_return_on_a_closed_order_is_allowed(products):
    receive(W=6)
    order("A1", ("W", 6))
    shipping.ship(shipment_ids("A1"))

    give_back("A1", "W", 6)

    assert stock("W") == (6, 0, 6, 0)
    assert_clean()


def test_every_change_to_on_hand_or_committed_is_one_ledger_row(products):
    receive("R1", W=10)
    order("A1", ("W", 4))
    (sid,) = shipment_ids("A1")
    shipping.ship([sid])
    order("A2", ("W", 3))
    (sid2,) = shipment_ids("A2")
    shipping.void([sid2])
    adjust("W", -1, "damage")
    give_back("A1", "W", 1)

    rows = ledger_rows()
    number, number2 = shipping.shipment_number(sid), shipping.shipment_number(sid2)
    assert [r[:4] for r in rows] == [
        ("receipt", "W", 10, 0),
        ("commit", "W", 0, 4),
        ("ship", "W", -4, -4),
        ("commit", "W", 0, 3),
        ("release", "W", 0, -3),
        ("adjustment", "W", -1, 0),
        ("return", "W", 1, 0),
    ]
    assert [r[4] for r in rows[:5]] == [
        "receipt R1",
        f"shipment {number}",
        f"shipment {number}",
        f"shipment {number2}",
        f"shipment {number2}",
    ]
    on_hand = sum(r[2] for r in rows)
    committed = sum(r[3] for r in rows)
    assert stock("W")[:2] == (on_hand, committed) == (6, 0)
    assert_clean()


def test_every_way_in_has_the_limits_of_a_file(products) -> None:
    """A dialog (or any caller) cannot store what an import would refuse: quantities up to
    1,000,000,000 and texts up to 255 characters; beyond, the field is named and nothing is kept."""
    order("O-1", ("W", 2))
    before = snapshot()
    too_many = 10**20  # would not even fit the database's integers
    attempts = [
        (lambda: receive("R-9", W=too_many), "qty"),
        (lambda: receive("R" * 256, W=1), "receipt"),
        (lambda: adjust("W", too_many), "qty"),
        (lambda: adjust("W", -too_many), "qty"),
        (lambda: adjust("W", 1, reason="r" * 256), "reason"),
        (lambda: give_back("O-1", "W", too_many), "qty"),
        (lambda: adjust(" ", 1), "sku"),
        (lambda: order("O-2", ("W", too_many)), "qty"),
        (lambda: order("O" * 256, ("W", 1)), "order"),
        (lambda: order("O-2", ("W", 1), customer="C" * 256), "customer"),
        (lambda: catalogue("S" * 256), "sku"),
        (lambda: catalogue(""), "sku"),
    ]
    for attempt, field in attempts:
        with pytest.raises(BadInput) as refused:
            attempt()
        assert field in {p.field for p in refused.value.problems}, refused.value.problems
        assert snapshot() == before
    assert receive("R-9", W=1_000_000_000) == 1_000_000_000
