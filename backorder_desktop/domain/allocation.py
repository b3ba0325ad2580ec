"""The two backorder processes: Primary (7792) fills from receipts, Secondary (8050) from all stock.

A run is one write transaction: it reads the ledger past its watermark, works
out a budget per product, walks the waiting lines in allocation order and
writes one pending shipment per order that received units.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from backorder_desktop.domain import activity, clock, ledger, preferences, shipments, slots
from backorder_desktop.domain.bulk import without_cyclic_gc
from backorder_desktop.domain.processes import PRIMARY, PROCESSES, SECONDARY
from backorder_desktop.domain.products import chunks
from backorder_desktop.domain.walk import Explanation, Progress, Waiting, Walk
from backorder_desktop.domain.words import counted
from backorder_desktop.store.database import binary_text, executemany, query, read_only, unindexed, write
from backorder_desktop.store.errors import is_unique_violation

log = logging.getLogger(__name__)

TRIGGERS = ("schedule", "catch-up", "manual", "cli")
BY_A_PERSON = ("manual", "cli")  # runs the activity log names someone for (scheduled ones are no one's)
KINDS = {PRIMARY: ledger.PRIMARY_KINDS, SECONDARY: ledger.SECONDARY_KINDS}
# Test-only: a run holds this many seconds inside its transaction, its rows written but not yet
# committed, so that a test can stop or kill the program mid-run. Never set in real use.
TEST_PAUSE = "BACKORDER_TEST_RUN_PAUSE"


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


# The run table's columns in the order of RunRecord's fields, to read records back.
RUN_COLUMNS = (
    "id, process, trigger, started_at, finished_at, outcome, ledger_rows, products, shipments,"
    " units, error, waiting"
)


@dataclass
class RunResult:
    record: RunRecord
    explanations: list[Explanation] = field(default_factory=list)


def _waiting_sql() -> str:
    """The fields of a Waiting line, read straight into it (a run reads 100,000 of them): from the
    waiting lines' partial index, whatever the number of open orders."""
    return (
        "SELECT ol.id, ol.order_id, ol.line, ol.product_id, ol.backordered, o.number,"
        " CASE WHEN o.ship_complete THEN 1 ELSE 0 END FROM order_line ol JOIN orders o ON o.id = ol.order_id"
        f" WHERE ol.backordered > 0 AND {unindexed('o.status')} = 'open'"
    )


