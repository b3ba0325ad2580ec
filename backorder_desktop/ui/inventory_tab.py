"""Inventory: per-product stock figures, and the dialogs that change them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from backorder_desktop.domain.browse import Filters, StockListing, StockRow
from backorder_desktop.ui.format import counted
from backorder_desktop.ui.table_model import ListingModel, reload_in_place
from backorder_desktop.ui.widgets import button, fit_columns, label_for, named, search_box, table_view


class InventoryTab(QWidget):
    changed = Signal()
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        listing = StockListing()
        self.model = ListingModel(listing, parent=self)
        self.view = table_view("Inventory")
        self.view.setModel(self.model)
        fit_columns(self.view, listing.index_of("product"))
        self.search = search_box("SKU or product name")
        self.receive_button = button("&Receive shipment…", "Record an incoming shipment from a supplier")
        self.adjust_button = button("&Adjust…", "Record an inventory adjustment with its reason")
        self.return_button = button("Record re&turn…", "Record units a customer sent back")
        self.count = named(QLabel(""), "Products shown")
        top = QHBoxLayout()
        top.addWidget(label_for("Search:", self.search))
        top.addWidget(self.search, 1)
        actions = QHBoxLayout()
        for widget in (self.receive_button, self.adjust_button, self.return_button):
            actions.addWidget(widget)
        actions.addStretch()
        actions.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        self.search.textChanged.connect(lambda text: self.model.set_filters(Filters(search=text)))
        self.receive_button.clicked.connect(lambda: self.open_dialog("receive"))
        self.adjust_button.clicked.connect(lambda: self.open_dialog("adjust"))
        self.return_button.clicked.connect(lambda: self.open_dialog("return"))
        self.model.modelReset.connect(self._update_count)

    def selected_sku(self) -> str:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return ""
        row: StockRow = self.model.rows[rows[0].row()]
        return str(row.sku)

    def open_dialog(self, kind: str) -> None:
        """The dialog that records a receipt, an adjustment or a return (KIND); once saved, what
        happened is said and the stock read again. Its module is loaded when first asked for."""
        from backorder_desktop.ui.dialogs import AdjustDialog, ReceiveDialog, ReturnDialog

        dialog: ReceiveDialog | AdjustDialog | ReturnDialog
        if kind == "receive":
            dialog = ReceiveDialog(self)
        elif kind == "adjust":
            dialog = AdjustDialog(self.selected_sku(), self)
        else:
            dialog = ReturnDialog(self.selected_sku(), self)

        def finished(code: int) -> None:
            if code == QDialog.DialogCode.Accepted:
                self.message.emit(dialog.result_text)
                self.refresh()
                self.changed.emit()

        dialog.finished.connect(finished)
        dialog.open()

    def refresh(self) -> None:
        """Read the stock again off the window's thread (after a receipt, an adjustment or a
        return), keeping the selection and the rows in view."""
        self.reload()

    def reload(self) -> None:
        """Read the rows shown again off the window's thread (a change made elsewhere), keeping the
        selection and the rows in view."""
        reload_in_place(self.view)

    def _update_count(self) -> None:
        self.count.setText(counted(self.model.total, "product shown", "products shown"))
