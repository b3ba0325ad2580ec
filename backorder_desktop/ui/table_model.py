"""A table model over a domain Listing that reads, off the window's thread, only the blocks of
rows the view shows.

The row count comes from one COUNT query, so the scroll bar is true from the start; a block of
rows is read when first painted — by a seek from the block before it when that one is loaded
(scrolling), else by OFFSET (a jump, e.g. dragging to the end). Only a bounded number of blocks
stays in memory. Every reading (the count, a new sort or filter, a block the view asks for) runs
in a worker thread (ui/workers.py): on a million rows one can take a tenth of a second or more,
and the window's thread only swaps in the rows read. A cell whose block is still being read is
shown empty for that moment.

Qt asks for a cell by row and column number; the listing's columns say which field of
the row each number shows, and SHOWN how a field reads (the table's `cell` otherwise).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from backorder_desktop.domain.browse import PAGE, Column, Filters, Listing, Page
from backorder_desktop.ui.format import cell
from backorder_desktop.ui.workers import in_background

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
KEPT_BLOCKS = 400  # 80,000 rows at most in memory
READ_AGAIN_BLOCKS = 8  # at most this many blocks are read again for one reload (the rows in view)
READ_AGAIN_AFTER_MS = 2_000  # a block that could not be read is asked for again after this
TEXT_ON_TINT = QColor("#1a1a1a")  # readable on the light tints, whatever the palette
DISPLAY, ACCESSIBLE, ALIGNMENT, FONT, BACKGROUND, FOREGROUND, USER = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.UserRole,
)
ANSWERED = {DISPLAY, ACCESSIBLE, ALIGNMENT, FONT, BACKGROUND, FOREGROUND, USER}
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


Order = tuple[Filters, int, bool]  # what rows are read under: filters, sort column, descending


@dataclass(frozen=True)
class Reading:
    """Rows read again off the window's thread, for the model to show at once."""

    ticket: int  # shown only if no other reading or refresh began after it
    total: int
    blocks: dict[int, Page[Any]]
    order: Order  # the filters, sort column and direction it was read under


