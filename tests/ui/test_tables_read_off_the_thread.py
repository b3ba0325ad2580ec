"""The tables read their rows off the window's thread (issue 15): a sort, a filter, a search, a
refresh after a change, a scroll to rows not read yet, a tab shown: each is counted and read in a
worker thread, and the person sees the new rows once read, the selection kept. Nothing is read for
a screen out of view until it is shown."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from backorder_desktop.domain import allocation, browse, processes, shipments
from backorder_desktop.store.database import query
from backorder_desktop.store.errors import DatabaseProblem
from tests.ui.helpers import click_row, click_tab, read_every_row, settle

SHIPMENTS, ORDERS, INVENTORY = 2, 3, 5


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str, bool]]]:
    """Every count and page the tables read: (the listing, count or page, on the window's thread)."""
    found: list[tuple[str, str, bool]] = []
    window_thread = threading.main_thread()
    for listing in {browse.Listing, browse.OrderListing}:
        for name in ("count", "page"):
            read = getattr(listing, name)

            def noted(self, *args, _read=read, _name=name, **kwargs):
                found.append((type(self).__name__, _name, threading.current_thread() is window_thread))
                return _read(self, *args, **kwargs)

            monkeypatch.setattr(listing, name, noted)
    yield found


def on_the_window_thread(readings: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    return [reading for reading in readings if reading[2]]


def texts(tab, field: str, rows: range) -> list[str]:
    model = tab.model
    column = model.listing.index_of(field)
    return [model.data(model.index(row, column)) for row in rows]


def test_opening_the_window_reads_no_table_until_its_screen_is_shown(qtbot, open_window, readings):
    window, _engine, _bridge = open_window(demo=True)
    settle()
    assert window.tabs.currentIndex() == 0, "the window opens on Order Entry"
    assert readings == [], "a table out of view was read"
    click_tab(qtbot, window, INVENTORY)
    settle()
    assert {listing for listing, _what, _thread in readings} == {"StockListing"}
    assert window.inventory.count.text() == "77 products shown"
    assert on_the_window_thread(readings) == []


def test_sorting_filtering_and_searching_show_the_rows_read_off_the_windows_thread(qtbot, demo_app, readings):
    window, _engine, _bridge = demo_app
    allocation.run_process(processes.PRIMARY, "manual")
    click_tab(qtbot, window, ORDERS)
    settle()
    tab = window.orders
    tab.view.sortByColumn(tab.model.listing.index_of("priority"), Qt.SortOrder.AscendingOrder)
    settle()
    read_every_row(tab.model)
    priorities = [int(p) for p in texts(tab, "priority", range(tab.model.rowCount()))]
    assert priorities == sorted(priorities) and priorities[0] < priorities[-1], "by priority"

    click_tab(qtbot, window, SHIPMENTS)
    settle()
    ship = window.shipments
    ship.status.setCurrentIndex(ship.status.findText("Pending"))
    settle()
    pending = query("SELECT COUNT(*) FROM shipment WHERE status = 'pending'")[0][0]
    assert ship.count.text() == f"{pending:,} shipments shown"
    (customer,) = query(
        "SELECT o.customer FROM shipment s JOIN orders o ON o.id = s.order_id"
        " WHERE s.status = 'pending' LIMIT 1"
    )[0]
    ship.search.setText(customer)
    settle()
    theirs = query(
        "SELECT COUNT(*) FROM shipment s JOIN orders o ON o.id = s.order_id"
        " WHERE s.status = 'pending' AND o.customer = ?",
        (customer,),
    )[0][0]
    assert ship.model.rowCount() == theirs > 0
    assert set(texts(ship, "customer", range(theirs))) == {customer}
    assert on_the_window_thread(readings) == [], "the window's thread read rows"


def test_a_shipment_shipped_shows_in_its_row_once_read_and_stays_selected(qtbot, demo_app, readings):
    window, _engine, _bridge = demo_app
    allocation.run_process(processes.PRIMARY, "manual")
    click_tab(qtbot, window, SHIPMENTS)
    tab = window.shipments
    click_row(qtbot, tab.view, 2)
    (chosen,) = tab.selected_ids()
    status = tab.model.listing.index_of("status")
    assert tab.model.data(tab.model.index(2, status)) == "Pending"
    shipments.ship([chosen])  # as the window's Mark shipped does, in its writer thread
    tab.refresh()
    settle()
    assert tab.model.data(tab.model.index(2, status)) == "Shipped"
    assert tab.selected_ids() == [chosen], "the selected shipment is still selected"
    assert tab.detail_title.text().startswith("Lines of ")
    assert on_the_window_thread(readings) == []


def test_scrolling_to_the_end_shows_the_oldest_shipments_once_read(qtbot, demo_app, readings):
    window, _engine, _bridge = demo_app
    allocation.run_process(processes.PRIMARY, "manual")
    click_tab(qtbot, window, SHIPMENTS)
    settle()
    tab = window.shipments
    total = tab.model.rowCount()
    assert total > 2 * browse.PAGE, "rows past the first blocks, read when scrolled to"
    last = range(total - 3, total)
    assert texts(tab, "number", last) == [None, None, None], "not read yet"
    tab.view.scrollToBottom()
    qtbot.waitUntil(lambda: None not in texts(tab, "number", last), timeout=5_000)
    oldest = [
        shipments.shipment_number(sid) for (sid,) in query("SELECT id FROM shipment ORDER BY id LIMIT 3")
    ]
    assert texts(tab, "number", last) == oldest[::-1], "newest first: the oldest at the end"
    assert on_the_window_thread(readings) == []


def test_rows_that_could_not_be_read_are_shown_once_they_can_be(qtbot, demo_app, monkeypatch):
    window, _engine, _bridge = demo_app
    allocation.run_process(processes.PRIMARY, "manual")
    click_tab(qtbot, window, SHIPMENTS)
    settle()
    tab = window.shipments
    total = tab.model.rowCount()
    busy = [True]  # the database is busy for the first reading of the last rows
    read = browse.ShipmentListing.page

    def page(self, *args, **kwargs):
        if busy[0] and kwargs.get("offset", 0) > 0:
            busy[0] = False
            raise DatabaseProblem("the database is busy")
        return read(self, *args, **kwargs)

    monkeypatch.setattr(browse.ShipmentListing, "page", page)
    last = range(total - 3, total)
    tab.view.scrollToBottom()
    qtbot.waitUntil(lambda: not busy[0], timeout=5_000)  # the reading failed: asked for again later
    qtbot.waitUntil(lambda: None not in texts(tab, "number", last), timeout=10_000)
    oldest = [
        shipments.shipment_number(sid) for (sid,) in query("SELECT id FROM shipment ORDER BY id LIMIT 3")
    ]
    assert texts(tab, "number", last) == oldest[::-1]
