"""SPEC 3, order entry: commit what is available now into one Order Entry shipment, backorder the rest."""

from __future__ import annotations

import pytest

from backorder_desktop.domain import orders
from backorder_desktop.domain.check import check
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.store.database import query
from tests.domain.helpers import (
    adjust,
    assert_clean,
    catalogue,
    count,
    line,
    order,
    order_input,
    receive,
    shipments,
    snapshot,
    status,
    stock,
)


@pytest.fixture
def stocked(store):
    """W: 10 on hand, G: 5 on hand, X: none."""
    catalogue("W", "G", "X")
    receive(W=10, G=5)


def test_order_commits_available_stock_into_one_order_entry_shipment(stocked):
    result = order("A1", ("W", 4), ("G", 3))

    assert shipments() == [("A1", "order-entry", "pending", [(1, "W", 4), (2, "G", 3)])]
    assert stock("W") == (10, 4, 6, 0)
    assert stock("G") == (5, 3, 2, 0)
    assert line("A1", 1) == {"ordered": 4, "committed": 4, "shipped": 0, "backordered": 0, "cancelled": 0}
    assert status("A1") == "open"
    assert (result.orders, result.lines, result.shipments, result.committed, result.backordered) == (
        1,
        2,
        1,
        7,
        0,
    )
    assert_clean()


def test_short_line_commits_what_is_available_and_backorders_the_rest(stocked):
    order("A1", ("G", 8))

    assert shipments() == [("A1", "order-entry", "pending", [(1, "G", 5)])]
    assert stock("G") == (5, 5, 0, 3)
    assert line("A1", 1) == {"ordered": 8, "committed": 5, "shipped": 0, "backordered": 3, "cancelled": 0}
    assert_clean()


def test_order_with_nothing_available_creates_no_shipment_and_backorders_all(stocked):
    result = order("A1", ("X", 6))

    assert shipments() == []
    assert stock("X") == (0, 0, 0, 6)
    assert line("A1", 1)["backordered"] == 6
    assert (result.shipments, result.committed, result.backordered) == (0, 0, 6)
    assert_clean()


def test_only_lines_that_commit_appear_in_the_shipment(stocked):
    order("A1", ("X", 2), ("W", 3), ("G", 9))

    assert shipments() == [("A1", "order-entry", "pending", [(2, "W", 3), (3, "G", 5)])]
    assert stock("X") == (0, 0, 0, 2)
    assert stock("W") == (10, 3, 7, 0)
    assert stock("G") == (5, 5, 0, 4)
    assert_clean()


def test_lines_of_one_product_share_the_available_balance(stocked):
    order("A1", ("G", 3), ("G", 4))

    assert shipments() == [("A1", "order-entry", "pending", [(1, "G", 3), (2, "G", 2)])]
    assert line("A1", 2)["backordered"] == 2
    assert stock("G") == (5, 5, 0, 2)
    assert_clean()


def test_orders_entered_together_draw_on_stock_in_the_given_sequence(stocked):
    orders.enter_orders([order_input("B2", ("G", 4)), order_input("A1", ("G", 4))])

    assert shipments() == [
        ("B2", "order-entry", "pending", [(1, "G", 4)]),
        ("A1", "order-entry", "pending", [(1, "G", 1)]),
    ]
    assert line("A1", 1)["backordered"] == 3
    assert stock("G") == (5, 5, 0, 3)
    assert_clean()


def test_ship_complete_order_commits_nothing_unless_every_line_fills(stocked):
    order("A1", ("W", 5), ("G", 6), ship_complete=True)

    assert shipments() == []
    assert stock("W") == (10, 0, 10, 5)
    assert stock("G") == (5, 0, 5, 6)
    assert line("A1", 1)["backordered"] == 5
    assert line("A1", 2)["backordered"] == 6
    assert_clean()


def test_ship_complete_order_that_can_fill_commits_every_line(stocked):
    order("A1", ("W", 5), ("G", 5), ship_complete=True)

    assert shipments() == [("A1", "order-entry", "pending", [(1, "W", 5), (2, "G", 5)])]
    assert stock("W") == (10, 5, 5, 0)
    assert stock("G") == (5, 5, 0, 0)
    assert_clean()


