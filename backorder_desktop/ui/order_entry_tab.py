"""Management Preferences › Order Entry: read-only until Edit; Save writes, Cancel restores.

Only an administrator may change them (SPEC 8): staff see them read-only, with the reason."""

from __future__ import annotations

import logging

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
from backorder_desktop.ui.rights import ONLY_ADMINISTRATOR, refusal_text, refused_for_rights, staff_line
from backorder_desktop.ui.widgets import button, label_for, named
from backorder_desktop.ui.workers import in_background

log = logging.getLogger(__name__)
ORDER_LABELS = {"priority": "Priority, then order date", "date": "Order date only"}


class OrderEntryTab(QWidget):
    saved = Signal(object)  # OrderEntryPreferences
    failed = Signal(object, str)
    refused = Signal(object)  # a save refused for want of rights (the error): the rights are asked again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.saved_values: OrderEntryPreferences | None = None
        self.editing = False
        self.administrator = True  # until the database says otherwise (see set_administrator)
        self.staff = named(QLabel(""), "Rights")
        self.staff.setWordWrap(True)
        self.staff.setStyleSheet("font-weight: bold;")
        self.staff.setVisible(False)
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
        self.state.setWordWrap(True)
        buttons = QHBoxLayout()
        for widget in (self.edit_button, self.save_button, self.cancel_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.state)
        buttons.addStretch()
        self.tips = {w: w.toolTip() for w in self._changers()}
        layout = QVBoxLayout(self)
        layout.addWidget(self.staff)
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

    def reload(self) -> None:
        """Read the saved preferences again off the window's thread (a change made elsewhere);
        the person's edits in progress are theirs, and stay."""
        if self.editing:
            return

        def show(values: OrderEntryPreferences) -> None:
            if not self.editing:
                self.show_values(values)

        def failed(error: BaseException, _report: str) -> None:
            log.info("could not read the Order Entry preferences again: %s", error)

        in_background(preferences.load, show, failed)

    def show_values(self, values: OrderEntryPreferences) -> None:
        self.saved_values = values
        with QSignalBlocker(self.enable), QSignalBlocker(self.order_by):
            self.enable.setChecked(values.backorders_enabled)
            self.order_by.setCurrentIndex(max(0, self.order_by.findData(values.allocation_order)))
        self._set_editing(False)

    def _changers(self) -> list[QWidget]:
        """The controls that change the preferences."""
        return [self.enable, self.order_by, self.edit_button, self.save_button, self.cancel_button]

    def set_administrator(self, administrator: bool, user: str) -> None:
        """Whether USER, the person signed in, may change the preferences: if not, every control
        that would is disabled, with the reason in its tooltip and on a line of the tab (edits in
        progress are dropped)."""
        self.administrator = administrator
        self.staff.setText("" if administrator else staff_line(user))
        self.staff.setVisible(not administrator)
        for widget, tip in self.tips.items():
            widget.setToolTip(tip if administrator else ONLY_ADMINISTRATOR)
        if not administrator and self.editing and self.saved_values is not None:
            self.show_values(self.saved_values)
        self._set_editing(self.editing and administrator)

    def _set_editing(self, editing: bool) -> None:
        self.editing = editing
        allowed = self.administrator
        self.enable.setEnabled(editing and allowed)
        self.order_by.setEnabled(editing and allowed)
        self.edit_button.setEnabled(not editing and allowed)
        self.save_button.setEnabled(editing and allowed)
        self.cancel_button.setEnabled(editing and allowed)

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
            if refused_for_rights(error):
                # Not the person's to change after all: the saved values are shown again.
                if self.saved_values is not None:
                    self.show_values(self.saved_values)
                self.state.setText(f"Not saved: {refusal_text(error)}")
                self.refused.emit(error)
                return
            self._set_editing(True)
            self.state.setText("Not saved.")
            self.failed.emit(error, report)

        in_background(lambda: preferences.save(enabled, order_by), done, failed, serial=True)

    def cancel(self) -> None:
        if self.saved_values is not None:
            self.show_values(self.saved_values)
        self.state.setText("Changes dropped.")
