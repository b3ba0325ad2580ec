"""The allocation walk: every candidate line in allocation order, sharing one budget per product.

Pure: it reads nothing and writes nothing. allocation.py feeds it the lines
(already sorted by the database) and writes what it decided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
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
    """A backordered line of an open order. The database hands the lines over already in
    allocation order, so what they are sorted on (priority, order time) is not read."""

    line_id: int
    order_id: int
    line: int
    product_id: int
    backordered: int
    number: str  # the order's
    ship_complete: int  # 1 or 0 on either database (the SELECT says so: no bool() per line here)


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
        self.given: dict[int, list[tuple[Waiting, int]]] = defaultdict(list)
        self.short: dict[int, dict[int, int]] = {}  # ship-complete order -> units short per product
        self.units = 0
        self.explanations: list[Explanation] = []
        self.skus = skus  # product id -> SKU, for explanations

    def run(
        self, waiting: list[Waiting], others: list[Waiting], progress: Callable[[Progress], None] | None
    ) -> None:
        """Walk WAITING, already in allocation order; OTHERS complete the ship-complete orders."""
        by_order: dict[int, list[Waiting]] = defaultdict(list)
        for w in (*waiting, *others):
            if w.ship_complete:
                by_order[w.order_id].append(w)
        total = len(waiting)
        for done, w in enumerate(waiting, 1):
            if w.ship_complete:
                self._whole_order(w, by_order[w.order_id])
            else:
                self._one_line(w)
            if progress and done % PROGRESS_EVERY == 0:
                progress(Progress(done, total, self.units))
        if progress:
            progress(Progress(total, total, self.units))

    def _give(self, w: Waiting, qty: int) -> None:
        if qty:
            self.left[w.product_id] -= qty
            self.units += qty
            self.given[w.order_id].append((w, qty))

    def _one_line(self, w: Waiting) -> None:
        qty = min(self.left.get(w.product_id, 0), w.backordered)
        if self.explain:
            self._note(w, qty, self._reason(w, qty))
        self._give(w, qty)

    def _whole_order(self, w: Waiting, lines: list[Waiting]) -> None:
        if w.order_id not in self.short:
            need: dict[int, int] = defaultdict(int)
            for line in lines:
                need[line.product_id] += line.backordered
            short = {p: q - self.left.get(p, 0) for p, q in need.items() if self.left.get(p, 0) < q}
            self.short[w.order_id] = short
            if not short:
                for line in sorted(lines, key=lambda x: x.line):
                    self._give(line, line.backordered)
        if self.explain:
            short = self.short[w.order_id]
            if not short:
                self._note(w, w.backordered, "filled: ship-complete order, every line can be filled")
            else:
                missing = ", ".join(f"{self.skus.get(p, p)} short by {q}" for p, q in sorted(short.items()))
                self._note(w, 0, f"skipped: ship-complete order cannot be filled in full ({missing})")

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
            Explanation(w.number, w.line, self.skus.get(w.product_id, ""), w.backordered, qty, reason)
        )
