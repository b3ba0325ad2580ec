"""Backorders: the lines still waiting, and why a line is not filled yet."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from backorder_desktop.domain import allocation, processes
from backorder_desktop.domain.browse import BackorderListing, BackorderRow, Filters
from backorder_desktop.ui.format import counted
from backorder_desktop.ui.table_model import ListingModel, reload_in_place
from backorder_desktop.ui.widgets import button, fit_columns, label_for, named, search_box, table_view
from backorder_desktop.ui.workers import in_background

# A dry run's verdicts, as what a run now would do.
_WOULD = {
    "filled": "would fill it",
    "partly filled": "would fill part of it",
    "not filled": "would not fill it",
    "skipped": "would skip it",
}
_FILLED = re.compile(r"^filled: ([\d,]+ of \S+)$")


def as_preview(reason: str) -> str:
    """A dry run's reason ("filled: 16 of NW-014") as what a run now would do ("would fill 16 of
    NW-014 now"): the window asks what the next runs would do, which is not done yet."""
    if match := _FILLED.match(reason):
        return f"would fill {match.group(1)} now"
    verdict, colon, why = reason.partition(": ")
    if colon and verdict in _WOULD:
        return f"{_WOULD[verdict]} now: {why}"
    return f"now: {reason}"


class BackordersTab(QWidget):
    failed = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        listing = BackorderListing()
        self.model = ListingModel(listing, parent=self)
        self.view = table_view("Backorders")
        self.view.setModel(self.model)
        fit_columns(self.view, listing.index_of("customer"), listing.index_of("product"))
        self.view.sortByColumn(listing.index_of("priority"), Qt.SortOrder.AscendingOrder)
        self.search = search_box("Order, customer, SKU or product")
        self.available_only = named(
            QCheckBox("Only where stock is available now"), "Only where stock is available now"
        )
        self.why_button = button(
            "&Why is this not filled yet?",
            "Explain what the next Primary and Secondary runs would do with this line",
        )
        self.count = named(QLabel(""), "Backorders shown")
        top = QHBoxLayout()
        top.addWidget(label_for("Search:", self.search))
        top.addWidget(self.search, 1)
        top.addWidget(self.available_only)
        self.explanation = named(QPlainTextEdit(), "Explanation")
        self.explanation.setReadOnly(True)
        self.explanation.setMaximumHeight(90)
        self.explanation.setPlaceholderText("Select a line and ask why it is not filled yet.")
        bottom = QHBoxLayout()
        bottom.addWidget(self.why_button)
        bottom.addStretch()
        bottom.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.explanation)
        self.search.textChanged.connect(self.apply_filters)
        self.available_only.toggled.connect(self.apply_filters)
        self.why_button.clicked.connect(self.explain_selected)
        self.model.modelReset.connect(self._update_count)

    def apply_filters(self) -> None:
        self.model.set_filters(
            Filters(search=self.search.text(), available_only=self.available_only.isChecked())
        )

    def refresh(self) -> None:
        """Read the waiting lines again off the window's thread (after a run or a change of
        stock), keeping the selection and the rows in view."""
        self.reload()

    def reload(self) -> None:
        """Read the rows shown again off the window's thread (a change made elsewhere), keeping the
        selection and the rows in view."""
        reload_in_place(self.view)

    def _update_count(self) -> None:
        self.count.setText(counted(self.model.total, "waiting line shown", "waiting lines shown"))

    def explain_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.explanation.setPlainText("Select a waiting line first.")
            return
        row: BackorderRow = self.model.rows[rows[0].row()]
        order, line = row.order, row.line
        self.explanation.setPlainText(
            f"Working out what the next runs would do with order {order} line {line}…"
        )

        def work() -> str:
            answers = []
            for process in processes.PROCESSES:
                preview = allocation.preview(process)
                reason = next(
                    (e.reason for e in preview.explanations if e.order == order and e.line == line),
                    "the line no longer waits",
                )
                answers.append(f"{processes.NAMES[process]} {as_preview(reason)}")
            return f"Order {order} line {line}:\n" + "\n".join(answers)

        in_background(work, self.explanation.setPlainText, lambda e, r: self.failed.emit(e, r))
