"""Management Preferences › Order Entry: read-only until Edit; Save writes, Cancel restores."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from backorder_desktop.domain import preferences
from backorder_desktop.domain.preferences import OrderEntryPreferences
from backorder_desktop.ui.widgets import button, label_for, named
from backorder_desktop.ui.workers import in_background

ORDER_LABELS = {"priority": "Priority, then order date", "date": "Order date only"}


class OrderEntryTab(QWidget):
    saved = Signal(object)  # OrderEntryPreferences
    failed = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.saved_values: OrderEntryPreferences | None = None
        self.editing = False
        box = QGroupBox("Management Preferences › Order Entry")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.enable = named(QCheckBox("Enable back order management"), "Enable back order management")
        form.addRow(self.enable)
        self.order_by = QComboBox()
        for value, text in ORDER_LABELS.items():
            self.order_by.addItem(text, value)
        form.addRow(label_for("Allocation order:", self.order_by), self.order_by)
        hint = QLabel(
            "When on, the Primary Backorder Process fills backorders from incoming shipments and the"
            " Secondary from adjustments, voids and returns, on the schedules of the Schedule Setup tab."
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self.edit_button = button("&Edit")
        self.save_button = button("&Save")
        self.cancel_button = button("Cancel")
        self.state = named(QLabel(""), "Order Entry status")
        buttons = QHBoxLayout()
        for widget in (self.edit_button, self.save_button, self.cancel_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.state)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addStretch()
        self.edit_button.clicked.connect(self.start_editing)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        self._set_editing(False)

    def load(self) -> None:
        """Read the saved preferences into the (read-only) form."""
        self.show_values(preferences.load())

    def show_values(self, values: OrderEntryPreferences) -> None:
        self.saved_values = values
        with QSignalBlocker(self.enable), QSignalBlocker(self.order_by):
            self.enable.setChecked(values.backorders_enabled)
            self.order_by.setCurrentIndex(max(0, self.order_by.findData(values.allocation_order)))
        self._set_editing(False)

    def _set_editing(self, editing: bool) -> None:
        self.editing = editing
        self.enable.setEnabled(editing)
        self.order_by.setEnabled(editing)
        self.edit_button.setEnabled(not editing)
        self.save_button.setEnabled(editing)
        self.cancel_button.setEnabled(editing)

    def start_editing(self) -> None:
        self.state.setText("Editing: Save to keep the changes, Cancel to drop them.")
        self._set_editing(True)

    def has_unsaved_changes(self) -> bool:
        if not self.editing or self.saved_values is None:
            return False
        return (
            self.enable.isChecked() != self.saved_values.backorders_enabled
            or self.order_by.currentData() != self.saved_values.allocation_order
        )

    def save(self) -> None:
        enabled = self.enable.isChecked()
        order_by = str(self.order_by.currentData())
        self._set_editing(False)
        self.state.setText("Saving…")

        def done(values: OrderEntryPreferences) -> None:
            self.show_values(values)
            self.state.setText("Saved.")
            self.saved.emit(values)

        def failed(error: BaseException, report: str) -> None:
            self._set_editing(True)
            self.state.setText("Not saved.")
            self.failed.emit(error, report)

        in_background(lambda: preferences.save(enabled, order_by), done, failed, serial=True)

    def cancel(self) -> None:
        if self.saved_values is not None:
            self.show_values(self.saved_values)
        self.state.setText("Changes dropped.")
