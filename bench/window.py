"""Window figures: the first painted Shipments rows from the start of the program's process
(`from_process_start`, with bench/first_paint.py), each tab's readings timed in the window's
thread (`refresh_stalls`), how long the window's thread can stall while a Primary run allocates
in the background (`stall_during_run`), and how soon a change by another program shows
(`stay_current`).

Run as children of bench/run.py (one operation per process, offscreen Qt).
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def from_process_start(db: Path, home: Path) -> dict[str, Any]:
    """Seconds from the start of a new process (the time noted here just before it is started)
    to the first painted Shipments rows of the window it opens on DB (bench/first_paint.py, with
    HOME as its settings folder), and to the painted end of the table after that."""
    import json
    import subprocess

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKORDER_DESKTOP_HOME": str(home)}
    script = Path(__file__).with_name("first_paint.py")
    started = time.time()
    child = subprocess.run([sys.executable, str(script), str(db)], capture_output=True, text=True, env=env)
    if child.returncode != 0:
        raise SystemExit(f"first_paint.py failed:\n{child.stderr}")
    found = json.loads(child.stdout.strip().splitlines()[-1])
    return {
        "seconds": found["painted_at"] - started,
        "since_exec_s": found["since_exec_s"],
        "cpu_s": found["cpu_s"],
        "scroll_to_end_s": found["scroll_to_end_s"],
        "shipments": found["shipments"],
        "peak_mb": found["peak_mb"],
    }


def compile_the_program() -> None:
    """Write the program's bytecode (as installing it does), so that a start is not timed
    compiling its modules: with PYTHONDONTWRITEBYTECODE set, every start would."""
    import compileall

    import backorder_desktop

    compileall.compile_dir(str(Path(backorder_desktop.__file__).parent), quiet=1)


def stall_during_run(db: Path) -> dict[str, Any]:
    """The longest gap between 10 ms timer ticks of the window's thread while a Primary run works
    (in a child process, as the window's scheduler runs it) and half a second after, while the
    window reads and shows what it wrote. The window waits in its event loop, as it does for the
    person (an earlier version of this bench spun `processEvents`, which kept a core busy)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from backorder_desktop.store.schema import open_database
    from backorder_desktop.ui.app import build

    open_database(str(db), create=True)
    window, engine, bridge = build(str(db))
    window.resize(1280, 760)
    window.tabs.setCurrentIndex(2)
    window.show()
    shipments = window.shipments.model
    _until(
        lambda: bool(shipments.blocks) or (getattr(shipments, "live", True) and shipments.total == 0),
        limit=120,
    )
    ticks: list[tuple[float, float]] = []  # each tick's time, and the window thread's CPU time
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    finished: list[Any] = []
    bridge.run_finished.connect(finished.append)
    timer.start()
    _until(lambda: len(ticks) > 5)
    began = time.perf_counter()
    engine.run_now("primary")
    _until(lambda: bool(finished), limit=600)
    ran = time.perf_counter() - began
    settle = time.perf_counter() + 0.5  # the window reads and shows what the run wrote
    _until(lambda: time.perf_counter() > settle)
    timer.stop()
    gaps = [(b[0] - a[0], b[1] - a[1], a[0] - began) for a, b in itertools.pairwise(ticks) if b[0] >= began]
    if os.environ.get("BENCH_DEBUG"):
        worst = sorted(gaps)[-5:]
        print("worst gaps (gap, its CPU, at since start):", worst, "run took", ran, file=sys.stderr)
    engine.stop()
    window.close()
    _ = app
    return {
        "seconds": ran,
        "max_stall_ms": max((g for g, _c, _at in gaps), default=0.0) * 1000,
        "max_stall_cpu_ms": max((c for _g, c, _at in gaps), default=0.0) * 1000,
        # the longest gap's own CPU time, and when it began (seconds after the run was started)
        "longest_gap_cpu_ms": max(gaps, default=(0.0, 0.0, 0.0))[1] * 1000,
        "longest_gap_at_s": max(gaps, default=(0.0, 0.0, 0.0))[2],
        "ticks": len(gaps),
        "units": finished[0].units if finished else 0,
        "shipments_after": shipments.total,
    }


def _until(done: Any, limit: float = 60.0) -> bool:
    """Run the window's event loop, idle between events, until DONE() or LIMIT seconds pass."""
    from PySide6.QtCore import QEventLoop, QTimer

    ends = time.perf_counter() + limit
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(2)
    check.timeout.connect(lambda: loop.quit() if done() or time.perf_counter() > ends else None)
    check.start()
    if not done():
        loop.exec()
    check.stop()
    return bool(done())


def _another_program(db: Path, *args: str) -> Any:
    """The command line on DB in a process of its own (the colleague at another desk)."""
    import subprocess

    program = Path(sys.executable).parent / "backorder-desktop"
    return subprocess.Popen(
        [str(program), "--db", str(db), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stay_current(db: Path, changes: int = 50) -> dict[str, Any]:
    """Seconds from another program's change (`ship` for half the CHANGES, seen on the Shipments
    tab, then `import receipts`, seen on Inventory) to the window showing it, and the longest
    stall of the window's thread (gaps between 10 ms timer ticks) from each change's end until
    a quarter second after it shows. The command line runs in a process of its own; its end is
    taken as the moment of the change (its commit is a few milliseconds earlier)."""
    import tempfile

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([])
    from backorder_desktop.store.schema import open_database
    from backorder_desktop.ui.app import build

    open_database(str(db), create=True)
    window, _engine, _bridge = build(str(db))  # the scheduler is not started: only the window looks
    window.resize(1280, 760)
    window.tabs.setCurrentWidget(window.shipments)
    window.show()
    shipments = window.shipments.model
    _until(lambda: bool(shipments.blocks))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    waits: list[tuple[str, float, float]] = []  # kind, the other program's end, the window showing it

    from backorder_desktop.ui.watcher import LOOK_EVERY_MS

    phase = random.Random(12)

    def change(kind: str, args: tuple[str, ...], shown: Any) -> None:
        # Changes come at any moment, not just after the window's last look: a pause of a random
        # part of the interval between looks first, so the wait for the next look is fair.
        pause_ends = time.perf_counter() + phase.uniform(0, LOOK_EVERY_MS / 1000)
        _until(lambda: time.perf_counter() >= pause_ends)
        other = _another_program(db, *args)
        _until(lambda: other.poll() is not None, limit=120)
        ended = time.perf_counter()
        if other.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {other.stderr.read().decode()}")
        if not _until(shown, limit=30):
            raise SystemExit(f"the window did not show {' '.join(args)} within 30 s")
        waits.append((kind, ended, time.perf_counter()))

    status = shipments.listing.index_of("status")
    for row in range(changes // 2):  # the newest shipments, at the top: pending after the run
        number = str(shipments.data(shipments.index(row, 0)))
        assert shipments.data(shipments.index(row, status)) == "Pending", number
        change(
            "ship", ("ship", number), lambda r=row: shipments.data(shipments.index(r, status)) == "Shipped"
        )
    window.tabs.setCurrentWidget(window.inventory)
    stock = window.inventory.model
    _until(lambda: bool(stock.blocks))
    sku, on_hand = stock.listing.index_of("sku"), stock.listing.index_of("on_hand")
    folder = Path(tempfile.mkdtemp(prefix="bench-receipts-"))
    for n in range(changes - changes // 2):
        product = str(stock.data(stock.index(0, sku)))
        before = stock.data(stock.index(0, on_hand))
        receipt = folder / f"r{n}.csv"
        receipt.write_text(
            f"receipt,received_at,sku,qty\nR-CURRENT-{n},2026-11-24T09:30:00,{product},1\n", encoding="utf-8"
        )
        change(
            "receipt",
            ("import", "receipts", str(receipt)),
            lambda b=before: stock.data(stock.index(0, on_hand)) != b,
        )
    timer.stop()
    window.close()
    seconds = [shown - ended for _kind, ended, shown in waits]
    gaps = [
        b - a
        for a, b in itertools.pairwise(ticks)
        if any(ended <= b <= shown + 0.25 for _kind, ended, shown in waits)
    ]
    if os.environ.get("BENCH_DEBUG"):
        worst = sorted(
            (b - a, kind, round(b - ended, 3))
            for a, b in itertools.pairwise(ticks)
            for kind, ended, shown in waits
            if ended <= b <= shown + 0.25
        )[-8:]
        print("worst gaps (gap, change, since its end):", worst, file=__import__("sys").stderr)
    by_kind = {
        kind: sorted(shown - ended for k, ended, shown in waits if k == kind) for kind in ("ship", "receipt")
    }
    return {
        "seconds": statistics.median(seconds),
        "median_s": statistics.median(seconds),
        "max_s": max(seconds),
        "min_s": min(seconds),
        "changes": len(seconds),
        "ship_median_s": statistics.median(by_kind["ship"]) if by_kind["ship"] else None,
        "receipt_median_s": statistics.median(by_kind["receipt"]) if by_kind["receipt"] else None,
        "max_stall_ms": max(gaps) * 1000 if gaps else 0.0,
        "shipments": shipments.total,
    }


def _longest_stall(app: Any, action: Any, after_s: float = 0.06) -> tuple[float, float, float]:
    """Run ACTION from the window's event loop, then let the loop run until every background task
    has handed its result over and AFTER_S more (the paint). Returns the longest gap between ticks
    of a 1 ms precise timer meanwhile (the longest the window's thread was kept from its events,
    ACTION itself included), the most CPU time the window's thread spent within one gap (its own
    work, without the waits for a core that a shared machine adds), and the seconds until the
    last result was handed over."""
    from PySide6.QtCore import Qt, QTimer

    from backorder_desktop.ui import workers

    ticks: list[tuple[float, float]] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    timer.start()
    _until(lambda: len(ticks) > 3)
    began: list[float] = []

    def begin() -> None:
        began.append(time.perf_counter())
        action()

    QTimer.singleShot(0, begin)
    _until(lambda: bool(began) and not workers._running, limit=120)
    handed_over = time.perf_counter() - began[0]
    settle = time.perf_counter() + after_s
    _until(lambda: time.perf_counter() > settle)
    timer.stop()
    gaps = [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(ticks) if b[0] >= began[0]]
    return max((g for g, _ in gaps), default=0.0), max((c for _, c in gaps), default=0.0), handed_over


def refresh_stalls(db: Path, repeat: int = 5) -> dict[str, Any]:
    """Each tab's ways of reading its rows again, timed in the window's thread on DB (shown at
    1280x760, the scheduler not started): for each, the median over REPEAT of the longest stall
    of the window's thread from the action until the rows read are shown (1 ms timer ticks), of
    the CPU time the thread spent within its longest gap, and of the seconds until the rows were
    handed over."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from backorder_desktop.store.schema import open_database
    from backorder_desktop.ui.app import build

    open_database(str(db), create=True)
    window, _engine, _bridge = build(str(db))
    window.resize(1280, 760)
    window.show()

    def on(tab: Any) -> Any:
        def show() -> None:
            window.tabs.setCurrentWidget(tab)

        return show

    def sort(tab: Any, field: str, descending: bool = False) -> Any:
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        return lambda: tab.view.sortByColumn(tab.model.listing.index_of(field), order)

    def jump(tab: Any, *shares: float) -> Any:
        """The scroll bar dragged to SHARES of its length in turn: rows not read yet each time."""
        turn = itertools.cycle(shares)

        def go() -> None:
            bar = tab.view.verticalScrollBar()
            bar.setValue(int(bar.maximum() * next(turn)))

        return go

    def stale(tab: Any) -> Any:
        """TAB shown, from the Order Entry tab, after something was written (read when shown)."""

        def show() -> None:
            window._stale.add(tab)
            window.tabs.setCurrentWidget(tab)

        return show

    def search(tab: Any, text: str) -> Any:
        def typed() -> None:
            tab.search.setText(text)

        return typed

    w = window
    # (name, the tab shown first, the action, what undoes it between repeats)
    actions: list[tuple[str, Any, Any, Any]] = [
        ("Shipments: refresh (after ship or void)", w.shipments, lambda: w.shipments.refresh(), None),
        ("Shipments: reload (a change elsewhere)", w.shipments, lambda: w.shipments.reload(), None),
        ("Shipments: tab shown, out of date", w.order_entry, stale(w.shipments), on(w.order_entry)),
        (
            "Shipments: sort by customer",
            w.shipments,
            sort(w.shipments, "customer"),
            sort(w.shipments, "number", True),
        ),
        (
            "Shipments: status Pending",
            w.shipments,
            lambda: w.shipments.status.setCurrentIndex(1),
            lambda: w.shipments.status.setCurrentIndex(0),
        ),
        (
            "Shipments: search a customer",
            w.shipments,
            search(w.shipments, "Customer 17"),
            search(w.shipments, ""),
        ),
        (
            "Shipments: scroll bar dragged to rows not read",
            w.shipments,
            jump(w.shipments, 0.5, 0.3, 0.7, 0.4, 0.6, 0.2),
            jump(w.shipments, 0.0),
        ),
        (
            "Shipments: left for the Orders tab (the new ones marked seen)",
            w.shipments,
            on(w.orders),
            on(w.shipments),
        ),
        (
            "Orders: sort by priority",
            w.orders,
            sort(w.orders, "priority"),
            sort(w.orders, "ordered_at", True),
        ),
        ("Orders: reload", w.orders, lambda: w.orders.reload(), None),
        ("Backorders: refresh (after a run)", w.backorders, lambda: w.backorders.refresh(), None),
        ("Inventory: refresh", w.inventory, lambda: w.inventory.refresh(), None),
        (
            "Inventory: scroll bar dragged to rows not read",
            w.inventory,
            jump(w.inventory, 0.5, 0.3, 0.7, 0.4, 0.6, 0.2),
            jump(w.inventory, 0.0),
        ),
        ("Run Log: refresh", w.run_log, lambda: w.run_log.refresh(), None),
        ("Activity: refresh", w.activity, lambda: w.activity.refresh(), None),
        ("stock changed (a receipt, an adjustment)", w.inventory, lambda: w.stock_changed(), None),
        ("every screen read again (an import, a database opened)", w.shipments, lambda: w.load_all(), None),
    ]
    found: dict[str, Any] = {}
    for name, tab, action, undo in actions:
        _longest_stall(app, on(tab))
        stalls, cpu, waits = [], [], []
        for _ in range(repeat):
            stall, busy, waited = _longest_stall(app, action)
            stalls.append(stall * 1000)
            cpu.append(busy * 1000)
            waits.append(waited)
            if undo is not None:
                _longest_stall(app, undo)
        found[name] = {
            "stall_ms": statistics.median(stalls),
            "max_stall_ms": max(stalls),
            "cpu_ms": statistics.median(cpu),
            "shown_s": statistics.median(waits),
        }
        if os.environ.get("BENCH_DEBUG"):
            print(
                f"{name:<58} {statistics.median(stalls):7.1f} ms (max {max(stalls):.1f},"
                f" CPU {statistics.median(cpu):.1f}), shown after {statistics.median(waits) * 1000:.0f} ms",
                flush=True,
            )
    window.close()
    return {
        "seconds": max(v["stall_ms"] for v in found.values()) / 1000,
        "paths": found,
        "shipments": window.shipments.model.total,
    }
