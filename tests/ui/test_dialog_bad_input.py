"""Bad input in the window's dialogs (issue 6 item 4): everything a person might type wrong in
Receive shipment, Adjust and Record return is refused in the dialog, which stays open, names the
field by its label, marks the control, and changes nothing; the limits of a file hold here too."""

from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QSpinBox

from backorder_desktop.domain.limits import MAX_QUANTITY, MAX_TEXT
from backorder_desktop.files import exports
from backorder_desktop.store.database import query
from backorder_desktop.ui.dialogs import AdjustDialog, ReceiveDialog, ReturnDialog
from backorder_desktop.ui.widgets import INVALID
from tests.ui.helpers import click, click_tab, settle

TABLES = ("orders", "order_line", "shipment", "shipment_line", "ledger", "receipt", "receipt_line")
TABLES += ("adjustment", "customer_return", "product", "run")


def everything() -> tuple[dict[str, int], dict[str, str]]:
    """Row counts of every table and the four exports: what must not move on a refusal."""
    counts = {table: query(f"SELECT COUNT(*) FROM {table}")[0][0] for table in TABLES}
    shown = {}
    for kind in ("shipments", "backorders", "stock", "runs"):
        out = io.StringIO()
        exports.write(kind, out, "csv")
        shown[kind] = out.getvalue()
    return counts, shown


def type_into(qtbot, widget, text: str) -> None:
    """Replace WIDGET's text by typing TEXT, as a person does (select all, then keys)."""
    widget.setFocus()
    widget.selectAll()
    if text:
        qtbot.keyClicks(widget, text)
    elif isinstance(widget, QLineEdit):
        widget.clear()


def type_lines(qtbot, editor, text: str) -> None:
    """Clear EDITOR and type TEXT into it line by line, pressing Enter between lines; a line
    longer than a person would type is pasted (Ctrl+V), as they would."""
    editor.setPlainText("")
    editor.setFocus()
    for n, line in enumerate(text.split("\n")):
        if n:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        if len(line) > TYPED:
            QApplication.clipboard().setText(line)
            qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        elif line:
            qtbot.keyClicks(editor, line)


TYPED = 200  # characters: typing five thousand digits key by key takes seconds


def open_dialog(qtbot, window, button_name: str, kind):
    click_tab(qtbot, window, 5)
    tab = window.inventory
    click(qtbot, getattr(tab, button_name))
    (dialog,) = [d for d in tab.findChildren(kind) if d.isVisible()]
    return dialog


def press_ok_and_expect_refusal(qtbot, dialog, label: str, fragment: str, before, case: str) -> None:
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    text = dialog.error.text()
    assert dialog.isVisible(), f"{case}: the dialog closed"
    assert any(line.startswith(label) and fragment in line for line in text.splitlines()), (
        f"{case}: expected '{label}…{fragment}', the dialog says:\n{text}"
    )
    assert "Traceback" not in text and "Error" not in text, f"{case}: {text}"
    marked = [widget for _label, widget in dialog.fields.values() if widget.styleSheet() == INVALID]
    assert marked, f"{case}: no control is marked"
    assert everything() == before, f"{case}: something was saved"


