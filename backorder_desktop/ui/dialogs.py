"""Dialogs to receive an incoming shipment, record an adjustment and record a return (their SKUs
complete from the catalogue as they are typed)."""

from __future__ import annotations

from collections.abc import Callable
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
from backorder_desktop.domain.errors import SHOWN_PROBLEMS, BadInput, Problem, more_problems
from backorder_desktop.domain.limits import MAX_QUANTITY, MAX_TEXT
from backorder_desktop.ui.completers import SkuLinesEdit, complete_line_edit, products
from backorder_desktop.ui.errors import plain_message
from backorder_desktop.ui.format import counted
from backorder_desktop.ui.widgets import INVALID, label_for, named
from backorder_desktop.ui.workers import in_background


class _Form(QDialog):
    """A small form whose OK runs the domain step off the window's thread; a refusal is shown in
    the dialog, which stays open."""

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
        # The domain's name of each field (as in its problems), and the control and label for it.
        self.fields: dict[str, tuple[str, QWidget]] = {}

    def add(self, label: str, widget: QWidget, *fields: str) -> Any:
        """A row LABEL: WIDGET; problems with any of FIELDS are shown against it."""
        if isinstance(widget, QLineEdit):
            widget.setMaxLength(MAX_TEXT)
        self.form.addRow(label_for(label, widget), widget)
        for field in fields:
            self.fields[field] = (label.split(" (")[0].rstrip(":"), widget)
        return widget

    def step(self) -> Callable[[], str]:
        """Read the form (in the window's thread) and return the domain work to do with it."""
        raise NotImplementedError

    def submit(self) -> None:
        try:
            work = self.step()
        except BadInput as error:
            self._refused(error, "")
            return
        self.buttons.setEnabled(False)
        self.error.setText("Saving…")
        in_background(work, self._saved, self._refused, serial=True)

    def _saved(self, text: str) -> None:  # not done(): QDialog.done(int) is Qt's own
        self.result_text = text
        self.buttons.setEnabled(True)
        self.accept()

    def _refused(self, error: BaseException, _report: str) -> None:
        """The dialog stays open, saying what to correct where; nothing was saved."""
        self.buttons.setEnabled(True)
        for _label, widget in self.fields.values():
            widget.setStyleSheet("")
        if not isinstance(error, BadInput):
            self.error.setText(f"Not saved: {plain_message(error)}")
            return
        lines = []
        for problem in error.problems:
            label = problem.field
            if problem.field in self.fields:
                label, widget = self.fields[problem.field]
                widget.setStyleSheet(INVALID)
            place = f", {problem.where}" if problem.where.startswith("line ") else ""
            lines.append(f"{label}{place}: {problem.message}")
        self.error.setText("\n".join(lines))


LINE_FORM = "write a SKU and a positive whole quantity, like 'NW-001 24'"


def _line_order(problem: Problem) -> int:
    """Problems of the receipt first, then by line."""
    return int(problem.where[5:]) if problem.where.startswith("line ") else 0


def _quantity(low: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, MAX_QUANTITY)
    return box


