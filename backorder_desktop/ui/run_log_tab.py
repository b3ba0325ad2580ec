"""Run Log: the run records, newest first, and a chart over time.

Runs that evaluated nothing and changed nothing (the Primary every half hour with no receipt in
between) keep their records, but are hidden until the person asks for them; how many are hidden
is said. A failed or skipped run stands out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from backorder_desktop.domain.allocation import RunRecord
from backorder_desktop.domain.browse import (
    Column,
    Filters,
    RunListing,
    RunPoint,
    run_history,
    runs_that_changed_nothing,
)
from backorder_desktop.ui.chart import RunChart
from backorder_desktop.ui.table_model import ListingModel, reload_in_place
from backorder_desktop.ui.widgets import fit_columns, named, table_view
from backorder_desktop.ui.workers import in_background

SHOWN = dict.fromkeys(("process", "trigger", "outcome"), str.capitalize)
# Light tints, so the text stays readable: a failed run in red, a skipped one in amber.
TINTS = {"failed": QColor("#f5c6cb"), "skipped": QColor("#ffe8a1")}


def _tint(run: RunRecord) -> QColor | None:
    return TINTS.get(run.outcome)


def _strong(column: Column, run: RunRecord) -> bool:
    return column.field in ("outcome", "error") and run.outcome in TINTS


def hidden_text(count: int) -> str:
    """What the Run Log says of the runs it hides."""
    if count == 0:
        return ""
    if count == 1:
        return "1 run that changed nothing is hidden."
    return f"{count:,} runs that changed nothing are hidden."


class RunLogTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        listing = RunListing()
        self.model = ListingModel(listing, SHOWN, self)
        self.model.filters = Filters(changed_nothing=False)
        self.model.tint = _tint
        self.model.strong = _strong
        self.view = table_view("Run log")
        self.view.setModel(self.model)
        fit_columns(self.view, listing.index_of("error"))
        self.view.sortByColumn(listing.index_of("id"), Qt.SortOrder.DescendingOrder)
        self.show_idle = named(QCheckBox("Show runs that changed nothing"), "Show runs that changed nothing")
        self.show_idle.setToolTip(
            "Runs that found nothing new to evaluate and allocated nothing; their records are kept"
        )
        self.hidden = named(QLabel(""), "Runs hidden")
        self.chart = RunChart()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.chart)
        splitter.setSizes([380, 200])
        top = QHBoxLayout()
        top.addWidget(QLabel("Runs of the Primary and Secondary Backorder Processes, newest first."))
        top.addStretch()
        top.addWidget(self.hidden)
        top.addWidget(self.show_idle)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.show_idle.toggled.connect(self._show_idle)

    def _show_idle(self, on: bool) -> None:
        self.model.set_filters(Filters(changed_nothing=on))
        if on:
            self.hidden.setText("")
        self.reload_counts()

    def refresh(self) -> None:
        """Read the runs, the hidden runs' count and the chart again off the window's thread."""
        self.reload()

    def reload(self) -> None:
        """Read the runs again off the window's thread (a change made elsewhere), keeping the
        selection and the rows in view."""
        reload_in_place(self.view)
        self.reload_counts()

    def reload_counts(self) -> None:
        """The hidden runs' count and the chart, read off the window's thread."""
        every = self.show_idle.isChecked()
        in_background(lambda: _counts(every), self._show_counts)

    def _show_counts(self, counts: tuple[int, list[RunPoint]]) -> None:
        hidden, points = counts
        self.hidden.setText(hidden_text(0 if self.show_idle.isChecked() else hidden))
        self.chart.set_points(points)


def _counts(every: bool) -> tuple[int, list[RunPoint]]:
    """The runs hidden (none when EVERY run is shown) and the chart's points."""
    return (0 if every else runs_that_changed_nothing()), run_history(changed_nothing=every)
