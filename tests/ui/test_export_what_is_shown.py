"""Export CSV exports what the person sees (issue 14, item 2): the shipments the filters and
search let through, in the table's order, or the selected ones; the dialog's title says which."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from backorder_desktop.files.exports import COLUMNS
from backorder_desktop.store.database import query
from tests.ui.helpers import click_row, settle


def exported(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS["shipments"]
        return list(reader)


def export(qtbot, tab, target: Path, monkeypatch) -> str:
    """Click Export CSV…, save to TARGET; return the dialog's title."""
    titles: list[str] = []

    def save_as(_parent, title, *_args, **_kwargs):
        titles.append(title)
        return str(target), "CSV (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=10_000)
    settle()
    return titles[0]


def test_export_writes_the_filtered_sorted_shipments_or_the_selected_ones(
    qtbot, demo_app, tmp_path: Path, monkeypatch
) -> None:
    window, _engine, _bridge = demo_app
    window.tabs.setCurrentIndex(2)
    tab = window.shipments
    tab.status.setCurrentIndex(tab.status.findData("pending"))
    settle()
    tab.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # by customer, Z to A
    settle()
    shown = [tab.model.row(r).number for r in range(tab.model.rowCount())]
    pending = query("SELECT COUNT(*) FROM shipment WHERE status = 'pending'")[0][0]
    assert len(shown) == pending < query("SELECT COUNT(*) FROM shipment")[0][0]

    title = export(qtbot, tab, tmp_path / "shown.csv", monkeypatch)
    assert title == f"Export the {pending} shipments shown"
    rows = exported(tmp_path / "shown.csv")
    assert list(dict.fromkeys(row["shipment"] for row in rows)) == shown, "what is shown, in its order"
    assert {row["status"] for row in rows} == {"pending"}
    lines = query(
        "SELECT COUNT(*) FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id"
        " WHERE s.status = 'pending'"
    )
    assert len(rows) == lines[0][0]
    assert window.statusBar().currentMessage().startswith(f"Exported {pending} shipments ({len(rows)} lines)")

    # A selection: exactly those, in the table's order.
    click_row(qtbot, tab.view, 2)
    index = tab.model.index(0, 0)
    qtbot.mouseClick(
        tab.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        tab.view.visualRect(index).center(),
    )
    assert len(tab.selected_ids()) == 2
    title = export(qtbot, tab, tmp_path / "selected.csv", monkeypatch)
    assert title == "Export the 2 selected shipments"
    rows = exported(tmp_path / "selected.csv")
    assert list(dict.fromkeys(row["shipment"] for row in rows)) == [shown[0], shown[2]]
