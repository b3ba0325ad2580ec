"""Staff export the shipments, print packing slips to PDF, and check the database from the Tools menu."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from backorder_desktop.files.exports import COLUMNS
from backorder_desktop.store.database import query
from tests.ui.helpers import click_row, settle


def test_staff_export_the_shipments_as_the_spec_csv(qtbot, demo_app, tmp_path: Path, monkeypatch) -> None:
    window, _engine, _bridge = demo_app
    target = tmp_path / "shipments.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV (*.csv)"))
    window.tabs.setCurrentIndex(2)
    qtbot.mouseClick(window.shipments.export_button, Qt.MouseButton.LeftButton)
    settle()
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS["shipments"]
    assert len(rows) - 1 == query("SELECT COUNT(*) FROM shipment_line")[0][0]
    assert "Exported" in window.statusBar().currentMessage()


def test_staff_print_packing_slips_of_the_selected_shipments_to_pdf(
    qtbot, demo_app, tmp_path: Path, monkeypatch
) -> None:
    window, _engine, _bridge = demo_app
    target = tmp_path / "slips.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    window.tabs.setCurrentIndex(2)
    click_row(qtbot, window.shipments.view, 0)
    qtbot.mouseClick(window.shipments.slip_button, Qt.MouseButton.LeftButton)
    settle()
    preview = window.shipments.paperwork.preview  # the print preview, Save as PDF… in its tool bar
    assert preview is not None and preview.isVisible()
    preview.save_pdf.trigger()
    assert target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_size > 1000
    assert "packing slip" in window.statusBar().currentMessage()


@pytest.mark.parametrize("broken", [False, True])
def test_check_database_from_the_tools_menu_says_what_it_found(qtbot, demo_app, broken: bool) -> None:
    window, _engine, _bridge = demo_app
    if broken:
        from backorder_desktop.store.database import executemany, write

        with write():
            executemany("UPDATE product SET on_hand = on_hand + 1 WHERE sku = ?", [("NW-003",)])
    window.check_database()
    settle()
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes, "the check shows its result"
    text = boxes[-1].text()
    if broken:
        assert "1 violation" in text and "NW-003: on hand is" in text
    else:
        assert "Every invariant holds." in text and "2,155 order lines" in text
    for box in boxes:
        box.close()
