"""The Orders tab (issue 14): every order with where its units stand, filtered and searched like
the Shipments tab; an order's lines and shipments with who created, shipped or voided them; Void
order from there. On a SQLite file and on a PostgreSQL database alike."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QDate, QPoint
from PySide6.QtGui import QPainter

from backorder_desktop.domain import allocation, processes, shipments
from backorder_desktop.domain.browse import OrderListing
from backorder_desktop.store.database import query
from backorder_desktop.ui import orders_tab
from backorder_desktop.ui.format import counted
from backorder_desktop.ui.new_order_dialog import NewOrderDialog
from tests.conftest import require_postgres
from tests.places import drop_postgres_database, is_postgres, postgres_database
from tests.ui.helpers import click, click_row, click_tab, read_every_row, settle
from tests.ui.test_window import SCREENSHOTS

ORDERS = 3  # its tab (from 0), after Shipments
SHIPMENTS = 2
ACTIVITY = 7
COLUMN = {column.field: number for number, column in enumerate(OrderListing.columns)}


@pytest.fixture(params=["sqlite", "postgresql"])
def shop(request: pytest.FixtureRequest, window_db: str) -> Iterator[str]:
    """Where the window's database lives: a SQLite file, or a new PostgreSQL database (made, with
    the demo data, by the window's fixture; dropped once the window is closed)."""
    if request.param == "sqlite":
        yield window_db
        return
    url = postgres_database(require_postgres(request))
    yield url
    drop_postgres_database(url)


@pytest.fixture
def confirmed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def yes(parent, title, text) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(orders_tab, "confirm", yes)
    return asked


def column(tab, field: str) -> list[str]:
    """The texts of one column of the Orders table, top to bottom."""
    model = tab.model
    read_every_row(model)
    return [model.data(model.index(r, COLUMN[field])) for r in range(model.rowCount())]


def cells(table, row: int) -> dict[str, str]:
    """One row of a detail table, by its column titles."""
    titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return {title: table.item(row, c).text() for c, title in enumerate(titles)}


def search(qtbot, tab, text: str) -> None:
    """Type TEXT in the search box as a person does, and wait for the rows."""
    tab.search.clear()
    tab.search.setFocus()
    qtbot.keyClicks(tab.search, text)
    settle()


