"""Order entry: commit what is available now, backorder the rest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from backorder_desktop.domain import activity, clock, identifiers, ledger, shipments
from backorder_desktop.domain.bulk import without_cyclic_gc
from backorder_desktop.domain.errors import BadInput, Problem, Problems
from backorder_desktop.domain.limits import MAX_QUANTITY, MAX_TEXT, quantity_problem, text_problem
from backorder_desktop.domain.processes import ORDER_ENTRY
from backorder_desktop.domain.products import StockItem, by_sku, chunks, unknown_or_discontinued
from backorder_desktop.domain.words import counted
from backorder_desktop.store.database import binary_text, insert_rows, query, reserve_ids, write

DEFAULT_PRIORITY = 5


# Where an input comes from: a description ("order 7", "line 2"), or a line of the file
# being imported (a number: a million "file.csv:123" texts would be made for nothing).
Where = str | int

# Rows written per bulk statement: a big import is written in parts inside its one transaction.
WRITE_CHUNK = 100_000


class LineInput(NamedTuple):
    """One line of an order to enter (a tuple: an import builds a million)."""

    line: int
    sku: str
    qty: int
    where: Where = ""


# A line as the bulk paths read it, by position: a LineInput, or the plain tuple a big import
# builds (a LineInput costs seven times as much to make).
LineRow = tuple[int, str, int, Where]


@dataclass(slots=True)
class OrderInput:
    number: str
    customer: str
    ordered_at: datetime
    priority: int = DEFAULT_PRIORITY
    ship_complete: bool = False
    lines: list[LineRow] = field(default_factory=list)
    where: Where = ""


@dataclass(frozen=True)
class EntryResult:
    orders: int
    lines: int
    shipments: int
    committed: int
    backordered: int


def _place(where: Where, source: str, otherwise: str) -> str:
    """A problem's place: SOURCE:LINE for a line of the file, else WHERE or OTHERWISE."""
    if isinstance(where, int):
        return f"{source}:{where}"
    return where or otherwise


def _shape(orders: Sequence[OrderInput], problems: Problems, source: str) -> None:
    """Problems visible without the database: ranges, repeats, empty fields."""
    seen: dict[str, Where] = {}
    for order in orders:
        where = _place(order.where, source, f"order {order.number}")
        if not order.number.strip():
            problems.add(Problem(where, "order", "the order number is empty"))
        elif order.number in seen:
            first = _place(seen[order.number], source, f"order {order.number}")
            problems.add(Problem(where, "order", f"order {order.number!r} repeats {first}"))
        seen.setdefault(order.number, order.where or where)
        problems.extend(filter(None, [text_problem(where, "order", order.number)]))
        if not order.customer.strip():
            problems.add(Problem(where, "customer", "the customer is empty"))
        problems.extend(filter(None, [text_problem(where, "customer", order.customer)]))
        if not 1 <= order.priority <= 9:
            problems.add(Problem(where, "priority", f"must be 1 to 9, not {order.priority}"))
        lines_seen: set[int] = set()
        for number, sku, qty, line_where in order.lines:
            if (
                1 <= number <= MAX_QUANTITY
                and 1 <= qty <= MAX_QUANTITY
                and number not in lines_seen
                and len(sku) <= MAX_TEXT
            ):
                lines_seen.add(number)
                continue  # the usual case, told without making its place
            line_where = _place(line_where, source, f"order {order.number} line {number}")
            if number < 1:
                problems.add(Problem(line_where, "line", f"must be a positive whole number, not {number}"))
            if number in lines_seen:
                problems.add(Problem(line_where, "line", f"line {number} of order {order.number!r} repeats"))
            lines_seen.add(number)
            if qty < 1:
                problems.add(Problem(line_where, "qty", f"must be a positive whole number, not {qty}"))
            problems.extend(
                filter(
                    None,
                    [
                        quantity_problem(line_where, "line", number),
                        quantity_problem(line_where, "qty", qty),
                        text_problem(line_where, "sku", sku),
                    ],
                )
            )


