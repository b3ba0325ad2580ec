"""Imports with problems, the Inventory dialogs, and "why is this line not filled yet?"."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from backorder_desktop.domain import products
from backorder_desktop.files import exports
from backorder_desktop.store.database import query
from backorder_desktop.ui.dialogs import AdjustDialog, ProblemsDialog, ReceiveDialog
from tests.ui.helpers import click, click_row, click_tab, settle


def export(kind: str) -> str:
    out = io.StringIO()
    exports.write(kind, out, "csv")
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        table: query(f"SELECT COUNT(*) FROM {table}")[0][0]
        for table in ("orders", "order_line", "shipment", "ledger", "receipt", "adjustment", "run")
    }


def find_dialog(window, kind):
    found = [w for w in window.findChildren(kind) if w.isVisible()]
    found += [
        w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible() and w not in found
    ]
    assert len(found) == 1, f"expected one open {kind.__name__}, found {len(found)}"
    return found[0]


def test_import_with_bad_rows_shows_every_error_and_changes_nothing(qtbot, demo_app, tmp_path: Path):
    window, _engine, _bridge = demo_app
    path = tmp_path / "orders.csv"
    path.write_text(
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
        "T-1,Acme Foods,2026-11-20T09:30:00,high,false,1,NW-001,5\n"
        "T-2,Acme Foods,2026-11-20T09:35:00,5,false,1,NW-002,3\n"
        "T-3,Bistro Blanc,2026-11-20T10:00:00,4,false,1,NW-003,-4\n"
        "T-4,Corner Deli,yesterday,5,true,1,NW-004,2\n",
        encoding="utf-8",
    )
    stock, shipments, before = export("stock"), export("shipments"), counts()

    window.import_file("orders", path)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ProblemsDialog)), timeout=20_000)
    settle()
    dialog = find_dialog(window, ProblemsDialog)
    assert dialog.windowTitle() == "Import orders: orders.csv"
    problems = dialog.text.toPlainText().splitlines()
    assert len(problems) == 3, problems
    assert problems[0].startswith("orders.csv:2: priority: ")
    assert problems[1].startswith("orders.csv:4: qty: ")
    assert problems[2].startswith("orders.csv:5: ordered_at: ")
    assert dialog.text.isReadOnly()

    assert export("stock") == stock
    assert export("shipments") == shipments
    assert counts() == before
    assert query("SELECT COUNT(*) FROM orders WHERE number LIKE 'T-%'")[0][0] == 0
    dialog.close()


def stock_of(sku: str) -> tuple[int, int, int]:
    item = products.by_sku([sku])[sku]
    return item.on_hand, item.committed, item.backordered


def test_receive_dialog_refuses_unknown_sku_and_stays_open(qtbot, demo_app):
    window, _engine, _bridge = demo_app
    click_tab(qtbot, window, 5)
    tab = window.inventory
    before, stock = counts(), export("stock")

    click(qtbot, tab.receive_button)
    dialog = find_dialog(tab, ReceiveDialog)
    qtbot.keyClicks(dialog.number, "PO-TEST-1")
    dialog.lines.setFocus()
    qtbot.keyClicks(dialog.lines, "NW-001 12")
    dialog.lines.appendPlainText("NO-SUCH 5")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()

    assert dialog.isVisible(), "the dialog stays open"
    assert "unknown SKU 'NO-SUCH'" in dialog.error.text()
    assert counts() == before
    assert export("stock") == stock

    # Fixed: the receipt goes in and the dialog closes.
    dialog.lines.setPlainText("NW-001 12")
    on_hand = stock_of("NW-001")[0]
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert not dialog.isVisible()
    assert stock_of("NW-001")[0] == on_hand + 12
    assert query("SELECT COUNT(*) FROM receipt WHERE number = 'PO-TEST-1'")[0][0] == 1
    assert "Received 12 units on PO-TEST-1." in window.statusBar().currentMessage()


def test_adjust_dialog_records_adjustment(qtbot, demo_app):
    window, _engine, _bridge = demo_app
    click_tab(qtbot, window, 5)
    tab = window.inventory
    settle()  # its rows, read off the window's thread
    row = next(r for r, values in enumerate(tab.model.rows) if values.sku == "NW-002")
    click_row(qtbot, tab.view, row)
    assert tab.selected_sku() == "NW-002"
    on_hand, committed, backordered = stock_of("NW-002")
    adjustments = counts()["adjustment"]

    click(qtbot, tab.adjust_button)
    dialog = find_dialog(tab, AdjustDialog)
    assert dialog.sku.text() == "NW-002", "the selected product is filled in"
    dialog.qty.setFocus()
    dialog.qty.selectAll()
    qtbot.keyClicks(dialog.qty, "-3")
    qtbot.keyClicks(dialog.reason, "damage")
    assert dialog.qty.value() == -3
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()

    assert not dialog.isVisible()
    assert stock_of("NW-002") == (on_hand - 3, committed, backordered)
    assert counts()["adjustment"] == adjustments + 1
    assert query("SELECT qty, reason FROM adjustment ORDER BY id DESC LIMIT 1")[0] == (-3, "damage")
    assert "Adjusted NW-002 by -3 units." in window.statusBar().currentMessage()
    shown = tab.model.rows[tab.model.row_of(products.by_sku(["NW-002"])["NW-002"].id)]
    assert shown.on_hand == on_hand - 3


# What a run now would do, as the window says it.
WOULD = r"would (fill [\d,]+ of \S+ now|(fill|fill part of|not fill|skip) it now: )"


def test_why_is_this_line_not_filled_yet(qtbot, demo_app):
    window, _engine, _bridge = demo_app
    click_tab(qtbot, window, 4)
    tab = window.backorders
    settle()  # its rows, read off the window's thread
    runs = counts()["run"]
    assert tab.model.rowCount() > 0
    click_row(qtbot, tab.view, 0)
    order, line = tab.model.rows[0].order, tab.model.rows[0].line

    click(qtbot, tab.why_button)
    qtbot.waitUntil(lambda: "Secondary" in tab.explanation.toPlainText(), timeout=20_000)
    settle()
    text = tab.explanation.toPlainText()
    lines = text.splitlines()
    assert lines[0] == f"Order {order} line {line}:"
    assert lines[1].startswith("Primary Backorder Process would ")
    assert lines[2].startswith("Secondary Backorder Process would ")
    for reason in lines[1:3]:
        # What a run now would do, not what a run did ("filled: 16" read as done).
        said = reason.split(" Process ", 1)[1]
        assert re.match(WOULD, said), reason
    assert counts()["run"] == runs, "asking writes no run record"
