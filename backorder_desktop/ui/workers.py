"""Database work off the window's thread: a QRunnable per task, results back in the window's thread.

A worker thread never sends its result through a queued Qt connection (PySide6
has crashed passing Python objects that way): it keeps the result on the task
and emits an argument-less signal; the slot, in the window's thread, reads it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from backorder_desktop.store.database import close

log = logging.getLogger(__name__)


class _Finished(QObject):
    finished = Signal()


class _Task(QRunnable):
    def __init__(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None] | None,
        failed: Callable[[BaseException, str], None] | None,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # kept alive by _running until its result is handed over
        self.work = work
        self.done = done
        self.failed = failed
        self.result: Any = None
        self.error: BaseException | None = None
        self.report = ""
        self.signal = _Finished()
        self.signal.finished.connect(self._hand_over, Qt.ConnectionType.QueuedConnection)

    def run(self) -> None:
        try:
            self.result = self.work()
        except Exception as error:  # handed to the window, which decides how to show it
            self.error = error
            self.report = traceback.format_exc()
        finally:
            close()
            self.signal.finished.emit()

    def _hand_over(self) -> None:
        _running.discard(self)
        if self.error is None:
            if self.done:
                self.done(self.result)
        elif self.failed:
            self.failed(self.error, self.report)
        else:
            log.error("background task failed:\n%s", self.report)


_running: set[_Task] = set()
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
    task = _Task(work, done, failed)
    _running.add(task)
    pool = _writer_pool() if serial else QThreadPool.globalInstance()
    pool.start(task)


def wait_for_background(timeout_ms: int = 30000) -> bool:
    """Wait until every background task has finished (used at exit and by tests)."""
    return _writer_pool().waitForDone(timeout_ms) and QThreadPool.globalInstance().waitForDone(timeout_ms)