def enter_orders(
    orders: Sequence[OrderInput],
    at: datetime | None = None,
    *,
    check_only: bool = False,
    source: str = "",
) -> EntryResult:
    """Enter ORDERS in the given sequence, all or none.

    Each line commits min(available, ordered) into one pending Order Entry
    shipment per order; a ship-complete order commits only if every line can
    be filled in full. What is not committed is backordered. With CHECK_ONLY
    the input is validated (BadInput) and nothing is written. A `where` that is
    a number is a line of the file SOURCE.
    """
    with entering(source, at) as entry:
        entry.check(orders).raise_if_any(source)
        if check_only:
            entry.abandon()
            return EntryResult(0, 0, 0, 0, 0)
        start = 0
        while start < len(orders):
            # Whole orders, about WRITE_CHUNK lines at a time: memory stays that of one part.
            end, size = start, 0
            while end < len(orders) and (size < WRITE_CHUNK or end == start):
                size += len(orders[end].lines)
                end += 1
            entry.write(orders[start:end])
            start = end
    assert entry.result is not None
    return entry.result


class EnteredBefore(Exception):
    """Orders given again after they were written in an earlier part of the same entry."""

    def __init__(self, numbers: list[str]) -> None:
        super().__init__(", ".join(numbers))
        self.numbers = numbers


@contextmanager
def entering(source: str = "", at: datetime | None = None) -> Iterator[Entry]:
    """Order entry in parts, in one write transaction (all or none) with the cyclic garbage
    collector paused: the caller checks each part (`Entry.check`) and writes it (`Entry.write`)
    in the sequence of entry. When the block ends normally, the products' backordered figures
    and the activity row are written (`Entry.result`); an exception leaves nothing written."""
    with without_cyclic_gc(), write():
        entry = Entry(source, at or clock.now())
        yield entry
        entry.finish()


