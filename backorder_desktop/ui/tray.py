"""The tray: the program's icon in the system tray, its menu, and its notifications of runs.

Closing the window hides it here while the schedules keep running (MainWindow decides, and
shows the one-time message); the menu opens the window, runs a process now, pauses the schedules
and quits. After a run that created shipments, or one that failed, a notification says so;
clicking it opens the window on what it is about. The wording is plain functions of a run
record (`notice`), testable without a tray.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from backorder_desktop.domain import processes, slots
from backorder_desktop.domain.allocation import RunRecord
from backorder_desktop.ui.format import counted

TITLE = "Backorder Desktop"
STILL_RUNNING = (
    "Backorder Desktop is still running here and runs the schedules. Open it from this icon;"
    " Quit in its menu stops it."
)
NOTICE_SHOWN_MS = 15_000
ERROR_SHOWN_AT_MOST = 200  # characters of a failed run's error in its notification


def process_title(process: str) -> str:
    """A process as a notification names it: its code and short name ("7792 Primary")."""
    code = processes.CODE_OF.get(process)
    name = processes.SHORT_NAMES.get(process, process)
    return f"{code} {name}" if code else name


@dataclass(frozen=True)
class Notice:
    """A notification of a run: what it says, and what clicking it opens."""

    text: str
    problem: bool = False
    run_id: int | None = None  # the run whose shipments clicking it shows (None: the Run Log)


def notice(record: RunRecord) -> Notice | None:
    """What the tray says after the run RECORD, or None when it says nothing: a run that created
    no shipment, a skipped run, a slot another program of the team ran (`taken`: nothing of it
    was recorded here)."""
    if record.outcome == slots.TAKEN:
        return None  # another program of the team ran the slot: it notifies, if anyone does
    name = process_title(record.process)
    if record.outcome == "failed":
        error = " ".join(record.error.split()) or "no reason given"
        if len(error) > ERROR_SHOWN_AT_MOST:
            error = error[: ERROR_SHOWN_AT_MOST - 1] + "…"
        where = "; see the Run Log" if record.id else ""  # id 0: it could not even be recorded
        return Notice(f"{name} failed: {error}{where}", problem=True)
    if record.outcome == "ok" and record.shipments > 0:
        made = counted(record.shipments, "new shipment", "new shipments")
        units = counted(record.units, "unit", "units")
        return Notice(f"{name}: {made} ({units}) ready to pick", run_id=record.id)
    return None  # skipped, or nothing created


def app_icon() -> QIcon:
    """The program's icon: a parcel (drawn, so nothing is read from disk)."""
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        unit = size / 16
        box = QRectF(1.5 * unit, 3 * unit, 13 * unit, 11.5 * unit)
        painter.setPen(QPen(QColor("#6b4423"), max(1.0, unit)))
        painter.setBrush(QColor("#c8934a"))
        painter.drawRoundedRect(box, 1.5 * unit, 1.5 * unit)
        painter.setPen(QPen(QColor("#f3e3c3"), max(1.0, 2 * unit)))  # the tape
        painter.drawLine(QPointF(8 * unit, 3 * unit), QPointF(8 * unit, 14.5 * unit))
        painter.setPen(QPen(QColor("#2e7d32"), max(1.5, 1.6 * unit)))  # filled: a tick
        tick = [QPointF(4 * unit, 9 * unit), QPointF(6 * unit, 11 * unit), QPointF(10.5 * unit, 6 * unit)]
        painter.drawPolyline(tick)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class Tray(QObject):
    """The tray icon and its menu. Says what the person chose; the window does it."""

    open_requested = Signal()
    run_requested = Signal(str)  # process
    pause_toggled = Signal(bool)
    quit_requested = Signal()
    notice_clicked = Signal(object)  # the Notice shown last

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(app_icon(), parent)
        self.menu = QMenu(parent)
        self.menu.setAccessibleName("Tray menu")
        self.open_action = self._action("Open", lambda: self.open_requested.emit())
        self.menu.addSeparator()
        self.run_actions = {
            process: self._action(
                f"Run {processes.SHORT_NAMES[process]} now",
                lambda _c=False, p=process: self.run_requested.emit(p),
            )
            for process in processes.PROCESSES
        }
        self.pause_action = self._action("Pause schedules", lambda on: self.pause_toggled.emit(on))
        self.pause_action.setCheckable(True)
        self.menu.addSeparator()
        self.quit_action = self._action("Quit", lambda: self.quit_requested.emit())
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip(TITLE)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self._message_clicked)
        self.shown: Notice | None = None  # the notification on screen, if any

    def set_busy(self, busy: bool) -> None:
        """While another database opens: Run now and Pause wait (Open and Quit still work)."""
        for action in (*self.run_actions.values(), self.pause_action):
            action.setEnabled(not busy)

    def _action(self, text: str, slot: object) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    @staticmethod
    def available() -> bool:
        """Whether the desktop has a system tray now (a bare X server or some Wayland desktops
        have none)."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def is_there(self) -> bool:
        """Whether the icon is in a tray: the program can hide there."""
        return self.icon.isVisible() and self.available()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_tooltip(self, text: str) -> None:
        if self.icon.toolTip() != text:
            self.icon.setToolTip(text)

    def say(self, text: str) -> None:
        """A message from the tray that opens nothing in particular (the window, when clicked)."""
        self.shown = None
        self.icon.showMessage(TITLE, text, QSystemTrayIcon.MessageIcon.Information, NOTICE_SHOWN_MS)

    def notify(self, found: Notice) -> None:
        """Show FOUND as a notification from the tray."""
        self.shown = found
        icons = QSystemTrayIcon.MessageIcon
        kind = icons.Critical if found.problem else icons.Information
        self.icon.showMessage(TITLE, found.text, kind, NOTICE_SHOWN_MS)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    def _message_clicked(self) -> None:
        if self.menu.isVisible():
            # Where Qt draws the notification itself (an XEmbed tray), a click on the icon while it
            # shows counts as a click on it: a right click opened the menu, and that is all.
            return
        self.notice_clicked.emit(self.shown)
