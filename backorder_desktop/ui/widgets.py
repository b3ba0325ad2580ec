"""Small helpers shared by the tabs: labelled controls with accessible names, table views, confirmation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QDate, QEvent, QObject, QRect, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProxyStyle,
    QPushButton,
    QStatusBar,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QTimeEdit,
    QWidget,
)

W = TypeVar("W", bound=QWidget)


class SortArrows(QProxyStyle):
    """The style of the tables' headers: the sort arrow points the way the values go, down for
    newest or largest first. Qt marks a descending column SortUp, which some styles (Fusion on
    Linux) draw as an arrow pointing up; here the arrow is drawn by its direction."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(
            option, QStyleOptionHeader
        ):
            order = option.sortIndicator
            if order == QStyleOptionHeader.SortIndicator.SortUp:  # Qt::DescendingOrder
                element = QStyle.PrimitiveElement.PE_IndicatorArrowDown
            elif order == QStyleOptionHeader.SortIndicator.SortDown:  # Qt::AscendingOrder
                element = QStyle.PrimitiveElement.PE_IndicatorArrowUp
            else:
                return
            self.baseStyle().drawPrimitive(element, option, painter, widget)
            return
        super().drawPrimitive(element, option, painter, widget)


_sort_arrows: SortArrows | None = None


def sort_arrows() -> SortArrows:
    """The one SortArrows style of the program (made once the application exists; kept alive here,
    as a widget does not own the style it is given)."""
    global _sort_arrows
    if _sort_arrows is None:
        # On a Fusion of its own: the application's style may be replaced (ui/style.py), which
        # deletes the one it had, and a proxy of that one would draw with nothing under it.
        _sort_arrows = SortArrows(QStyleFactory.create("Fusion"))
    return _sort_arrows


class TimeBox(QTimeEdit):
    """A 24-hour HH:MM box that takes a typed time where it is clicked: the hour or the minutes
    clicked into are selected, so that typing replaces them (a plain QTimeEdit puts the cursor
    there, and a typed digit then makes no time and is dropped). The click lands on the box's
    line edit, so that is where it is watched."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")
        self.lineEdit().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.lineEdit() and event.type() == QEvent.Type.MouseButtonRelease:
            # After the line edit has placed its cursor: the section it is in is then known.
            QTimer.singleShot(0, self._select_section)
        return super().eventFilter(watched, event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._select_section()

    def _select_section(self) -> None:
        self.setSelectedSection(self.currentSection())


class DateRange:
    """A table's "between … and …" filter: a check box that turns it on, and two dates (the last
    30 days to begin with), which CHANGED is told of."""

    def __init__(self, label: str, changed: Callable[[], None]) -> None:
        self.use = named(QCheckBox(label), label)
        self.since = named(QDateEdit(QDate.currentDate().addDays(-30)), "From date")
        self.until = named(QDateEdit(QDate.currentDate()), "To date")
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _day: changed())
        self.changed = changed
        self.use.toggled.connect(self._toggled)

    def add_to(self, layout: QHBoxLayout) -> None:
        for widget in (self.use, self.since, QLabel("and"), self.until):
            layout.addWidget(widget)

    def days(self) -> tuple[date | None, date | None]:
        """The first and last day asked for (both included); None for each while it is off."""
        if not self.use.isChecked():
            return None, None
        return self.since.date().toPython(), self.until.date().toPython()  # type: ignore[return-value]

    def clear(self) -> None:
        """Off, saying nothing to anyone."""
        with QSignalBlocker(self.use):
            self.use.setChecked(False)
        self._enable(False)

    def _toggled(self, on: bool) -> None:
        self._enable(on)
        self.changed()

    def _enable(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)


def search_box(placeholder: str) -> QLineEdit:
    """A table's search box, saying what it searches, with a button that clears it."""
    box = QLineEdit()
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    return box


def named(widget: W, label: str) -> W:
    """Give WIDGET the accessible name LABEL (its visible label), for screen readers."""
    widget.setAccessibleName(label)
    return widget


def button(text: str, tip: str = "") -> QPushButton:
    """A push button whose accessible name is its visible text (without the & mnemonic)."""
    widget = QPushButton(text)
    widget.setAccessibleName(text.replace("&", ""))
    if tip:
        widget.setToolTip(tip)
    return widget


def label_for(text: str, buddy: QWidget) -> QLabel:
    """A visible label bound to BUDDY, which takes the label's text as its accessible name."""
    label = QLabel(text)
    label.setBuddy(buddy)
    buddy.setAccessibleName(text.replace("&", "").rstrip(":"))
    return label


