"""A table model over a domain Listing that loads only the blocks of rows the view shows.

The row count comes from one COUNT query, so the scroll bar is true from the
start; a block of rows is read when first painted — by a seek from the block
before it when that one is loaded (scrolling), else by OFFSET (a jump, e.g.
dragging to the end). Only a bounded number of blocks stays in memory.

Qt asks for a cell by row and column number; the listing's columns say which field of
the row each number shows, and SHOWN how a field reads (the table's `cell` otherwise).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from backorder_desktop.domain.browse import PAGE, Column, Filters, Listing, Page
from backorder_desktop.ui.format import cell

Index = QModelIndex | QPersistentModelIndex
KEPT_BLOCKS = 400  # 80,000 rows at most in memory


class ListingModel(QAbstractTableModel):
    """Sorted and filtered in SQL; rows are read a block at a time, when they are shown."""

    def __init__(
        self,
        listing: Listing[Any],
        shown: Mapping[str, Callable[[Any], str]] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.listing = listing
        self.shown = dict(shown or {})  # field name -> its text in a cell, where not `cell`
        self.filters = Filters()
        self.sort_column = 0
        self.descending = False
        self.total = 0
        self.blocks: OrderedDict[int, Page[Any]] = OrderedDict()
        self.is_new: Callable[[Any], bool] = lambda _row: False
        self.rows = _Rows(self)

    # -- Qt's model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.listing.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.total:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            row = self.row(index.row())
            return self.text(self.listing.columns[index.column()], row) if row is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = self.listing.columns[index.column()].numeric
            horizontal = Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            row = self.row(index.row())
            if row is not None and self.is_new(row):
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.UserRole:
            return self.row_id(index.row())
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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.listing.columns) or self.listing.columns[column].sort is None:
            return
        self.sort_column = column
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    # -- ours -------------------------------------------------------------------------------

    def text(self, column: Column, row: Any) -> str:
        """What COLUMN shows of ROW."""
        return self.shown.get(column.field, cell)(getattr(row, column.field))

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self.refresh()

    def refresh(self, keep_position: bool = False) -> None:
        """Count again and read anew. KEEP_POSITION re-reads the blocks loaded before (the
        part of the table the person was looking at), so selected rows can be found again."""
        shown = sorted(list(self.blocks)[-8:]) if keep_position else []  # the most recently read
        self.beginResetModel()
        self.total = self.listing.count(self.filters)
        self.blocks.clear()
        for number in shown:
            if number * PAGE < self.total:
                self._block(number)
        self.endResetModel()

    def _block(self, number: int) -> Page[Any]:
        page = self.blocks.get(number)
        if page is not None:
            self.blocks.move_to_end(number)
            return page
        before = self.blocks.get(number - 1)
        args = (self.filters, self.sort_column, self.descending)
        if before is not None and before.last_key is not None:
            page = self.listing.page(*args, after=before.last_key, limit=PAGE)
        else:
            page = self.listing.page(*args, limit=PAGE, offset=number * PAGE)
        self.blocks[number] = page
        while len(self.blocks) > KEPT_BLOCKS:
            self.blocks.popitem(last=False)
        return page

    def row(self, number: int) -> Any:
        """The named row NUMBER (None past the end, if rows vanished since the count)."""
        page = self._block(number // PAGE)
        offset = number % PAGE
        return page.rows[offset] if offset < len(page.rows) else None

    def row_id(self, number: int) -> Any:
        page = self._block(number // PAGE)
        offset = number % PAGE
        return page.keys[offset].id if offset < len(page.keys) else None

    def row_of(self, row_id: Any) -> int | None:
        """The row showing ROW_ID, among the rows loaded so far."""
        for number, page in self.blocks.items():
            for offset, key in enumerate(page.keys):
                if key.id == row_id:
                    return number * PAGE + offset
        return None


class _Rows(Sequence[Any]):
    """The model's rows as a sequence, read on demand."""

    def __init__(self, model: ListingModel) -> None:
        self.model = model

    def __len__(self) -> int:
        return self.model.total

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        row = self.model.row(index % len(self))
        if row is None:
            raise IndexError(index)
        return row

    def __iter__(self) -> Iterator[Any]:
        for number in range(len(self)):
            row = self.model.row(number)
            if row is None:
                return
            yield row