def test_staff_find_an_order_see_its_lines_and_shipments_and_void_it(
    qtbot, shop: str, open_window, confirmed
) -> None:
    window, _engine, _bridge = open_window(demo=True, target=shop)
    me = urlsplit(shop).username if is_postgres(shop) else getpass.getuser()
    assert allocation.run_process(processes.PRIMARY, "manual").record.shipments >= 2
    window.refresh_now()
    settle()
    click_tab(qtbot, window, ORDERS)
    settle()
    tab = window.orders
    assert window.tabs.tabText(ORDERS) == "Orders"
    total = query("SELECT COUNT(*) FROM orders")[0][0]
    assert tab.count.text() == f"{total:,} orders shown"
    newest = column(tab, "ordered_at")[:50]
    assert newest == sorted(newest, reverse=True), "newest first"
    assert set(column(tab, "status")[:50]) <= {"Open", "Closed"}

    # An open order the Primary just served: its pending shipment is the Primary's.
    ((number, customer, lines),) = query(
        "SELECT o.number, o.customer, (SELECT COUNT(*) FROM order_line ol WHERE ol.order_id = o.id)"
        " FROM orders o WHERE o.status = 'open' AND o.id IN (SELECT order_id FROM shipment"
        " WHERE created_by = 'primary') AND o.id IN (SELECT order_id FROM shipment"
        " WHERE created_by = 'order-entry') ORDER BY o.number LIMIT 1"
    )
    search(qtbot, tab, number)
    assert column(tab, "number") == [number]
    assert tab.count.text() == "1 order shown"
    assert not tab.void_button.isEnabled() and tab.void_button.toolTip() == "Select an open order first."
    click_row(qtbot, tab.view, 0)
    settle()
    assert tab.detail_title.text().startswith(f"Order {number} — {customer} — Open, ordered ")
    assert tab.lines.rowCount() == lines
    ordered, pending = (int(column(tab, field)[0].replace(",", "")) for field in ("ordered", "pending"))
    assert sum(int(cells(tab.lines, r)["Ordered"].replace(",", "")) for r in range(lines)) == ordered
    shipments_shown = [cells(tab.shipments, r) for r in range(tab.shipments.rowCount())]
    by_creator = {row["Created by"]: row for row in shipments_shown}
    assert by_creator["Primary Backorder Process"]["Status"] == "Pending"
    assert by_creator["Primary Backorder Process"]["Entered by"] == me, "who started the run"
    assert by_creator["Order Entry"]["Shipment"].startswith("S")
    assert tab.shipments_title.text().startswith(f"Shipments of order {number}: ")
    assert tab.void_button.isEnabled()

    # Void it: asked first, then the order is void, its pending shipments too, its backorders gone.
    click(qtbot, tab.void_button)
    settle()
    assert len(confirmed) == 1 and f"Void order {number} of {customer}?" in confirmed[0]
    assert column(tab, "status") == ["Void"]
    assert column(tab, "pending") == ["0"] and column(tab, "backordered") == ["0"]
    assert int(column(tab, "cancelled")[0].replace(",", "")) >= pending
    assert tab.view.selectionModel().isRowSelected(0), "the voided order stays selected"
    assert tab.detail_title.text().startswith(f"Order {number} — {customer} — Void, ordered ")
    voided = cells(
        tab.shipments, [r["Created by"] for r in shipments_shown].index("Primary Backorder Process")
    )
    assert (voided["Status"], voided["By"]) == ("Void", me)
    assert voided["Shipped or voided"], "when it was voided"
    assert not tab.void_button.isEnabled()
    assert tab.void_button.toolTip() == f"Order {number} is void: only open orders can be voided."
    assert window.statusBar().currentMessage().startswith(f"Voided order {number}: ")
    assert query("SELECT status FROM orders WHERE number = ?", (number,))[0][0] == "void"

    # The Shipments tab shows its shipment void; the Activity tab, who voided the order.
    click_tab(qtbot, window, SHIPMENTS)
    settle()
    window.shipments.search.setText(number)
    settle()
    model = window.shipments.model
    statuses = {model.row(r).created_by: model.row(r).status for r in range(model.rowCount())}
    assert statuses[processes.PRIMARY] == "void"
    click_tab(qtbot, window, ACTIVITY)
    settle()
    activity = window.activity.model
    newest_change = {
        column.title: activity.data(activity.index(0, c)) for c, column in enumerate(activity.listing.columns)
    }
    assert (newest_change["Action"], newest_change["Subject"], newest_change["User"]) == (
        "Void order",
        number,
        me,
    )