class ListingModel(QAbstractTableModel):
    """Sorted and filtered in SQL; rows are read a block at a time, off the window's thread, when
    they are shown."""

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
        self.ticket = 0  # of the latest reading begun: an older one is not shown
        self.order: Order = self._order()  # what the rows shown were read under
        # Nothing is read before the table is first asked to read (its tab shown, a filter
        # changed): a sort set while the window is made reads nothing.
        self.live = False
        self._generation = 0  # of the rows shown: one more at each reset of the model
        self._wanted: set[int] = set()  # blocks the view asked for, to be read at the next turn
        self._reading: set[int] = set()  # blocks being read in a worker for the rows shown now
        self._failed: set[int] = set()  # blocks that could not be read, asked for again a little later
        self._bold = QFont()
        self._bold.setBold(True)
        self.rows = _Rows(self)

    # -- Qt's model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.listing.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks for many roles of every cell it paints or measures: those the table does not
        # answer are turned away first, and a row whose block is not read yet is asked for in a
        # worker (the cell stays empty until it comes).
        if role not in ANSWERED or not index.isValid():
            return None
        if role == ALIGNMENT:
            return RIGHT if self.listing.columns[index.column()].numeric else LEFT
        number = index.row()
        if role == USER:
            return self.loaded_id(number)
        row = self.loaded_row(number)
        if row is None:
            return None
        if role in (DISPLAY, ACCESSIBLE):
            return self.text(self.listing.columns[index.column()], row)
        if role == FONT:
            if self.is_new(row) or self.strong(self.listing.columns[index.column()], row):
                return self._bold
            return None
        tint = self.tint(row)
        if tint is None:
            return None
        return tint if role == BACKGROUND else TEXT_ON_TINT

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
        if self.live:
            self.refresh()

    # -- ours -------------------------------------------------------------------------------

    def text(self, column: Column, row: Any) -> str:
        """What COLUMN shows of ROW."""
        return self.shown.get(column.field, cell)(getattr(row, column.field))

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self.refresh()

    def refresh(self, done: Callable[[bool], None] | None = None) -> None:
        """Count again and read anew, off the window's thread, under the filters and sort of now,
        the blocks last looked at (the rows in view); the rows read are shown at once when they
        come, then DONE(whether the rows shown changed) is called."""
        recent = list(self.blocks)[-2:] or [0]  # the blocks read last: those in view, mostly
        work = self.read_again(recent)

        def show(reading: Reading) -> None:
            changed = self.show_reading(reading)
            if done is not None:
                done(changed)

        def failed(error: BaseException, _report: str) -> None:
            log.info("could not read the rows of %s again: %s", type(self.listing).__name__, error)

        in_background(work, show, failed)

    def read_again(self, numbers: Iterable[int]) -> Callable[[], Reading]:
        """The work, for a worker thread, of counting again and reading anew blocks NUMBERS (the
        first READ_AGAIN_BLOCKS of them) under the filters and sort of now; `show_reading` then
        shows what it read."""
        self.live = True
        self.ticket += 1
        ticket, listing, filters = self.ticket, self.listing, self.filters
        order = self._order()
        wanted = sorted(list(dict.fromkeys(numbers))[:READ_AGAIN_BLOCKS])  # the first given first

        def work() -> Reading:
            total = listing.count(filters)
            blocks: dict[int, Page[Any]] = {}
            # Fewer rows than the view was scrolled past (a search typed): the first ones.
            within = [number for number in wanted if number * PAGE < total] or ([0] if total else [])
            for number in within:
                blocks[number] = _page(listing, order, number, blocks.get(number - 1))
            return Reading(ticket, total, blocks, order)

        return work

    def show_reading(self, reading: Reading) -> bool:
        """Show READING, unless something was read since it began or it shows what is shown
        already; whether the rows shown changed."""
        if reading.ticket != self.ticket:
            return False
        same = (
            reading.order == self.order
            and reading.total == self.total
            and all(
                number in self.blocks and self.blocks[number].rows == page.rows
                for number, page in reading.blocks.items()
            )
        )
        if same:
            return False
        self.beginResetModel()
        self.total = reading.total
        self.order = reading.order
        self.blocks = OrderedDict(sorted(reading.blocks.items()))
        self._wanted.clear()
        self._reading.clear()  # blocks of the rows shown before: dropped when they come
        self._failed.clear()
        self._generation += 1
        self.endResetModel()
        return True

    def forget(self) -> None:
        """Show no rows until the next reading (another database was opened: its rows are read
        when the table is next shown), and drop any reading under way."""
        self.ticket += 1
        self.beginResetModel()
        self.total = 0
        self.blocks.clear()
        self._wanted.clear()
        self._reading.clear()
        self._failed.clear()
        self._generation += 1
        self.endResetModel()

    def loaded_row(self, number: int) -> Any:
        """The named row NUMBER if its block is in memory, else None: the block is then read in a
        worker, and the view told when it is there."""
        page = self.blocks.get(number // PAGE)
        if page is None:
            self._ask(number // PAGE)
            return None
        offset = number % PAGE
        return page.rows[offset] if offset < len(page.rows) else None

    def texts(self, column: int, numbers: Iterable[int]) -> dict[tuple[str, bool], int]:
        """The texts COLUMN shows in rows NUMBERS that are in memory, each with whether it is in
        bold, and the first row showing it (to fit the column's width to them)."""
        shown: dict[tuple[str, bool], int] = {}
        of = self.listing.columns[column]
        for number in numbers:
            page = self.blocks.get(number // PAGE)
            if page is None or number % PAGE >= len(page.rows):
                continue
            row = page.rows[number % PAGE]
            shown.setdefault((self.text(of, row), self.is_new(row) or self.strong(of, row)), number)
        return shown

    def loaded_id(self, number: int) -> Any:
        """The id of row NUMBER if its block is in memory (reads nothing), else None."""
        page = self.blocks.get(number // PAGE)
        offset = number % PAGE
        return page.keys[offset].id if page is not None and offset < len(page.keys) else None

    def _order(self) -> Order:
        return (self.filters, self.sort_column, self.descending)

    def _ask(self, number: int) -> None:
        if number * PAGE >= self.total or number in self._reading or number in self._failed:
            return
        if not self._wanted:
            QTimer.singleShot(0, self._read_wanted)  # every block one paint asks for, in one task
        self._wanted.add(number)

    def _read_wanted(self) -> None:
        wanted = sorted(self._wanted - self._reading)[:READ_AGAIN_BLOCKS]
        self._wanted.clear()
        if not wanted:
            return
        self._reading.update(wanted)
        listing, order, generation = self.listing, self.order, self._generation
        before = {n: self.blocks.get(n - 1) for n in wanted}

        def work() -> dict[int, Page[Any]]:
            read: dict[int, Page[Any]] = {}
            for number in wanted:
                read[number] = _page(listing, order, number, read.get(number - 1) or before[number])
            return read

        def show(read: dict[int, Page[Any]]) -> None:
            if generation != self._generation:
                return  # read for rows no longer shown
            self._reading.difference_update(read)
            for number, page in read.items():
                self._keep(number, page)
                first, last = number * PAGE, min(self.total, (number + 1) * PAGE) - 1
                if first <= last:
                    self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))

        def failed(error: BaseException, _report: str) -> None:
            log.info("could not read rows of %s: %s", type(self.listing).__name__, error)
            if generation != self._generation:
                return
            self._reading.difference_update(wanted)
            self._failed.update(wanted)  # not asked for at every paint meanwhile
            QTimer.singleShot(READ_AGAIN_AFTER_MS, lambda: self._ask_again(generation, wanted))

        in_background(work, show, failed)

    def _ask_again(self, generation: int, numbers: list[int]) -> None:
        """Blocks NUMBERS could not be read (the database busy, a server gone for a moment): the
        view asks for them again now, if it still shows them."""
        if generation != self._generation:
            return
        self._failed.difference_update(numbers)
        for number in numbers:
            first, last = number * PAGE, min(self.total, (number + 1) * PAGE) - 1
            if first <= last:
                self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))

    def _keep(self, number: int, page: Page[Any]) -> None:
        self.blocks[number] = page
        self.blocks.move_to_end(number)
        while len(self.blocks) > KEPT_BLOCKS:
            self.blocks.popitem(last=False)

    def _block(self, number: int) -> Page[Any]:
        """Block NUMBER, read here and now if it is not in memory (for a row the program needs at
        once, a selected one say: those are in memory but after a very long scroll)."""
        page = self.blocks.get(number)
        if page is not None:
            self.blocks.move_to_end(number)
            return page
        page = _page(self.listing, self.order, number, self.blocks.get(number - 1))
        self._keep(number, page)
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


def _page(listing: Listing[Any], order: Order, number: int, before: Page[Any] | None) -> Page[Any]:
    """Block NUMBER of LISTING under ORDER (filters, sort column, descending): a seek after the
    block BEFORE it when that one is read, else by OFFSET."""
    filters, column, descending = order
    if before is not None and before.last_key is not None:
        return listing.page(filters, column, descending, after=before.last_key, limit=PAGE)
    return listing.page(filters, column, descending, limit=PAGE, offset=number * PAGE)


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
