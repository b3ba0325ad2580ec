"""Issue 10: the window's problem dialog of a refused import shows at most 100 problems,
then one line with how many more (as the command line prints)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from backorder_desktop.store.database import query
from backorder_desktop.ui.dialogs import ProblemsDialog
from tests.ui.helpers import settle
from tests.ui.test_files_and_dialogs import find_dialog


def test_import_with_250_bad_rows_shows_100_and_the_count(qtbot, demo_app, tmp_path: Path) -> None:
    window, _engine, _bridge = demo_app
    path = tmp_path / "many.csv"
    rows = "".join(f"M-{n},Acme Foods,2026-11-20T09:30:00,5,false,1,NO-SUCH-{n},1\n" for n in range(250))
    path.write_text(
        "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n" + rows, encoding="utf-8"
    )

    window.import_file("orders", path)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ProblemsDialog)), timeout=20_000)
    settle()
    dialog = find_dialog(window, ProblemsDialog)
    lines = dialog.text.toPlainText().splitlines()
    assert len(lines) == 101, lines[-3:]
    assert lines[0] == "many.csv:2: sku: unknown SKU 'NO-SUCH-0'"
    assert lines[99].startswith("many.csv:101: sku: ")
    assert lines[100] == "… and 150 more problems in many.csv"
    assert any("250 problems to fix first" in label.text() for label in dialog.findChildren(QLabel))
    assert query("SELECT COUNT(*) FROM orders WHERE number LIKE 'M-%'")[0][0] == 0
    dialog.close()