def test_the_filters_narrow_the_orders_and_the_count_says_how_many(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    click_tab(qtbot, window, ORDERS)
    settle()
    tab = window.orders
    for status in ("Closed", "Open"):
        tab.status.setCurrentIndex(tab.status.findText(status))
        settle()
        wanted = query("SELECT COUNT(*) FROM orders WHERE status = ?", (status.lower(),))[0][0]
        assert tab.count.text() == f"{wanted:,} orders shown"
        assert set(column(tab, "status")) == {status}

    # Open orders of the last two weeks.
    since = date.today() - timedelta(days=13)
    click(qtbot, tab.dates.use)
    assert tab.dates.since.isEnabled() and tab.dates.until.isEnabled()
    tab.dates.since.setDate(QDate(since.year, since.month, since.day))
    settle()
    wanted = query(
        "SELECT COUNT(*) FROM orders WHERE status = 'open' AND ordered_at >= ?", (f"{since} 00:00:00",)
    )[0][0]
    assert 0 < wanted < 158
    assert tab.count.text() == counted(wanted, "order shown", "orders shown")
    assert all(text[:10] >= str(since) for text in column(tab, "ordered_at"))

    # A part of a customer's name, in any case, on top of the rest.
    search(qtbot, tab, "HANDEL")
    names = {name for (name,) in query("SELECT customer FROM orders WHERE LOWER(customer) LIKE '%handel%'")}
    assert names and set(column(tab, "customer")) <= names
    tab.status.setCurrentIndex(tab.status.findText("All"))
    click(qtbot, tab.dates.use)
    settle()
    everything = query("SELECT COUNT(*) FROM orders WHERE LOWER(customer) LIKE '%handel%'")[0][0]
    assert tab.count.text() == f"{everything:,} orders shown"


def test_a_closed_order_cannot_be_voided_and_says_why(qtbot, demo_app, confirmed) -> None:
    window, _engine, _bridge = demo_app
    click_tab(qtbot, window, ORDERS)
    tab = window.orders
    tab.status.setCurrentIndex(tab.status.findText("Closed"))
    settle()
    click_row(qtbot, tab.view, 0)
    settle()
    number = column(tab, "number")[0]
    assert not tab.void_button.isEnabled()
    assert tab.void_button.toolTip() == f"Order {number} is closed: only open orders can be voided."
    shown = [cells(tab.shipments, r)["Status"] for r in range(tab.shipments.rowCount())]
    assert shown and set(shown) == {"Shipped"}
    assert confirmed == []


def test_orders_model_passes_qtmodeltester(qtmodeltester, demo_app) -> None:
    window, _engine, _bridge = demo_app
    window.orders.apply_filters()
    settle()
    assert window.orders.model.rowCount() > 0
    qtmodeltester.check(window.orders.model)


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_screenshots_of_the_orders_tab_and_the_new_order_dialog(qtbot, demo_app, tmp_path, size) -> None:
    """The Orders tab on the demo data, an order selected (one shipment shipped, one the Primary
    made), and the New order dialog being filled, the SKU completer open; at a small and a big
    screen. Into docs/screenshots with BACKORDER_SCREENSHOTS=1, else a scratch folder."""
    folder = SCREENSHOTS if os.environ.get("BACKORDER_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    window, _engine, _bridge = demo_app
    window.resize(*size)
    assert allocation.run_process(processes.PRIMARY, "manual").record.shipments >= 2
    ((number, entered),) = query(
        "SELECT o.number, MIN(s.id) FROM orders o JOIN shipment s ON s.order_id = o.id"
        " WHERE o.status = 'open' AND s.created_by = 'order-entry' AND s.status = 'pending'"
        " AND o.id IN (SELECT order_id FROM shipment WHERE created_by = 'primary')"
        " AND (SELECT COUNT(*) FROM order_line ol WHERE ol.order_id = o.id) >= 3"
        " GROUP BY o.number ORDER BY o.number LIMIT 1"
    )
    shipments.ship([entered])
    window.refresh_now()
    settle()
    click_tab(qtbot, window, ORDERS)
    settle()
    tab = window.orders
    row = next(r for r, order in enumerate(tab.model.rows) if order.number == number)
    click_row(qtbot, tab.view, row)
    settle()
    assert tab.shipments.rowCount() >= 2
    width, height = size
    shot = folder / f"orders-{width}x{height}.png"
    assert window.grab().save(str(shot)), shot

    # Every column of the table, and of the detail, is in view.
    for view in (tab.view, tab.lines, tab.shipments):
        header = view.horizontalHeader()
        right = max(header.sectionViewportPosition(c) + header.sectionSize(c) for c in range(header.count()))
        assert right <= view.viewport().width() + 1, f"{view.accessibleName()} at {size}"

    with qtbot.waitActive(window):
        window.activateWindow()
    window.new_order()
    (dialog,) = [d for d in tab.findChildren(NewOrderDialog) if d.isVisible()]
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    settle()
    dialog.customer.setText("Around the Horn")
    dialog.priority.setValue(2)
    for line, (sku, qty) in zip(dialog.line_rows, (("NW-002", 4), ("NW-011", 6)), strict=False):
        line.sku.setText(sku)
        line.qty.setValue(qty)
    third = dialog.line_rows[2]
    third.sku.setFocus()
    qtbot.keyClicks(third.sku, "tofu")
    settle()
    popup = third.sku.completer().listed()
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    picture = window.grab()
    painter = QPainter(picture)
    origin = window.mapToGlobal(QPoint(0, 0))
    for top in (dialog, popup):  # each a window of its own: drawn where it stands over the window
        painter.drawPixmap(top.mapToGlobal(QPoint(0, 0)) - origin, top.grab())
    painter.end()
    shot = folder / f"new-order-{width}x{height}.png"
    assert picture.save(str(shot)), shot
    popup.hide()
    dialog.close()
