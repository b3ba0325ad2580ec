"""Shipments: the table staff review, ship and void from; new ones in bold; who created, shipped
or voided each one, and when."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backorder_desktop.domain import shipments
from backorder_desktop.domain.browse import (
    SHIPMENT_LINE_COLUMNS,
    Filters,
    ShipmentListing,
    ShipmentRow,
    shipment_lines,
)
from backorder_desktop.domain.processes import CREATORS, creator_name
from backorder_desktop.files import exports
from backorder_desktop.ui.errors import describe
from backorder_desktop.ui.format import cell, counted
from backorder_desktop.ui.paperwork import Paperwork
from backorder_desktop.ui.rights import refusal_text, refused_for_rights
from backorder_desktop.ui.table_model import ListingModel, reload_in_place
from backorder_desktop.ui.widgets import (
    DateRange,
    button,
    confirm,
    fit_columns,
    label_for,
    named,
    search_box,
    table_view,
)
from backorder_desktop.ui.workers import in_background

STATUS_CHOICES = (("All", None), ("Pending", "pending"), ("Shipped", "shipped"), ("Void", "void"))
# How the fields read that do not read as plain cells.
SHIP_TIP = "Mark the selected pending shipments shipped"
VOID_TIP = "Void the selected pending shipments (units go back on backorder)"
SHOWN = {"created_by": creator_name, "status": lambda status: str(status).capitalize()}
CLOSED = {"shipped": "Shipped", "void": "Voided"}


def history(row: ShipmentRow) -> str:
    """Who created the shipment and when, and who shipped or voided it and when: "Created
    2026-12-02 14:20 by Order Entry, entered by alice · Shipped 2026-12-02 15:01 by bob"."""
    created = f"Created {cell(row.created_at)} by {creator_name(row.created_by)}"
    if row.created_user:
        created += f", entered by {row.created_user}"
    closed = CLOSED.get(row.status)
    if closed is None:
        return f"{created} · {row.status.capitalize()}"
    closed += f" {cell(row.closed_at)}" if row.closed_at else ""
    closed += f" by {row.closed_user}" if row.closed_user else ""
    return f"{created} · {closed}"


