"""SPEC 4, steps 2 and 3: the allocation order and ship-complete orders in the walk."""

from __future__ import annotations

import pytest

from backorder_desktop.domain import preferences
from backorder_desktop.domain.errors import BadInput
from tests.domain.helpers import (
    adjust,
    assert_clean,
    at,
    catalogue,
    enable,
    line,
    order,
    order_numbered,
    receive,
    run,
    shipments,
    stock,
)


@pytest.fixture
def waiting(store):
    """Four one-unit backorders of W that sort differently by priority and by date."""
    catalogue("W", "G")
    order("B", ("W", 1), priority=2, when=at(10))
    order("C", ("W", 1), priority=2, when=at(5))
    order("P", ("W", 1), priority=1, when=at(20))
    order("A", ("W", 1), priority=2, when=at(5))


def filled() -> list[str]:
    return [number for number, *_rest in shipments()]


def test_allocation_order_defaults_to_priority_and_management_is_off(store):
    assert preferences.load() == preferences.OrderEntryPreferences(False, "priority")


def test_priority_order_is_priority_then_date_then_number_then_line(waiting):
    adjust("W", 3, "count correction")
    enable()

    run("secondary")

    assert sorted(filled()) == ["A", "C", "P"]
    assert line("B", 1)["backordered"] == 1
    assert stock("W") == (3, 3, 0, 1)
    assert_clean()


def test_date_order_ignores_priority(waiting):
    adjust("W", 3, "count correction")
    enable(order_by="date")

    run("secondary")

    assert sorted(filled()) == ["A", "B", "C"]
    assert line("P", 1)["backordered"] == 1
    assert stock("W") == (3, 3, 0, 1)
    assert_clean()


def test_equal_priority_and_date_go_by_order_number(waiting):
    adjust("W", 2, "count correction")
    enable()

    run("secondary")

    assert sorted(filled()) == ["A", "P"]


def test_order_number_is_compared_as_text(store):
    catalogue("W")
    order("A9", ("W", 1))
    order("A10", ("W", 1))
    receive(W=1)
    enable()

    run("primary")

    assert shipments() == [("A10", "primary", "pending", [(1, "W", 1)])]
    assert line("A9", 1)["backordered"] == 1
    assert_clean()


def test_earlier_order_wins_within_a_priority(store):
    catalogue("W")
    order("Z", ("W", 2), when=at(0))
    order("A", ("W", 2), when=at(1))
    receive(W=3)
    enable()

    run("primary")

    assert shipments() == [
        ("Z", "primary", "pending", [(1, "W", 2)]),
        ("A", "primary", "pending", [(1, "W", 1)]),
    ]
    assert stock("W") == (3, 3, 0, 1)


def test_lines_of_one_order_are_filled_in_line_number_order(store):
    catalogue("W", "G")
    order("A1", ("W", 2), ("G", 1), ("W", 2))
    receive(W=3, G=1)
    enable()

    run("primary")

    assert shipments() == [("A1", "primary", "pending", [(1, "W", 2), (2, "G", 1), (3, "W", 1)])]
    assert line("A1", 3)["backordered"] == 1
    assert_clean()


def test_lines_entered_out_of_number_order_are_filled_in_line_number_order(store):
    catalogue("W", "G")
    order_numbered("A1", (3, "W", 2), (2, "G", 1), (1, "W", 2))  # keyed in from the bottom up
    receive(W=3, G=1)
    enable()

    run("primary")

    assert shipments() == [("A1", "primary", "pending", [(1, "W", 2), (2, "G", 1), (3, "W", 1)])]
    assert line("A1", 1)["backordered"] == 0
    assert line("A1", 3)["backordered"] == 1
    assert_clean()


@pytest.mark.parametrize("order_by", ["priority", "date"])
def test_secondary_fills_an_orders_lines_in_line_number_order_whatever_order_they_were_entered_in(
    store, order_by
):
    catalogue("W")
    order_numbered("A1", (2, "W", 3), (1, "W", 3))
    adjust("W", 4, "count correction")
    enable(order_by=order_by)

    run("secondary")

    assert shipments() == [("A1", "secondary", "pending", [(1, "W", 3), (2, "W", 1)])]
    assert line("A1", 2)["backordered"] == 2
    assert_clean()