def test_receive_dialog_refuses_every_kind_of_bad_line_and_number(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    on_file = query("SELECT number FROM receipt ORDER BY id LIMIT 1")[0][0]
    cases = [
        ("no number", "", "NW-001 5", "Receipt number", "empty"),
        ("number on file", on_file, "NW-001 5", "Receipt number", "already exists"),
        ("no lines", "PO-X1", "", "Lines", "at least one line"),
        ("only spaces", "PO-X1", "   \n  ", "Lines", "at least one line"),
        ("no quantity", "PO-X1", "NW-001", "Lines, line 1", "positive whole quantity"),
        ("zero", "PO-X1", "NW-001 0", "Lines, line 1", "positive whole quantity"),
        ("negative", "PO-X1", "NW-001 -5", "Lines, line 1", "positive whole quantity"),
        ("with units", "PO-X1", "NW-001 12pcs", "Lines, line 1", "positive whole quantity"),
        ("decimal", "PO-X1", "NW-001 1.5", "Lines, line 1", "positive whole quantity"),
        ("superscript digit", "PO-X1", "NW-001 \u00b2", "Lines, line 1", "positive whole quantity"),
        ("three words", "PO-X1", "NW-001 5 boxes", "Lines, line 1", "positive whole quantity"),
        ("enormous", "PO-X1", "NW-001 99999999999999999999", "Lines, line 1", "too large"),
        ("just too many", "PO-X1", f"NW-001 {MAX_QUANTITY + 1}", "Lines, line 1", "too large"),
        ("five thousand digits", "PO-X1", "NW-001 " + "9" * 5_000, "Lines, line 1", "too large"),
        ("unknown SKU", "PO-X1", "NW-001 5\nNO-SUCH 5", "Lines, line 2", "unknown SKU 'NO-SUCH'"),
        ("SKU in lower case", "PO-X1", "nw-001 5", "Lines, line 1", "unknown SKU 'nw-001'"),
        ("same SKU twice", "PO-X1", "NW-001 5\nNW-001 3", "Lines, line 2", "repeats"),
        ("SQL as number", "x'); DROP TABLE receipt; --", "NW-001 lots", "Lines, line 1", "positive"),
        ("formula as number", '=HYPERLINK("http://x.example")', "NW-999 1", "Lines, line 1", "unknown"),
    ]
    before = everything()
    dialog = open_dialog(qtbot, window, "receive_button", ReceiveDialog)
    for case, number, lines, label, fragment in cases:
        type_into(qtbot, dialog.number, number)
        type_lines(qtbot, dialog.lines, lines)
        press_ok_and_expect_refusal(qtbot, dialog, label, fragment, before, case)

    # A number longer than a file may hold cannot even be typed.
    type_into(qtbot, dialog.number, "P" * (MAX_TEXT + 45))
    assert len(dialog.number.text()) == MAX_TEXT

    # Corrected, it goes in; Cancel on another leaves everything as it was.
    type_into(qtbot, dialog.number, "PO-X1")
    dialog.lines.setPlainText("NW-001 5\nNW-002 7")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert not dialog.isVisible()
    assert query("SELECT COUNT(*) FROM receipt WHERE number = 'PO-X1'")[0][0] == 1
    after = everything()
    dialog = open_dialog(qtbot, window, "receive_button", ReceiveDialog)
    type_into(qtbot, dialog.number, "PO-X2")
    dialog.lines.setPlainText("NW-001 5")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    settle()
    assert not dialog.isVisible() and everything() == after


def test_adjust_dialog_refuses_what_cannot_be_right(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    on_hand = query("SELECT on_hand FROM product WHERE sku = 'NW-001'")[0][0]
    cases = [
        ("no SKU", "", "5", "count", "SKU", "empty"),
        ("unknown SKU", "NO-SUCH", "5", "count", "SKU", "unknown SKU"),
        ("lower case", "nw-001", "5", "count", "SKU", "unknown SKU 'nw-001'"),
        ("SQL as SKU", "'; DELETE FROM product; --", "5", "count", "SKU", "unknown SKU"),
        ("zero", "NW-001", "0", "count", "Quantity", "changes nothing"),
        ("no reason", "NW-001", "5", "", "Reason", "give a reason"),
        ("spaces as reason", "NW-001", "5", "   ", "Reason", "give a reason"),
        ("below zero", "NW-001", str(-(on_hand + 1)), "count", "Quantity", "below zero"),
    ]
    before = everything()
    dialog = open_dialog(qtbot, window, "adjust_button", AdjustDialog)
    for case, sku, qty, reason, label, fragment in cases:
        type_into(qtbot, dialog.sku, sku)
        type_into(qtbot, dialog.qty, qty)
        type_into(qtbot, dialog.reason, reason)
        assert dialog.qty.value() == int(qty), f"{case}: the quantity box shows {dialog.qty.value()}"
        press_ok_and_expect_refusal(qtbot, dialog, label, fragment, before, case)
    assert_quantity_box_takes_only_whole_numbers_in_range(qtbot, dialog.qty, signed=True)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    settle()
    assert everything() == before


def test_return_dialog_refuses_returns_that_did_not_ship(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    number, sku, shipped = query(
        "SELECT o.number, p.sku, SUM(sl.qty) FROM shipment_line sl"
        " JOIN shipment s ON s.id = sl.shipment_id JOIN orders o ON o.id = s.order_id"
        " JOIN product p ON p.id = sl.product_id WHERE s.status = 'shipped'"
        " GROUP BY o.number, p.sku ORDER BY o.number, p.sku LIMIT 1"
    )[0]
    other = query("SELECT sku FROM product WHERE sku <> ? ORDER BY sku LIMIT 1", (sku,))[0][0]
    cases = [
        ("no order", "", sku, "1", "Order", "no such order"),
        ("unknown order", "NO-ORDER", sku, "1", "Order", "no such order 'NO-ORDER'"),
        ("unknown SKU", number, "NO-SUCH", "1", "SKU", "unknown SKU"),
        ("more than shipped", number, sku, str(shipped + 1), "Quantity", f"at most {shipped}"),
        ("not on the order", number, other, "1", "Quantity", "at most 0"),
    ]
    before = everything()
    dialog = open_dialog(qtbot, window, "return_button", ReturnDialog)
    for case, order, product, qty, label, fragment in cases:
        type_into(qtbot, dialog.order, order)
        type_into(qtbot, dialog.sku, product)
        type_into(qtbot, dialog.qty, qty)
        press_ok_and_expect_refusal(qtbot, dialog, label, fragment, before, case)
    assert_quantity_box_takes_only_whole_numbers_in_range(qtbot, dialog.qty, signed=False)

    # What did ship can come back: the dialog closes and on hand rises.
    type_into(qtbot, dialog.order, number)
    type_into(qtbot, dialog.sku, sku)
    type_into(qtbot, dialog.qty, str(shipped))
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert not dialog.isVisible()
    assert query("SELECT COUNT(*) FROM customer_return")[0][0] == before[0]["customer_return"] + 1


def assert_quantity_box_takes_only_whole_numbers_in_range(qtbot, box: QSpinBox, signed: bool) -> None:
    """Letters, units, decimals and numbers beyond the limit cannot be typed into a quantity."""
    for typed in ("abc", "12 pcs", "1.5", "1e3", "99999999999"):
        type_into(qtbot, box, typed)
        box.interpretText()
        assert box.text().lstrip("-").isdigit() or box.text() == "", f"{typed!r} shows as {box.text()!r}"
        assert abs(box.value()) <= MAX_QUANTITY, f"{typed!r} gives {box.value()}"
    type_into(qtbot, box, "-4")
    assert (box.value() == -4) == signed, f"a negative quantity in a {'signed' if signed else 'plain'} box"
