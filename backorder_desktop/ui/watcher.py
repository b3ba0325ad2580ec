"""The window's look at its database every two seconds, off its own thread: did anything change
(written by any program: the command line, another window, a service), and is the SQLite file
still the one it opened (deleted or moved under it)?

One look reads the database's revision (domain/changes.py: a few index seeks) in a worker
thread; the window's thread only compares two small tuples. Between looks the clock moves on,
so each look also tells the window to count its next runs again.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QTimer, Signal

from backorder_desktop.domain import changes
from backorder_desktop.store.database import is_postgres
from backorder_desktop.ui.workers import in_background

log = logging.getLogger(__name__)

# Often enough that a change shows within five seconds, its reading included; a look costs about
# a millisecond of a worker thread.
LOOK_EVERY_MS = 2_000


def file_identity(target: str) -> tuple[int, int] | None:
    """The file TARGET names (device, inode), None when there is none; None for a server too."""
    if is_postgres(target):
        return None
    try:
        file = os.stat(target)
    except OSError:
        return None
    return file.st_dev, file.st_ino


class ChangeWatcher(QObject):
    """Says `changed` when the database's revision moved since the window last read it, `lost`
    once when the SQLite file opened is no longer there, and `looked` after every look."""

    changed = Signal()
    lost = Signal()
    looked = Signal()

    def __init__(self, target: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(LOOK_EVERY_MS)
        self.timer.timeout.connect(self.look)
        self.seen: changes.Revision | None = None
        self._looking = False
        self._again = False  # a look was asked for while one was under way: look once more after it
        self._asked = False  # the person asked to see what is there now (F5)
        self._generation = 0  # a look begun before the window opened another database is ignored
        self.watch(target)

    def watch(self, target: str) -> None:
        """From now on look at TARGET (just opened)."""
        self._generation += 1
        self._looking = self._again = False
        self.target = target
        self.file = file_identity(target)
        self.seen = None
        self.is_lost = False

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def mark_read(self) -> None:
        """The window is about to read everything it shows: what it reads is at least this."""
        self.seen = changes.revision()

    def look(self, asked: bool = False) -> None:
        """Look now (ASKED by the person: `changed` follows whatever the revision says)."""
        self._asked = self._asked or asked
        if self._looking:
            self._again = True  # what it read may be older than what is asked for now
            return
        if self.is_lost:
            self.looked.emit()
            return
        self._looking = True
        generation, target, file = self._generation, self.target, self.file

        def work() -> changes.Revision | None:
            if file is not None and file_identity(target) != file:
                return None  # not the file that was opened: nothing more is read from this path
            return changes.revision()

        in_background(
            work,
            lambda found: self._answer(generation, found),
            lambda error, _report: self._failed(generation, error),
        )

    def _answer(self, generation: int, found: changes.Revision | None) -> None:
        if generation != self._generation:
            return
        self._looking = False
        asked, self._asked = self._asked, False
        if found is None:
            self.is_lost = True
            self.lost.emit()
        elif asked or found != self.seen:
            self.seen = found
            self.changed.emit()
        self.looked.emit()
        self._look_again()

    def _failed(self, generation: int, error: BaseException) -> None:
        # A look that cannot read (a server gone for a moment, a file locked by a backup) is no
        # news for the person: the next look tries again, and their own actions say what is wrong.
        if generation != self._generation:
            return
        self._looking = False
        log.info("could not look for changes in the database: %s", error)
        self.looked.emit()
        self._look_again()

    def _look_again(self) -> None:
        if self._again:
            self._again = False
            self.look()
