"""File › New order: an order typed by a person, entered through order entry as an imported one
is (what is available is committed now, the rest backordered), under the next free number."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backorder_desktop.domain import orders
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.domain.limits import MAX_QUANTITY
from backorder_desktop.ui.completers import complete_line_edit, customers, products
from backorder_desktop.ui.dialogs import _Form
from backorder_desktop.ui.widgets import INVALID, button, named
from backorder_desktop.ui.workers import in_background

# The activity log's subject of an order entered here (its action is "import", as for a file).
SOURCE = "New order dialog"
FIRST_LINES = 3  # empty lines the dialog opens with


FIRST_QUANTITY = 1  # what a new line's quantity shows


class _Line:
    """A line of the order being written: a SKU, a quantity, and a button that removes it."""

    def __init__(self, dialog: NewOrderDialog) -> None:
        self.sku = QLineEdit()
        self.sku.setPlaceholderText("SKU (type a SKU or a product name to choose)")
        complete_line_edit(self.sku, products(orderable_only=True))
        self.qty = QSpinBox()
        self.qty.setRange(FIRST_QUANTITY, MAX_QUANTITY)
        self.qty.setGroupSeparatorShown(True)
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(lambda: dialog.remove_line(self))

    def name(self, number: int) -> None:
        """Accessible names that say which line each control belongs to."""
        self.sku.setAccessibleName(f"SKU, line {number}")
        self.qty.setAccessibleName(f"Quantity, line {number}")
        self.remove.setAccessibleName(f"Remove line {number}")


class NewOrderDialog(_Form):
    """Customer, priority, ship complete and lines of SKU and quantity; OK enters the order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("New order", parent)
        self.number = named(QLabel("the next free number"), "Order number")
        self.number.setWordWrap(True)
        self.form.addRow(QLabel("Order number:"), self.number)
        self.customer: QLineEdit = self.add("Customer:", QLineEdit(), "customer")
        self.customer.setPlaceholderText("a known customer, or a new one")
        complete_line_edit(self.customer, customers)
        self.priority: QSpinBox = self.add("Priority (1 most urgent):", QSpinBox(), "priority")
        self.priority.setRange(1, 9)
        self.priority.setValue(orders.DEFAULT_PRIORITY)
        self.ship_complete: QCheckBox = self.add(
            "Ship complete:", QCheckBox("Commit nothing until every line can be filled"), "ship_complete"
        )

        self.line_rows: list[_Line] = []
        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(0, 1)
        self.grid.addWidget(QLabel("SKU"), 0, 0)
        self.grid.addWidget(QLabel("Quantity"), 0, 1)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)  # lines from the top, however few
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_holder)
        scroll.setMinimumHeight(150)
        self.add_button = button("&Add line", "Add a line for another product")
        self.add_button.clicked.connect(self.add_line)
        lines = QWidget()
        lines_layout = QVBoxLayout(lines)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        lines_layout.addWidget(scroll, 1)
        lines_layout.addWidget(self.add_button)
        self.lines = named(lines, "Lines")
        self.form.addRow(QLabel("Lines:"), self.lines)
        # A problem with a line names its field and line ("SKU, line 2: unknown SKU 'NW-999'").
        self.fields["line"] = ("Lines", self.lines)
        self.fields["sku"] = ("SKU", self.lines)
        self.fields["qty"] = ("Quantity", self.lines)
        for _ in range(FIRST_LINES):
            self.add_line()
        self.setMinimumWidth(520)
        in_background(orders.next_number, self._show_number, lambda _error, _report: None)

    def _show_number(self, number: str) -> None:
        self.number.setText(f"{number} (the next free number when it is saved)")

    # -- lines ------------------------------------------------------------------------------

    def add_line(self) -> None:
        line = _Line(self)
        self.line_rows.append(line)
        self._lay_out_lines()
        if self.isVisible():  # shown now (a layout shows a new widget only later), to type in
            for widget in (line.sku, line.qty, line.remove):
                widget.show()
            line.sku.setFocus()

    def remove_line(self, line: _Line) -> None:
        if len(self.line_rows) == 1:
            line.sku.clear()  # an order has a line: the last one is emptied, not removed
            line.qty.setValue(1)
            return
        self.line_rows.remove(line)
        for widget in (line.sku, line.qty, line.remove):
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self._lay_out_lines()

    def _lay_out_lines(self) -> None:
        for number, line in enumerate(self.line_rows, 1):
            self.grid.addWidget(line.sku, number, 0)
            self.grid.addWidget(line.qty, number, 1)
            self.grid.addWidget(line.remove, number, 2)
            line.name(number)
        # Tab goes down the lines in order, then to Add line.
        previous: QWidget = self.ship_complete
        for line in self.line_rows:
            for widget in (line.sku, line.qty, line.remove):
                QWidget.setTabOrder(previous, widget)
                previous = widget
        QWidget.setTabOrder(previous, self.add_button)

    # -- saving -----------------------------------------------------------------------------

    def step(self) -> Callable[[], str]:
        # A line left as it was given (no SKU, the first quantity) is no line of the order: the
        # dialog opens with three, and a one-line order must not have to remove two.
        lines = [
            orders.LineInput(number, line.sku.text(), line.qty.value(), f"line {number}")
            for number, line in enumerate(self.line_rows, 1)
            if line.sku.text().strip() or line.qty.value() != FIRST_QUANTITY
        ]
        customer, priority = self.customer.text(), self.priority.value()
        ship_complete = self.ship_complete.isChecked()
        return lambda: orders.enter_new_order(customer, lines, priority, ship_complete, source=SOURCE).story()

    def _refused(self, error: BaseException, report: str) -> None:
        for line in self.line_rows:
            line.sku.setStyleSheet("")
            line.qty.setStyleSheet("")
        super()._refused(error, report)
        self.lines.setStyleSheet("")  # the lines themselves are marked, one by one
        if not isinstance(error, BadInput):
            return
        for problem in error.problems:
            number = problem.where[5:] if problem.where.startswith("line ") else ""
            if not number.isdigit() or not 1 <= int(number) <= len(self.line_rows):
                continue
            line = self.line_rows[int(number) - 1]
            (line.qty if problem.field == "qty" else line.sku).setStyleSheet(INVALID)
