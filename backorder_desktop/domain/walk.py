"""The allocation walk: every candidate line in allocation order, sharing one budget per product.

Pure: it reads nothing and writes nothing. allocation.py feeds it the lines
(already sorted by the database, in batches as they are read) and writes what it decided.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import NamedTuple

from backorder_desktop.domain.processes import PRIMARY

PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class Explanation:
    """Why one waiting line got what it got in a run."""

    order: str
    line: int
    sku: str
    backordered: int
    allocated: int
    reason: str


@dataclass(frozen=True)
class Progress:
    lines_done: int
    lines_total: int
    units: int


class Waiting(NamedTuple):
    """A backordered line of an open order, as the database hands it over (already in
    allocation order, so what the lines are sorted on, priority and order time, is not read)."""

    line_id: int
    order_id: int
    line: int
    product_id: int
    backordered: int
    whole: int  # of a ship-complete order, how many lines it has waiting in all; 0 for other orders
    number: str | None  # the order's; read only when the run explains itself


class Given:
    """What a walk gave, line by line, in columns of machine integers (a run over a million lines
    keeps 24 bytes a line here, not a few hundred in tuples). The lines of one order are
    consecutive and in line order: the walk meets an order's lines together, and gives a
    ship-complete order all its lines at once."""

    def __init__(self) -> None:
        self.line_ids = array("q")
        self.product_ids = array("q")
        self.qtys = array("q")
        self.orders = array("q")  # the orders given to, as the walk met them
        self.counts = array("q")  # how many lines each of them was given

    def add(self, order_id: int, line_id: int, product_id: int, qty: int) -> None:
        if self.orders and self.orders[-1] == order_id:
            self.counts[-1] += 1
        else:
            self.orders.append(order_id)
            self.counts.append(1)
        self.line_ids.append(line_id)
        self.product_ids.append(product_id)
        self.qtys.append(qty)

    def __len__(self) -> int:
        return len(self.line_ids)

    def parts(self, lines: int) -> Iterator[GivenPart]:
        """Everything given, in order of order id, in parts of whole orders of about LINES lines.
        Orders entered together have neighbouring ids and so do their lines: a part's writes
        stay within one stretch of each table."""
        ends = array("q", accumulate(self.counts))
        by_id = sorted(range(len(self.orders)), key=self.orders.__getitem__)
        first = 0
        while first < len(by_id):
            last, size = first, 0
            while last < len(by_id) and size < lines:
                size += self.counts[by_id[last]]
                last += 1
            chosen = by_id[first:last]
            ranges = map(range, (ends[i] - self.counts[i] for i in chosen), map(ends.__getitem__, chosen))
            at = list(chain.from_iterable(ranges))
            yield GivenPart(
                [self.orders[i] for i in chosen],
                [self.counts[i] for i in chosen],
                list(map(self.line_ids.__getitem__, at)),
                list(map(self.product_ids.__getitem__, at)),
                list(map(self.qtys.__getitem__, at)),
            )
            first = last


class GivenPart(NamedTuple):
    """Orders with what they were given: their lines follow one another, COUNTS of them each."""

    orders: list[int]
    counts: list[int]
    line_ids: list[int]
    product_ids: list[int]
    qtys: list[int]


class Walk:
    """The allocation walk: every waiting line in allocation order, budgets shared by all."""

    def __init__(
        self, process: str, budgets: dict[int, int], order_by: str, explain: bool, skus: dict[int, str]
    ) -> None:
        self.process = process
        self.start = dict(budgets)
        self.left = dict(budgets)
        self.order_by = order_by
        self.explain = explain
        self.given = Given()
        self.units = 0
        self.explanations: list[Explanation] = []
        self.skus = skus  # product id -> SKU, for explanations

    def run(
        self,
        batches: Iterable[list[tuple]],
        progress: Callable[[Progress], None] | None = None,
        total: int = 0,
    ) -> None:
        """Walk the waiting lines of BATCHES (Waiting fields as tuples), already in allocation
        order, so that the lines of an order come together. A ship-complete order is decided
        whole, on its lines here: filled only if it has no waiting line elsewhere (a line the
        walk does not see is on a product with nothing to give in this run) and the budgets
        left cover all of them. TOTAL, the number of lines, is for PROGRESS."""
        left, given, explain = self.left, self.given, self.explain
        orders, counts = given.orders, given.counts
        add_line, add_product, add_qty = given.line_ids.append, given.product_ids.append, given.qtys.append
        whole_order: list[Waiting] = []  # the lines of the ship-complete order being read
        done = units = 0
        for batch in batches:
            for row in batch:
                line_id, order_id, _line, product_id, backordered, whole, _number = row
                if whole_order and whole_order[0].order_id != order_id:
                    units += self._whole_order(whole_order)
                    whole_order = []
                if whole:
                    whole_order.append(Waiting._make(row))
                    continue
                qty = left.get(product_id, 0)
                if qty > backordered:
                    qty = backordered
                if explain:
                    waiting = Waiting._make(row)
                    self._note(waiting, qty, self._reason(waiting, qty))
                if qty:
                    left[product_id] -= qty
                    units += qty
                    if orders and orders[-1] == order_id:
                        counts[-1] += 1
                    else:
                        orders.append(order_id)
                        counts.append(1)
                    add_line(line_id)
                    add_product(product_id)
                    add_qty(qty)
            if progress and done // PROGRESS_EVERY != (done + len(batch)) // PROGRESS_EVERY:
                progress(Progress(done + len(batch), max(total, done + len(batch)), self.units + units))
            done += len(batch)
        if whole_order:
            units += self._whole_order(whole_order)
        self.units += units
        if progress:
            progress(Progress(done, done, self.units))  # the total was counted before: now it is known

    def _whole_order(self, lines: list[Waiting]) -> int:
        """Decide a ship-complete order on its LINES in the walk (in line order); the units given."""
        need: dict[int, int] = defaultdict(int)
        for line in lines:
            need[line.product_id] += line.backordered
        left = self.left
        short = {p: q - left.get(p, 0) for p, q in need.items() if left.get(p, 0) < q}
        elsewhere = lines[0].whole - len(lines)  # waiting lines the walk does not see
        units = 0
        filled = not short and not elsewhere
        if filled:
            for line in lines:
                left[line.product_id] -= line.backordered
                units += line.backordered
                self.given.add(line.order_id, line.line_id, line.product_id, line.backordered)
        if self.explain:
            missing = [f"{self.skus.get(p, p)} short by {q}" for p, q in sorted(short.items())]
            if elsewhere:
                missing.append(f"{elsewhere} more lines waiting for other products")
            for line in lines:
                if units:
                    self._note(
                        line, line.backordered, "filled: ship-complete order, every line can be filled"
                    )
                else:
                    reason = f"skipped: ship-complete order cannot be filled in full ({', '.join(missing)})"
                    self._note(line, 0, reason)
        return units

    def _reason(self, w: Waiting, qty: int) -> str:
        sku = self.skus.get(w.product_id, str(w.product_id))
        if qty == w.backordered:
            return f"filled: {qty} of {sku}"
        start = self.start.get(w.product_id, 0)
        if start == 0:
            if self.process == PRIMARY:
                return f"not filled: nothing of {sku} received since the last Primary run"
            return f"not filled: nothing of {sku} is available"
        ahead = "higher-priority orders" if self.order_by == "priority" else "earlier orders"
        if qty:
            return f"partly filled: {qty} of {w.backordered}; the budget of {start} {sku} ran out"
        return f"not filled: behind {ahead}; the budget of {start} {sku} went to lines ahead"

    def _note(self, w: Waiting, qty: int, reason: str) -> None:
        self.explanations.append(
            Explanation(w.number or "", w.line, self.skus.get(w.product_id, ""), w.backordered, qty, reason)
        )
