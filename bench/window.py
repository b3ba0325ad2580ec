"""Window figures: time to the first painted Shipments rows, scrolling to the end, and how long
the window's thread can stall while a Primary run allocates in the background.

Run as a child of bench/run.py (one operation per process, offscreen Qt).
"""

from __future__ import annotations

import itertools
import os
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
