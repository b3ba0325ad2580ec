"""Order entry: commit what is available now, backorder the rest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from backorder_desktop.domain import clock, ledger, shipments
from backorder_desktop.domain.errors import BadInput, Problem
from backorder_desktop.domain.limits import quantity_problem, text_problem
from backorder_desktop.domain.products import by_sku, chunks, unknown_or_discontinued
from backorder_desktop.store.database import executemany, query, reserve_ids, write

DEFAULT_PRIORITY = 5


class LineInput(NamedTuple):
    """One line of an order to enter (a tuple: an import builds a hundred thousand)."""

    line: int
    sku: str
    qty: int
    where: str = ""


@dataclass
class OrderInput:
    number: str
    customer: str
    ordered_at: datetime
    priority: int = DEFAULT_PRIORITY
    ship_complete: bool = False
    lines: list[LineInput] = field(default_factory=list)
    where: str = ""


@dataclass(frozen=True)
class EntryResult:
    orders: int
    lines: int
    shipments: int
    committed: int
    backordered: int


def shape_problems(orders: list[OrderInput]) -> list[Problem]:
    """Problems visible without the database: ranges, repeats, empty fields."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for order in orders:
        where = order.where or f"order {order.number}"
        if not order.number.strip():
            problems.append(Problem(where, "order", "the order number is empty"))
        elif order.number in seen:
            problems.append(Problem(where, "order", f"order {order.number!r} repeats {seen[order.number]}"))
        seen.setdefault(order.number, where)
        problems += filter(None, [text_problem(where, "order", order.number)])
        if not order.customer.strip():
            problems.append(Problem(where, "customer", "the customer is empty"))
        problems += filter(None, [text_problem(where, "customer", order.customer)])
        if not 1 <= order.priority <= 9:
            problems.append(Problem(where, "priority", f"must be 1 to 9, not {order.priority}"))
        lines_seen: set[int] = set()
        for line in order.lines:
            line_where = line.where or f"order {order.number} line {line.line}"
            if line.line < 1:
                problems.append(
                    Problem(line_where, "line", f"must be a positive whole number, not {line.line}")
                )
            if line.line in lines_seen:
                problems.append(
                    Problem(line_where, "line", f"line {line.line} of order {order.number!r} repeats")
                )
            lines_seen.add(line.line)
            if line.qty < 1:
                problems.append(
                    Problem(line_where, "qty", f"must be a positive whole number, not {line.qty}")
                )
            problems += filter(
                None,
                [
                    quantity_problem(line_where, "line", line.line),
                    quantity_problem(line_where, "qty", line.qty),
                    text_problem(line_where, "sku", line.sku),
                ],
            )
    return problems


def _check(orders: list[OrderInput], catalogue: dict) -> list[Problem]:
    """Problems that depend on the database: known numbers, SKUs, discontinued products."""
    problems: list[Problem] = shape_problems(orders)
    taken: set[str] = set()
    for part in chunks([o.number for o in orders]):
        marks = ", ".join("?" * len(part))
        taken |= {n for (n,) in query(f"SELECT number FROM orders WHERE number IN ({marks})", tuple(part))}
    problems += [
        Problem(o.where or f"order {o.number}", "order", f"order {o.number!r} already exists")
        for o in orders
        if o.number in taken
    ]
    for order in orders:
        if not order.lines:
            problems.append(
                Problem(order.where or f"order {order.number}", "line", "an order needs at least one line")
            )
        for line in order.lines:
            problem = unknown_or_discontinued(
                line.sku, line.where or f"order {order.number} line {line.line}", catalogue
            )
            if problem:
                problems.append(problem)
    return problems


def enter_orders(
    orders: list[OrderInput], at: datetime | None = None, *, check_only: bool = False
) -> EntryResult:
    """Enter ORDERS in the given sequence, all or none.

    Each line commits min(available, ordered) into one pending Order Entry
    shipment per order; a ship-complete order commits only if every line can
    be filled in full. What is not committed is backordered. With CHECK_ONLY
    the input is validated (BadInput) and nothing is written.
    """
    at = at or clock.now()
    with write():
        catalogue = by_sku(line.sku for order in orders for line in order.lines)
        problems = _check(orders, catalogue)
        if problems:
            raise BadInput(problems)
        if check_only:
            return EntryResult(0, 0, 0, 0, 0)
        available = {item.id: item.available for item in catalogue.values()}
        first_order = reserve_ids("orders", len(orders))
        first_line = reserve_ids("order_line", sum(len(o.lines) for o in orders))
        order_rows = []
        line_rows = []
        new_shipments: list[shipments.NewShipment] = []
        backordered: dict[int, int] = defaultdict(int)
        line_id = first_line
        for index, order in enumerate(orders):
            order_id = first_order + index
            order_rows.append(
                (
                    order_id,
                    order.number,
                    order.customer,
                    order.ordered_at,
                    order.priority,
                    order.ship_complete,
                )
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
        shipments.create(new_shipments, "order-entry", at)
        ledger.change_backordered(backordered)
    return EntryResult(
        orders=len(orders),
        lines=len(line_rows),
        shipments=len(new_shipments),
        committed=sum(row[5] for row in line_rows),
        backordered=sum(backordered.values()),
    )


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
