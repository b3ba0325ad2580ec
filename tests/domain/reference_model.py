"""A small, independent model of SPEC sections 2-4, for the property tests.

Plain Python and nothing from the package: it keeps its own stock figures,
orders, shipments and Primary's tally of receipts, and works out what order
entry and each backorder run should do straight from the wording of the SPEC.
Orders are keyed by number, order lines by line number, products by SKU.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

PRIMARY = "primary"
SECONDARY = "secondary"

# What an allocation gives: order number -> {line number: units}.
Allocation = dict[str, dict[int, int]]


@dataclass
class ModelLine:
    line: int
    sku: str
    ordered: int
    committed: int = 0
    shipped: int = 0
    backordered: int = 0
    cancelled: int = 0

    def figures(self) -> tuple[int, int, int, int, int]:
        return (self.ordered, self.committed, self.shipped, self.backordered, self.cancelled)


@dataclass
class ModelOrder:
    number: str
    ordered_at: datetime
    priority: int
    ship_complete: bool
    lines: list[ModelLine]  # in line-number order
    status: str = "open"

    def line(self, number: int) -> ModelLine:
        return next(ln for ln in self.lines if ln.line == number)


@dataclass
class ModelShipment:
    id: int  # the database's id, bound once the test has matched the shipment
    order: str
    lines: dict[int, int]  # line number -> units
    created_by: str
    status: str = "pending"


@dataclass
class Model:
    skus: list[str]
    allocation_order: str = "priority"
    on_hand: dict[str, int] = field(default_factory=dict)
    committed: dict[str, int] = field(default_factory=dict)
    orders: dict[str, ModelOrder] = field(default_factory=dict)
    shipments: dict[int, ModelShipment] = field(default_factory=dict)
    received_since_primary: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    returned: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self) -> None:
        for sku in self.skus:
            self.on_hand.setdefault(sku, 0)
            self.committed.setdefault(sku, 0)

    # -- figures ---------------------------------------------------------------------

    def available(self, sku: str) -> int:
        return self.on_hand[sku] - self.committed[sku]

    def backordered(self, sku: str) -> int:
        return sum(
            ln.backordered
            for o in self.orders.values()
            if o.status == "open"
            for ln in o.lines
            if ln.sku == sku
        )

    def stock(self) -> dict[str, tuple[int, int, int]]:
        """sku -> (on hand, committed, backordered)."""
        return {s: (self.on_hand[s], self.committed[s], self.backordered(s)) for s in self.skus}

    def pending(self) -> list[ModelShipment]:
        return [s for s in self.shipments.values() if s.status == "pending"]

    def open_orders(self) -> list[ModelOrder]:
        return [o for o in self.orders.values() if o.status == "open"]

    # -- order entry -----------------------------------------------------------------

    def enter_order(
        self,
        number: str,
        ordered_at: datetime,
        priority: int,
        ship_complete: bool,
        lines: list[tuple[int, str, int]],
    ) -> dict[int, int]:
        """Enter one order; return what its Order Entry shipment holds ({} for none).

        Each line commits min(available, ordered), lines of one product drawing on
        one balance; a ship-complete order commits nothing unless every line can
        be filled in full. The rest of each line is backordered.
        """
        left = {s: self.available(s) for s in self.skus}
        commits: list[int] = []
        for _line, sku, qty in lines:
            commit = max(0, min(left[sku], qty))
            left[sku] -= commit
            commits.append(commit)
        if ship_complete and any(c < qty for c, (_l, _s, qty) in zip(commits, lines, strict=True)):
            commits = [0] * len(lines)
        model_lines = []
        shipment: dict[int, int] = {}
        for (line, sku, qty), commit in zip(lines, commits, strict=True):
            model_lines.append(ModelLine(line, sku, qty, committed=commit, backordered=qty - commit))
            self.committed[sku] += commit
            if commit:
                shipment[line] = commit
        self.orders[number] = ModelOrder(
            number, ordered_at, priority, ship_complete, sorted(model_lines, key=lambda ln: ln.line)
        )
        return shipment

    def add_shipment(self, shipment_id: int, order: str, lines: dict[int, int], created_by: str) -> None:
        """Bind a shipment the model predicted to the id the database gave it."""
        self.shipments[shipment_id] = ModelShipment(shipment_id, order, dict(lines), created_by)

    # -- inventory events ------------------------------------------------------------

    def receive(self, lines: list[tuple[str, int]]) -> None:
        for sku, qty in lines:
            self.on_hand[sku] += qty
            self.received_since_primary[sku] += qty

    def adjust_allowed(self, sku: str, qty: int) -> bool:
        """An adjustment may take on hand below committed, never below zero."""
        return qty != 0 and self.on_hand[sku] + qty >= 0

    def adjust(self, sku: str, qty: int) -> None:
        self.on_hand[sku] += qty

    def returnable(self, order: str, sku: str) -> int:
        """What the order shipped of SKU, less earlier returns."""
        o = self.orders[order]
        return sum(ln.shipped for ln in o.lines if ln.sku == sku) - self.returned[(order, sku)]

    def return_units(self, order: str, sku: str, qty: int) -> None:
        self.returned[(order, sku)] += qty
        self.on_hand[sku] += qty

    # -- staff actions ---------------------------------------------------------------

    def ship_short(self, shipment_id: int) -> dict[str, int]:
        """sku -> on hand after shipping, for products the shipment would take below zero."""
        shipment = self.shipments[shipment_id]
        order = self.orders[shipment.order]
        taking: dict[str, int] = defaultdict(int)
        for line, qty in shipment.lines.items():
            taking[order.line(line).sku] += qty
        return {s: self.on_hand[s] - q for s, q in taking.items() if self.on_hand[s] < q}

    def ship(self, shipment_id: int) -> None:
        shipment = self.shipments[shipment_id]
        order = self.orders[shipment.order]
        for line, qty in shipment.lines.items():
            ln = order.line(line)
            ln.committed -= qty
            ln.shipped += qty
            self.on_hand[ln.sku] -= qty
            self.committed[ln.sku] -= qty
        shipment.status = "shipped"
        if order.status == "open" and all(ln.shipped == ln.ordered for ln in order.lines):
            order.status = "closed"

    def void_shipment(self, shipment_id: int) -> None:
        """Release the units; they go back on the line's backorder (cancelled on a void order)."""
        shipment = self.shipments[shipment_id]
        order = self.orders[shipment.order]
        for line, qty in shipment.lines.items():
            ln = order.line(line)
            ln.committed -= qty
            if order.status == "open":
                ln.backordered += qty
            else:
                ln.cancelled += qty
            self.committed[ln.sku] -= qty
        shipment.status = "void"

    def void_order(self, number: str) -> None:
        """The order becomes void, its pending shipments are voided, its backorders cancelled."""
        order = self.orders[number]
        order.status = "void"
        for shipment in self.pending():
            if shipment.order == number:
                self.void_shipment(shipment.id)
        for ln in order.lines:
            ln.cancelled += ln.backordered
            ln.backordered = 0

    # -- the backorder processes -----------------------------------------------------

    def budgets(self, process: str) -> dict[str, int]:
        """Primary: min(available, received since its last run); Secondary: available; never < 0."""
        if process == PRIMARY:
            return {s: max(0, min(self.available(s), self.received_since_primary[s])) for s in self.skus}
        return {s: max(0, self.available(s)) for s in self.skus}

    def sort_key(self, order: ModelOrder) -> tuple:
        # Lines of one order share priority, ordered-at and number, so in the walk
        # they sit together, in line order: ordering the orders is enough.
        if self.allocation_order == "date":
            return (order.ordered_at, order.number)
        return (order.priority, order.ordered_at, order.number)

    def run(self, process: str) -> Allocation:
        """One run: work out the allocation and apply it to the lines and stock.

        The caller binds the shipments the run creates with add_shipment.
        """
        left = self.budgets(process)
        if process == PRIMARY:
            self.received_since_primary.clear()
        given: Allocation = {}
        for order in sorted(self.open_orders(), key=self.sort_key):
            waiting = [ln for ln in order.lines if ln.backordered > 0]
            if order.ship_complete:
                need: dict[str, int] = defaultdict(int)
                for ln in waiting:
                    need[ln.sku] += ln.backordered
                if any(left[s] < q for s, q in need.items()):
                    continue  # decided at its first line: cannot be filled in full, skipped
            for ln in waiting:
                qty = min(left[ln.sku], ln.backordered)  # all of it, for a ship-complete order
                if qty:
                    left[ln.sku] -= qty
                    ln.backordered -= qty
                    ln.committed += qty
                    self.committed[ln.sku] += qty
                    given.setdefault(order.number, {})[ln.line] = qty
        return given
