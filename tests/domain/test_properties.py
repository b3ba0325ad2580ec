"""Property tests: random sequences of everything staff, scripts and the processes do.

A hypothesis state machine drives the real domain code against a fresh SQLite
file per example and, step by step, an independent reference model written
from SPEC sections 2-4 (tests/domain/reference_model.py). After every step the
database must agree with the model (stock, order lines, order and shipment
statuses), `check` must find nothing wrong, stock figures must equal their
recomputation from the ledger, and the program must not have made any
product's available balance negative. Each run must create exactly the
shipments the model works out, and a second run straight after must create
nothing.

Orders' lines are entered out of line-number order and with gaps, and counts take on
hand below committed, so that the allocation order within an order and the budgets of
a negative available balance are exercised too.

BACKORDER_FULL=1 runs many more (and longer) examples.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from backorder_desktop.domain import allocation, inventory, orders, preferences, products, shipments
from backorder_desktop.domain.check import check
from backorder_desktop.domain.errors import BadInput, Refused
from backorder_desktop.store import database
from backorder_desktop.store.database import query
from backorder_desktop.store.schema import open_database
from tests.domain.reference_model import PRIMARY, SECONDARY, Allocation, Model

FULL = os.environ.get("BACKORDER_FULL") == "1"

SKUS = ["A-100", "B-200", "C-300"]  # few products: orders compete for them
RETIRED = "Z-999"  # discontinued: orders for it are refused
BASE = datetime(2026, 11, 24, 9, 0, 0)
# Few distinct times, so that ties on ordered-at (and priority) are common and
# the order number, compared as text ("SO10" before "SO9"), decides.
ORDER_TIMES = [BASE + timedelta(hours=h) for h in (0, 0, 0, 1, 26)]
EVENT_TIME = BASE + timedelta(days=3)

skus = st.sampled_from(SKUS)
# Half the orders keep the default priority, so ties on priority (and then on
# ordered-at) are common and the later keys of the allocation order get tested.
priorities = st.one_of(st.just(5), st.integers(1, 9))
# Order numbers are "SO" and a number; as text "SO12" comes before "SO9".
order_seeds = st.sampled_from([9, 12, 3, 100, 47])
# An order's lines as (line number, SKU, qty), entered in the sequence drawn: the numbers are
# distinct, not always 1, 2, 3 and not always ascending (a line keyed in late, a gap), so the
# walk must sort them itself rather than rely on the order the database stored them in.
order_lines = st.lists(st.tuples(skus, st.integers(1, 6)), min_size=1, max_size=3).flatmap(
    lambda lines: st.lists(st.integers(1, 9), min_size=len(lines), max_size=len(lines), unique=True).map(
        lambda numbers: [(n, sku, qty) for n, (sku, qty) in zip(numbers, lines, strict=True)]
    )
)
receipt_lines = st.lists(st.tuples(skus, st.integers(1, 6)), min_size=1, max_size=2, unique_by=lambda t: t[0])
picks = st.integers(0, 10_000)

DbShipment = tuple[str, str, int | None, str, dict[int, int]]  # order, created_by, run, status, lines


class BackorderMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="backorder-props-")
        open_database(str(Path(self.folder) / "backorders.sqlite3"), create=True)
        products.save_products(
            [products.ProductInput(sku, f"Product {sku}", False, "setup") for sku in SKUS]
            + [products.ProductInput(RETIRED, "Retired product", True, "setup")]
        )
        preferences.save(backorders_enabled=True, allocation_order="priority")
        self.model = Model(list(SKUS))
        self.receipts = 0
        self.before: dict[str, int] | None = None  # available before the step, when it may not fall

    def teardown(self) -> None:
        database.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -----------------------------------------------------------------------

    def available(self) -> dict[str, int]:
        return {sku: item.available for sku, item in products.by_sku(SKUS).items()}

    def begin(self, may_lower_available: bool = False) -> None:
        """Note available before a step that must not make it negative."""
        self.before = None if may_lower_available else self.available()

    def db_shipments(self) -> dict[int, DbShipment]:
        found: dict[int, DbShipment] = {}
        for sid, number, created_by, run_id, status, line, qty in query(
            "SELECT s.id, o.number, s.created_by, s.run_id, s.status, ol.line, sl.qty"
            " FROM shipment s JOIN orders o ON o.id = s.order_id"
            " LEFT JOIN shipment_line sl ON sl.shipment_id = s.id"
            " LEFT JOIN order_line ol ON ol.id = sl.order_line_id ORDER BY s.id, sl.id"
        ):
            shipment = found.setdefault(sid, (number, created_by, run_id, status, {}))
            if line is not None:
                assert line not in shipment[4], f"shipment {sid} has order line {line} twice"
                shipment[4][line] = qty
        return found

    def new_shipments(self) -> dict[int, DbShipment]:
        return {sid: s for sid, s in self.db_shipments().items() if sid not in self.model.shipments}

    def order_number(self, seed: int, taken: frozenset[str] | set[str] = frozenset()) -> str:
        while f"SO{seed}" in self.model.orders or f"SO{seed}" in taken:
            seed += 1
        return f"SO{seed}"

    def bind_allocation(self, expected: Allocation, created_by: str, run_id: int | None) -> None:
        """The shipments just created must be exactly EXPECTED; bind them to the model."""
        new = self.new_shipments()
        actual: Allocation = {}
        for sid, (number, by, run, status, lines) in sorted(new.items()):
            assert (by, run, status) == (created_by, run_id, "pending"), (sid, by, run, status)
            assert number not in actual, f"two new shipments for order {number}"
            actual[number] = lines
        assert actual == expected, (
            f"{created_by} shipments differ from the model:\n  program {actual}\n  model   {expected}"
        )
        for sid, (number, _by, _run, _status, lines) in new.items():
            self.model.add_shipment(sid, number, lines, created_by)

    def assert_unchanged(self) -> None:
        assert self.new_shipments() == {}, "a refused step created shipments"

    # -- setup -------------------------------------------------------------------------

    @initialize(
        backlog=st.lists(
            st.tuples(order_seeds, priorities, st.booleans(), st.sampled_from(ORDER_TIMES), order_lines),
            max_size=5,
        ),
        stock=st.lists(st.integers(0, 6), min_size=len(SKUS), max_size=len(SKUS)),
    )
    def backlog_and_opening_stock(self, backlog: list[tuple], stock: list[int]) -> None:
        """Orders entered before any stock (all backordered), then a first receipt:
        the first runs have waiting lines competing for a limited budget."""
        if backlog:
            self.enter(backlog)
        lines = [(sku, qty) for sku, qty in zip(SKUS, stock, strict=True) if qty]
        if lines:
            self.receive(lines)

    # -- order entry -------------------------------------------------------------------

    def enter(self, specs: list[tuple[int, int, bool, datetime, list[tuple[int, str, int]]]]) -> None:
        """Enter orders (seed, priority, ship complete, ordered at, numbered lines), in one call."""
        self.begin()
        batch = []
        for seed, priority, ship_complete, ordered_at, lines in specs:
            number = self.order_number(seed, taken={o.number for o in batch})
            batch.append(
                orders.OrderInput(
                    number,
                    "Customer",
                    ordered_at,
                    priority,
                    ship_complete,
                    [orders.LineInput(line, sku, qty) for line, sku, qty in lines],
                )
            )
        orders.enter_orders(batch)
        expected: Allocation = {}
        for o in batch:
            numbered = [(ln.line, ln.sku, ln.qty) for ln in o.lines]
            commit = self.model.enter_order(o.number, o.ordered_at, o.priority, o.ship_complete, numbered)
            if commit:
                expected[o.number] = commit
        self.bind_allocation(expected, "order-entry", None)

    @rule(seed=order_seeds, priority=priorities, ordered_at=st.sampled_from(ORDER_TIMES), lines=order_lines)
    def enter_order(
        self, seed: int, priority: int, ordered_at: datetime, lines: list[tuple[int, str, int]]
    ) -> None:
        self.enter([(seed, priority, False, ordered_at, lines)])

    @rule(seed=order_seeds, priority=priorities, ordered_at=st.sampled_from(ORDER_TIMES), lines=order_lines)
    def enter_ship_complete_order(
        self, seed: int, priority: int, ordered_at: datetime, lines: list[tuple[int, str, int]]
    ) -> None:
        self.enter([(seed, priority, True, ordered_at, lines)])

    @rule(
        ordered_at=st.sampled_from(ORDER_TIMES),
        specs=st.lists(
            st.tuples(order_seeds, st.sampled_from([5, 5, 1, 9]), st.booleans(), order_lines),
            min_size=2,
            max_size=3,
        ),
    )
    def import_orders(self, ordered_at: datetime, specs: list[tuple]) -> None:
        """Several orders in one call, as an import does, all ordered at the same time:
        they often tie on priority too, and then compete on order number as text."""
        self.enter(
            [(seed, priority, complete, ordered_at, lines) for seed, priority, complete, lines in specs]
        )

    # -- inventory events --------------------------------------------------------------

    def receive(self, lines: list[tuple[str, int]]) -> None:
        self.receipts += 1
        inventory.receive(
            [
                inventory.ReceiptInput(
                    f"R{self.receipts}",
                    EVENT_TIME,
                    [inventory.ReceiptLineInput(sku, qty) for sku, qty in lines],
                )
            ]
        )
        self.model.receive(lines)

    @rule(lines=receipt_lines)
    def receipt(self, lines: list[tuple[str, int]]) -> None:
        self.begin()
        self.receive(lines)

    @rule(sku=skus, qty=st.integers(-6, 6).filter(bool))
    def adjustment(self, sku: str, qty: int) -> None:
        # Only a person's negative adjustment may push available below zero.
        self.begin(may_lower_available=qty < 0)
        allowed = self.model.adjust_allowed(sku, qty)
        try:
            inventory.adjust([inventory.AdjustmentInput(sku, qty, "count correction")])
        except BadInput:
            assert not allowed, f"adjustment of {qty} {sku} refused, on hand {self.model.on_hand[sku]}"
            return
        assert allowed, f"adjustment of {qty} {sku} took on hand below zero"
        self.model.adjust(sku, qty)

    @precondition(lambda self: any(self.model.committed.values()))
    @rule(pick=picks, short=st.integers(1, 4))
    def count_finds_less_than_committed(self, pick: int, short: int) -> None:
        """A count leaves on hand SHORT below committed (or at zero): available goes negative,
        and a receipt smaller than the shortfall then gives the Primary nothing to hand out."""
        self.begin(may_lower_available=True)
        promised = sorted(sku for sku, units in self.model.committed.items() if units)
        sku = promised[pick % len(promised)]
        qty = max(0, self.model.committed[sku] - short) - self.model.on_hand[sku]
        if qty < 0:
            inventory.adjust([inventory.AdjustmentInput(sku, qty, "count correction")])
            self.model.adjust(sku, qty)

    @precondition(lambda self: self.model.orders)
    @rule(pick=picks, qty=st.integers(1, 4))
    def customer_return(self, pick: int, qty: int) -> None:
        """A return of any product the order has (often more than it shipped)."""
        self.begin()
        pairs = sorted({(o.number, ln.sku) for o in self.model.orders.values() for ln in o.lines})
        self.try_return(*pairs[pick % len(pairs)], qty)

    @precondition(lambda self: self.returnable())
    @rule(pick=picks, qty=picks)
    def customer_return_of_shipped_units(self, pick: int, qty: int) -> None:
        self.begin()
        pairs = self.returnable()
        number, sku, most = pairs[pick % len(pairs)]
        self.try_return(number, sku, qty % most + 1)

    def returnable(self) -> list[tuple[str, str, int]]:
        pairs = sorted({(o.number, ln.sku) for o in self.model.orders.values() for ln in o.lines})
        return [(n, s, q) for n, s in pairs if (q := self.model.returnable(n, s)) > 0]

    def try_return(self, number: str, sku: str, qty: int) -> None:
        most = self.model.returnable(number, sku)
        try:
            inventory.record_returns([inventory.ReturnInput(number, sku, qty)])
        except BadInput:
            assert qty > most, f"return of {qty} {sku} on {number} refused; it can return {most}"
            return
        assert qty <= most, f"return of {qty} {sku} on {number} accepted; it can return {most}"
        self.model.return_units(number, sku, qty)

    # -- staff actions -----------------------------------------------------------------

    @precondition(lambda self: self.model.pending())
    @rule(pick=picks)
    def ship(self, pick: int) -> None:
        self.begin()
        pending = sorted(s.id for s in self.model.pending())
        sid = pending[pick % len(pending)]
        short = self.model.ship_short(sid)
        try:
            shipments.ship([sid])
        except (Refused, BadInput):
            # Units that are not on hand cannot leave the warehouse (a negative
            # adjustment may have taken on hand below committed): refusing is right.
            assert short, f"shipping {sid} refused, with every unit on hand"
            self.assert_unchanged()
            return
        assert not short, (
            f"shipping {sid} took on hand below zero ({short}); check calls that a violation, "
            "so shipping more than is on hand should be refused"
        )
        self.model.ship(sid)

    @precondition(lambda self: self.model.pending())
    @rule(pick=picks)
    def void_shipment(self, pick: int) -> None:
        self.begin()
        pending = sorted(s.id for s in self.model.pending())
        sid = pending[pick % len(pending)]
        shipments.void([sid])
        self.model.void_shipment(sid)

    @precondition(lambda self: self.model.open_orders())
    @rule(pick=picks)
    def void_order(self, pick: int) -> None:
        self.begin()
        open_orders = sorted(o.number for o in self.model.open_orders())
        number = open_orders[pick % len(open_orders)]
        shipments.void_order(number)
        self.model.void_order(number)

    @rule(kind=st.sampled_from(["order", "ship", "void", "void-order"]), pick=picks)
    def refused_action(self, kind: str, pick: int) -> None:
        """What must be refused, changing nothing: an order line for a discontinued
        product, shipping or voiding a shipment that is not pending, voiding an
        order that is not open."""
        self.begin()
        closed = sorted(s.id for s in self.model.shipments.values() if s.status != "pending")
        done = sorted(o.number for o in self.model.orders.values() if o.status != "open")
        if kind in ("ship", "void") and closed:
            sid = closed[pick % len(closed)]
            try:
                (shipments.ship if kind == "ship" else shipments.void)([sid])
            except Refused:
                pass
            else:
                raise AssertionError(f"{kind} of a {self.model.shipments[sid].status} shipment accepted")
        elif kind == "void-order" and done:
            number = done[pick % len(done)]
            try:
                shipments.void_order(number)
            except Refused:
                pass
            else:
                raise AssertionError(f"void of a {self.model.orders[number].status} order accepted")
        else:
            try:
                orders.enter_orders(
                    [
                        orders.OrderInput(
                            self.order_number(pick % 60 + 1),
                            "Customer",
                            BASE,
                            5,
                            False,
                            [orders.LineInput(1, SKUS[pick % len(SKUS)], 1), orders.LineInput(2, RETIRED, 1)],
                        )
                    ]
                )
            except BadInput as error:
                assert "discontinued" in str(error)
            else:
                raise AssertionError("an order line for a discontinued product was accepted")
        self.assert_unchanged()

    @rule(
        order_by=st.sampled_from(["priority", "date"]),
        disabled_run=st.sampled_from([None, PRIMARY, SECONDARY]),
    )
    def set_preferences(self, order_by: str, disabled_run: str | None) -> None:
        """Set the allocation order; maybe try a run while backorder management is off."""
        self.begin()
        preferences.save(allocation_order=order_by)
        self.model.allocation_order = order_by
        if disabled_run:
            preferences.save(backorders_enabled=False)
            record = allocation.run_process(disabled_run, "cli").record
            preferences.save(backorders_enabled=True)
            assert (record.outcome, record.shipments, record.units) == ("skipped", 0, 0), record
            self.assert_unchanged()

    # -- the processes -----------------------------------------------------------------

    @rule(process=st.sampled_from([PRIMARY, SECONDARY]))
    def backorder_run(self, process: str) -> None:
        self.begin()
        expected = self.model.run(process)
        record = allocation.run_process(process, "cli").record
        assert record.outcome == "ok", record.error
        self.bind_allocation(expected, process, record.id)
        assert (record.shipments, record.units) == (
            len(expected),
            sum(q for lines in expected.values() for q in lines.values()),
        ), record
        self.check_everything()

        # Straight away again: nothing left to do.
        assert self.model.run(process) == {}, "the reference model allocated twice"
        again = allocation.run_process(process, "cli").record
        assert (again.outcome, again.shipments, again.units) == ("ok", 0, 0), again
        assert self.new_shipments() == {}, f"a second {process} run created shipments"

    # -- invariants --------------------------------------------------------------------

    @invariant()
    def everything_agrees(self) -> None:
        self.check_everything()

    def check_everything(self) -> None:
        report = check()
        assert report.violations == [], report.violations

        rows = query(
            "SELECT p.sku, p.on_hand, p.committed, p.backordered,"
            " (SELECT COALESCE(SUM(on_hand_delta), 0) FROM ledger WHERE product_id = p.id),"
            " (SELECT COALESCE(SUM(committed_delta), 0) FROM ledger WHERE product_id = p.id),"
            " (SELECT COALESCE(SUM(ol.backordered), 0) FROM order_line ol JOIN orders o"
            "  ON o.id = ol.order_id WHERE o.status = 'open' AND ol.product_id = p.id)"
            " FROM product p"
        )
        stock = {}
        for sku, on_hand, committed, backordered, led_on_hand, led_committed, waiting in rows:
            assert (on_hand, committed) == (led_on_hand, led_committed), (
                f"{sku}: product row {on_hand}/{committed}, ledger {led_on_hand}/{led_committed}"
            )
            assert backordered == waiting, f"{sku}: backordered {backordered}, lines want {waiting}"
            stock[sku] = (on_hand, committed, backordered)
        assert stock.pop(RETIRED) == (0, 0, 0)
        assert stock == self.model.stock(), (
            f"stock (on hand, committed, backordered) differs:\n  program {stock}\n"
            f"  model   {self.model.stock()}"
        )

        if self.before is not None:
            after = {sku: on_hand - committed for sku, (on_hand, committed, _b) in stock.items()}
            for sku, was in self.before.items():
                assert after[sku] >= min(was, 0), f"{sku}: available went from {was} to {after[sku]}"

        lines: dict[tuple[str, int], tuple] = {}
        statuses: dict[str, str] = {}
        for number, status, line, sku, *figures in query(
            "SELECT o.number, o.status, ol.line, p.sku, ol.ordered, ol.committed, ol.shipped,"
            " ol.backordered, ol.cancelled FROM order_line ol JOIN orders o ON o.id = ol.order_id"
            " JOIN product p ON p.id = ol.product_id"
        ):
            ordered, committed, shipped, backordered, _cancelled = figures
            if status == "open":
                assert ordered == committed + shipped + backordered, (number, line, figures)
            statuses[number] = status
            lines[(number, line)] = (sku, *figures)
        assert statuses == {n: o.status for n, o in self.model.orders.items()}
        expected_lines = {
            (o.number, ln.line): (ln.sku, *ln.figures()) for o in self.model.orders.values() for ln in o.lines
        }
        assert lines == expected_lines, (
            "order lines (sku, ordered, committed, shipped, backordered, cancelled) differ:\n"
            f"  program {lines}\n  model   {expected_lines}"
        )

        db = self.db_shipments()
        assert set(db) == set(self.model.shipments), "shipments the model does not know of"
        for sid, (number, by, _run, status, shipment_lines) in db.items():
            known = self.model.shipments[sid]
            assert (number, by, status, shipment_lines) == (
                known.order,
                known.created_by,
                known.status,
                known.lines,
            ), (sid, db[sid], known)


BackorderMachine.TestCase.settings = settings(
    max_examples=1000 if FULL else 100,
    stateful_step_count=50 if FULL else 40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# A failure found is shrunk to a short story, which can take minutes on a busy machine.
TestBackorderProperties = pytest.mark.long(pytest.mark.timeout(1800)(BackorderMachine.TestCase))
