"""The Orders tab's reads (issue 14), on SQLite and PostgreSQL: every order, open, closed or void,
with its lines' units added up; filtered, searched and sorted in SQL, paged by key; an order's
lines and shipments; and an order entered by hand under the next free number."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from backorder_desktop.domain import browse, customers, orders, products, shipments
from backorder_desktop.domain.browse import Filters, OrderListing
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.domain.orders import LineInput
from backorder_desktop.domain.processes import ORDER_ENTRY, PRIMARY
from backorder_desktop.store.database import query
from tests.domain.helpers import T0, at, catalogue, count, enable, order, receive, run, shipment_ids, snapshot
from tests.domain.test_rows_with_names import assert_typed

COLUMN = {column.field: number for number, column in enumerate(OrderListing.columns)}


def figures(row: browse.OrderRow) -> tuple[int, int, int, int, int, int]:
    return (row.lines, row.ordered, row.shipped, row.pending, row.backordered, row.cancelled)


def by_number(filters: Filters | None = None) -> dict[str, browse.OrderRow]:
    return {row.number: row for row in OrderListing().page(filters or Filters(), limit=1000).rows}


@pytest.fixture
def shop(store: str) -> str:
    """Four orders: A1 partly shipped with a line waiting, A2 voided after part was committed, A3
    shipped in full (closed), B4 waiting for everything, for another customer, a day later."""
    catalogue("W", "G", "T")
    enable()
    receive(W=10, G=3)
    order("A1", ("W", 6), ("G", 5), when=at(0), customer="Around the Horn")  # G: 3 of 5 now
    shipments.ship(shipment_ids("A1"))
    order("A2", ("W", 3), ("T", 2), when=at(10), customer="Around the Horn", priority=2)
    shipments.void_order("A2")
    order("A3", ("W", 1), when=at(20), customer="Berglunds snabbköp", ship_complete=True)
    shipments.ship(shipment_ids("A3"))
    order("B4", ("T", 7), when=at(60 * 24), customer="Chop-suey Chinese")
    return store


def test_every_order_shows_its_status_and_where_its_units_stand(shop: str) -> None:
    rows = by_number()
    assert set(rows) == {"A1", "A2", "A3", "B4"}
    for row in rows.values():
        assert type(row) is browse.OrderRow
        assert_typed(row)
    assert (rows["A1"].status, figures(rows["A1"])) == ("open", (2, 11, 9, 0, 2, 0))
    assert (rows["A2"].status, figures(rows["A2"])) == ("void", (2, 5, 0, 0, 0, 5))
    assert (rows["A3"].status, figures(rows["A3"])) == ("closed", (1, 1, 1, 0, 0, 0))
    assert (rows["B4"].status, figures(rows["B4"])) == ("open", (1, 7, 0, 0, 7, 0))
    a2 = rows["A2"]
    assert (a2.customer, a2.priority, a2.ordered_at, a2.ship_complete) == (
        "Around the Horn",
        2,
        at(10),
        False,
    )
    assert rows["A3"].ship_complete is True

    # Pending: what pending shipments hold, until they ship.
    receive(T=4)
    assert run(PRIMARY).record.shipments == 1
    assert figures(by_number()["B4"]) == (1, 7, 0, 4, 3, 0)


def test_filters_and_the_search_narrow_the_orders_and_the_count_agrees(shop: str) -> None:
    listing = OrderListing()
    cases = {
        "open": (Filters(status="open"), {"A1", "B4"}),
        "closed": (Filters(status="closed"), {"A3"}),
        "void": (Filters(status="void"), {"A2"}),
        "first day": (Filters(since=T0.date(), until=T0.date()), {"A1", "A2", "A3"}),
        "second day, open": (Filters(status="open", since=T0.date() + timedelta(days=1)), {"B4"}),
        "until the day before": (Filters(until=T0.date() - timedelta(days=1)), set()),
        "an order's number": (Filters(search="A3"), {"A3"}),
        "part of a customer, any case": (Filters(search="  horn "), {"A1", "A2"}),
        "a customer's accent": (Filters(search="SNABBKÖP".lower()), {"A3"}),
        "the start of a number": (Filters(search="B"), {"A3", "B4"}),
        "the middle of a number is no number": (Filters(search="4"), set()),
        "a % or _ is looked for, not a wildcard": (Filters(search="_"), set()),
        "search and status": (Filters(search="horn", status="void"), {"A2"}),
    }
    for case, (filters, wanted) in cases.items():
        assert set(by_number(filters)) == wanted, case
        assert listing.count(filters) == len(wanted), case


def test_orders_sort_by_each_sortable_column_both_ways_and_pages_follow_one_another(store: str) -> None:
    catalogue("W")
    customers = ["Ernst Handel", "alfreds", "Bólido Comidas", "Wartian Herkku", "QUICK-Stop"]
    for n in range(23):
        order(
            f"{n % 7}-{n:03d}",
            *[("W", 1 + n % 4)] * (1 + n % 3),
            when=at(n * 37 % 23 * 60),
            priority=1 + n * 5 % 9,
            customer=customers[n % 5],
            ship_complete=n % 4 == 0,
        )
    listing = OrderListing()
    rows = listing.page(Filters(), limit=1000).rows
    assert len(rows) == 23
    for column in OrderListing.columns:
        if column.sort is None:
            continue
        for descending in (False, True):
            everything = listing.page(Filters(), COLUMN[column.field], descending, limit=1000)
            values = [getattr(row, column.field) for row in everything.rows]
            if column.field == "customer":
                # Text sorts as the database's collation does; each customer's orders stay together.
                assert len([k for k, _run in itertools.groupby(values)]) == len(set(values)), values
            else:
                assert values == sorted(values, reverse=descending), (column.title, descending)
            # Pages of 5 asked for after the key of the one before are the same rows, once each.
            paged, after = [], None
            while True:
                page = listing.page(Filters(), COLUMN[column.field], descending, after=after, limit=5)
                paged += page.rows
                if len(page.rows) < 5:
                    break
                after = page.last_key
            assert paged == everything.rows, (column.title, descending)
            # A jump (dragging the scroll bar) reads by offset, one past the middle from the end:
            # the same rows again.
            for start in (10, 15, 20, 23):
                jumped = listing.page(Filters(), COLUMN[column.field], descending, limit=5, offset=start)
                assert jumped.rows == everything.rows[start : start + 5], (column.title, descending, start)
                assert jumped.keys == everything.keys[start : start + 5]


def test_an_orders_detail_is_its_lines_and_its_shipments_with_who_made_and_closed_them(shop: str) -> None:
    rows = by_number()
    lines = browse.order_lines(rows["A1"].id)
    assert [
        (ln.line, ln.sku, ln.product, ln.ordered, ln.shipped, ln.pending, ln.backordered) for ln in lines
    ] == [
        (1, "W", "Product W", 6, 6, 0, 0),
        (2, "G", "Product G", 5, 3, 0, 2),
    ]
    for line in lines:
        assert_typed(line)
    detail = browse.order_detail(rows["A2"].id)
    assert [(ln.sku, ln.cancelled) for ln in detail.lines] == [("W", 3), ("T", 2)]
    (voided,) = detail.shipments
    assert (voided.status, voided.created_by, voided.lines, voided.units) == ("void", ORDER_ENTRY, 1, 3)
    assert voided.created_user and voided.closed_user  # the login of whoever ran the test
    assert voided.closed_at is not None
    assert_typed(voided)
    assert browse.order_detail(rows["B4"].id).shipments == []


def test_the_next_free_number_follows_the_largest_number_made_of_digits(store: str) -> None:
    catalogue("W")
    assert orders.next_number() == "1"
    order("WEB-77", ("W", 1))
    order("99999999999999999999", ("W", 1))  # too long for any integer: not one of ours
    assert orders.next_number() == "1"
    order("10248", ("W", 1))
    order("9999", ("W", 1))  # text order puts it after 10248; number order does not
    order("10250-B", ("W", 1))
    assert orders.next_number() == "10249"
    order("0011077", ("W", 1))
    assert orders.next_number() == "0011078", "as wide as the largest, its zeros kept"


def test_an_order_written_by_hand_goes_through_order_entry_and_says_what_happened(store: str) -> None:
    catalogue("NW-001", "NW-002", "NW-014")
    receive(**{"NW-001": 10, "NW-002": 20})
    order("11077", ("NW-001", 1))
    lines = [LineInput(1, "NW-001", 4), LineInput(2, "ＮＷ-００２", 5), LineInput(3, " NW-014 ", 12)]
    entered = orders.enter_new_order("Around the Horn ", lines, priority=2)
    assert entered.number == "11078"
    assert entered.shipment is not None
    assert entered.story() == (
        f"Order 11078 for Around the Horn, 3 lines: 2 committed now in {entered.shipment},"
        " 1 backordered: 12 of NW-014."
    )
    row = by_number()["11078"]
    assert (row.customer, row.priority, row.status, figures(row)) == (
        "Around the Horn",
        2,
        "open",
        (3, 21, 0, 9, 12, 0),
    )
    (sid,) = shipment_ids("11078")
    assert shipments.shipment_number(sid) == entered.shipment
    # Its activity row is order entry's, as for an imported file, under the dialog's name.
    (logged,) = query("SELECT action, subject, details FROM activity WHERE subject = 'New order dialog'")
    assert logged[0] == "import"
    assert logged[2].startswith(
        "orders: 1 order, 3 lines, 9 units committed in 1 shipment, 12 units backordered"
    )

    everything = orders.enter_new_order("Around the Horn", [LineInput(1, "NW-001", 2)])
    assert (
        everything.story()
        == f"Order 11079 for Around the Horn, 1 line: all committed now in {everything.shipment}."
    )
    waiting = orders.enter_new_order(
        "Ernst Handel", [LineInput(1, "NW-001", 1), LineInput(2, "NW-014", 3)], ship_complete=True
    )
    assert waiting.shipment is None
    assert waiting.story() == (
        "Order 11080 for Ernst Handel, 2 lines: none committed now, 2 backordered: 1 of NW-001, 3 of NW-014."
        " Ship complete: nothing is committed until every line can be filled."
    )


def test_an_order_written_wrong_is_refused_with_every_problem_by_line_and_nothing_is_saved(
    store: str,
) -> None:
    catalogue("NW-001", "OLD", discontinued=("OLD",))
    before, logged = snapshot(), count("activity")
    lines = [
        LineInput(1, "NW-001", 2, "line 1"),
        LineInput(2, "", 1, "line 2"),
        LineInput(3, "NO-SUCH", 1, "line 3"),
        LineInput(4, "OLD", 1, "line 4"),
        LineInput(5, "NW-\u200b001", 1, "line 5"),
    ]
    with pytest.raises(BadInput) as refused:
        orders.enter_new_order("  ", lines, priority=5)
    said = [(p.where, p.field, p.message) for p in refused.value.problems]
    assert said[0][1:] == ("customer", "the customer is empty")
    assert [(where, field) for where, field, _message in said[1:]] == [
        ("line 2", "sku"),
        ("line 3", "sku"),
        ("line 4", "sku"),
        ("line 5", "sku"),
    ]
    assert "unknown SKU 'NO-SUCH'" in said[2][2] and "discontinued" in said[3][2]
    assert "U+200B ZERO WIDTH SPACE" in said[4][2]
    with pytest.raises(BadInput, match="at least one line"):
        orders.enter_new_order("Around the Horn", [])
    with pytest.raises(BadInput, match="the SKU is empty"):
        orders.enter_new_order("Around the Horn", [LineInput(1, " ", 1, "line 1")])
    assert snapshot() == before
    assert count("activity") == logged


def test_choices_offered_as_a_person_types_come_from_the_database(store: str) -> None:
    catalogue("NW-013", "OLD-14", discontinued=("OLD-14",))
    products.save_products(
        [
            products.ProductInput("NW-014", "Tofu", False, "a"),
            products.ProductInput("XY-140", "Konbu", False, "b"),
        ]
    )
    found = browse.product_choices("14")
    assert [p.sku for p in found] == ["NW-014", "OLD-14", "XY-140"], "SKUs by their text"
    assert [p.sku for p in browse.product_choices("14", orderable_only=True)] == ["NW-014", "XY-140"]
    assert [p.sku for p in browse.product_choices("tOFu")] == ["NW-014"]
    assert [p.sku for p in browse.product_choices("xy")] == ["XY-140"], "SKUs that begin with it first"
    assert browse.product_choices("x", limit=1)[0].sku == "XY-140"
    order("A1", ("NW-013", 1), customer="Around the Horn")
    order("A2", ("NW-013", 1), customer="Around the Horn")
    order("A3", ("NW-013", 1), customer="Ernst Handel")
    customers.save_customers(
        [customers.CustomerInput("Hanari Carnes", "Rua do Paço, 67", "Rio", "RJ", "05454", "BR", "a")]
    )
    assert browse.customer_choices("HORN") == ["Around the Horn"]
    assert browse.customer_choices("") == ["Around the Horn", "Ernst Handel", "Hanari Carnes"], (
        "with an address on file"
    )


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
def test_a_page_of_orders_reads_the_orders_by_an_index_and_only_their_own_lines(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Newest first and a range of days read `orders_ordered_at`, by customer `orders_customer`
    (no sort of every order); the figures are added up from the page's orders' lines alone (by
    the index of an order's lines), never from every line."""
    from tests.domain.test_query_plans import _plans_of

    catalogue("W")
    order("A1", ("W", 1))
    listing = OrderListing()
    newest = Filters(since=date(2026, 1, 1))
    plans = _plans_of(lambda: listing.page(newest, COLUMN["ordered_at"], True), browse, monkeypatch)
    orders_plan, figures_plan = plans
    assert "orders_ordered_at" in orders_plan and "TEMP B-TREE" not in orders_plan, orders_plan
    assert "order_line_order_id" in figures_plan and "SCAN" not in figures_plan, figures_plan
    (count_plan,) = _plans_of(lambda: listing.count(newest), browse, monkeypatch)
    assert "orders_ordered_at" in count_plan, count_plan
    for descending in (False, True):
        by_customer, _figures = _plans_of(
            lambda d=descending: listing.page(Filters(status="open"), COLUMN["customer"], d),
            browse,
            monkeypatch,
        )
        assert "orders_customer" in by_customer and "TEMP B-TREE" not in by_customer, by_customer