class ShipmentsTab(QWidget):
    changed = Signal()  # stock figures moved (shipped or voided)
    failed = Signal(object, str)
    message = Signal(str)
    new_count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seen_id = 0  # shipments above this id were created since the person last looked
        listing = ShipmentListing()
        self.model = ListingModel(listing, SHOWN, self)
        self.model.is_new = self._is_new
        self.view = table_view("Shipments")
        self.view.setModel(self.model)
        self.view.sortByColumn(listing.index_of("number"), Qt.SortOrder.DescendingOrder)
        fit_columns(self.view, listing.index_of("customer"))

        self.status = QComboBox()
        for text, value in STATUS_CHOICES:
            self.status.addItem(text, value)
        self.created_by = QComboBox()
        self.created_by.addItem("Anyone", None)
        for value, text in CREATORS.items():
            self.created_by.addItem(text, value)
        self.dates = DateRange("Created between", self.apply_filters)
        self.search = search_box("Shipment, order or customer")
        # One run's shipments (a tray notification of the run was clicked), until cleared.
        self.run_id: int | None = None
        self.run_shown = named(QLabel(""), "Run shown")
        self.run_shown.setStyleSheet("font-weight: bold;")
        self.all_runs = button("Show all runs", "Show the shipments of every run again")
        for widget in (self.run_shown, self.all_runs):
            widget.setVisible(False)
        filters = QHBoxLayout()
        filters.addWidget(self.run_shown)
        filters.addWidget(self.all_runs)
        filters.addWidget(label_for("Status:", self.status))
        filters.addWidget(self.status)
        filters.addWidget(label_for("Created by:", self.created_by))
        filters.addWidget(self.created_by)
        self.dates.add_to(filters)
        filters.addWidget(label_for("Search:", self.search))
        filters.addWidget(self.search, 1)

        self.ship_button = button("Mark &shipped", SHIP_TIP)
        self.void_button = button("&Void", VOID_TIP)
        self.export_button = button("&Export CSV…", "Export the shipments in the SPEC's CSV format")
        self.slip_button = button(
            "&Print packing slips…",
            "Preview the packing slips of the selected shipments, one a page, then print them or save a PDF",
        )
        self.pick_button = button(
            "Pic&k list…",
            "A pick list of the selected pending shipments, by product, to print or save as PDF",
        )
        # Packing slips and pick lists of the selected shipments, shown in a print preview.
        self.paperwork = Paperwork(self, self.selected_ids, self.message.emit, self.failed.emit)
        actions = QHBoxLayout()
        for widget in (
            self.ship_button,
            self.void_button,
            self.export_button,
            self.slip_button,
            self.pick_button,
        ):
            actions.addWidget(widget)
        self.count = named(QLabel(""), "Shipments shown")
        actions.addStretch()
        actions.addWidget(self.count)

        self.lines = QTableWidget(0, len(SHIPMENT_LINE_COLUMNS))
        self.lines.setAccessibleName("Shipment lines")
        self.lines.setHorizontalHeaderLabels([column.title for column in SHIPMENT_LINE_COLUMNS])
        self.lines.verticalHeader().setVisible(False)
        lines_header = self.lines.horizontalHeader()
        lines_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        product = [column.field for column in SHIPMENT_LINE_COLUMNS].index("product")
        lines_header.setSectionResizeMode(product, QHeaderView.ResizeMode.Stretch)
        self.lines.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.detail_title = named(QLabel("Select a shipment to see its lines."), "Shipment detail")
        self.history = named(QLabel(""), "Shipment history")
        self.history.setWordWrap(True)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.history)
        detail_layout.addWidget(self.lines)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(detail)
        splitter.setSizes([420, 160])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)

        self.status.currentIndexChanged.connect(self.apply_filters)
        self.created_by.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        self.all_runs.clicked.connect(self.show_all_runs)
        self.view.selectionModel().selectionChanged.connect(self._show_detail)
        self._enable_actions()
        self.model.modelReset.connect(self._update_count)
        self.ship_button.clicked.connect(self.ship_selected)
        self.void_button.clicked.connect(self.void_selected)
        self.export_button.clicked.connect(self.export_csv)
        self.slip_button.clicked.connect(self.paperwork.print_slips)
        self.pick_button.clicked.connect(self.paperwork.print_pick_list)

    # -- loading ----------------------------------------------------------------------------

    def filters(self) -> Filters:
        since, until = self.dates.days()
        return Filters(
            search=self.search.text(),
            status=self.status.currentData(),
            created_by=self.created_by.currentData(),
            since=since,
            until=until,
            run_id=self.run_id,
        )

    def apply_filters(self) -> None:
        self.model.set_filters(self.filters())
        self._enable_actions()

    def show_run(self, run_id: int) -> None:
        """Show exactly the shipments run RUN_ID created: the other filters go back to showing
        everything, so that none of that run's shipments is left out."""
        for control in (self.status, self.created_by, self.search):
            with QSignalBlocker(control):
                if isinstance(control, QComboBox):
                    control.setCurrentIndex(0)
                else:
                    control.clear()
        self.dates.clear()
        self.run_id = run_id
        self.run_shown.setText(f"Run {run_id}")
        for widget in (self.run_shown, self.all_runs):
            widget.setVisible(True)
        self.apply_filters()

    def show_all_runs(self) -> None:
        """Back to the shipments of every run (the run filter is cleared)."""
        self.run_id = None
        for widget in (self.run_shown, self.all_runs):
            widget.setVisible(False)
        self.apply_filters()

    def refresh(self) -> None:
        """Read the rows shown again off the window's thread (after a run, a ship or a void),
        keeping the selection and the rows in view."""
        self.reload()

    def reload(self) -> None:
        """Read the rows shown again off the window's thread (a change made elsewhere), keeping the
        selection and the rows in view."""
        # Another program may have shipped or voided a selected shipment: the actions follow.
        reload_in_place(self.view, lambda changed: self._show_detail() if changed else self._enable_actions())

    def _update_count(self) -> None:
        self.count.setText(counted(self.model.total, "shipment shown", "shipments shown"))

    def selected_ids(self) -> list[int]:
        return [self.model.row_id(i.row()) for i in self.view.selectionModel().selectedRows()]

    def _enable_actions(self) -> None:
        """Mark shipped and Void apply to pending shipments only: each is enabled when every
        selected row is pending, and its tooltip says why not."""
        rows = [self.model.row(i.row()) for i in self.view.selectionModel().selectedRows()]
        done = next((row for row in rows if row is not None and row.status != "pending"), None)
        if not rows:
            why = "Select pending shipments first."
        elif done is not None:
            why = f"{done.number} is {done.status}: only pending shipments can be {{}}."
        else:
            why = ""
        for action_button, what, tip in (
            (self.ship_button, "marked shipped", SHIP_TIP),
            (self.void_button, "voided", VOID_TIP),
        ):
            action_button.setEnabled(not why)
            action_button.setToolTip(why.format(what) if why else tip)

    def _show_detail(self, *_args: Any) -> None:
        self._enable_actions()
        ids = self.selected_ids()
        self.lines.setRowCount(0)
        self.history.setText("")
        if len(ids) != 1:
            self.detail_title.setText(
                f"{counted(len(ids), 'shipment')} selected." if ids else "Select a shipment to see its lines."
            )
            return
        number = shipments.shipment_number(ids[0])
        try:
            lines = shipment_lines(ids[0])
        except Exception as error:
            plain = refusal_text(error) if refused_for_rights(error) else describe(error)
            if plain is None:
                raise  # a bug
            # The database cannot be read now (rights taken away, a server gone): said in place.
            self.detail_title.setText(f"The lines of {number} cannot be read: {plain}")
            return
        self.detail_title.setText(f"Lines of {number}")
        (selected,) = self.view.selectionModel().selectedRows()
        row = self.model.row(selected.row())  # read with the table: who and when come with it
        self.history.setText(history(row) if row is not None else "")
        self.lines.setRowCount(len(lines))
        for r, line in enumerate(lines):
            for c, column in enumerate(SHIPMENT_LINE_COLUMNS):
                item = QTableWidgetItem(cell(getattr(line, column.field)))
                if column.numeric:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.lines.setItem(r, c, item)
        self.lines.resizeColumnsToContents()

    # -- actions ----------------------------------------------------------------------------

    def ship_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.emit("Select the shipments to mark shipped.")
            return
        numbers = ", ".join(shipments.shipment_number(i) for i in ids[:5]) + ("…" if len(ids) > 5 else "")
        these = counted(len(ids), "shipment", "shipments")
        if not confirm(self, "Mark shipped", f"Mark {these} shipped?\n{numbers}"):
            return
        self._act(lambda: shipments.ship(ids), f"Marked {these} shipped")

    def void_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.emit("Select the shipments to void.")
            return
        numbers = ", ".join(shipments.shipment_number(i) for i in ids[:5]) + ("…" if len(ids) > 5 else "")
        these = counted(len(ids), "shipment", "shipments")
        if not confirm(self, "Void shipments", f"Void {these}? Their units go back on backorder.\n{numbers}"):
            return
        self._act(lambda: shipments.void(ids), f"Voided {these}")

    def _act(self, work: Any, summary: str) -> None:
        def done(units: int) -> None:
            self.message.emit(f"{summary}: {counted(units, 'unit')}.")
            self.refresh()
            self.changed.emit()

        in_background(
            work,
            done,
            lambda error, report: self.failed.emit(error, report),
            serial=True,
        )

    def export_csv(self) -> None:
        """Export what the person sees: the selected shipments if any are selected, else every
        shipment the filters and search let through, in the table's order; the dialog says which."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        selected = [self.model.row_id(row) for row in rows]  # in the table's order
        if selected:
            what = f"the {counted(len(selected), 'selected shipment', 'selected shipments')}"
        else:
            what = f"the {counted(self.model.total, 'shipment shown', 'shipments shown')}"
        name, _filter = QFileDialog.getSaveFileName(self, f"Export {what}", "shipments.csv", "CSV (*.csv)")
        if not name:
            return
        target = Path(name)
        filters, column, descending = self.filters(), self.model.sort_column, self.model.descending
        listing = self.model.listing

        def work() -> tuple[int, int]:
            ids = selected or listing.ids(filters, column, descending)
            return len(ids), exports.write_file("shipments", target, given=exports.shipment_rows(ids))

        def done(found: tuple[int, int]) -> None:
            shipments_written, lines = found
            self.message.emit(
                f"Exported {counted(shipments_written, 'shipment')} ({counted(lines, 'line')}) to {target}."
            )

        in_background(work, done, lambda error, report: self.failed.emit(error, report))

    # -- new shipments ----------------------------------------------------------------------

    def _is_new(self, row: ShipmentRow) -> bool:
        return row.id > self.seen_id

    def mark_seen(self, newest_id: int) -> None:
        self.seen_id = newest_id
        self.view.viewport().update()
