"""Qt signals for the engine's events, delivered in the window's thread.

Engine threads never send Python objects through a queued Qt connection
(PySide6 has crashed doing that under load): they put the event on a plain
queue and emit an argument-less wake-up signal; the window's thread drains
the queue and emits the typed signals below, within its own thread.
"""

from __future__ import annotations

import queue
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from backorder_desktop.domain.allocation import Progress, RunRecord
from backorder_desktop.scheduling.engine import Listener


class EngineBridge(QObject):
    run_started = Signal(str, str)  # process, trigger
    progress = Signal(str, object)  # process, Progress
    run_finished = Signal(object)  # RunRecord
    schedules_changed = Signal(object)  # {process: next run (aware) or None}
    paused = Signal(str)  # reason
    resumed = Signal()
    _wake = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: queue.SimpleQueue[tuple[str, tuple[Any, ...]]] = queue.SimpleQueue()
        self._wake.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def post(self, name: str, *args: Any) -> None:
        """From any thread: deliver signal NAME with ARGS in the window's thread."""
        self._events.put((name, args))
        self._wake.emit()

    def _deliver(self) -> None:
        while True:
            try:
                name, args = self._events.get_nowait()
            except queue.Empty:
                return
            getattr(self, name).emit(*args)

    def listener(self) -> Listener:
        """The engine-side listener that forwards to these signals."""
        return _Forwarder(self)


class _Forwarder(Listener):
    def __init__(self, bridge: EngineBridge) -> None:
        self.bridge = bridge

    def run_started(self, process: str, trigger: str) -> None:
        self.bridge.post("run_started", process, trigger)

    def progress(self, process: str, progress: Progress) -> None:
        self.bridge.post("progress", process, progress)

    def run_finished(self, record: RunRecord) -> None:
        self.bridge.post("run_finished", record)

    def schedules_changed(self, next_runs: dict[str, datetime | None]) -> None:
        self.bridge.post("schedules_changed", next_runs)

    def paused(self, reason: str) -> None:
        self.bridge.post("paused", reason)

    def resumed(self) -> None:
        self.bridge.post("resumed")
