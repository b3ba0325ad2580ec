"""File › New order (issue 14): a person writes an order (customer chosen from the known ones,
priority, ship complete, lines of SKU and quantity), it goes through order entry as an imported
order does, and the window says what happened. Bad input is refused by label in the dialog and
nothing is saved. SKUs complete from the catalogue by SKU or product name in every dialog that
takes one (issue 14 item 8). On a SQLite file and on a PostgreSQL database alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox

from backorder_desktop.domain import products
from backorder_desktop.domain.shipments import shipment_number
from backorder_desktop.store.database import query
from backorder_desktop.ui.completers import LookupCompleter
from backorder_desktop.ui.dialogs import AdjustDialog, ReceiveDialog, ReturnDialog
from backorder_desktop.ui.new_order_dialog import NewOrderDialog
from backorder_desktop.ui.widgets import INVALID
from tests.conftest import require_postgres
from tests.places import drop_postgres_database, postgres_database
from tests.ui.helpers import click, click_tab, settle
from tests.ui.test_dialog_bad_input import everything

ORDERS = 3
ACTIVITY = 7


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


def offered(completer: LookupCompleter) -> list[str]:
    model = completer.choices
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def choose(qtbot, edit, completer: LookupCompleter, typed: str, shown: str) -> None:
    """Type TYPED in EDIT as a person does, wait for the list of choices, click SHOWN in it."""
    edit.setFocus()
    qtbot.keyClicks(edit, typed)
    settle()
    popup = completer.listed()
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    choices = offered(completer)
    assert shown in choices, f"typing {typed!r} offers {choices}"
    index = popup.model().index(choices.index(shown), 0)
    popup.scrollTo(index)
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(index).center())
    assert not popup.isVisible()


def open_new_order(qtbot, window) -> NewOrderDialog:
    """Ctrl+N, from whichever tab is shown."""
    with qtbot.waitActive(window):
        window.activateWindow()
    window.tabs.currentWidget().setFocus()  # where the person was working
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.orders.findChildren(NewOrderDialog)), timeout=5_000
    )
    (dialog,) = [d for d in window.orders.findChildren(NewOrderDialog) if d.isVisible()]
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    settle()
    return dialog


def test_a_person_enters_an_order_and_sees_what_order_entry_did(qtbot, shop: str, open_window) -> None:
    window, _engine, _bridge = open_window(demo=True, target=shop)
    stock = products.by_sku(["NW-002", "NW-011", "NW-014"])
    assert [stock[s].available for s in ("NW-002", "NW-011", "NW-014")] == [40, 30, 0]
    click_tab(qtbot, window, ORDERS)
    settle()
    dialog = open_new_order(qtbot, window)
    assert dialog.windowTitle() == "New order"
    assert dialog.number.text().startswith("11078 "), "one more than Northwind's last order, 11077"
    assert len(dialog.line_rows) == 3

    choose(qtbot, dialog.customer, dialog.customer.completer(), "horn", "Around the Horn")
    assert dialog.customer.text() == "Around the Horn"
    dialog.priority.setValue(2)
    first, second, third = dialog.line_rows
    first.sku.setFocus()
    qtbot.keyClicks(first.sku, "NW-002")
    first.qty.setValue(4)
    choose(qtbot, second.sku, second.sku.completer(), "cabrales", "NW-011 — Queso Cabrales")
    # Offered by name, filled by SKU.
    assert second.sku.text() == "NW-011"
    second.qty.setValue(6)
    choose(qtbot, third.sku, third.sku.completer(), "tofu", "NW-014 — Tofu")
    assert third.sku.text() == "NW-014"
    third.qty.setValue(12)
    # A line too many, added then removed.
    click(qtbot, dialog.add_button)
    assert len(dialog.line_rows) == 4 and dialog.line_rows[3].sku.hasFocus()
    click(qtbot, dialog.line_rows[3].remove)
    assert len(dialog.line_rows) == 3
    assert [line.sku.accessibleName() for line in dialog.line_rows] == [
        "SKU, line 1",
        "SKU, line 2",
        "SKU, line 3",
    ]

    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert not dialog.isVisible(), dialog.error.text()
    newest = shipment_number(query("SELECT MAX(id) FROM shipment")[0][0])
    story = (
        f"Order 11078 for Around the Horn, 3 lines: 2 committed now in {newest}, 1 backordered: 12 of NW-014."
    )
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert [box.text() for box in boxes] == [story]
    assert window.statusBar().currentMessage() == story
    boxes[0].close()

    # Entered as an import is: the order, its Order Entry shipment, the stock figures.
    assert query("SELECT customer, priority, status FROM orders WHERE number = '11078'") == [
        ("Around the Horn", 2, "open")
    ]
    now = products.by_sku(["NW-002", "NW-011", "NW-014"])
    assert [now[s].committed - stock[s].committed for s in ("NW-002", "NW-011", "NW-014")] == [4, 6, 0]
    assert now["NW-014"].backordered == stock["NW-014"].backordered + 12
    # The Orders tab shows it, with where its units stand.
    tab = window.orders
    settle()
    shown = next(row for row in tab.model.rows if row.number == "11078")
    assert (shown.status, shown.lines, shown.ordered, shown.pending, shown.backordered) == (
        "open",
        3,
        22,
        10,
        12,
    )
    # The Activity tab has its row, as an import of the dialog's.
    click_tab(qtbot, window, ACTIVITY)
    settle()
    activity = window.activity.model
    newest_change = {
        column.title: activity.data(activity.index(0, c)) for c, column in enumerate(activity.listing.columns)
    }
    assert (newest_change["Action"], newest_change["Subject"]) == ("Import", "New order dialog")
    assert newest_change["Details"].startswith(
        "orders: 1 order, 3 lines, 10 units committed in 1 shipment, 12 units backordered"
    )


def test_an_order_written_wrong_is_refused_by_label_and_nothing_is_saved(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    before = everything()
    dialog = open_new_order(qtbot, window)
    first, second, third = dialog.line_rows
    first.sku.setText("NW-002")
    second.sku.setText("NO-SUCH")
    third.sku.setText("NW-005")  # Chef Anton's Gumbo Mix: discontinued
    third.qty.setValue(3)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert dialog.isVisible()
    assert dialog.error.text().splitlines() == [
        "Customer: the customer is empty",
        "SKU, line 2: unknown SKU 'NO-SUCH'",
        "SKU, line 3: product 'NW-005' is discontinued",
    ]
    assert dialog.customer.styleSheet() == INVALID
    assert [line.sku.styleSheet() == INVALID for line in dialog.line_rows] == [False, True, True]
    assert everything() == before

    # Corrected where it was said, it goes in.
    dialog.customer.setText("Ernst Handel")
    second.sku.setText("NW-011")
    click(qtbot, third.remove)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert not dialog.isVisible(), dialog.error.text()
    assert query("SELECT customer FROM orders WHERE number = '11078'") == [("Ernst Handel",)]
    assert query(
        "SELECT COUNT(*) FROM order_line ol JOIN orders o ON o.id = ol.order_id WHERE o.number = '11078'"
    ) == [(2,)]

    (told,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert told.text().startswith("Order 11078 for Ernst Handel, 2 lines: ")
    told.close()

    # An order with no line at all is refused too.
    dialog = open_new_order(qtbot, window)
    dialog.customer.setText("Ernst Handel")
    for line in list(dialog.line_rows):
        click(qtbot, line.remove)
    assert len(dialog.line_rows) == 1 and dialog.line_rows[0].sku.text() == ""
    after = everything()
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert dialog.isVisible() and dialog.error.text() == "Lines: an order needs at least one line"
    assert everything() == after


def test_the_lines_left_blank_are_no_lines_of_the_order(qtbot, demo_app) -> None:
    """The dialog opens with three lines: an order of one fills the first and saves."""
    window, _engine, _bridge = demo_app
    dialog = open_new_order(qtbot, window)
    assert len(dialog.line_rows) == 3
    dialog.customer.setText("Ernst Handel")
    dialog.line_rows[0].sku.setText("NW-002")
    dialog.line_rows[0].qty.setValue(4)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert not dialog.isVisible(), dialog.error.text()
    assert query(
        "SELECT COUNT(*) FROM order_line ol JOIN orders o ON o.id = ol.order_id WHERE o.number = '11078'"
    ) == [(1,)]
    (told,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert told.text().startswith("Order 11078 for Ernst Handel, 1 line: ")
    told.close()


def test_sku_fields_of_every_dialog_complete_from_the_catalogue(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    inventory = window.inventory
    for dialog in (AdjustDialog("", inventory), ReturnDialog("", inventory)):
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitActive(dialog):
            dialog.activateWindow()
        sku: QLineEdit = dialog.sku
        completer = sku.completer()
        assert isinstance(completer, LookupCompleter)
        choose(qtbot, sku, completer, "tofu", "NW-014 — Tofu")
        assert sku.text() == "NW-014", type(dialog).__name__
        # The keyboard does it too: down to the first choice, Enter.
        sku.clear()
        sku.setFocus()
        qtbot.keyClicks(sku, "chang")
        settle()
        assert offered(completer) == ["NW-002 — Chang"]
        qtbot.keyClick(completer.listed(), Qt.Key.Key_Down)
        qtbot.keyClick(completer.listed(), Qt.Key.Key_Return)
        assert sku.text() == "NW-002"
        assert dialog.isVisible(), "Enter chose the SKU, it did not save the dialog"
        dialog.close()
    # Discontinued products are offered where stock is counted, marked; not on a new order.
    adjust = AdjustDialog("", inventory)
    qtbot.addWidget(adjust)
    adjust.show()
    with qtbot.waitActive(adjust):
        adjust.activateWindow()
    adjust.sku.setFocus()
    qtbot.keyClicks(adjust.sku, "gumbo")
    settle()
    assert offered(adjust.sku.completer()) == ["NW-005 — Chef Anton's Gumbo Mix (discontinued)"]
    adjust.close()

    # Receive: while the first word of a line is typed, the products it may be are offered.
    receive = ReceiveDialog(inventory)
    qtbot.addWidget(receive)
    receive.show()
    with qtbot.waitActive(receive):
        receive.activateWindow()
    lines = receive.lines
    lines.setFocus()
    qtbot.keyClicks(lines, "chai")
    settle()
    assert offered(lines.completer) == ["NW-001 — Chai"]
    qtbot.keyClick(lines.completer.listed(), Qt.Key.Key_Down)
    qtbot.keyClick(lines.completer.listed(), Qt.Key.Key_Return)
    qtbot.keyClicks(lines, "24")
    qtbot.keyClick(lines, Qt.Key.Key_Return)
    choose(qtbot, lines, lines.completer, "longlife", "NW-074 — Longlife Tofu")
    qtbot.keyClicks(lines, "6")
    assert lines.toPlainText() == "NW-001 24\nNW-074 6"
    assert not lines.completer.listed().isVisible(), "the quantity is no SKU: nothing offered"
    receive.close()
