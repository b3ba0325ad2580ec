"""Order entry: commit what is available now, backorder the rest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
from backorder_desktop.store.database import binary_text, executemany, query, reserve_ids, write

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


@dataclass(slots=True)
class OrderInput:
    number: str
    customer: str
    ordered_at: datetime
    priority: int = DEFAULT_PRIORITY
    ship_complete: bool = False
    lines: list[LineInput] = field(default_factory=list)
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
        for line in order.lines:
            if (
                1 <= line.line <= MAX_QUANTITY
                and 1 <= line.qty <= MAX_QUANTITY
                and line.line not in lines_seen
                and len(line.sku) <= MAX_TEXT
            ):
                lines_seen.add(line.line)
                continue  # the usual case, told without making its place
            line_where = _place(line.where, source, f"order {order.number} line {line.line}")
            if line.line < 1:
                problems.add(Problem(line_where, "line", f"must be a positive whole number, not {line.line}"))
            if line.line in lines_seen:
                problems.add(
                    Problem(line_where, "line", f"line {line.line} of order {order.number!r} repeats")
                )
            lines_seen.add(line.line)
            if line.qty < 1:
                problems.add(Problem(line_where, "qty", f"must be a positive whole number, not {line.qty}"))
            problems.extend(
                filter(
                    None,
                    [
                        quantity_problem(line_where, "line", line.line),
                        quantity_problem(line_where, "qty", line.qty),
                        text_problem(line_where, "sku", line.sku),
                    ],
                )
            )


def _check(orders: Sequence[OrderInput], catalogue: dict[str, StockItem], source: str) -> Problems:
    """Problems that depend on the database: known numbers, SKUs, discontinued products."""
    problems = Problems()
    _shape(orders, problems, source)
    taken: set[str] = set()
    for part in chunks([o.number for o in orders]):
        marks = ", ".join("?" * len(part))
        taken |= {n for (n,) in query(f"SELECT number FROM orders WHERE number IN ({marks})", tuple(part))}
    for order in orders:
        if order.number in taken:
            where = _place(order.where, source, f"order {order.number}")
            problems.add(Problem(where, "order", f"order {order.number!r} already exists"))
    for order in orders:
        if not order.lines:
            where = _place(order.where, source, f"order {order.number}")
            problems.add(Problem(where, "line", "an order needs at least one line"))
        for line in order.lines:
            item = catalogue.get(line.sku)
            if item is not None and not item.discontinued:
                continue
            where = _place(line.where, source, f"order {order.number} line {line.line}")
            problem = unknown_or_discontinued(line.sku, where, catalogue)
            if problem:
                problems.add(problem)
    return problems


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
    at = at or clock.now()
    with without_cyclic_gc(), write():
        catalogue = by_sku(line.sku for order in orders for line in order.lines)
        _check(orders, catalogue, source).raise_if_any(source)
        if check_only:
            return EntryResult(0, 0, 0, 0, 0)
        available = {item.id: item.available for item in catalogue.values()}
        first_order = reserve_ids("orders", len(orders))
        first_line = reserve_ids("order_line", sum(len(o.lines) for o in orders))
        written = _Written(first_line)
        backordered: dict[int, int] = defaultdict(int)
        start = 0
        while start < len(orders):
            # Whole orders, about WRITE_CHUNK lines at a time: memory stays that of one part.
            end, size = start, 0
            while end < len(orders) and (size < WRITE_CHUNK or end == start):
                size += len(orders[end].lines)
                end += 1
            _write_part(orders, start, end, first_order, catalogue, available, backordered, written, at)
            start = end
        ledger.change_backordered(backordered)
        activity.record(
            "import",
            source or "orders",
            f"orders: {counted(len(orders), 'order')}, {counted(written.lines, 'line')},"
            f" {counted(written.committed, 'unit')} committed in {counted(written.shipments, 'shipment')},"
            f" {counted(sum(backordered.values()), 'unit')} backordered",
        )
    return EntryResult(
        orders=len(orders),
        lines=written.lines,
        shipments=written.shipments,
        committed=written.committed,
        backordered=sum(backordered.values()),
    )


@dataclass
class _Written:
    next_line_id: int
    lines: int = 0
    shipments: int = 0
    committed: int = 0


def _write_part(
    orders: Sequence[OrderInput],
    start: int,
    end: int,
    first_order: int,
    catalogue: dict[str, StockItem],
    available: dict[int, int],
    backordered: dict[int, int],
    written: _Written,
    at: datetime,
) -> None:
    """Write ORDERS[START:END], their lines and their Order Entry shipments."""
    order_rows = []
    line_rows = []
    new_shipments: list[shipments.NewShipment] = []
    line_id = written.next_line_id
    for index in range(start, end):
        order = orders[index]
        order_id = first_order + index
        order_rows.append(
            (order_id, order.number, order.customer, order.ordered_at, order.priority, order.ship_complete)
        )
        wanted = [(catalogue[ln.sku].id, ln) for ln in order.lines]
        commits = _commitments(wanted, available, order.ship_complete)
        shipment = shipments.NewShipment(order_id)
        for (product_id, ln), commit in zip(wanted, commits, strict=True):
            available[product_id] -= commit
            short = ln.qty - commit
            backordered[product_id] += short
            line_rows.append((line_id, order_id, ln.line, product_id, ln.qty, commit, short))
            if commit:
                shipment.lines.append((line_id, product_id, commit))
                written.committed += commit
            line_id += 1
        if shipment.lines:
            new_shipments.append(shipment)
    executemany(
        "INSERT INTO orders (id, number, customer, ordered_at, priority, ship_complete, status)"
        " VALUES (?, ?, ?, ?, ?, ?, 'open')",
        order_rows,
    )
    executemany(
        "INSERT INTO order_line (id, order_id, line, product_id, ordered, committed, shipped,"
        " backordered, cancelled) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0)",
        line_rows,
    )
    shipments.create(new_shipments, ORDER_ENTRY, at)
    written.next_line_id = line_id
    written.lines += len(line_rows)
    written.shipments += len(new_shipments)


def _commitments(
    wanted: list[tuple[int, LineInput]], available: dict[int, int], ship_complete: bool
) -> list[int]:
    """How much each line commits now, lines of one product drawing on one balance."""
    left = {product_id: available[product_id] for product_id, _line in wanted}
    commits = []
    for product_id, line in wanted:
        commit = max(0, min(left[product_id], line.qty))
        left[product_id] -= commit
        commits.append(commit)
    if ship_complete and any(c < ln.qty for c, (_p, ln) in zip(commits, wanted, strict=True)):
        return [0] * len(wanted)
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
    good: list[LineInput] = []
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