def run_process(
    process: str,
    trigger: str,
    *,
    slot: datetime | None = None,
    dry_run: bool = False,
    explain: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> RunResult:
    """Run PROCESS once, all or nothing, and return its run record.

    While backorder management is off the run changes nothing and is recorded
    as skipped. A failure rolls everything back and is recorded as failed.
    A run for a schedule's SLOT (an aware instant) claims it in its own transaction: if
    another program has run that slot, nothing is recorded and the outcome is slots.TAKEN.
    """
    if process not in PROCESSES:
        raise ValueError(f"unknown process {process!r}")
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    if slot is not None and (trigger not in slots.SLOTTED or dry_run):
        raise ValueError(f"a {'dry' if dry_run else trigger} run has no schedule slot")
    started = clock.now()
    if not preferences.load().backorders_enabled:
        record = RunRecord(
            0, process, trigger, started, clock.now(), "skipped", error="back order management is not enabled"
        )
        if not (dry_run and read_only()):  # a dry run on a read-only database keeps no record
            try:
                _save_record(record, slot, logged=not dry_run)
            except slots.SlotTaken:
                return _taken(process, trigger, started)
        log.info("%s run skipped: backorder management is off", process)
        return RunResult(record)
    try:
        with without_cyclic_gc(), write():
            result = _run_in_transaction(process, trigger, started, dry_run, explain, progress, slot)
    except slots.SlotTaken:
        return _taken(process, trigger, started)
    except Exception as error:
        # The unique key refused the claim (the check before it is the usual way to find out).
        if slot is not None and is_unique_violation(error) and slots.taken(process, slot):
            return _taken(process, trigger, started)
        log.exception("%s run failed", process)
        record = RunRecord(
            0, process, trigger, started, clock.now(), "failed", error=f"{type(error).__name__}: {error}"
        )
        try:
            _save_failure(record, slot)
        except slots.SlotTaken:
            return _taken(process, trigger, started)
        return RunResult(record)
    log.info(
        "%s run %s: %s units in %s shipments",
        process,
        result.record.outcome,
        result.record.units,
        result.record.shipments,
    )
    return result


def _taken(process: str, trigger: str, started: datetime) -> RunResult:
    """What a run reports when its slot turned out to be another program's: nothing recorded."""
    record = RunRecord(0, process, trigger, started, clock.now(), slots.TAKEN, error=slots.TAKEN_REASON)
    return RunResult(record)


def record_failure(process: str, trigger: str, error: str, slot: datetime | None = None) -> RunRecord:
    """Record a run that died before it could record itself (its transaction left nothing).

    For a schedule's SLOT the failure is the slot's one run, unless another program has run
    the slot meanwhile: then nothing is recorded and the outcome is slots.TAKEN."""
    now = clock.now()
    record = RunRecord(0, process, trigger, now, now, "failed", error=error)
    try:
        _save_failure(record, slot)
    except slots.SlotTaken:
        return _taken(process, trigger, now).record
    return record


def _save_failure(record: RunRecord, slot: datetime | None = None) -> None:
    """Write a failed run's record: its error and zero figures, computing nothing from the data.

    Whatever made the run fail (a total too large for its column, say) must not make its
    record fail the same way, or the failure would leave no trace. Units still waiting are
    left unknown (NULL); only successful runs feed the chart that shows them.
    """
    record.waiting = None
    # One line (a server's error may add CONTEXT lines), and no NUL, which no database stores in text.
    lines = record.error.replace("\0", "\\x00").splitlines()
    record.error = " ".join(line.strip() for line in lines if line.strip())
    with write():
        slots.claim(record.process, slot)
        record.id = query(
            "INSERT INTO run (process, trigger, started_at, finished_at, outcome, ledger_rows, products,"
            " shipments, units, error, slot) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?) RETURNING id",
            (
                record.process,
                record.trigger,
                record.started_at,
                record.finished_at,
                "failed",
                record.error,
                _slot_value(slot),
            ),
        )[0][0]
        _log(record)


def _save_record(record: RunRecord, slot: datetime | None = None, logged: bool = True) -> None:
    """Write a run's record; LOGGED: and its activity row, for a run a person started (not a dry one)."""
    with write():
        slots.claim(record.process, slot)
        _insert_record(record, slot)
        if logged:
            _log(record)


def _log(record: RunRecord) -> None:
    """The activity row of a run a person or a script started; in the run record's transaction."""
    if record.trigger not in BY_A_PERSON or record.outcome == "dry-run":
        return
    said = f"run {record.id} ({record.trigger}): {record.outcome}"
    if record.outcome == "ok":
        said += f", {counted(record.shipments, 'shipment')}, {counted(record.units, 'unit')}"
    elif record.error:
        said += f": {record.error}"
    activity.record("run", record.process, said)


def _slot_value(slot: datetime | None) -> datetime | None:
    return None if slot is None else slots.key(slot)


def _insert_record(record: RunRecord, slot: datetime | None = None) -> None:
    record.id, record.waiting = query(
        "INSERT INTO run (process, trigger, started_at, finished_at, outcome, ledger_rows, products,"
        " shipments, units, error, slot, waiting) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
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
            _slot_value(slot),
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
    slot: datetime | None = None,
) -> RunResult:
    slots.claim(process, slot)  # first, under the write lock: a slot already run costs no work
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
    skus = dict(query("SELECT id, sku FROM product WHERE backordered > 0")) if explain else {}
    walk = Walk(process, budgets, order_by, explain, skus)
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
        shipments=len(walk.given),
        units=walk.units,
    )
    if not dry_run:
        _insert_record(record, slot)
        _write_allocation(walk, process, record.id, clock.now())
        _pause_for_a_test()
        # Past the rows this run just wrote too: the write lock is held, so no one else's rows
        # can lie between, and the next run need not step over this run's own commits.
        executemany(
            "UPDATE watermark SET ledger_id = (SELECT value FROM counter WHERE name = 'ledger')"
            " WHERE process = ?",
            [(process,)],
        )
    record.finished_at = clock.now()
    if dry_run and read_only():  # reported all the same; nothing can be kept
        record.waiting = query(_WAITING_UNITS)[0][0]
    elif dry_run:
        _insert_record(record)
    else:
        executemany(
            f"UPDATE run SET finished_at = ?, waiting = ({_WAITING_UNITS}) WHERE id = ?",
            [(record.finished_at, record.id)],
        )
        record.waiting = int(query(_WAITING_UNITS)[0][0])  # PostgreSQL sums BIGINT as NUMERIC
        _log(record)
    return RunResult(record, walk.explanations)


def _pause_for_a_test() -> None:
    seconds = os.environ.get(TEST_PAUSE)
    if seconds:
        log.warning("%s: holding the run %s s inside its transaction", TEST_PAUSE, seconds)
        time.sleep(float(seconds))


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
) -> tuple[list[Waiting], list[Waiting]]:
    """The waiting lines on products with a budget, in allocation order; and the other
    waiting lines of the ship-complete orders among them (such an order is decided whole)."""
    order = _allocation_order(order_by)
    if everything:
        rows = query(_waiting_sql() + order)
    elif process == PRIMARY:
        rows = query(
            _waiting_sql() + " AND ol.product_id IN (SELECT product_id FROM ledger"
            " WHERE id > ? AND id <= ? AND kind = ?)" + order,
            (watermark, top, ledger.RECEIPT),
        )
    else:
        rows = query(
            _waiting_sql() + " AND ol.product_id IN (SELECT id FROM product"
            " WHERE backordered > 0 AND on_hand > committed)" + order
        )
    walk = [Waiting._make(row) for row in rows]
    others: list[Waiting] = []
    if not everything:
        seen = {w.line_id for w in walk}
        whole_orders = sorted({w.order_id for w in walk if w.ship_complete})
        for part in chunks(whole_orders):
            marks = ", ".join("?" * len(part))
            lines = query(_waiting_sql() + f" AND ol.order_id IN ({marks})", tuple(part))
            others += [w for w in map(Waiting._make, lines) if w.line_id not in seen]
    return walk, others


def _write_allocation(walk: Walk, process: str, run_id: int, at: datetime) -> None:
    """Write the shipments of a run, move units from backordered to committed."""
    new = [
        shipments.NewShipment(
            order_id, [(w.line_id, w.product_id, qty) for w, qty in sorted(given, key=_line_number)]
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


def _line_number(given: tuple[Waiting, int]) -> int:
    """The number of the order line the walk gave units to."""
    waiting, _qty = given
    return waiting.line


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
