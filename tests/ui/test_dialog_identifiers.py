"""SKUs and receipt numbers typed in the window follow the rules of a file (issue 10): a
full-width `ＮＷ-００１` is NW-001, and a character no one can see is refused in the dialog,
which names it and saves nothing. The checks live in the domain, so every way in has them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from backorder_desktop.store.database import query
from backorder_desktop.ui.dialogs import AdjustDialog, ReceiveDialog
from tests.ui.helpers import click, settle
from tests.ui.test_dialog_bad_input import everything, open_dialog, press_ok_and_expect_refusal

FULL_WIDTH_NW_001 = "\uff2e\uff37-\uff10\uff10\uff11"  # ＮＷ-００１


def on_hand(sku: str) -> int:
    return int(query("SELECT on_hand FROM product WHERE sku = ?", (sku,))[0][0])


def test_receive_dialog_refuses_hidden_characters_and_reads_full_width(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    before = everything()
    dialog = open_dialog(qtbot, window, "receive_button", ReceiveDialog)
    # Pasted, as such characters come: from a web page or a message.
    dialog.number.setText("PO-\u200bX9")
    dialog.lines.setPlainText("NW-001 5")
    press_ok_and_expect_refusal(
        qtbot, dialog, "Receipt number", "U+200B ZERO WIDTH SPACE", before, "zero width"
    )
    dialog.number.setText("PO-X9")
    dialog.lines.setPlainText("NW\u202e-001 5")
    press_ok_and_expect_refusal(
        qtbot, dialog, "Lines, line 1", "U+202E RIGHT-TO-LEFT OVERRIDE", before, "bidi"
    )

    received = on_hand("NW-001")
    dialog.number.setText("\uff30\uff2f-\uff38\uff19")  # ＰＯ-Ｘ９
    dialog.lines.setPlainText(f"{FULL_WIDTH_NW_001} 5")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert not dialog.isVisible(), dialog.error.text()
    assert on_hand("NW-001") == received + 5
    assert query("SELECT COUNT(*) FROM receipt WHERE number = 'PO-X9'")[0][0] == 1


def test_adjust_dialog_refuses_hidden_characters_and_reads_full_width(qtbot, demo_app) -> None:
    window, _engine, _bridge = demo_app
    before = everything()
    dialog = open_dialog(qtbot, window, "adjust_button", AdjustDialog)
    dialog.sku.setText("NW-\u2066001")
    dialog.qty.setValue(2)
    dialog.reason.setText("count correction")
    press_ok_and_expect_refusal(qtbot, dialog, "SKU", "U+2066 LEFT-TO-RIGHT ISOLATE", before, "isolate")

    counted = on_hand("NW-001")
    dialog.sku.setText(FULL_WIDTH_NW_001)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle()
    assert not dialog.isVisible(), dialog.error.text()
    assert on_hand("NW-001") == counted + 2


def test_a_search_for_a_number_larger_than_any_shipment_finds_nothing(qtbot, demo_app) -> None:
    """A shipment number beyond any id (once an OverflowError on SQLite) is looked up as text."""
    window, _engine, _bridge = demo_app
    tab = window.shipments
    window.tabs.setCurrentWidget(tab)  # read when shown
    settle()
    shown = tab.model.rowCount()
    assert shown > 0
    failures: list[str] = []
    tab.failed.connect(lambda error, _report: failures.append(repr(error)))
    tab.search.setText("9" * 25)
    settle()
    assert failures == [] and tab.model.rowCount() == 0
    tab.search.clear()
    settle()
    assert tab.model.rowCount() == shown
