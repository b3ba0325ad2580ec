"""Database work off the window's thread: a QRunnable per task, results back as queued signals."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from backorder_desktop.store import database

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)  # exception, traceback text


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # reported to the window, which decides how to show it
            self.signals.failed.emit(error, traceback.format_exc())
        else:
            self.signals.done.emit(result)
        finally:
            database.close()


_alive: set[_Signals] = set()
_writer: QThreadPool | None = None


def _writer_pool() -> QThreadPool:
    """One thread for writes, so that saves reach the database in the order they were made."""
    global _writer
    if _writer is None:
        _writer = QThreadPool()
        _writer.setMaxThreadCount(1)
    return _writer


def in_background(
    work: Callable[[], Any],
    done: Callable[[Any], None] | None = None,
    failed: Callable[[BaseException, str], None] | None = None,
    *,
    serial: bool = False,
) -> None:
    """Run WORK in a thread pool; DONE or FAILED is then called in the window's thread.

    SERIAL work (writes) runs one at a time in the order given.
    """
    signals = _Signals()
    _alive.add(signals)  # keep the QObject alive until a result arrives

    def finish(*_args: Any) -> None:
        _alive.discard(signals)

    if done:
        signals.done.connect(done)
    if failed:
        signals.failed.connect(failed)
    else:
        signals.failed.connect(lambda error, text: log.error("background task failed:\n%s", text))
    signals.done.connect(finish)
    signals.failed.connect(finish)
    pool = _writer_pool() if serial else QThreadPool.globalInstance()
    pool.start(_Task(work, signals))


def wait_for_background(timeout_ms: int = 30000) -> bool:
    """Wait until every background task has finished (used at exit and by tests)."""
    return _writer_pool().waitForDone(timeout_ms) and QThreadPool.globalInstance().waitForDone(timeout_ms)
