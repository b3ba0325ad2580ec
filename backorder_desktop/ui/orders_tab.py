"""Orders: every order, open, closed or void, with where its units stand; an order's lines and
shipments (who created, shipped or voided each); a new order, and voiding one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backorder_desktop.domain import shipments
from backorder_desktop.domain.browse import (
    ORDER_LINE_COLUMNS,
    Column,
    Filters,
    OrderDetail,
    OrderListing,
    OrderRow,
    order_detail,
)
from backorder_desktop.domain.processes import creator_name
from backorder_desktop.ui.errors import describe
from backorder_desktop.ui.format import cell, counted
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
    tell,
)
from backorder_desktop.ui.workers import in_background

STATUS_CHOICES = (("All", None), ("Open", "open"), ("Closed", "closed"), ("Void", "void"))
SHOWN = {"status": lambda status: str(status).capitalize()}
ROWS_FITTED = 50  # the rows a column is fitted to: a screenful
VOID_TIP = "Void the selected open order: its pending shipments are voided, its backorders cancelled"
# The columns of an order's shipments: (title, the text of a ShipmentRow, numeric).
SHIPMENT_COLUMNS: tuple[tuple[str, Any, bool], ...] = (
    ("Shipment", lambda s: s.number, False),
    ("Status", lambda s: s.status.capitalize(), False),
    ("Created", lambda s: cell(s.created_at), False),
    ("Created by", lambda s: creator_name(s.created_by), False),
    ("Entered by", lambda s: s.created_user or "", False),
    ("Shipped or voided", lambda s: cell(s.closed_at), False),
    ("By", lambda s: s.closed_user or "", False),
    ("Lines", lambda s: cell(s.lines), True),
    ("Units", lambda s: cell(s.units), True),
)


def _table(name: str, titles: list[str], descriptive: str) -> QTableWidget:
    """A read-only detail table whose columns fit their content, the room left to DESCRIPTIVE."""
    table = QTableWidget(0, len(titles))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(titles)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(22)  # as the tables of the tabs
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(titles.index(descriptive), QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


class _Header(QHeaderView):
    """A header that keeps room for the sort arrow only in the columns that sort: Qt keeps it in
    every column, and the six columns of figures would take 150 pixels from the customer."""

    def __init__(self, sortable: set[int], parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.sortable = sortable

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        size = super().sectionSizeFromContents(logicalIndex)
        if self.isSortIndicatorShown() and logicalIndex not in self.sortable:
            margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
            size.setWidth(size.width() - size.height() - margin)
        return size


def _room_for_arrows_where_they_sort(view: QTableView, listing: OrderListing) -> None:
    """Give VIEW a _Header set as `table_view` set its own."""
    old = view.horizontalHeader()
    header = _Header({n for n, column in enumerate(listing.columns) if column.sort}, view)
    header.setStyle(old.style())
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(old.highlightSections())
    # Columns are fitted to the rows of one screen, not to 1,000 (Qt's default): fitting reads
    # every cell it looks at, 12,000 of them at each sort or search (half a second) otherwise.
    header.setResizeContentsPrecision(ROWS_FITTED)
    view.setHorizontalHeader(header)
    view.setSortingEnabled(True)


def _fill(table: QTableWidget, rows: list[list[tuple[str, bool]]]) -> None:
    """Put ROWS of (text, numeric) cells in TABLE, numbers to the right."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, (text, numeric) in enumerate(row):
            item = QTableWidgetItem(text)
            if numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class OrdersTab(QWidget):
    changed = Signal()  # stock figures moved (an order voided or entered)
    failed = Signal(object, str)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        listing = OrderListing()
        self.model = ListingModel(listing, SHOWN, self)
        self.view = table_view("Orders")
        _room_for_arrows_where_they_sort(self.view, listing)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setModel(self.model)
        self.view.sortByColumn(listing.index_of("ordered_at"), Qt.SortOrder.DescendingOrder)
        fit_columns(self.view, listing.index_of("customer"))

        self.status = QComboBox()
        for text, value in STATUS_CHOICES:
            self.status.addItem(text, value)
        self.dates = DateRange("Ordered between", self.apply_filters)
        self.search = search_box("Order number or customer")
        filters = QHBoxLayout()
        filters.addWidget(label_for("Status:", self.status))
        filters.addWidget(self.status)
        self.dates.add_to(filters)
        filters.addWidget(label_for("Search:", self.search))
        filters.addWidget(self.search, 1)

        self.new_button = button("&New order…", "Enter an order by hand (File › New order, Ctrl+N)")
        self.void_button = button("&Void order…", VOID_TIP)
        self.count = named(QLabel(""), "Orders shown")
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.void_button)
        actions.addStretch()
        actions.addWidget(self.count)

        self.detail_title = named(QLabel("Select an order to see its lines and shipments."), "Order detail")
        self.detail_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines = _table("Order lines", [column.title for column in ORDER_LINE_COLUMNS], "Product")
        self.shipments_title = named(QLabel("Shipments"), "Order shipments title")
        self.shipments = _table(
            "Order shipments", [title for title, _text, _numeric in SHIPMENT_COLUMNS], "Created by"
        )
        lines_part = QWidget()
        lines_layout = QVBoxLayout(lines_part)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        lines_layout.addWidget(self.detail_title)
        lines_layout.addWidget(self.lines)
        shipments_part = QWidget()
        shipments_layout = QVBoxLayout(shipments_part)
        shipments_layout.setContentsMargins(0, 0, 0, 0)
        shipments_layout.addWidget(self.shipments_title)
        shipments_layout.addWidget(self.shipments)
        detail = QSplitter(Qt.Orientation.Vertical)
        detail.addWidget(lines_part)
        detail.addWidget(shipments_part)
        detail.setSizes([3000, 2000])  # in proportion: an order has more lines than shipments
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(detail)
        splitter.setSizes([3000, 2000])  # the orders first

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)

        self.detail_asked = 0  # the latest detail asked for; older answers are dropped
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        self.view.selectionModel().selectionChanged.connect(self._show_detail)
        self.model.modelReset.connect(self._update_count)
        self.new_button.clicked.connect(self.new_order)
        self.void_button.clicked.connect(self.void_selected)
        self._enable_actions()

    # -- loading ----------------------------------------------------------------------------

    def filters(self) -> Filters:
        since, until = self.dates.days()
        return Filters(
            search=self.search.text(),
            status=self.status.currentData(),
            since=since,
            until=until,
        )

    def apply_filters(self) -> None:
        """Show the orders the filters let through, read off the window's thread: a search of
        the customers of half a million orders takes a moment, and typing goes on meanwhile."""
        self.model.filters = self.filters()
        self.reload()

    def refresh(self) -> None:
        """Read the orders again (after a void or a new order), keeping the selection."""
        self.reload()

    def reload(self) -> None:
        """Read the rows shown again off the window's thread, keeping the selection and the rows
        in view; the detail follows."""

        def shown(changed: bool) -> None:
            self._update_count()
            if changed:
                self._show_detail()
            else:
                self._enable_actions()

        reload_in_place(self.view, shown)

    def _update_count(self) -> None:
        self.count.setText(counted(self.model.total, "order shown", "orders shown"))

    def selected(self) -> OrderRow | None:
        rows = self.view.selectionModel().selectedRows()
        if len(rows) != 1:
            return None
        row: OrderRow | None = self.model.row(rows[0].row())
        return row

    def _enable_actions(self) -> None:
        """Void order applies to one open order: its tooltip says why not otherwise."""
        row = self.selected()
        if row is None:
            why = "Select an open order first."
        elif row.status != "open":
            why = f"Order {row.number} is {row.status}: only open orders can be voided."
        else:
            why = ""
        self.void_button.setEnabled(not why)
        self.void_button.setToolTip(why or VOID_TIP)

    def _show_detail(self, *_args: Any) -> None:
        """The selected order's lines and shipments, read off the window's thread."""
        self._enable_actions()
        row = self.selected()
        self.detail_asked += 1
        asked = self.detail_asked
        if row is None:
            self.detail_title.setText("Select an order to see its lines and shipments.")
            self.lines.setRowCount(0)
            self.shipments.setRowCount(0)
            self.shipments_title.setText("Shipments")
            return

        def show(detail: OrderDetail) -> None:
            if asked == self.detail_asked:
                self._show_order(row, detail)

        def failed(error: BaseException, report: str) -> None:
            if asked != self.detail_asked:
                return
            plain = refusal_text(error) if refused_for_rights(error) else describe(error)
            if plain is None:
                self.failed.emit(error, report)  # a bug
                return
            # The database cannot be read now (rights taken away, a server gone): said in place.
            self.detail_title.setText(f"The lines of order {row.number} cannot be read: {plain}")

        in_background(lambda: order_detail(row.id), show, failed)

    def _show_order(self, row: OrderRow, detail: OrderDetail) -> None:
        ship_complete = ", ship complete" if row.ship_complete else ""
        self.detail_title.setText(
            f"Order {row.number} — {row.customer} — {row.status.capitalize()}, ordered"
            f" {cell(row.ordered_at)}, priority {row.priority}{ship_complete}"
        )
        _fill(self.lines, [[_cell(column, line) for column in ORDER_LINE_COLUMNS] for line in detail.lines])
        _fill(
            self.shipments,
            [[(text(s), numeric) for _title, text, numeric in SHIPMENT_COLUMNS] for s in detail.shipments],
        )
        self.shipments_title.setText(
            f"Shipments of order {row.number}: {counted(len(detail.shipments), 'shipment')}"
            if detail.shipments
            else f"Order {row.number} has no shipment yet."
        )

    # -- actions ----------------------------------------------------------------------------

    def new_order(self) -> None:
        """The New order dialog; once saved, what happened is said, and the order is shown."""
        from backorder_desktop.ui.new_order_dialog import NewOrderDialog  # loaded when first asked for

        dialog = NewOrderDialog(self)

        def finished(code: int) -> None:
            if code != QDialog.DialogCode.Accepted:
                return
            self.message.emit(dialog.result_text)
            tell(self, "New order", dialog.result_text)
            self.refresh()
            self.changed.emit()

        dialog.finished.connect(finished)
        dialog.open()

    def void_selected(self) -> None:
        row = self.selected()
        if row is None or row.status != "open":
            self.message.emit("Select an open order to void.")
            return
        pending = f"its {counted(row.pending, 'unit')} in pending shipments are released"
        waiting = f"its {counted(row.backordered, 'backordered unit')} cancelled"
        if not confirm(
            self,
            "Void order",
            f"Void order {row.number} of {row.customer}?\n\n"
            f"The order becomes void: {pending} and {waiting}. What has shipped stays shipped.",
        ):
            return
        number = row.number

        def done(result: tuple[int, int]) -> None:
            released, cancelled = result
            self.message.emit(
                f"Voided order {number}: {counted(released, 'committed unit')} released,"
                f" {counted(cancelled, 'backordered unit')} cancelled."
            )
            self.refresh()
            self.changed.emit()

        in_background(
            lambda: shipments.void_order(number),
            done,
            lambda error, report: self.failed.emit(error, report),
            serial=True,
        )


def _cell(column: Column, row: Any) -> tuple[str, bool]:
    return cell(getattr(row, column.field)), column.numeric
