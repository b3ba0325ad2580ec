"""Window figures: time to the first painted Shipments rows, scrolling to the end, and how long
the window's thread can stall while a Primary run allocates in the background.

Run as a child of bench/run.py (one operation per process, offscreen Qt).
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class _PaintWatch:
    """Notes when a widget is painted."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.painted_at: float | None = None
        watch = self

        class Filter(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint and watch.painted_at is None:
                    watch.painted_at = time.perf_counter()
                return False

        self.filter = Filter()
        widget.installEventFilter(self.filter)


def _wait(app: Any, done: Any, limit: float = 120.0) -> None:
    ends = time.perf_counter() + limit
    while not done() and time.perf_counter() < ends:
        app.processEvents()


def open_and_scroll(db: Path) -> dict[str, Any]:
    """Seconds from nothing to painted Shipments rows, and to painted rows at the very end."""
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from backorder_desktop.store.schema import open_database
    from backorder_desktop.ui.app import build

    open_database(str(db), create=True)
    window, _engine, _bridge = build(str(db))
    window.resize(1280, 760)
    window.tabs.setCurrentIndex(2)
    view = window.shipments.view
    first = _PaintWatch(view.viewport())
    window.show()
    _wait(app, lambda: first.painted_at is not None and window.shipments.model.blocks)
    opened = (first.painted_at or time.perf_counter()) - started
    rows = window.shipments.model.total
    last_block = (rows - 1) // 200
    scroll_start = time.perf_counter()
    view.scrollToBottom()
    _wait(app, lambda: last_block in window.shipments.model.blocks)
    end = _PaintWatch(view.viewport())  # the first paint after the last rows were read
    view.viewport().update()
    _wait(app, lambda: end.painted_at is not None)
    scrolled = (end.painted_at or time.perf_counter()) - scroll_start
    window.close()
    return {"seconds": opened, "scroll_to_end_s": scrolled, "shipments": rows}


def stall_during_run(db: Path) -> dict[str, Any]:
    """The longest gap between 10 ms timer ticks of the window's thread while a Primary run works."""
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
    _wait(app, lambda: bool(window.shipments.model.blocks) or window.shipments.model.total == 0)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    finished: list[Any] = []
    bridge.run_finished.connect(finished.append)
    timer.start()
    _wait(app, lambda: len(ticks) > 5)
    began = time.perf_counter()
    engine.run_now("primary")
    _wait(app, lambda: bool(finished), limit=300)
    ran = time.perf_counter() - began
    settle = time.perf_counter() + 0.5  # the refresh after the run happens in the window's thread too
    _wait(app, lambda: time.perf_counter() > settle)
    timer.stop()
    during = [t for t in ticks if t >= began]
    gaps = [b - a for a, b in itertools.pairwise(ticks) if b >= began]
    if os.environ.get("BENCH_DEBUG"):
        worst = sorted(((b - a, a - began) for a, b in itertools.pairwise(ticks) if b >= began))[-5:]
        print("worst gaps (gap, at since start):", worst, "run took", ran)
    engine.stop()
    window.close()
    return {
        "seconds": ran,
        "max_stall_ms": max(gaps) * 1000 if gaps else 0.0,
        "ticks": len(during),
        "units": finished[0].units if finished else 0,
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
    import sys

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
