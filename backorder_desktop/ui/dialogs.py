"""Dialogs to receive an incoming shipment, record an adjustment and record a return."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backorder_desktop.domain import inventory
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.files.fields import MAX_QUANTITY
from backorder_desktop.ui.widgets import label_for, named


class _Form(QDialog):
    """A small form whose OK runs the domain step; a refusal is shown in the dialog, which stays open."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = named(QLabel(""), "Problems")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        for standard in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel):
            widget = self.buttons.button(standard)
            widget.setAccessibleName(widget.text().replace("&", ""))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.result_text = ""

    def add(self, label: str, widget: QWidget) -> Any:
        self.form.addRow(label_for(label, widget), widget)
        return widget

    def step(self) -> str:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            self.result_text = self.step()
        except BadInput as error:
            self.error.setText(
                "\n".join(f"{p.field}: {p.message}" if p.field else p.message for p in error.problems)
            )
            return
        self.accept()


def _quantity(low: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, MAX_QUANTITY)
    return box


class ReceiveDialog(_Form):
    """An incoming shipment: its number and time, and lines of 'SKU quantity'."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Receive incoming shipment", parent)
        self.number: QLineEdit = self.add("Receipt number:", QLineEdit())
        self.received_at: QDateTimeEdit = self.add("Received at:", QDateTimeEdit(QDateTime.currentDateTime()))
        self.received_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.lines: QPlainTextEdit = self.add("Lines (SKU quantity, one a line):", QPlainTextEdit())
        self.lines.setPlaceholderText("NW-001 24\nNW-002 12")

    def step(self) -> str:
        lines = []
        problems = []
        for n, text in enumerate(self.lines.toPlainText().splitlines(), 1):
            if not text.strip():
                continue
            parts = text.split()
            if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) < 1:
                problems.append(f"line {n}: write a SKU and a positive whole quantity, like 'NW-001 24'")
                continue
            lines.append(inventory.ReceiptLineInput(parts[0], int(parts[1]), f"line {n}"))
        if problems:
            from backorder_desktop.domain.errors import Problem

            raise BadInput([Problem("receipt", "lines", p) for p in problems])
        received: datetime = self.received_at.dateTime().toPython()  # type: ignore[assignment]
        receipt = inventory.ReceiptInput(
            self.number.text().strip(), received.replace(second=0, microsecond=0), lines, "receipt"
        )
        units = inventory.receive([receipt])
        return f"Received {units:,} units on {receipt.number}."


class AdjustDialog(_Form):
    def __init__(self, sku: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Record inventory adjustment", parent)
        self.sku: QLineEdit = self.add("SKU:", QLineEdit(sku))
        self.qty: QSpinBox = self.add("Quantity (+/-):", _quantity(-MAX_QUANTITY))
        self.reason: QLineEdit = self.add("Reason:", QLineEdit())
        self.reason.setPlaceholderText("count correction, damage, …")

    def step(self) -> str:
        adjustment = inventory.AdjustmentInput(
            self.sku.text().strip(), self.qty.value(), self.reason.text(), "adjustment"
        )
        net = inventory.adjust([adjustment])
        return f"Adjusted {adjustment.sku} by {net:+,} units."


class ReturnDialog(_Form):
    def __init__(self, sku: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Record customer return", parent)
        self.order: QLineEdit = self.add("Order:", QLineEdit())
        self.sku: QLineEdit = self.add("SKU:", QLineEdit(sku))
        self.qty: QSpinBox = self.add("Quantity:", _quantity())

    def step(self) -> str:
        item = inventory.ReturnInput(
            self.order.text().strip(), self.sku.text().strip(), self.qty.value(), "return"
        )
        units = inventory.record_returns([item])
        return f"Recorded {units:,} units returned on order {item.order}."


class ProblemsDialog(QDialog):
    """Every problem of a refused import, in one list the person can copy."""

    def __init__(self, title: str, problems: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(f"<b>Nothing was imported.</b> {len(problems)} problem(s) to fix first:")
        layout.addWidget(label)
        self.text = named(QPlainTextEdit("\n".join(problems)), "Problems")
        self.text.setReadOnly(True)
        self.text.setMinimumSize(620, 240)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