def test_ship_complete_lines_of_one_product_must_fill_together(stocked):
    order("A1", ("G", 3), ("G", 3), ship_complete=True)

    assert shipments() == []
    assert stock("G") == (5, 0, 5, 6)
    assert_clean()


def test_refused_ship_complete_order_leaves_stock_for_the_next_order(stocked):
    orders.enter_orders(
        [
            order_input("A1", ("W", 2), ("G", 9), ship_complete=True),
            order_input("A2", ("W", 10)),
        ]
    )

    assert shipments() == [("A2", "order-entry", "pending", [(1, "W", 10)])]
    assert stock("W") == (10, 10, 0, 2)
    assert_clean()


def test_discontinued_line_refused(store):
    catalogue("W", "OLD", discontinued=("OLD",))
    receive(W=10)
    receive(OLD=3)
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        order("A1", ("W", 2), ("OLD", 1))

    problems = refused.value.problems
    assert len(problems) == 1
    assert problems[0].field == "sku"
    assert "OLD" in problems[0].message and "discontinued" in problems[0].message
    assert snapshot() == before
    assert count("orders") == 0
    assert stock("W") == (10, 0, 10, 0)
    assert_clean()


def test_unknown_product_refused_and_nothing_entered(stocked):
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        order("A1", ("W", 2), ("NOPE", 1))

    assert "NOPE" in str(refused.value)
    assert snapshot() == before


def test_one_bad_order_refuses_the_whole_batch(stocked):
    before = snapshot()

    with pytest.raises(BadInput):
        orders.enter_orders([order_input("A1", ("W", 2)), order_input("A2", ("W", 0))])

    assert snapshot() == before
    assert count("orders") == 0


def test_priority_defaults_to_five(stocked):
    order("A1", ("W", 1))

    assert orders_priority("A1") == 5


@pytest.mark.parametrize("priority", [0, 10, -1])
def test_priority_outside_one_to_nine_refused(stocked, priority):
    with pytest.raises(BadInput) as refused:
        order("A1", ("W", 1), priority=priority)

    assert refused.value.problems[0].field == "priority"
    assert count("orders") == 0
    assert stock("W") == (10, 0, 10, 0)


def test_existing_order_number_refused_and_changes_nothing(stocked):
    order("A1", ("W", 1))
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        order("A1", ("W", 1))

    assert "already exists" in str(refused.value)
    assert snapshot() == before


def test_order_without_lines_or_with_repeated_line_refused(stocked):
    empty = order_input("A1")
    repeated = order_input("A2", ("W", 1))
    repeated.lines.append(orders.LineInput(1, "G", 1))

    with pytest.raises(BadInput) as refused:
        orders.enter_orders([empty, repeated])

    fields = sorted(p.field for p in refused.value.problems)
    assert fields == ["line", "line"]
    assert count("orders") == 0


def test_order_entry_commits_even_while_backorder_management_is_off(stocked):
    order("A1", ("G", 7))

    assert shipments() == [("A1", "order-entry", "pending", [(1, "G", 5)])]
    assert stock("G") == (5, 5, 0, 2)


def test_order_entry_never_makes_available_negative(stocked):
    order("A1", ("W", 8))
    adjust("W", -5, "damage")  # on hand 5, committed 8
    assert stock("W") == (5, 8, -3, 0)

    order("A2", ("W", 2))

    assert shipments(order="A2") == []
    assert stock("W") == (5, 8, -3, 2)
    assert line("A2", 1)["backordered"] == 2
    report_violations_only()


def orders_priority(number: str) -> int:
    return query("SELECT priority FROM orders WHERE number = ?", (number,))[0][0]


def report_violations_only() -> None:
    """Available is negative after a person's adjustment: a warning, never a violation."""
    report = check()
    assert report.violations == []
    assert any(w.startswith("W:") for w in report.warnings)