def test_a_partly_filled_line_stays_ahead_of_the_later_lines_of_its_order(store):
    """The first run changes line 1 (on PostgreSQL a changed row moves to the end of its table)."""
    catalogue("W")
    order("A1", ("W", 5), ("W", 5))
    receive(W=2)
    enable()
    run("primary")
    receive(W=4)

    run("primary")

    assert shipments() == [
        ("A1", "primary", "pending", [(1, "W", 2)]),
        ("A1", "primary", "pending", [(1, "W", 3), (2, "W", 1)]),
    ]
    assert line("A1", 1)["backordered"] == 0
    assert line("A1", 2)["backordered"] == 4
    assert_clean()


def test_date_order_breaks_a_tie_by_order_number(waiting):
    adjust("W", 1, "count correction")  # C and A were ordered at the same time; C was entered first
    enable(order_by="date")

    run("secondary")

    assert filled() == ["A"]
    assert line("C", 1)["backordered"] == 1


def test_date_order_compares_order_numbers_as_text_and_ignores_priority(store):
    catalogue("W")
    order("A9", ("W", 1), priority=1)
    order("A10", ("W", 1), priority=9)
    receive(W=1)
    enable(order_by="date")

    run("primary")

    assert shipments() == [("A10", "primary", "pending", [(1, "W", 1)])]
    assert line("A9", 1)["backordered"] == 1
    assert_clean()


def test_date_order_applies_to_the_primary_too(waiting):
    receive(W=2)
    enable(order_by="date")

    run("primary")

    assert sorted(filled()) == ["A", "C"]


def test_changing_the_allocation_order_takes_effect_on_the_next_run(waiting):
    enable(order_by="date")
    adjust("W", 1, "count correction")
    run("secondary")
    preferences.save(allocation_order="priority")
    adjust("W", 1, "count correction")

    run("secondary")

    assert filled() == ["A", "P"]


def test_unknown_allocation_order_is_refused(store):
    with pytest.raises(BadInput):
        preferences.save(allocation_order="size")

    assert preferences.load().allocation_order == "priority"


def test_ship_complete_order_is_decided_at_its_first_line_in_the_walk(store):
    catalogue("W", "G")
    order("S", ("W", 2), ("G", 2), ship_complete=True, priority=1, when=at(1))
    order("N", ("W", 3), priority=2, when=at(0))
    adjust("W", 3, "count correction")
    adjust("G", 2, "count correction")
    enable()

    run("secondary")

    assert shipments() == [
        ("S", "secondary", "pending", [(1, "W", 2), (2, "G", 2)]),
        ("N", "secondary", "pending", [(1, "W", 1)]),
    ]
    assert stock("W") == (3, 3, 0, 2)
    assert stock("G") == (2, 2, 0, 0)
    assert_clean()


def test_ship_complete_order_checks_the_budget_left_when_the_walk_reaches_it(store):
    catalogue("W", "G")
    order("N", ("W", 2), priority=1)
    order("S", ("W", 2), ("G", 2), ship_complete=True, priority=9)
    adjust("W", 3, "count correction")
    adjust("G", 5, "count correction")
    enable()

    run("secondary")

    assert shipments() == [("N", "secondary", "pending", [(1, "W", 2)])]
    assert stock("W") == (3, 2, 1, 2)
    assert stock("G") == (5, 0, 5, 2)
    assert_clean()


def test_skipped_ship_complete_order_does_not_hold_back_stock_for_later_lines(store):
    catalogue("W", "G")
    order("S", ("G", 1), ("W", 4), ship_complete=True, priority=1)
    order("N", ("W", 3), priority=5)
    adjust("W", 3, "count correction")
    adjust("G", 1, "count correction")
    enable()

    run("secondary")

    assert shipments() == [("N", "secondary", "pending", [(1, "W", 3)])]
    assert stock("G") == (1, 0, 1, 1)
    assert_clean()


def test_ship_complete_order_with_two_lines_of_one_product_needs_both_in_full(store):
    catalogue("W")
    order("S", ("W", 2), ("W", 2), ship_complete=True)
    adjust("W", 3, "count correction")
    enable()

    run("secondary")

    assert shipments() == []
    adjust("W", 1, "count correction")
    run("secondary")
    assert shipments() == [("S", "secondary", "pending", [(1, "W", 2), (2, "W", 2)])]
    assert stock("W") == (4, 4, 0, 0)
    assert_clean()
