"""Run Log: every run record, newest first, and a chart over time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from backorder_desktop.domain.browse import RunListing, run_history
from backorder_desktop.ui.chart import RunChart
from backorder_desktop.ui.format import cell
from backorder_desktop.ui.table_model import ListingModel
from backorder_desktop.ui.widgets import table_view


def _display(column: int, value: Any) -> str:
    if column in (1, 2, 5) and isinstance(value, str):
        return value.capitalize()
    return cell(value)


class RunLogTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ListingModel(RunListing(), _display, self)
        self.view = table_view("Run log")
        self.view.setModel(self.model)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        for column, width in enumerate((50, 90, 80, 130, 130, 70, 85, 70, 80, 70)):
            self.view.setColumnWidth(column, width)
        self.chart = RunChart()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.chart)
        splitter.setSizes([380, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Runs of the Primary and Secondary Backorder Processes, newest first."))
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        self.model.refresh()
        self.chart.set_points(run_history())
