"""A lazy table model over a domain Listing: rows arrive a page at a time as the view scrolls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from backorder_desktop.domain.browse import PAGE, Filters, Listing
from backorder_desktop.ui.format import cell

Index = QModelIndex | QPersistentModelIndex


class ListingModel(QAbstractTableModel):
    """Sorted and filtered in SQL; fetchMore asks for the page after the last key shown."""

    def __init__(
        self,
        listing: Listing,
        display: Callable[[int, Any], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.listing = listing
        self.display = display or (lambda _column, value: cell(value))
        self.filters = Filters()
        self.sort_column = 0
        self.descending = False
        self.rows: list[tuple[Any, ...]] = []
        self.keys: list[tuple[Any, Any]] = []
        self.exhausted = False
        self.is_new: Callable[[tuple[Any, ...]], bool] = lambda _row: False

    # -- Qt's model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.listing.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        column = self.listing.columns[index.column()]
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.display(index.column(), row[index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.is_new(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return self.keys[index.row()][1]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.listing.columns):
            return self.listing.columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.exhausted:
            return
        after = self.keys[-1] if self.keys else None
        page = self.listing.page(self.filters, self.sort_column, self.descending, after, PAGE)
        if len(page.rows) < PAGE:
            self.exhausted = True
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows += page.rows
            self.keys += page.keys
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.listing.columns) or self.listing.columns[column].sort is None:
            return
        self.sort_column = column
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    # -- ours -------------------------------------------------------------------------------

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self.refresh()

    def refresh(self) -> None:
        """Reload from the top, as many rows as were shown (at least a page)."""
        wanted = max(len(self.rows), PAGE)
        page = self.listing.page(self.filters, self.sort_column, self.descending, None, wanted)
        self.beginResetModel()
        self.rows = page.rows
        self.keys = page.keys
        self.exhausted = len(page.rows) < wanted
        self.endResetModel()

    def row_id(self, row: int) -> Any:
        return self.keys[row][1]

    def row_of(self, row_id: Any) -> int | None:
        for number, key in enumerate(self.keys):
            if key[1] == row_id:
                return number
        return None