class Entry:
    """Orders entered part after part inside `entering`'s transaction, so that a big import holds
    one part at a time: the products it names are looked up once, the available figures carried
    from part to part, ids reserved part by part in the sequence of entry."""

    def __init__(self, source: str, at: datetime) -> None:
        self.source = source
        self.at = at
        self.result: EntryResult | None = None
        self._catalogue: dict[str, StockItem] = {}  # the SKUs looked up that exist
        self._missing: set[str] = set()  # ... and those that do not
        self._product_id: dict[str, int] = {}
        self._available: dict[int, int] = {}  # product id -> available now
        self._backordered: dict[int, int] = defaultdict(int)
        self._abandoned = False
        self._first_order: int | None = None  # the id of the first order written
        self.orders = self.lines = self.shipments = self.committed = 0

    def check(self, orders: Sequence[OrderInput], *, shaped: bool = False) -> Problems:
        """The problems of ORDERS with the database (orders that exist, unknown or discontinued
        SKUs) and, unless SHAPED (a file's parser checked them already), with their own fields.
        EnteredBefore if one of them was written in an earlier part (the caller, which holds
        only a part at a time, could not see the repeat)."""
        problems = Problems()
        if not shaped:
            _shape(orders, problems, self.source)
        skus = {sku for order in orders for _line, sku, _qty, _where in order.lines}
        self._look_up(skus)
        taken, again = self.known([o.number for o in orders])
        if again:
            raise EnteredBefore(sorted(again))
        source = self.source
        for order in orders:
            if order.number in taken:
                where = _place(order.where, source, f"order {order.number}")
                problems.add(Problem(where, "order", f"order {order.number!r} already exists"))
        catalogue = self._catalogue
        unusable = {sku for sku in skus if sku not in catalogue or catalogue[sku].discontinued}
        for order in orders:
            if not order.lines:
                where = _place(order.where, source, f"order {order.number}")
                problems.add(Problem(where, "line", "an order needs at least one line"))
            if not unusable:
                continue
            for line, sku, _qty, line_where in order.lines:
                if sku in unusable:
                    where = _place(line_where, source, f"order {order.number} line {line}")
                    problem = unknown_or_discontinued(sku, where, catalogue)
                    if problem:
                        problems.add(problem)
        return problems

    def known(self, numbers: Sequence[str]) -> tuple[set[str], set[str]]:
        """Which of NUMBERS are orders in the database: those entered before this entry, and
        those this entry wrote (in an earlier part)."""
        before: set[str] = set()
        written: set[str] = set()
        first = self._first_order
        for part in chunks(numbers):
            marks = ", ".join("?" * len(part))
            for number, order_id in query(
                f"SELECT number, id FROM orders WHERE number IN ({marks})", tuple(part)
            ):
                (written if first is not None and order_id >= first else before).add(number)
        return before, written

    def _look_up(self, skus: set[str]) -> None:
        new = skus - self._catalogue.keys() - self._missing
        if not new:
            return
        found = by_sku(new)
        self._catalogue.update(found)
        self._missing |= new - found.keys()
        for sku, item in found.items():
            self._product_id[sku] = item.id
            self._available.setdefault(item.id, item.available)

    def write(self, orders: Sequence[OrderInput]) -> None:
        """Write ORDERS (checked by `check`), their lines and their Order Entry shipments: each
        line commits what is available now, the rest is backordered."""
        if not orders:
            return
        first_order = reserve_ids("orders", len(orders))
        if self._first_order is None:
            self._first_order = first_order  # ids are reserved in sequence: the later are above
        line_id = reserve_ids("order_line", sum(len(o.lines) for o in orders))
        product_id, available, backordered = self._product_id, self._available, self._backordered
        order_rows = []
        line_rows = []
        new_shipments: list[shipments.NewShipment] = []
        committed = 0
        for order_id, order in enumerate(orders, first_order):
            order_rows.append(
                (
                    order_id,
                    order.number,
                    order.customer,
                    order.ordered_at,
                    order.priority,
                    order.ship_complete,
                    "open",
                )
            )
            commits = _ship_complete(order.lines, product_id, available) if order.ship_complete else None
            taken: list[shipments.NewLine] = []
            for k, (line, sku, qty, _where) in enumerate(order.lines):
                pid = product_id[sku]
                left = available[pid]
                if commits is not None:
                    commit = commits[k]
                else:
                    commit = qty if qty <= left else (left if left > 0 else 0)
                if commit:
                    available[pid] = left - commit
                    taken.append((line_id, pid, commit))
                    committed += commit
                short = qty - commit
                if short:
                    backordered[pid] += short
                line_rows.append((line_id, order_id, line, pid, qty, commit, short, 0, 0))
                line_id += 1
            if taken:
                new_shipments.append(shipments.NewShipment(order_id, taken))
        insert_rows("orders", ORDER_COLUMNS, order_rows)
        insert_rows("order_line", LINE_COLUMNS, line_rows)
        shipments.create(new_shipments, ORDER_ENTRY, self.at)
        self.orders += len(orders)
        self.lines += len(line_rows)
        self.shipments += len(new_shipments)
        self.committed += committed

    def abandon(self) -> None:
        """Nothing was written (a check alone): no activity row when the block ends."""
        self._abandoned = True

    def finish(self) -> None:
        if self._abandoned:
            return
        ledger.change_backordered(self._backordered)
        backordered = sum(self._backordered.values())
        activity.record(
            "import",
            self.source or "orders",
            f"orders: {counted(self.orders, 'order')}, {counted(self.lines, 'line')},"
            f" {counted(self.committed, 'unit')} committed in {counted(self.shipments, 'shipment')},"
            f" {counted(backordered, 'unit')} backordered",
        )
        self.result = EntryResult(self.orders, self.lines, self.shipments, self.committed, backordered)


ORDER_COLUMNS = ("id", "number", "customer", "ordered_at", "priority", "ship_complete", "status")
LINE_COLUMNS = (
    "id",
    "order_id",
    "line",
    "product_id",
    "ordered",
    "committed",
    "backordered",
    "shipped",
    "cancelled",
)


def _ship_complete(
    lines: Sequence[LineRow], product_id: dict[str, int], available: dict[int, int]
) -> list[int]:
    """What each line of a ship-complete order commits now: all it orders if every line can be
    filled in full (lines of one product drawing on one balance), else nothing."""
    left: dict[int, int] = {}
    commits = []
    for _line, sku, qty, _where in lines:
        pid = product_id[sku]
        have = left.get(pid, available[pid])
        if have < qty:
            return [0] * len(lines)
        left[pid] = have - qty
        commits.append(qty)
    return commits


# Order numbers made of digits alone, as a person or an import writes them ("10248", "000123"):
# the next free number follows the largest. Up to 18 digits, which any integer column holds.
_NUMERIC = (
    "FROM orders WHERE {number} >= '0' AND {number} < ':' AND LTRIM(number, '0123456789') = ''"
    " AND LENGTH(number) BETWEEN 1 AND 18"
)