class ReceiveDialog(_Form):
    """An incoming shipment: its number and time, and lines of 'SKU quantity'."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Receive incoming shipment", parent)
        self.number: QLineEdit = self.add("Receipt number:", QLineEdit(), "receipt")
        self.received_at: QDateTimeEdit = self.add(
            "Received at:", QDateTimeEdit(QDateTime.currentDateTime()), "received_at"
        )
        self.received_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.lines: QPlainTextEdit = self.add(
            "Lines (SKU quantity, one a line):", SkuLinesEdit(), "lines", "sku", "qty"
        )
        self.lines.setPlaceholderText("NW-001 24\nNW-002 12")

    def step(self) -> Callable[[], str]:
        lines = []
        problems = []
        for n, text in enumerate(self.lines.toPlainText().splitlines(), 1):
            if not text.strip():
                continue
            parts = text.split()
            if len(parts) != 2 or not (parts[1].isascii() and parts[1].isdigit()):
                problems.append(Problem(f"line {n}", "lines", LINE_FORM))
                continue
            if len(parts[1].lstrip("0")) > len(str(MAX_QUANTITY)):  # int() of 5,000 digits fails
                too_many = f"{parts[1][:12]}…" if len(parts[1]) > 12 else parts[1]
                problems.append(
                    Problem(f"line {n}", "qty", f"{too_many} is too large (at most {MAX_QUANTITY:,})")
                )
                continue
            if int(parts[1]) < 1:
                problems.append(Problem(f"line {n}", "lines", LINE_FORM))
                continue
            lines.append(inventory.ReceiptLineInput(parts[0], int(parts[1]), f"line {n}"))
        received: datetime = self.received_at.dateTime().toPython()  # type: ignore[assignment]
        receipt = inventory.ReceiptInput(
            self.number.text().strip(), received.replace(second=0, microsecond=0), lines, "receipt"
        )

        def receive() -> str:
            if not problems:
                return f"Received {counted(inventory.receive([receipt]), 'unit')} on {receipt.number}."
            # Lines that cannot be read are refused; what the database says of the others and
            # of the number is told at the same time, so that one correction is enough.
            everything = list(problems)
            if lines:
                try:
                    inventory.receive([receipt], check_only=True)
                except BadInput as refused:
                    everything += refused.problems
            raise BadInput(sorted(everything, key=_line_order))

        return receive


class AdjustDialog(_Form):
    def __init__(self, sku: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Record inventory adjustment", parent)
        self.sku: QLineEdit = self.add("SKU:", QLineEdit(sku), "sku")
        complete_line_edit(self.sku, products())
        self.qty: QSpinBox = self.add("Quantity (+/-):", _quantity(-MAX_QUANTITY), "qty")
        self.reason: QLineEdit = self.add("Reason:", QLineEdit(), "reason")
        self.reason.setPlaceholderText("count correction, damage, …")

    def step(self) -> Callable[[], str]:
        adjustment = inventory.AdjustmentInput(
            self.sku.text().strip(), self.qty.value(), self.reason.text(), "adjustment"
        )

        def adjust() -> str:
            net = inventory.adjust([adjustment])
            return f"Adjusted {adjustment.sku} by {'+' if net > 0 else '-'}{counted(abs(net), 'unit')}."

        return adjust


class ReturnDialog(_Form):
    def __init__(self, sku: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Record customer return", parent)
        self.order: QLineEdit = self.add("Order:", QLineEdit(), "order")
        self.sku: QLineEdit = self.add("SKU:", QLineEdit(sku), "sku")
        complete_line_edit(self.sku, products())
        self.qty: QSpinBox = self.add("Quantity:", _quantity(), "qty")

    def step(self) -> Callable[[], str]:
        item = inventory.ReturnInput(
            self.order.text().strip(), self.sku.text().strip(), self.qty.value(), "return"
        )
        return lambda: (
            f"Recorded {counted(inventory.record_returns([item]), 'unit')} returned on order {item.order}."
        )


class ProblemsDialog(QDialog):
    """The problems of a refused import, in one list the person can copy: the first hundred,
    then one line saying how many more (the same as the command line prints)."""

    def __init__(
        self,
        title: str,
        problems: list[str],
        parent: QWidget | None = None,
        *,
        more: int = 0,
        source: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        shown = problems[:SHOWN_PROBLEMS]
        more += len(problems) - len(shown)
        label = QLabel(
            f"<b>Nothing was imported.</b> {counted(len(shown) + more, 'problem', 'problems')} to fix first:"
        )
        layout.addWidget(label)
        if more:
            shown = [*shown, more_problems(more, source)]
        self.text = named(QPlainTextEdit("\n".join(shown)), "Problems")
        self.text.setReadOnly(True)
        self.text.setMinimumSize(620, 240)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
