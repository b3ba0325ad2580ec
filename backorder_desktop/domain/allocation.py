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
from itertools import chain, repeat
from operator import neg

from backorder_desktop.domain import activity, clock, ledger, preferences, shipments, slots, team
from backorder_desktop.domain.bulk import without_cyclic_gc
from backorder_desktop.domain.processes import PRIMARY, PROCESSES, SECONDARY
from backorder_desktop.domain.walk import Explanation, Given, Progress, Walk
from backorder_desktop.domain.words import counted
from backorder_desktop.store.database import (
    add_to_rows,
    binary_text,
    executemany,
    insert_rows,
    query,
    read_only,
    reserve_ids,
    stamp,
    stream,
    unindexed,
    write,
)
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


# How many lines an order has waiting, for the lines of ship-complete orders (decided whole).
_LINES_WAITING = "SELECT COUNT(*) FROM order_line w WHERE w.order_id = ol.order_id AND w.backordered > 0"


def _waiting_sql(numbers: bool = True) -> str:
    """The fields of a Waiting line, read straight into it (a run reads 100,000 of them). Without
    NUMBERS, the order numbers (for explanations only) are left out."""
    return (
        "SELECT ol.id, ol.order_id, ol.line, ol.product_id, ol.backordered,"
        f" CASE WHEN o.ship_complete THEN ({_LINES_WAITING}) ELSE 0 END, {'o.number' if numbers else 'NULL'}"
        + _waiting_lines()
    )


def _waiting_lines() -> str:
    """The tables and conditions of the waiting lines of open orders: read from the waiting lines' partial
    index, whatever the number of open orders."""
    return (
        " FROM order_line ol JOIN orders o ON o.id = ol.order_id"
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
        where, params = _candidates(process, watermark, top, explain)
        total = _count(where, params) if progress else 0
        lines = stream(_waiting_sql(explain) + where + _allocation_order(order_by), params)
        walk.run(lines, progress, total)
    record = RunRecord(
        0,
        process,
        trigger,
        started,
        None,
        "dry-run" if dry_run else "ok",
        ledger_rows=int(ledger_rows),
        products=len(budgets),
        shipments=len(walk.given.orders),
        units=walk.units,
    )
    if not dry_run:
        _insert_record(record, slot)
        _write_allocation(walk.given, process, record.id, clock.now())
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


Condition = tuple[str, tuple[int | str, ...]]  # SQL to add to a WHERE, and its parameters


def _candidates(process: str, watermark: int, top: int, everything: bool) -> Condition:
    """The condition (with its parameters) on the waiting lines a run looks at: the lines of the
    products it may have units of; with EVERYTHING, every waiting line."""
    if everything:
        return "", ()
    if process == PRIMARY:
        return (
            " AND ol.product_id IN (SELECT product_id FROM ledger WHERE id > ? AND id <= ? AND kind = ?)",
            (watermark, top, ledger.RECEIPT),
        )
    return " AND ol.product_id IN (SELECT id FROM product WHERE backordered > 0 AND on_hand > committed)", ()


def _count(where: str, params: tuple[int | str, ...]) -> int:
    """About how many waiting lines a run walks, for whoever watches its progress: counted in the
    waiting lines' index alone, without looking up their orders (a line waits only while its
    order is open, so this is the number walked, or a few more)."""
    return int(query(f"SELECT COUNT(*) FROM order_line ol WHERE ol.backordered > 0{where}", params)[0][0])


# A run writes its shipments in parts of about this many lines, so that its memory is bounded
# whatever its size (the rows of a part are built, written, and dropped).
PART_LINES = 100_000


def _write_allocation(given: Given, process: str, run_id: int, at: datetime) -> None:
    """Write the shipments of a run, one per order in order of id, with their lines and ledger
    rows, and move their units from backordered to committed, on the lines and the products.
    The rows are built by iterators over the given columns, not line by line in Python."""
    shipment_id = reserve_ids("shipment", len(given.orders))
    ledger_id = reserve_ids("ledger", len(given))
    when = stamp(at)
    person = team.who().user
    committed: dict[int, int] = defaultdict(int)
    for part in given.parts(PART_LINES):
        ids = range(shipment_id, shipment_id + len(part.orders))
        line_ids = list(chain.from_iterable(map(repeat, ids, part.counts)))
        documents = chain.from_iterable(map(repeat, map(shipments.DOCUMENT.__mod__, ids), part.counts))
        same = (when, process, run_id, shipments.PENDING, person)  # in every shipment of the run
        heads = [(sid, order_id, *same) for sid, order_id in zip(ids, part.orders, strict=True)]
        insert_rows("shipment", shipments.COLUMNS, heads)
        insert_rows(
            "shipment_line",
            shipments.LINE_COLUMNS,
            list(zip(line_ids, part.line_ids, part.product_ids, part.qtys, strict=True)),
        )
        ledger_ids = range(ledger_id, ledger_id + len(part.line_ids))
        kind, no_change = repeat(ledger.COMMIT), repeat(0)  # a commit leaves on hand as it is
        movements = zip(  # strict=False: the repeats never end, the range does
            ledger_ids, kind, part.product_ids, no_change, part.qtys, repeat(when), documents, strict=False
        )
        insert_rows("ledger", ledger.COLUMNS, list(movements))
        add_to_rows(
            "order_line",
            ("committed", "backordered"),
            list(zip(part.line_ids, part.qtys, map(neg, part.qtys), strict=True)),
        )
        for product_id, qty in zip(part.product_ids, part.qtys, strict=True):
            committed[product_id] += qty
        shipment_id += len(part.orders)
        ledger_id += len(part.line_ids)
    add_to_rows("product", ("committed", "backordered"), [(p, qty, -qty) for p, qty in committed.items()])


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
