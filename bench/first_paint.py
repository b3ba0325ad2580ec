"""The window's first painted Shipments rows, timed from the start of its process.

`python bench/first_paint.py DB` starts the program as `backorder-desktop --db DB` does
(`backorder_desktop.__main__`: the command line's modules, logging, the arguments, the platform
check, then the window's modules, the Qt application, the database, the main window, shown, its
scheduler started), makes the Shipments tab the current one before the first event is handled,
and prints one line of JSON: `painted_at`, the moment (time.time(), the same clock in every
process) at which the first rows of the table had been painted, and the seconds to scroll to the
very end of the table and paint its last rows. The parent notes time.time() just before it starts
this process: the difference counts the interpreter's start, every import, and the reading.
`since_exec_s` is the same figure from this process's own start time in /proc (10 ms steps), as
a check. Nothing is imported here before the program's own modules but the standard library's
`json`, `os`, `sys` and `time`, which the interpreter has loaded already or which cost nothing.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _since_exec() -> float | None:
    """Seconds since this process started, from /proc (in the kernel's clock ticks)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError):
        return None


def main(db: str) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # As backorder_desktop/__main__.py: the command line's modules first, then the window's.
    from backorder_desktop import cli, logs

    os.umask(0o077)
    logs.setup()
    args = cli.parse_arguments(["--db", db])
    from backorder_desktop.ui.platform_check import problem

    assert problem() is None
    from backorder_desktop.ui.app import open_window

    opened = open_window(args)
    assert not isinstance(opened, int), "the window did not open"
    app, window = opened
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    window.resize(1280, 760)
    window.tabs.setCurrentWidget(window.shipments)
    view, model = window.shipments.view, window.shipments.model
    painted: list[float] = []
    since_exec: list[float | None] = []
    cpu: list[float] = []
    loop = QEventLoop()

    # Rows read off the window's thread are painted by a paint that begins with them read; a
    # model of older commits read them during the paint itself.
    read_before = hasattr(model, "loaded_row")

    def done_painting(ready: bool) -> None:
        if not painted and ready and model.total and 0 in model.blocks:  # this paint showed rows
            painted.append(time.time())
            since_exec.append(_since_exec())
            used = os.times()
            cpu.append(used.user + used.system)  # of every thread of this process, until now
            loop.quit()

    class Watch(QObject):
        """Notes the end of the first paint of the table's viewport that shows read rows."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                ready = not read_before or bool(model.total and 0 in model.blocks)
                QTimer.singleShot(0, lambda: done_painting(ready))  # once this paint is done
            return False

    watch = Watch()
    view.viewport().installEventFilter(watch)
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    view.viewport().removeEventFilter(watch)
    if not painted:
        raise SystemExit("the Shipments rows were never painted")
    # Then to the very end of the table (a jump read by OFFSET in a worker thread).
    last_block = (model.total - 1) // 200
    scrolled: list[float] = []
    began = time.perf_counter()
    view.scrollToBottom()

    def after_paint() -> None:
        if last_block in model.blocks and not scrolled:
            scrolled.append(time.perf_counter() - began)
            loop.quit()

    class End(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, after_paint)
            return False

    end = End()
    view.viewport().installEventFilter(end)
    view.viewport().update()
    loop.exec()
    window.engine.stop()
    app.processEvents()
    peak = None
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return {
        "painted_at": painted[0],
        "since_exec_s": since_exec[0] if since_exec else None,
        "cpu_s": cpu[0],
        "scroll_to_end_s": scrolled[0] if scrolled else None,
        "shipments": model.total,
        "peak_mb": peak,
    }


if __name__ == "__main__":
    found = main(sys.argv[1])
    print(json.dumps(found), flush=True)
    os._exit(0)  # the measurement is taken: no need to wait for Qt and the threads to wind down
