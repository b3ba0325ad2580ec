"""Qt signals for the engine's events, delivered in the window's thread (queued across threads)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Signal

from backorder_desktop.domain.allocation import Progress, RunRecord
from backorder_desktop.scheduling.engine import Listener


class EngineBridge(QObject):
    """Emitted from engine threads; Qt queues each signal to the receiver's thread."""

    run_started = Signal(str, str)  # process, trigger
    progress = Signal(str, object)  # process, Progress
    run_finished = Signal(object)  # RunRecord
    schedules_changed = Signal(object)  # {process: next run (aware) or None}
    paused = Signal(str)  # reason
    resumed = Signal()

    def listener(self) -> Listener:
        """The engine-side listener that forwards to these signals."""
        return _Forwarder(self)


class _Forwarder(Listener):
    def __init__(self, bridge: EngineBridge) -> None:
        self.bridge = bridge

    def run_started(self, process: str, trigger: str) -> None:
        self.bridge.run_started.emit(process, trigger)

    def progress(self, process: str, progress: Progress) -> None:
        self.bridge.progress.emit(process, progress)

    def run_finished(self, record: RunRecord) -> None:
        self.bridge.run_finished.emit(record)

    def schedules_changed(self, next_runs: dict[str, datetime | None]) -> None:
        self.bridge.schedules_changed.emit(next_runs)

    def paused(self, reason: str) -> None:
        self.bridge.paused.emit(reason)

    def resumed(self) -> None:
        self.bridge.resumed.emit()
