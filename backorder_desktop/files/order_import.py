"""`import orders FILE`: one row per order line, all rows or none, every bad row named by file,
line and field.

Two ways through a file, which give the same database and the same messages
(tests/files/test_order_import_ways.py compares them on good and bad files):

- **Streamed** (`Streamed`), the way every file is tried first. The file is read once. An
  order is held only while its rows come (one after the other, as people and programs write
  them); then it joins the part being read, and each part of about `orders.WRITE_CHUNK` lines
  is checked against the database and written (`orders.entering`), all inside one transaction,
  so that a bad row anywhere, even the last, leaves the database as it was. Across the whole
  file only what the checks need is kept: the numbers of the orders read (a number that comes
  back later is the next way's case), and each SKU and customer text once. Fields already met
  are read by a look-up; anything else is parsed by `fields.py`, which words every problem.
  After a first problem nothing more is written, but every row is still checked.
- **Held** (`import_held`). An order whose rows come back after another order's rows cannot be
  entered in sequence until the file ends: the streamed way gives up, its transaction rolled
  back, and the file is read again holding every order (lines as tuples, with their line
  numbers), then checked and written in parts.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from backorder_desktop.domain import orders
from backorder_desktop.domain.limits import MAX_TEXT
from backorder_desktop.domain.words import plainly_counted as counted  # digits alone: scripts read it
from backorder_desktop.files import fields
from backorder_desktop.files.csv_reader import Collector, Rows

ORDER_COLUMNS = ("order", "customer", "ordered_at", "priority", "ship_complete", "line", "sku", "qty")
ORDER_FIELDS = ("customer", "ordered_at", "priority", "ship_complete")  # repeated on each row of an order

# Texts read by a look-up, each giving exactly what its parser in fields.py gives.
_WHOLE = {str(n): n for n in range(1, 10_000)}  # line numbers and quantities as usually written
_PRIORITY = {str(n): n for n in range(1, 10)} | {"": orders.DEFAULT_PRIORITY}
_BOOLEAN = {"true": True, "false": False, "": False}
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}")
_REMEMBERED = 200_000  # SKU and customer texts looked up at most (then forgotten, and again)
_NEVER = 1 << 62  # a line number no line is above: the quick way is closed to the order


def import_orders(path: Path, *, careful: bool = False) -> str:
    """Import PATH streamed, or held if its orders' rows are apart; the summary line. With
    CAREFUL every field is parsed by fields.py (the tests compare both)."""
    try:
        result = Streamed(path, careful=careful).enter()
    except Apart:
        result = import_held(path)
    return summary(result, path.name)


def summary(result: orders.EntryResult, name: str) -> str:
    return (
        f"imported {counted(result.orders, 'order')} ({counted(result.lines, 'line')}) from {name}:"
        f" {counted(result.committed, 'unit')} committed in {counted(result.shipments, 'shipment')},"
        f" {result.backordered} backordered"
    )


class Apart(Exception):
    """An order's rows came back after another order's: the streamed way cannot enter it."""


class Streamed:
    """The streamed way (see the module). With CAREFUL, every field is parsed by fields.py."""

    def __init__(self, path: Path, *, careful: bool = False) -> None:
        self.rows = Rows(path, ORDER_COLUMNS)
        self.name = self.rows.name
        self.problems = Collector(self.name, note_bad_rows=False)
        self.quick = not careful
        self._whole: dict[str, int] = _WHOLE if self.quick else {}
        self._priorities: dict[str, int] = _PRIORITY if self.quick else {}
        self._booleans: dict[str, bool] = _BOOLEAN if self.quick else {}
        self._skus: dict[str, str] = {}  # a SKU as written -> as parsed
        self._customers: dict[str, str] = {}
        # The numbers of the orders read before the current one and not written yet: those of
        # the part being read, and once something is wrong all of them. (An order whose rows
        # come back after its part was written is found by the database check of the part.)
        self._unwritten: set[str] = set()
        self._left_out: list[str] = []  # orders read since the last part, neither checked nor written
        self._part: list[orders.OrderInput] = []  # orders read, to check and write
        self._part_lines = 0
        # The order being read: its number and fields as its first row wrote them, whether that
        # row had a problem (then it is left out of the database check), its highest line so
        # far, and where each line is once its lines come out of order.
        self._order: orders.OrderInput | None = None
        self._raw_number: str | None = None
        self._raw_fields: tuple[str, ...] = ()
        self._first_row_bad = False
        self._top = 0
        self._lines_at: dict[int, int] | None = None

    def enter(self) -> orders.EntryResult:
        """Read, check and write the file in one transaction; BadInput (nothing written) with its
        problems, or Apart (nothing written)."""
        with orders.entering(self.name) as entry:
            self._entry = entry
            self._read_rows()
            self._close_order()
            self._check_and_write()
            self.rows.finish()  # problems of the file's shape, alone; or no rows at all
            self.problems.raise_if_any()
        assert entry.result is not None
        return entry.result

    def _read_rows(self) -> None:
        pick = itemgetter(*(self.rows.columns[column] for column in ORDER_COLUMNS))
        whole, skus, chunk = self._whole, self._skus, orders.WRITE_CHUNK
        raw = customer0 = ordered_at0 = priority0 = ship0 = None
        top = 0
        lines: list[orders.LineRow] = []
        rows = iter(self.rows)
        try:
            for at, record in rows:
                texts = pick(record)
                number, customer, ordered_at, priority, ship, line_text, sku_text, qty_text = texts
                line = whole.get(line_text)
                sku = skus.get(sku_text)
                if sku is None and self.quick:
                    sku = _learn(sku_text, skus, fields.code)
                qty = whole.get(qty_text)
                if line is not None and sku is not None and qty is not None:
                    if number == raw:
                        # The usual row: the next line of the order being read.
                        if (
                            line > top
                            and customer == customer0
                            and ordered_at == ordered_at0
                            and priority == priority0
                            and ship == ship0
                        ):
                            top = line
                            lines.append((line, sku, qty, at))
                            continue
                    elif (order := self._quick_start(at, texts)) is not None:
                        # The first row of the next order, every text as met before.
                        raw, customer0, ordered_at0, priority0, ship0 = texts[:5]
                        top = line
                        lines = order.lines
                        lines.append((line, sku, qty, at))
                        if self._part_lines >= chunk:
                            self._check_and_write()
                        continue
                self._top = top
                self._row(at, texts)
                raw, top = self._raw_number, self._top
                customer0, ordered_at0, priority0, ship0 = self._raw_fields or (None,) * 4
                lines = self._order.lines if self._order is not None else []
        finally:
            rows.close()  # type: ignore[attr-defined]

    def _quick_start(self, at: int, texts: tuple[str, ...]) -> orders.OrderInput | None:
        """The order a row starts, if every text of it reads quickly (else None, and nothing
        done): a number that is plain ASCII, not read before; fields met before."""
        number_text, customer_text, ordered_at_text, priority_text, ship_text = texts[:5]
        customer = self._customers.get(customer_text)
        if customer is None and self.quick:
            customer = _learn(customer_text, self._customers, fields.text)
        priority = self._priorities.get(priority_text)
        ship_complete = self._booleans.get(ship_text)
        if customer is None or priority is None or ship_complete is None:
            return None
        if not (number_text.isascii() and number_text.isprintable() and _TIME.fullmatch(ordered_at_text)):
            return None
        number = number_text.strip()  # fields.code of printable ASCII: stripped, NFKC changes nothing
        current = self._order
        if not number or len(number) > MAX_TEXT or number in self._unwritten:
            return None
        if current is not None and number == current.number:
            return None
        try:
            ordered_at = datetime.fromisoformat(ordered_at_text)  # no zone, no fraction: as fields.py
        except ValueError:
            return None
        order = orders.OrderInput(number, customer, ordered_at, priority, ship_complete, where=at)
        self._start(order, texts, first_row_bad=False)
        return order

    def _start(self, order: orders.OrderInput, texts: tuple[str, ...], *, first_row_bad: bool) -> None:
        """ORDER, whose first row held TEXTS, is the order being read now."""
        self._close_order()
        self._order = order
        self._raw_number, self._raw_fields = texts[0], texts[1:5]
        self._first_row_bad = first_row_bad
        self._top, self._lines_at = 0, None

    def _row(self, at: int, texts: tuple[str, ...]) -> None:
        """Any row but the usual ones, read as fields.py reads it, problems in the field order."""
        number_text, customer_text, ordered_at_text, priority_text, ship_text = texts[:5]
        line_text, sku_text, qty_text = texts[5:]
        problems = self.problems
        before = problems.count
        number = self._code(at, number_text)
        line = self._whole_number(at, "line", line_text)
        sku = self._sku(at, sku_text)
        qty = self._whole_number(at, "qty", qty_text)
        if number is None:
            return
        order = self._order
        if order is None or number != order.number:
            if number in self._unwritten:
                raise Apart(number)
            # The order's own fields are read from its first row; later rows must repeat them.
            customer = self._customer(at, customer_text)
            ordered_at = self._timestamp(at, ordered_at_text)
            priority = self._parsed(at, "priority", priority_text, _PRIORITY, fields.priority)
            ship_complete = self._parsed(at, "ship_complete", ship_text, _BOOLEAN, fields.boolean)
            # With a bad field the first row is bad: the order is neither checked nor written.
            when, priority = ordered_at or datetime.min, priority or orders.DEFAULT_PRIORITY
            order = orders.OrderInput(number, customer or "", when, priority, bool(ship_complete), where=at)
            self._start(order, texts, first_row_bad=problems.count > before)
        else:
            for column, text, first in zip(ORDER_FIELDS, texts[1:5], self._raw_fields, strict=True):
                if text.strip() != first.strip():
                    problems.add(
                        f"{self.name}:{at}",
                        column,
                        f"differs from {self.name}:{order.where} for the same order {number!r}",
                    )
        if line is not None:
            # A repeated line is found without a look-up while the order's lines come in
            # ascending order; once one comes out of order, the order's lines get a map.
            lines_at = self._lines_at
            if lines_at is None and line > self._top:
                self._top = line
            else:
                if lines_at is None:
                    lines_at = self._lines_at = {ln[0]: int(ln[3]) for ln in order.lines}
                    self._top = _NEVER
                if line in lines_at:
                    problems.add(
                        f"{self.name}:{at}",
                        "line",
                        f"order {number!r} line {line} repeats {self.name}:{lines_at[line]}",
                    )
                    return  # reported here; the order's own check must not report it again
                lines_at[line] = at
            # A row with a bad SKU or quantity keeps its line number, for the repeats (qty 0).
            order.lines.append((line, sku or "", qty or 0, at))
        if self._part_lines >= orders.WRITE_CHUNK:
            self._check_and_write()

    def _close_order(self) -> None:
        """The order being read is complete: it joins the part (unless its first row was bad,
        or no line of it is left)."""
        order = self._order
        if order is None:
            return
        self._order = None
        self._raw_number, self._raw_fields = None, ()
        self._unwritten.add(order.number)
        if self.problems.count:  # lines with a bad quantity are not checked
            order.lines = [ln for ln in order.lines if ln[2]]
        if self._first_row_bad or not order.lines:
            self._left_out.append(order.number)  # still, its rows must not come back
            return
        if self._lines_at is not None:
            order.lines.sort()  # by line number: each is in the order once
        self._part.append(order)
        self._part_lines += len(order.lines)

    def _check_and_write(self) -> None:
        """Check the part against the database, and write it if the file has had no problem."""
        part, self._part, self._part_lines = self._part, [], 0
        left_out, self._left_out = self._left_out, []
        if left_out and self._entry.orders and self._entry.known(left_out)[1]:
            raise Apart(left_out[0])  # an order written in an earlier part came back
        if not part:
            return
        try:
            found = self._entry.check(part, shaped=self.quick)
        except orders.EnteredBefore as again:
            raise Apart(again.numbers[0]) from None
        if found:
            self.problems.problems.absorb(found.error())
        if not self.problems and not self.rows.problems:
            self._entry.write(part)
            self._unwritten.clear()  # every order read so far is in the database now

    # Fields: a look-up for a text met before, else fields.py (which words the problem).

    def _code(self, at: int, text: str) -> str | None:
        if self.quick and text.isascii() and text.isprintable():
            value = text.strip()  # fields.code of printable ASCII: stripped, NFKC changes nothing
            if value and len(value) <= MAX_TEXT:
                return value
        return self.problems.value(at, "order", text, fields.code)

    def _whole_number(self, at: int, column: str, text: str) -> int | None:
        value = self._whole.get(text)
        if value is None:
            value = self.problems.value(at, column, text, fields.positive)
        return value

    def _sku(self, at: int, text: str) -> str | None:
        return self._remembered(at, "sku", text, self._skus, fields.code)

    def _customer(self, at: int, text: str) -> str | None:
        return self._remembered(at, "customer", text, self._customers, fields.text)

    def _remembered(self, at: int, column: str, text: str, known: dict[str, str], parse: Any) -> str | None:
        value = known.get(text)
        if value is None:
            value = self.problems.value(at, column, text, parse)
        return value

    def _timestamp(self, at: int, text: str) -> datetime | None:
        if self.quick and _TIME.fullmatch(text):
            try:
                return datetime.fromisoformat(text)  # no zone, no fraction: fields.timestamp's value
            except ValueError:
                pass  # not a real date: fields.timestamp says why
        return self.problems.value(at, "ordered_at", text, fields.timestamp)

    def _parsed(self, at: int, column: str, text: str, known: dict[str, Any], parse: Any) -> Any:
        if self.quick and text in known:  # _PRIORITY or _BOOLEAN
            return known[text]
        return self.problems.value(at, column, text, parse)


def _learn(text: str, known: dict[str, str], parse: Callable[[str], str]) -> str | None:
    """PARSE(TEXT), remembered in KNOWN; None if it is wrong (the row is then read again by
    `Streamed._row`, which notes the problem)."""
    try:
        value = sys.intern(parse(text))
    except fields.FieldError:
        return None
    if len(known) >= _REMEMBERED:
        known.clear()
    known[text] = value
    return value


def import_held(path: Path) -> orders.EntryResult:
    """The held way (see the module): every order of the file is kept, as tuples with line
    numbers and repeated texts (SKUs, customers) once, then checked and written."""
    rows = Rows(path, ORDER_COLUMNS)
    name = rows.name
    problems = Collector(name, note_bad_rows=False)  # orders left out of the check: first_row_bad
    i_order, i_customer, i_ordered_at, i_priority, i_ship, i_line, i_sku, i_qty = (
        rows.columns[column] for column in ORDER_COLUMNS
    )
    i_fields = (i_customer, i_ordered_at, i_priority, i_ship)
    index: dict[str, int] = {}  # order number -> its place in `entered`
    entered: list[orders.OrderInput] = []
    written_as: list[tuple[str, ...]] = []  # each order's fields as its first row wrote them
    first_row_bad: set[int] = set()  # orders left out of the database check
    # A repeated line is found without a look-up while each order's lines come in ascending
    # order (the usual file); an order whose lines come out of order gets a map of its own.
    top_line: list[int] = []  # per order, the highest line number so far
    out_of_order: dict[int, dict[int, int]] = {}  # order's place -> {line: the row it is on}
    same = sys.intern  # a text that repeats (a SKU, a customer) kept once
    for at, record in rows:
        before = problems.count
        number = problems.value(at, "order", record[i_order], fields.code)
        line = problems.value(at, "line", record[i_line], fields.positive)
        sku = problems.value(at, "sku", record[i_sku], fields.code)
        qty = problems.value(at, "qty", record[i_qty], fields.positive)
        if number is None:
            continue
        place = index.get(number)
        if place is None:
            # The order's own fields are read from its first row; later rows must repeat them.
            customer = problems.value(at, "customer", record[i_customer], fields.text)
            ordered_at = problems.value(at, "ordered_at", record[i_ordered_at], fields.timestamp)
            priority = problems.value(at, "priority", record[i_priority], fields.priority)
            ship_complete = problems.value(at, "ship_complete", record[i_ship], fields.boolean)
            place = len(entered)
            index[number] = place
            entered.append(
                orders.OrderInput(
                    number, same(customer or ""), ordered_at, priority or 5, bool(ship_complete), where=at
                )
            )
            top_line.append(0)
            written_as.append(
                (
                    same(record[i_customer].strip()),
                    record[i_ordered_at].strip(),
                    same(record[i_priority].strip()),
                    same(record[i_ship].strip()),
                )
            )
            if problems.count > before:
                first_row_bad.add(place)
        else:
            first = written_as[place]
            for column, i, value in zip(ORDER_FIELDS, i_fields, first, strict=True):
                if record[i].strip() != value:
                    problems.add(
                        f"{name}:{at}",
                        column,
                        f"differs from {name}:{entered[place].where} for the same order {number!r}",
                    )
        if line is not None:
            seen = out_of_order.get(place)
            if seen is None and line > top_line[place]:
                top_line[place] = line
            else:
                if seen is None:
                    seen = out_of_order[place] = {ln[0]: int(ln[3]) for ln in entered[place].lines}
                if line in seen:
                    problems.add(
                        f"{name}:{at}", "line", f"order {number!r} line {line} repeats {name}:{seen[line]}"
                    )
                    continue  # reported here; the order's own check must not report it again
                seen[line] = at
            # A row with a bad SKU or quantity keeps its line number, for the repeats (qty 0).
            entered[place].lines.append((line, same(sku or ""), qty or 0, at))
    del index, written_as, top_line, out_of_order
    if problems:
        for order in entered:
            order.lines = [ln for ln in order.lines if ln[2]]
    rows.finish()
    for order in entered:
        order.lines.sort()  # by line number: each is in an order once
    problems.raise_if_any(
        lambda: orders.enter_orders(
            [o for i, o in enumerate(entered) if i not in first_row_bad and o.lines],
            check_only=True,
            source=name,
        )
    )
    return orders.enter_orders(entered, source=name)