def table_view(name: str) -> QTableView:
    """A read-only, sortable table with whole-row selection."""
    view = QTableView()
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setStyle(sort_arrows())
    view.setWordWrap(False)
    return view


class StatusBar(QStatusBar):
    """A status bar whose message never runs under its permanent widgets (the next runs, the
    scheduler's state): a message too long for the room left is elided, whole in its tooltip."""

    def paintEvent(self, event: QPaintEvent) -> None:
        message = self.currentMessage()
        if not message:
            super().paintEvent(event)
            return
        permanent = [w for w in self.findChildren(QWidget) if w.parent() is self and w.isVisible()]
        lefts = [w.geometry().left() for w in permanent]
        room = QRect(6, 0, min(lefts, default=self.width()) - 12, self.height())
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        shown = self.fontMetrics().elidedText(message, Qt.TextElideMode.ElideRight, room.width())
        painter.drawText(room, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.end()  # now, not whenever Python lets go of it (a traceback may hold it)
        self.setToolTip(message if shown != message else "")


FIT_ROWS = 50  # rows a column is sized to: those in view, then the next ones


def fit_columns(view: QTableView, *descriptive: int) -> None:
    """Size each column of VIEW to what it shows, each time its rows are read anew; the space left
    (or wanting, in a narrow window) goes to the DESCRIPTIVE columns (a customer, a product, an
    error), whose text is elided. A column's edge can still be dragged. A table out of view is
    fitted when it is next shown, not each time its rows are read."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    # From the rows in view and a few more: Qt's default reads a thousand, which in a lazy table
    # of a million rows means reading pages nobody asked for (34 s to open the window on one).
    header.setResizeContentsPrecision(FIT_ROWS)
    model = view.model()
    due = [False]  # rows were read anew while the table was out of view

    def fit() -> None:
        due[0] = False
        rows = _rows_to_fit(view)
        for column in range(model.columnCount()):
            if column in descriptive:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, _width_to_fit(view, column, rows))

    def read_anew() -> None:
        if view.isVisible():
            fit()
        else:
            due[0] = True

    fit()
    model.modelReset.connect(read_anew)
    view.installEventFilter(_OnShow(view, lambda: fit() if due[0] else None))


def _rows_to_fit(view: QTableView) -> range:
    """The rows a column is fitted to: those in view, then the next ones, FIT_ROWS in all."""
    first = max(0, view.rowAt(0))
    return range(first, min(view.model().rowCount(), first + FIT_ROWS))


def _width_to_fit(view: QTableView, column: int, rows: range) -> int:
    """The width COLUMN of VIEW needs for ROWS and its title: what `resizeColumnToContents` gives
    for them, but asking Qt to lay out only the widest cell. Qt lays out every cell (seven
    questions to the model each), which took 15 to 25 ms for a table of ten columns, each time
    its rows were read anew; here the texts (each once) are measured, and the widest laid out."""
    model = view.model()
    texts = getattr(model, "texts", None)  # a ListingModel's texts, without Qt's indexes
    if texts is not None:
        shown: dict[tuple[str, bool], int] = texts(column, rows)
    else:
        shown = {}
        for row in rows:
            index = model.index(row, column)
            text, font = model.data(index), model.data(index, Qt.ItemDataRole.FontRole)
            if isinstance(text, str):
                shown.setdefault((text, isinstance(font, QFont) and font.bold()), row)
    plain = view.fontMetrics()
    bold_font = QFont(view.font())
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)
    widest, widest_row = -1, -1
    for (text, strong), row in shown.items():
        width = (bold if strong else plain).horizontalAdvance(text)
        if width > widest:
            widest, widest_row = width, row
    header = view.horizontalHeader()
    title = 0 if header.isHidden() else header.sectionSizeHint(column)
    if widest_row < 0:
        return title
    content = view.sizeHintForIndex(model.index(widest_row, column)).width() + int(view.showGrid())
    return max(content, title)


class _OnShow(QObject):
    """Calls SHOWN each time the widget it watches is shown."""

    def __init__(self, parent: QObject, shown: Callable[[], None]) -> None:
        super().__init__(parent)
        self.shown = shown

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self.shown()
        return False


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask before a step that cannot be undone."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


# The border of a control whose value was refused.
INVALID = "border: 2px solid #c0392b;"


def tell(parent: QWidget, title: str, text: str, problem: bool = False) -> None:
    """A message the person acknowledges."""
    box = QMessageBox(
        QMessageBox.Icon.Warning if problem else QMessageBox.Icon.Information,
        title,
        text,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setTextInteractionFlags(box.textInteractionFlags())
    box.open()
