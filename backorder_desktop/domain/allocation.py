"""The two backorder processes: Primary (7792) fills from receipts, Secondary (8050) from all stock.

A run is one write transaction: it reads the ledger past its watermark, works
out a budget per product, walks the waiting lines in allocation order and
writes one pending shipment per order that received units.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from backorder_desktop.domain import clock, ledger, preferences, shipments
from backorder_desktop.domain.products import chunks
from backorder_desktop.store.database import binary_text, executemany, query, write

log = logging.getLogger(__name__)

PRIMARY = "primary"
SECONDARY = "secondary"
PROCESSES = (PRIMARY, SECONDARY)
SCHEDULE_CODES = {PRIMARY: 7792, SECONDARY: 8050}
PROCESS_NAMES = {PRIMARY: "Primary Backorder Process", SECONDARY: "Secondary Backorder Process"}
TRIGGERS = ("schedule", "catch-up", "manual", "cli")
KINDS = {PRIMARY: ledger.PRIMARY_KINDS, SECONDARY: ledger.SECONDARY_KINDS}
PROGRESS_EVERY = 5000


@dataclass
class RunRecord:
    """What a run did; the columns of the runs export."""

    id: int
    process: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    ledger_rows: int = 0
    products: int = 0
    shipments: int = 0
    units: int = 0
    error: str = ""
    waiting: int | None = None  # units still backordered after the run


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


@dataclass
class RunResult:
    record: RunRecord
    explanations: list[Explanation] = field(default_factory=list)


class _Waiting(NamedTuple):
    """A backordered line of an open order, with what the walk sorts on (a tuple: cheap to build)."""

    line_id: int
    order_id: int
    line: int
    product_id: int
    backordered: int
    number: str
    priority: int
    ordered_at: object  # text on SQLite, datetime on PostgreSQL: compared only among themselves
    ship_complete: int  # 0 or 1 as stored


_WAITING_SQL = (
    "SELECT ol.id, ol.order_id, ol.line, ol.product_id, ol.backordered, o.number, o.priority,"
    " o.ordered_at, o.ship_complete FROM order_line ol JOIN orders o ON o.id = ol.order_id"
    " WHERE ol.backordered > 0 AND o.status = 'open'"
)


def run_process(
    process: str,
    trigger: str,
    *,
    dry_run: bool = False,
    explain: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> RunResult:
    """Run PROCESS once, all or nothing, and return its run record.

    While backorder management is off the run changes nothing and is recorded
    as skipped. A failure rolls everything back and is recorded as failed.
    """
    if process not in PROCESSES:
        raise ValueError(f"unknown process {process!r}")
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    started = clock.now()
    if not preferences.load().backorders_enabled:
        record = RunRecord(
            0, process, trigger, started, clock.now(), "skipped", error="back order management is not enabled"
        )
        _save_record(record)
        log.info("%s run skipped: backorder management is off", process)
        return RunResult(record)
    try:
        with write():
            result = _run_in_transaction(process, trigger, started, dry_run, explain, progress)
    except Exception as error:
        record = RunRecord(
            0, process, trigger, started, clock.now(), "failed", error=f"{type(error).__name__}: {error}"
        )
        _save_record(record)
        log.exception("%s run failed", process)
        return RunResult(record)
    log.info(
        "%s run %s: %s units in %s shipments",
        process,
        result.record.outcome,
        result.record.units,
        result.record.shipments,
    )
    return result


def record_failure(process: str, trigger: str, error: str) -> RunRecord:
    """Record a run that died before it could record itself (its transaction left nothing)."""
    now = clock.now()
    record = RunRecord(0, process, trigger, now, now, "failed", error=error)
    _save_record(record)
    return record


def _save_record(record: RunRecord) -> None:
    with write():
        _insert_record(record)


def _insert_record(record: RunRecord) -> None:
    record.id, record.waiting = query(
        "INSERT INTO run (process, trigger, started_at, finished_at, outcome, ledger_rows, products,"
        " shipments, units, error, waiting) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        f" ({_WAITING_UNITS})) RETURNING id, waiting",
        (
            record.process,
            record.trigger,
            record.started_at,
            record.finished_at,
            record.outcome,
            record.ledger_rows,
            record.products,
            record.shipments,
            record.units,
            record.error,
        ),
    )[0]


_WAITING_UNITS = "SELECT COALESCE(SUM(backordered), 0) FROM product"


def _run_in_transaction(
    process: str,
    trigger: str,
    started: datetime,
    dry_run: bool,
    explain: bool,
    progress: Callable[[Progress], None] | None,
) -> RunResult:
    (watermark,) = query("SELECT ledger_id FROM watermark WHERE process = ?", (process,))[0]
    (top,) = query("SELECT value FROM counter WHERE name = 'ledger'")[0]
    kinds = KINDS[process]
    marks = ", ".join("?" * len(kinds))
    (ledger_rows,) = query(
        f"SELECT COUNT(*) FROM ledger WHERE id > ? AND id <= ? AND kind IN ({marks})",
        (watermark, top, *kinds),
    )[0]
    budgets = _budgets(process, watermark, top)
    order_by = preferences.load().allocation_order
    walk = _Walk(process, budgets, order_by, explain)
    if explain or any(budgets.values()):
        waiting, others = _waiting_lines(process, watermark, top, explain, order_by)
        walk.run(waiting, others, progress)
    record = RunRecord(
        0,
        process,
        trigger,
        started,
        None,
        "dry-run" if dry_run else "ok",
        ledger_rows=int(ledger_rows),
        products=len(budgets),
        shipments=len(walk.shipments),
        units=walk.units,
    )
    if not dry_run:
        _insert_record(record)
        _write_allocation(walk, process, record.id, clock.now())
        # Past the rows this run just wrote too: the write lock is held, so no one else's rows
        # can lie between, and the next run need not step over this run's own commits.
        executemany(
            "UPDATE watermark SET ledger_id = (SELECT value FROM counter WHERE name = 'ledger')"
            " WHERE process = ?",
            [(process,)],
        )
    record.finished_at = clock.now()
    if dry_run:
        _insert_record(record)
    else:
        executemany(
            f"UPDATE run SET finished_at = ?, waiting = ({_WAITING_UNITS}) WHERE id = ?",
            [(record.finished_at, record.id)],
        )
        record.waiting = query(_WAITING_UNITS)[0][0]
    return RunResult(record, walk.explanations)


def _budgets(process: str, watermark: int, top: int) -> dict[int, int]:
    """Units each product may hand out in this run (SPEC 4: the budget)."""
    if process == PRIMARY:
        rows = query(
            "SELECT l.product_id, SUM(l.on_hand_delta), p.on_hand - p.committed FROM ledger l"
            " JOIN product p ON p.id = l.product_id WHERE l.id > ? AND l.id <= ? AND l.kind = ?"
            " GROUP BY l.product_id, p.on_hand, p.committed",
            (watermark, top, ledger.RECEIPT),
        )
        return {pid: max(0, min(int(received), int(available))) for pid, received, available in rows}
    rows = query("SELECT id, on_hand - committed FROM product WHERE backordered > 0")
    return {pid: max(0, int(available)) for pid, available in rows}


def _allocation_order(order_by: str) -> str:
    """The ORDER BY of the walk. Sorted by the database, which does it without holding
    Python's GIL, so the window's thread keeps running during a big run."""
    number = binary_text("o.number")  # order numbers compare as plain text, on every database
    if order_by == "date":
        return f" ORDER BY o.ordered_at, {number}, ol.line"
    return f" ORDER BY o.priority, o.ordered_at, {number}, ol.line"


def _waiting_lines(
    process: str, watermark: int, top: int, everything: bool, order_by: str
) -> tuple[list[_Waiting], list[_Waiting]]:
    """The waiting lines on products with a budget, in allocation order; and the other
    waiting lines of the ship-complete orders among them (such an order is decided whole)."""
    order = _allocation_order(order_by)
    if everything:
        rows = query(_WAITING_SQL + order)
    elif process == PRIMARY:
        rows = query(
            _WAITING_SQL + " AND ol.product_id IN (SELECT product_id FROM ledger"
            " WHERE id > ? AND id <= ? AND kind = ?)" + order,
            (watermark, top, ledger.RECEIPT),
        )
    else:
        rows = query(
            _WAITING_SQL + " AND ol.product_id IN (SELECT id FROM product"
            " WHERE backordered > 0 AND on_hand > committed)" + order
        )
    walk = [_Waiting._make(row) for row in rows]
    others: list[_Waiting] = []
    if not everything:
        seen = {w.line_id for w in walk}
        whole_orders = sorted({w.order_id for w in walk if w.ship_complete})
        for part in chunks(whole_orders):
            marks = ", ".join("?" * len(part))
            others += [
                _Waiting._make(row)
                for row in query(_WAITING_SQL + f" AND ol.order_id IN ({marks})", tuple(part))
                if row[0] not in seen
            ]
    return walk, others


class _Walk:
    """The allocation walk: every waiting line in allocation order, budgets shared by all."""

    def __init__(self, process: str, budgets: dict[int, int], order_by: str, explain: bool) -> None:
        self.process = process
        self.start = dict(budgets)
        self.left = dict(budgets)
        self.order_by = order_by
        self.explain = explain
        self.given: dict[int, list[tuple[_Waiting, int]]] = defaultdict(list)
        self.short: dict[int, dict[int, int]] = {}  # ship-complete order -> units short per product
        self.units = 0
        self.explanations: list[Explanation] = []
        self.skus: dict[int, str] = {}

    @property
    def shipments(self) -> dict[int, list[tuple[_Waiting, int]]]:
        return self.given

    def run(
        self, waiting: list[_Waiting], others: list[_Waiting], progress: Callable[[Progress], None] | None
    ) -> None:
        """Walk WAITING, already in allocation order; OTHERS complete the ship-complete orders."""
        if self.explain:
            self.skus = dict(query("SELECT id, sku FROM product WHERE backordered > 0"))
        by_order: dict[int, list[_Waiting]] = defaultdict(list)
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

    def _give(self, w: _Waiting, qty: int) -> None:
        if qty:
            self.left[w.product_id] -= qty
            self.units += qty
            self.given[w.order_id].append((w, qty))

    def _one_line(self, w: _Waiting) -> None:
        qty = min(self.left.get(w.product_id, 0), w.backordered)
        if self.explain:
            self._note(w, qty, self._reason(w, qty))
        self._give(w, qty)

    def _whole_order(self, w: _Waiting, lines: list[_Waiting]) -> None:
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

    def _reason(self, w: _Waiting, qty: int) -> str:
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

    def _note(self, w: _Waiting, qty: int, reason: str) -> None:
        self.explanations.append(
            Explanation(w.number, w.line, self.skus.get(w.product_id, ""), w.backordered, qty, reason)
        )


def _write_allocation(walk: _Walk, process: str, run_id: int, at: datetime) -> None:
    """Write the shipments of a run, move units from backordered to committed."""
    new = [
        shipments.NewShipment(
            order_id, [(w.line_id, w.product_id, qty) for w, qty in sorted(given, key=lambda g: g[0].line)]
        )
        for order_id, given in sorted(walk.given.items())
    ]
    shipments.create(new, process, at, run_id=run_id)
    lines = [(qty, qty, w.line_id) for given in walk.given.values() for w, qty in given]
    executemany(
        "UPDATE order_line SET committed = committed + ?, backordered = backordered - ? WHERE id = ?",
        lines,
    )
    backordered: dict[int, int] = defaultdict(int)
    for given in walk.given.values():
        for w, qty in given:
            backordered[w.product_id] -= qty
    ledger.change_backordered(backordered)


class _Discard(Exception):
    """Raised to roll a preview's transaction back."""


def preview(process: str) -> RunResult:
    """What a run of PROCESS would do now, explained line by line; writes nothing at all.

    For the window's "why is this line not filled yet?": unlike a dry run it
    leaves no run record, so asking often does not fill the run log.
    """
    outcome: list[RunResult] = []
    try:
        with write():
            outcome.append(_run_in_transaction(process, "manual", clock.now(), True, True, None))
            raise _Discard
    except _Discard:
        pass
    return outcome[0]