def next_number() -> str:
    """The next free order number: one more than the largest order number made of digits alone,
    as wide as it (its leading zeros kept); "1" when there is none."""
    # The range lets SQLite read the order numbers' index from the first digit to the last only.
    rows = query(
        f"SELECT number {_NUMERIC.format(number=binary_text('number'))}"
        " ORDER BY CAST(number AS BIGINT) DESC LIMIT 1"
    )
    if not rows:
        return "1"
    largest = str(rows[0][0])
    return str(int(largest) + 1).zfill(len(largest))


@dataclass(frozen=True)
class EnteredLine:
    """A line of an order just entered: what it committed now and what it backordered."""

    line: int
    sku: str
    ordered: int
    committed: int
    backordered: int


@dataclass(frozen=True)
class NewOrder:
    """An order a person entered, and what order entry did with each of its lines."""

    number: str
    customer: str
    ship_complete: bool
    lines: list[EnteredLine]
    shipment: str | None  # the Order Entry shipment that holds what was committed ("S0000815")

    def story(self) -> str:
        """What happened, in a sentence: "Order 11078 for Around the Horn, 3 lines: 2 committed
        now in S0000815, 1 backordered: 12 of NW-014."."""
        head = f"Order {self.number} for {self.customer}, {counted(len(self.lines), 'line')}"
        committed = [ln for ln in self.lines if ln.committed]
        waiting = [ln for ln in self.lines if ln.backordered]
        if not waiting:
            return f"{head}: all committed now in {self.shipment}."
        now = f"{len(committed):,} committed now in {self.shipment}" if committed else "none committed now"
        parts = [now]
        short = ", ".join(f"{ln.backordered:,} of {ln.sku}" for ln in waiting)
        parts.append(f"{len(waiting):,} backordered: {short}")
        story = f"{head}: {', '.join(parts)}."
        if self.ship_complete and not committed:
            story += " Ship complete: nothing is committed until every line can be filled."
        return story


def enter_new_order(
    customer: str,
    lines: Sequence[LineInput],
    priority: int = DEFAULT_PRIORITY,
    ship_complete: bool = False,
    *,
    source: str = "New order dialog",
    at: datetime | None = None,
) -> NewOrder:
    """Enter one order a person wrote, under the next free number (`next_number`), through order
    entry as an imported order goes (its activity row says SOURCE); BadInput, with nothing
    saved, if it cannot be. The number is taken in the order's own transaction, so two people
    entering orders at once never get the same one."""
    at = at or clock.now().replace(microsecond=0)
    problems: list[Problem] = []
    good: list[LineRow] = []
    for line in lines:
        sku = identifiers.normal(line.sku)
        where = str(line.where) or f"line {line.line}"
        problem = identifiers.problem(where, "sku", sku)
        if problem is None and not sku:
            problem = Problem(where, "sku", "the SKU is empty")
        if problem is None:
            good.append(line._replace(sku=sku, where=where))
        else:
            problems.append(problem)
    with write():
        number = next_number()
        order = OrderInput(number, customer.strip(), at, priority, ship_complete, good)
        if problems:
            # What is wrong with the rest is told at the same time, so one correction is enough.
            try:
                enter_orders([order], at, check_only=True)
            except BadInput as refused:
                problems += [p for p in refused.problems if good or p.field != "line"]
            raise BadInput(sorted(problems, key=_row_of))
        enter_orders([order], at, source=source)
        entered = [
            EnteredLine(*row)
            for row in query(
                "SELECT ol.line, p.sku, ol.ordered, ol.committed, ol.backordered FROM order_line ol"
                " JOIN orders o ON o.id = ol.order_id JOIN product p ON p.id = ol.product_id"
                " WHERE o.number = ? ORDER BY ol.line",
                (number,),
            )
        ]
        made = query(
            "SELECT s.id FROM shipment s JOIN orders o ON o.id = s.order_id WHERE o.number = ?", (number,)
        )
    shipment = shipments.shipment_number(made[0][0]) if made else None
    return NewOrder(number, order.customer, ship_complete, entered, shipment)


def _row_of(problem: Problem) -> int:
    """Problems of the order first, then by the line they name ("line 3")."""
    where = problem.where
    return int(where[5:]) if where.startswith("line ") and where[5:].isdigit() else 0
