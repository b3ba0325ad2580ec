"""Run Log: every run record, newest first, and a chart over time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from backorder_desktop.domain.browse import RunListing, run_history
from backorder_desktop.ui.chart import RunChart
from backorder_desktop.ui.table_model import ListingModel
from backorder_desktop.ui.widgets import table_view

SHOWN = dict.fromkeys(("process", "trigger", "outcome"), str.capitalize)
WIDTHS = {
    "id": 50,
    "process": 90,
    "trigger": 80,
    "started_at": 130,
    "finished_at": 130,
    "outcome": 70,
    "ledger_rows": 85,
    "products": 70,
    "shipments": 80,
    "units": 70,
}


class RunLogTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        listing = RunListing()
        self.model = ListingModel(listing, SHOWN, self)
        self.view = table_view("Run log")
        self.view.setModel(self.model)
        self.view.sortByColumn(listing.index_of("id"), Qt.SortOrder.DescendingOrder)
        for field, width in WIDTHS.items():
            self.view.setColumnWidth(listing.index_of(field), width)
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
