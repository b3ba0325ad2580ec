"""Small builders and readers for the domain story tests.

Builders write through the domain API only; readers use plain SQL so that the
assertions do not depend on the code under test.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from backorder_desktop.domain import allocation, check, inventory, orders, preferences, products
from backorder_desktop.domain.allocation import RunResult
from backorder_desktop.domain.orders import EntryResult, LineInput, OrderInput
from backorder_desktop.store.database import query

T0 = datetime(2026, 11, 24, 9, 0, 0)

_receipt_numbers = itertools.count(1)


def at(minutes: int) -> datetime:
    """A time MINUTES after T0 (order dates that sort as expected)."""
    return T0 + timedelta(minutes=minutes)


# --- builders -------------------------------------------------------------------------------


def catalogue(*skus: str, discontinued: tuple[str, ...] = ()) -> None:
    """Create products (name = SKU); those in DISCONTINUED are marked so."""
    products.save_products(
        [products.ProductInput(sku, f"Product {sku}", sku in discontinued, f"test {sku}") for sku in skus]
    )


def receive(number: str | None = None, **qty: int) -> int:
    """One incoming shipment with a line per SKU: receive(W=10, G=5)."""
    number = number or f"R{next(_receipt_numbers):05d}"
    return inventory.receive(
        [inventory.ReceiptInput(number, T0, [inventory.ReceiptLineInput(sku, n) for sku, n in qty.items()])]
    )


def adjust(sku: str, qty: int, reason: str = "count correction") -> int:
    return inventory.adjust([inventory.AdjustmentInput(sku, qty, reason)])


def give_back(order: str, sku: str, qty: int) -> int:
    """A customer return."""
    return inventory.record_returns([inventory.ReturnInput(order, sku, qty)])


def order_input(
    number: str,
    *lines: tuple[str, int],
    priority: int = 5,
    ship_complete: bool = False,
    when: datetime = T0,
    customer: str = "Acme Ltd",
) -> OrderInput:
    """An order whose lines are numbered 1, 2, ... in the given sequence."""
    return OrderInput(
        number,
        customer,
        when,
        priority,
        ship_complete,
        [LineInput(i, sku, qty) for i, (sku, qty) in enumerate(lines, 1)],
    )


def order(number: str, *lines: tuple[str, int], **kwargs: object) -> EntryResult:
    """Enter one order: order("A1", ("W", 5), ("G", 2), priority=1)."""
    return orders.enter_orders([order_input(number, *lines, **kwargs)])  # type: ignore[arg-type]


def order_numbered(number: str, *lines: tuple[int, str, int], **kwargs: object) -> EntryResult:
    """Enter one order whose lines carry their own numbers, in the sequence given:
    order_numbered("A1", (2, "W", 1), (1, "W", 1)) enters line 2 before line 1."""
    entered = order_input(number, **kwargs)  # type: ignore[arg-type]
    entered.lines = [LineInput(n, sku, qty) for n, sku, qty in lines]
    return orders.enter_orders([entered])


def enable(order_by: str | None = None) -> None:
    preferences.save(backorders_enabled=True, allocation_order=order_by)


def run(process: str, trigger: str = "manual", **kwargs: bool) -> RunResult:
    return allocation.run_process(process, trigger, **kwargs)


# --- readers --------------------------------------------------------------------------------


def stock(sku: str) -> tuple[int, int, int, int]:
    """(on hand, committed, available, backordered) of SKU, as stored."""
    on_hand, committed, backordered = query(
        "SELECT on_hand, committed, backordered FROM product WHERE sku = ?", (sku,)
    )[0]
    return on_hand, committed, on_hand - committed, backordered


def shipments(
    order: str | None = None, by: str | None = None, status: str | None = None
) -> list[tuple[str, str, str, list[tuple[int, str, int]]]]:
    """Shipments in creation order as (order, created by, status, [(line, sku, qty), ...])."""
    return [
        (number, creator, state, lines)
        for _sid, number, creator, state, _run, lines in shipment_rows(order, by, status)
    ]


def shipment_rows(
    order: str | None = None, by: str | None = None, status: str | None = None
) -> list[tuple[int, str, str, str, int | None, list[tuple[int, str, int]]]]:
    """Like shipments(), with the id first and the run id before the lines."""
    rows = query(
        "SELECT s.id, o.number, s.created_by, s.status, s.run_id FROM shipment s"
        " JOIN orders o ON o.id = s.order_id ORDER BY s.id"
    )
    found = []
    for sid, number, creator, state, run_id in rows:
        if order not in (None, number) or by not in (None, creator) or status not in (None, state):
            continue
        lines = [
            tuple(r)
            for r in query(
                "SELECT ol.line, p.sku, sl.qty FROM shipment_line sl"
                " JOIN order_line ol ON ol.id = sl.order_line_id JOIN product p ON p.id = sl.product_id"
                " WHERE sl.shipment_id = ? ORDER BY sl.id",
                (sid,),
            )
        ]
        found.append((sid, number, creator, state, run_id, lines))
    return found


def shipment_ids(order: str | None = None, by: str | None = None) -> list[int]:
    return [row[0] for row in shipment_rows(order, by)]


def line(number: str, line_no: int) -> dict[str, int]:
    """The quantities of one order line."""
    ordered, committed, shipped, backordered, cancelled = query(
        "SELECT ol.ordered, ol.committed, ol.shipped, ol.backordered, ol.cancelled"
        " FROM order_line ol JOIN orders o ON o.id = ol.order_id"
        " WHERE o.number = ? AND ol.line = ?",
        (number, line_no),
    )[0]
    return {
        "ordered": ordered,
        "committed": committed,
        "shipped": shipped,
        "backordered": backordered,
        "cancelled": cancelled,
    }


def status(number: str) -> str:
    return query("SELECT status FROM orders WHERE number = ?", (number,))[0][0]


def count(table: str) -> int:
    return query(f"SELECT COUNT(*) FROM {table}")[0][0]


def runs() -> list[tuple[str, str, str, int, int, int, int, str]]:
    """Run records: (process, trigger, outcome, ledger rows, products, shipments, units, error)."""
    return [
        tuple(r)
        for r in query(
            "SELECT process, trigger, outcome, ledger_rows, products, shipments, units, error"
            " FROM run ORDER BY id"
        )
    ]


def watermark(process: str) -> int:
    return query("SELECT ledger_id FROM watermark WHERE process = ?", (process,))[0][0]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the tables that hold business state (not the run log)."""
    tables = [
        "product",
        "orders",
        "order_line",
        "shipment",
        "shipment_line",
        "ledger",
        "receipt",
        "receipt_line",
        "adjustment",
        "customer_return",
        "watermark",
        "counter",
    ]
    return {t: [tuple(r) for r in query(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}


def assert_clean() -> None:
    """check() finds no violation."""
    report = check.check()
    assert report.violations == []


# --- another program on the same database ---------------------------------------------------

_PROGRAM = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from backorder_desktop.domain import allocation
    from backorder_desktop.store import database
    from backorder_desktop.store.database import query
    from backorder_desktop.store.schema import open_database

    path, process, mode, signs = sys.argv[1:5]
    open_database(path)
    write, budgets = allocation._write_allocation, allocation._budgets

    def write_then_die(*args):
        write(*args)
        os._exit(9)  # killed with the run's rows written but not committed

    def held_budgets(*args):
        found = budgets(*args)
        # How many runs had committed when this one read the stock; then it holds its write
        # lock until the test has seen the other programs queue for it.
        (Path(signs) / f"inside-{os.getpid()}").write_text(str(query("SELECT COUNT(*) FROM run")[0][0]))
        while not (Path(signs) / "go").exists():
            time.sleep(0.01)
        return found

    def note_lock_asked(sql):  # SQLite: the run's BEGIN IMMEDIATE asks for the write lock
        if sql.startswith("BEGIN"):
            (Path(signs) / f"asking-{os.getpid()}").touch()

    if mode == "die":
        allocation._write_allocation = write_then_die
    else:
        allocation._budgets = held_budgets
        if not database.is_postgres(path):
            database.db.connect(reuse_if_open=True)
            database.db.connection().set_trace_callback(note_lock_asked)
    print(allocation.run_process(process, "schedule").record.outcome)
""")


def program(target: str | Path, process: str, mode: str, signs: Path | None = None) -> subprocess.Popen[str]:
    """Start a separate program that runs PROCESS on TARGET (file or URL). MODE 'die': it dies
    with its run's rows written, uncommitted. MODE 'hold': in the folder SIGNS it leaves
    `asking-PID` when its run asks for SQLite's write lock, and `inside-PID` (how many runs
    had committed when it read the stock) once inside, where it waits for a file `go`."""
    return subprocess.Popen(
        [sys.executable, "-c", _PROGRAM, str(target), process, mode, str(signs or "")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lock_waiters(target: str) -> int:
    """PostgreSQL: how many connections to TARGET's database are waiting for a lock now."""
    import psycopg

    with psycopg.connect(target, autocommit=True) as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        ).fetchone()
    return int(row[0]) if row else 0


def wait_for(sign: Callable[[], object], what: str, programs: tuple[subprocess.Popen[str], ...] = ()) -> None:
    """Until SIGN() is true: what the test waits on is a sign, never a length of time (the
    deadline only ends a test that would otherwise hang). Fails at once if a program ended."""
    deadline = time.monotonic() + 120
    while not sign():
        for started in programs:
            assert started.poll() is None, f"waiting for {what}, a program ended: {started.communicate()}"
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.01)
