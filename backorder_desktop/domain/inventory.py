"""Stock coming back: receipts (incoming shipments), adjustments and customer returns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from backorder_desktop.domain import activity, clock, identifiers, ledger
from backorder_desktop.domain.errors import BadInput, Problem
from backorder_desktop.domain.limits import quantity_problem, text_problem
from backorder_desktop.domain.products import by_sku, chunks
from backorder_desktop.domain.words import counted
from backorder_desktop.store.database import executemany, query, write


@dataclass(frozen=True)
class ReceiptLineInput:
    sku: str
    qty: int
    where: str = ""


@dataclass
class ReceiptInput:
    number: str
    received_at: datetime
    lines: list[ReceiptLineInput] = field(default_factory=list)
    where: str = ""


@dataclass(frozen=True)
class AdjustmentInput:
    sku: str
    qty: int
    reason: str
    where: str = ""


@dataclass(frozen=True)
class ReturnInput:
    order: str
    sku: str
    qty: int
    where: str = ""


def _add(problems: list[Problem], problem: Problem | None) -> None:
    if problem is not None:
        problems.append(problem)


def _known_sku(sku: str, where: str, catalogue: dict) -> Problem | None:
    if not sku.strip():
        return Problem(where, "sku", "the SKU is empty")
    if hidden := identifiers.problem(where, "sku", sku):
        return hidden
    if sku not in catalogue:
        return Problem(where, "sku", f"unknown SKU {sku!r}")
    return None


def receive(
    receipts: list[ReceiptInput], at: datetime | None = None, *, check_only: bool = False, source: str = ""
) -> int:
    """Record incoming shipments, all or none; on hand rises. Returns units received.

    The activity log says one import of the file SOURCE, or else one receipt each."""
    at = at or clock.now()
    # Numbers and SKUs in one form however they were typed (a window, a file, a script).
    receipts = [
        ReceiptInput(
            identifiers.normal(r.number),
            r.received_at,
            [replace(line, sku=identifiers.normal(line.sku)) for line in r.lines],
            r.where,
        )
        for r in receipts
    ]
    with write():
        catalogue = by_sku(line.sku for r in receipts for line in r.lines)
        problems: list[Problem] = []
        seen: set[str] = set()
        for receipt in receipts:
            where = receipt.where or f"receipt {receipt.number}"
            if not receipt.number.strip():
                problems.append(Problem(where, "receipt", "the receipt number is empty"))
            _add(problems, text_problem(where, "receipt", receipt.number))
            _add(problems, identifiers.problem(where, "receipt", receipt.number))
            if receipt.number in seen:
                problems.append(Problem(where, "receipt", f"receipt {receipt.number!r} repeats"))
            seen.add(receipt.number)
            if not receipt.lines:
                problems.append(Problem(where, "sku", "a receipt needs at least one line"))
            skus: set[str] = set()
            for line in receipt.lines:
                line_where = line.where or where
                problem = _known_sku(line.sku, line_where, catalogue)
                if problem:
                    problems.append(problem)
                if line.sku in skus:
                    problems.append(
                        Problem(line_where, "sku", f"{line.sku!r} repeats in receipt {receipt.number!r}")
                    )
                skus.add(line.sku)
                if line.qty < 1:
                    problems.append(
                        Problem(line_where, "qty", f"must be a positive whole number, not {line.qty}")
                    )
                _add(problems, quantity_problem(line_where, "qty", line.qty))
        numbers = [r.number for r in receipts]
        first_where = {r.number: r.where for r in reversed(receipts)}
        for part in chunks(numbers):
            marks = ", ".join("?" * len(part))
            for (number,) in query(f"SELECT number FROM receipt WHERE number IN ({marks})", tuple(part)):
                where = first_where.get(number) or f"receipt {number}"
                problems.append(Problem(where, "receipt", f"receipt {number!r} already exists"))
        if problems:
            raise BadInput(problems)
        if check_only:
            return 0
        movements = []
        for receipt in receipts:
            cursor = query(
                "INSERT INTO receipt (number, received_at) VALUES (?, ?) RETURNING id",
                (receipt.number, receipt.received_at),
            )
            receipt_id = cursor[0][0]
            executemany(
                "INSERT INTO receipt_line (receipt_id, product_id, qty) VALUES (?, ?, ?)",
                [(receipt_id, catalogue[ln.sku].id, ln.qty) for ln in receipt.lines],
            )
            movements += [
                ledger.Movement(ledger.RECEIPT, catalogue[ln.sku].id, ln.qty, 0, f"receipt {receipt.number}")
                for ln in receipt.lines
            ]
        ledger.record(movements, at)
        units = sum(m.on_hand_delta for m in movements)
        if source:
            lines = sum(len(r.lines) for r in receipts)
            activity.record(
                "import",
                source,
                f"receipts: {counted(len(receipts), 'receipt')}, {counted(lines, 'line')},"
                f" {counted(units, 'unit')} received",
            )
        else:
            activity.record_many(
                (
                    (
                        "receipt",
                        r.number,
                        f"{counted(sum(ln.qty for ln in r.lines), 'unit')} received: "
                        + activity.listed([f"{ln.sku} {ln.qty:,}" for ln in r.lines], "line"),
                    )
                    for r in receipts
                ),
            )
    return units


def adjust(
    adjustments: list[AdjustmentInput],
    at: datetime | None = None,
    *,
    check_only: bool = False,
    source: str = "",
) -> int:
    """Record inventory adjustments (signed), all or none. Returns the net change in units.
    The activity log says one import of the file SOURCE, or else one adjustment each.

    An adjustment may take on hand below committed (a count found less than was
    promised), never below zero.
    """
    at = at or clock.now()
    adjustments = [replace(a, sku=identifiers.normal(a.sku)) for a in adjustments]
    with write():
        catalogue = by_sku(a.sku for a in adjustments)
        problems: list[Problem] = []
        on_hand = {item.sku: item.on_hand for item in catalogue.values()}
        for adj in adjustments:
            where = adj.where or f"adjustment of {adj.sku}"
            problem = _known_sku(adj.sku, where, catalogue)
            if problem:
                problems.append(problem)
                continue
            if adj.qty == 0:
                problems.append(Problem(where, "qty", "an adjustment of 0 changes nothing"))
            _add(problems, quantity_problem(where, "qty", adj.qty))
            if not adj.reason.strip():
                problems.append(Problem(where, "reason", "give a reason (count correction, damage, ...)"))
            _add(problems, text_problem(where, "reason", adj.reason))
            on_hand[adj.sku] += adj.qty
            if on_hand[adj.sku] < 0:
                problems.append(
                    Problem(
                        where, "qty", f"would leave {adj.sku} with {on_hand[adj.sku]} on hand (below zero)"
                    )
                )
        if problems:
            raise BadInput(problems)
        if check_only:
            return 0
        movements = []
        for adj in adjustments:
            product_id = catalogue[adj.sku].id
            (adjustment_id,) = query(
                "INSERT INTO adjustment (product_id, qty, reason, created_at) VALUES (?, ?, ?, ?)"
                " RETURNING id",
                (product_id, adj.qty, adj.reason, at),
            )[0]
            movements.append(
                ledger.Movement(ledger.ADJUSTMENT, product_id, adj.qty, 0, f"adjustment {adjustment_id}")
            )
        ledger.record(movements, at)
        net = sum(a.qty for a in adjustments)
        if source:
            said = f"adjustments: {counted(len(adjustments), 'adjustment')}, net change {net:+,} units"
            activity.record("import", source, said)
        else:
            activity.record_many(
                (
                    "adjustment",
                    a.sku,
                    f"{'adds' if a.qty > 0 else 'removes'} {counted(abs(a.qty), 'unit')} ({a.reason})",
                )
                for a in adjustments
            )
    return net


def record_returns(
    returns: list[ReturnInput], at: datetime | None = None, *, check_only: bool = False, source: str = ""
) -> int:
    """Record units customers sent back, all or none; on hand rises. Returns units.
    The activity log says one import of the file SOURCE, or else one return each.

    A return may not exceed what the order shipped of that product, less earlier returns.
    """
    at = at or clock.now()
    returns = [replace(r, order=identifiers.normal(r.order), sku=identifiers.normal(r.sku)) for r in returns]
    with write():
        catalogue = by_sku(r.sku for r in returns)
        orders = _orders_by_number({r.order for r in returns})
        returnable = _returnable({oid for oid, _status in orders.values()})
        problems: list[Problem] = []
        for ret in returns:
            where = ret.where or f"return of {ret.sku} on order {ret.order}"
            if hidden := identifiers.problem(where, "order", ret.order):
                problems.append(hidden)
                continue
            if ret.order not in orders:
                problems.append(Problem(where, "order", f"no such order {ret.order!r}"))
                continue
            problem = _known_sku(ret.sku, where, catalogue)
            if problem:
                problems.append(problem)
                continue
            if ret.qty < 1:
                problems.append(Problem(where, "qty", f"must be a positive whole number, not {ret.qty}"))
                continue
            if too_large := quantity_problem(where, "qty", ret.qty):
                problems.append(too_large)
                continue
            key = (orders[ret.order][0], catalogue[ret.sku].id)
            left = returnable.get(key, 0)
            if ret.qty > left:
                problems.append(
                    Problem(
                        where,
                        "qty",
                        f"order {ret.order} can return at most {left} of {ret.sku} "
                        "(shipped less earlier returns)",
                    )
                )
            returnable[key] = left - ret.qty
        if problems:
            raise BadInput(problems)
        if check_only:
            return 0
        movements = []
        for ret in returns:
            order_id = orders[ret.order][0]
            product_id = catalogue[ret.sku].id
            (return_id,) = query(
                "INSERT INTO customer_return (order_id, product_id, qty, created_at)"
                " VALUES (?, ?, ?, ?) RETURNING id",
                (order_id, product_id, ret.qty, at),
            )[0]
            movements.append(
                ledger.Movement(
                    ledger.RETURN, product_id, ret.qty, 0, f"return {return_id} order {ret.order}"
                )
            )
        ledger.record(movements, at)
        units = sum(r.qty for r in returns)
        if source:
            said = f"returns: {counted(len(returns), 'return')}, {counted(units, 'unit')} back on hand"
            activity.record("import", source, said)
        else:
            activity.record_many(
                (("return", r.order, f"{counted(r.qty, 'unit')} of {r.sku} back on hand") for r in returns),
            )
    return units


def _orders_by_number(numbers: set[str]) -> dict[str, tuple[int, str]]:
    orders: dict[str, tuple[int, str]] = {}
    for part in chunks(sorted(numbers)):
        marks = ", ".join("?" * len(part))
        for oid, number, status in query(
            f"SELECT id, number, status FROM orders WHERE number IN ({marks})", tuple(part)
        ):
            orders[number] = (oid, status)
    return orders


def _returnable(order_ids: set[int]) -> dict[tuple[int, int], int]:
    """(order id, product id) -> units shipped less units already returned."""
    left: dict[tuple[int, int], int] = defaultdict(int)
    for part in chunks(sorted(order_ids)):
        marks = ", ".join("?" * len(part))
        for oid, pid, shipped in query(
            f"SELECT order_id, product_id, SUM(shipped) FROM order_line WHERE order_id IN ({marks})"
            " GROUP BY order_id, product_id",
            tuple(part),
        ):
            left[(oid, pid)] += int(shipped)
        for oid, pid, returned in query(
            f"SELECT order_id, product_id, SUM(qty) FROM customer_return WHERE order_id IN ({marks})"
            " GROUP BY order_id, product_id",
            tuple(part),
        ):
            left[(oid, pid)] -= int(returned)
    return left
