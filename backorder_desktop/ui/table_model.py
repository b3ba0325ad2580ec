"""A table model over a domain Listing that loads only the blocks of rows the view shows.

The row count comes from one COUNT query, so the scroll bar is true from the
start; a block of rows is read when first painted — by a seek from the block
before it when that one is loaded (scrolling), else by OFFSET (a jump, e.g.
dragging to the end). Only a bounded number of blocks stays in memory.

Qt asks for a cell by row and column number; the listing's columns say which field of
the row each number shows, and SHOWN how a field reads (the table's `cell` otherwise).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from backorder_desktop.domain.browse import PAGE, Column, Filters, Listing, Page
from backorder_desktop.ui.format import cell
from backorder_desktop.ui.workers import in_background

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
KEPT_BLOCKS = 400  # 80,000 rows at most in memory
READ_AGAIN_BLOCKS = 8  # at most this many blocks are read again for one reload (the rows in view)
TEXT_ON_TINT = QColor("#1a1a1a")  # readable on the light tints, whatever the palette


@dataclass(frozen=True)
class Reading:
    """Rows read again off the window's thread, for the model to show at once."""

    ticket: int  # shown only if no other reading or refresh began after it
    total: int
    blocks: dict[int, Page[Any]]


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
        self.is_new: Callable[[Any], bool] = lambda _row: False  # a new row reads in bold
        self.tint: Callable[[Any], QColor | None] = lambda _row: None  # a row that must stand out
        self.strong: Callable[[Column, Any], bool] = lambda _column, _row: False  # a bold cell
        self.ticket = 0
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
            if row is not None and (
                self.is_new(row) or self.strong(self.listing.columns[index.column()], row)
            ):
                font = QFont()
                font.setBold(True)
                return font
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            row = self.row(index.row())
            tint = self.tint(row) if row is not None else None
            if tint is None:
                return None
            return tint if role == Qt.ItemDataRole.BackgroundRole else TEXT_ON_TINT
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
        shown = sorted(list(self.blocks)[-READ_AGAIN_BLOCKS:]) if keep_position else []  # the latest read
        self.ticket += 1  # a reading begun before this is out of date
        self.beginResetModel()
        self.total = self.listing.count(self.filters)
        self.blocks.clear()
        for number in shown:
            if number * PAGE < self.total:
                self._block(number)
        self.endResetModel()

    def read_again(self, numbers: Iterable[int]) -> Callable[[], Reading]:
        """The work, for a worker thread, of counting again and reading anew blocks NUMBERS (the
        first READ_AGAIN_BLOCKS of them) under the filters and sort of now; `show_reading` then
        shows what it read."""
        self.ticket += 1
        ticket, listing, filters = self.ticket, self.listing, self.filters
        args = (filters, self.sort_column, self.descending)
        wanted = sorted(list(dict.fromkeys(numbers))[:READ_AGAIN_BLOCKS])  # the first given first

        def work() -> Reading:
            total = listing.count(filters)
            blocks: dict[int, Page[Any]] = {}
            for number in wanted:
                if number * PAGE >= total:
                    break
                before = blocks.get(number - 1)
                if before is not None and before.last_key is not None:
                    blocks[number] = listing.page(*args, after=before.last_key, limit=PAGE)
                else:
                    blocks[number] = listing.page(*args, limit=PAGE, offset=number * PAGE)
            return Reading(ticket, total, blocks)

        return work

    def show_reading(self, reading: Reading) -> bool:
        """Show READING, unless something was read since it began or it shows what is shown
        already; whether the rows shown changed."""
        if reading.ticket != self.ticket:
            return False
        same = reading.total == self.total and all(
            number in self.blocks and self.blocks[number].rows == page.rows
            for number, page in reading.blocks.items()
        )
        if same:
            return False
        self.beginResetModel()
        self.total = reading.total
        self.blocks = OrderedDict(sorted(reading.blocks.items()))
        self.endResetModel()
        return True

    def loaded_id(self, number: int) -> Any:
        """The id of row NUMBER if its block is in memory (reads nothing), else None."""
        page = self.blocks.get(number // PAGE)
        offset = number % PAGE
        return page.keys[offset].id if page is not None and offset < len(page.keys) else None

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


def reload_in_place(view: QTableView, shown: Callable[[bool], None] | None = None) -> None:
    """Read again, off the window's thread, the rows VIEW shows, then show them at once keeping
    what the person had: the selected rows and the current one (by id), and the rows in view
    (the top one stays at the top, unless the view was at the very top, where new rows come in).
    SHOWN(changed) is called in the window's thread once it is done."""
    model = view.model()
    assert isinstance(model, ListingModel)
    first = max(0, view.rowAt(0))
    last = view.rowAt(max(0, view.viewport().height() - 1))
    last = last if last >= 0 else first + view.viewport().height() // 16
    selection = view.selectionModel()
    in_view = list(range(first // PAGE, last // PAGE + 1))
    work = model.read_again(in_view + [i.row() // PAGE for i in selection.selectedRows()[:100]])

    def show(reading: Reading) -> None:
        selected = [model.loaded_id(i.row()) for i in selection.selectedRows()]
        current = model.loaded_id(view.currentIndex().row()) if view.currentIndex().isValid() else None
        scrolled = view.verticalScrollBar().value()
        top = model.loaded_id(view.rowAt(0)) if scrolled > 0 and view.rowAt(0) >= 0 else None
        across = view.horizontalScrollBar().value()
        changed = model.show_reading(reading)
        if changed:
            _restore(view, model, [s for s in selected if s is not None], current, top, scrolled)
            view.horizontalScrollBar().setValue(across)
        if shown is not None:
            shown(changed)

    def failed(error: BaseException, _report: str) -> None:
        log.info("could not read the rows of %s again: %s", view.accessibleName(), error)

    in_background(work, show, failed)


def _restore(
    view: QTableView, model: ListingModel, selected: list[Any], current: Any, top: Any, scrolled: int
) -> None:
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row_id in selected:
        row = model.row_of(row_id)
        if row is not None:
            selection.select(model.index(row, 0), flags)
    row = model.row_of(current) if current is not None else None
    if row is not None:
        selection.setCurrentIndex(model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    row = model.row_of(top) if top is not None else None
    if row is not None:
        view.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    else:
        view.verticalScrollBar().setValue(scrolled)


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
