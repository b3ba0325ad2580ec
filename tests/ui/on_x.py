"""The window and its tray on a real X server, for tests/ui/test_tray_on_x.py (which starts Xvfb,
and a tray host for the tray story): `python -m tests.ui.on_x STORY DATABASE [SHOTS]`.

Runs in a process of its own on the xcb platform (DISPLAY set, QT_QPA_PLATFORM unset), with the
real window and engine. The person's actions reach it through X as they would on a desktop: the
window is closed by a WM_DELETE_WINDOW message (what a window manager sends for the title bar's
close button), and buttons, the tray icon, its menu and its notification are clicked with the
pointer (xdotool, through the XTEST extension). Prints one JSON object: what was seen.

Stories:
  no-tray  a bare X server has no system tray: closing with a schedule on asks; No keeps the
           window open, Yes closes it and ends the program.
  tray     with a tray host: closing hides the window and says so once; the tray menu runs the
           Primary; its notification, clicked, opens the Shipments of that run; a failed run
           notifies too; Quit in the tray menu ends the program. With SHOTS, pictures of the menu,
           the notifications and the Run Log are saved there.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QSystemTrayIcon, QWidget

WAIT_SECONDS = 30.0
seen: dict[str, Any] = {}


class Failed(Exception):
    """A step did not happen in time: what was seen so far is printed with it."""


def until(condition: Callable[[], object], what: str, seconds: float = WAIT_SECONDS) -> None:
    """Run the window's events until CONDITION holds; Failed(WHAT) after SECONDS."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise Failed(what)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def pointer_click(where: QPoint, button: int = 1) -> None:
    """A click of the pointer at WHERE (global), through X: as a person's."""
    subprocess.run(
        ["xdotool", "mousemove", str(where.x()), str(where.y()), "click", str(button)], check=True, timeout=10
    )


def icon_area() -> QRect:
    """Where the tray icon is on the screen, as X has it: the tray host took in (reparented) the
    icon's window, and Qt then says 0,0 for its place (QSystemTrayIcon.geometry())."""
    widgets = QApplication.topLevelWidgets()
    (icon,) = [w for w in widgets if w.metaObject().className() == "QSystemTrayIconSys"]
    found = subprocess.run(
        ["xdotool", "getwindowgeometry", str(int(icon.winId()))], capture_output=True, text=True, timeout=10
    ).stdout
    position = found.split("Position:")[1].split()[0].split(",")
    size = found.split("Geometry:")[1].split()[0].split("x")
    return QRect(int(position[0]), int(position[1]), int(size[0]), int(size[1]))


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _Event(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def close_through_x(window: QWidget) -> None:
    """Send WINDOW the WM_DELETE_WINDOW message a window manager sends when its close button is
    clicked (from a connection of its own, as a window manager would)."""
    send_close(int(window.winId()))


def send_close(window_id: int, display_name: str | None = None) -> None:
    """Send the X window WINDOW_ID (on DISPLAY_NAME, by default $DISPLAY) WM_DELETE_WINDOW."""
    x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(display_name.encode() if display_name else None)
    if not display:
        raise Failed("no X display to send the close to")
    event = _Event()
    event.xclient.type = 33  # ClientMessage
    event.xclient.window = window_id
    event.xclient.message_type = x11.XInternAtom(display, b"WM_PROTOCOLS", 0)
    event.xclient.format = 32
    event.xclient.data[0] = x11.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(display, event.xclient.window, 0, 0, ctypes.byref(event))
    x11.XFlush(display)
    x11.XCloseDisplay(display)


def settle_reads() -> None:
    """Let the window's reads in the background finish and show."""
    from backorder_desktop.ui.workers import wait_for_background

    for _ in range(4):
        wait_for_background(20_000)
        QApplication.processEvents()


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def answer_with_the_pointer(button: QMessageBox.StandardButton, answers: list[str]) -> None:
    """When a question box shows (inside its own event loop), click BUTTON on it with the pointer."""

    def look() -> None:
        boxes = message_boxes()
        if not boxes:
            QTimer.singleShot(20, look)
            return
        box = boxes[0]
        target = box.button(button)
        answers.append(box.text())
        pointer_click(target.mapToGlobal(target.rect().center()))

    QTimer.singleShot(0, look)


def balloons() -> list[QWidget]:
    """Qt's own notification bubbles (QBalloonTip), shown where no notification service runs."""
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.metaObject().className() == "QBalloonTip" and w.isVisible()
    ]


def balloon_text(balloon: QWidget) -> list[str]:
    return [label.text() for label in balloon.findChildren(QLabel) if label.text()]


def shoot(name: str, area: QRect, shots: Path | None) -> None:
    """Save AREA of the whole X screen (other programs' windows, such as the tray host, too)."""
    if shots is None:
        return
    QApplication.processEvents()
    time.sleep(0.3)  # the X server paints what was mapped
    QApplication.processEvents()
    screen = QApplication.primaryScreen()
    picture = screen.grabWindow(0, area.x(), area.y(), area.width(), area.height())
    shots.mkdir(parents=True, exist_ok=True)
    picture.save(str(shots / name))
    seen.setdefault("shots", []).append(name)


def open_program(db: str, schedule_on: bool) -> tuple[Any, Any, Any, list[bool]]:
    from backorder_desktop.domain import processes, schedules
    from backorder_desktop.ui import app

    app.prepare(db, demo=True, create=True)
    if schedule_on:
        schedules.save(processes.PRIMARY_CODE, enabled=True)
    window, engine, bridge = app.build(db)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    QApplication.instance().setQuitOnLastWindowClosed(False)  # as app.run_window does
    window.show()
    engine.start()
    until(lambda: window.isVisible() and window.windowHandle().isExposed(), "the window shows")
    until(lambda: window.scheduler_state.text() == "Scheduler: running", "the scheduler runs")
    return window, engine, bridge, closed


def no_tray(db: str) -> None:
    window, engine, _bridge, closed = open_program(db, schedule_on=True)
    answers: list[str] = []
    answer_with_the_pointer(QMessageBox.StandardButton.No, answers)
    close_through_x(window)
    until(lambda: answers and not message_boxes(), "asked, and answered No")
    QApplication.processEvents()
    seen["asked"] = answers[0]
    seen["after_no"] = {"visible": window.isVisible(), "closed": bool(closed), "scheduler": engine.is_on()}

    answer_with_the_pointer(QMessageBox.StandardButton.Yes, answers)
    close_through_x(window)
    until(lambda: closed, "closed after Yes")
    seen["after_yes"] = {"visible": window.isVisible(), "closed": bool(closed), "scheduler": engine.is_on()}
    engine.stop()


def tray_menu_click(window: Any, text: str, shots: Path | None, shot: str | None = None) -> list[str]:
    """Open the tray icon's menu with a right click, optionally photograph it, click TEXT in it."""
    area = icon_area()
    pointer_click(area.center(), button=3)
    menu = window.tray.menu
    until(menu.isVisible, "the tray menu opens")
    until(lambda: menu.geometry().height() > 20, "the tray menu is laid out")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    if shot:
        shoot(shot, menu.geometry().united(area).adjusted(-24, -8, 24, 24), shots)
    (action,) = [a for a in menu.actions() if a.text() == text]
    pointer_click(menu.mapToGlobal(menu.actionGeometry(action).center()))
    until(lambda: not menu.isVisible(), "the tray menu closes")
    return texts


def notification(window: Any, text_in: str, shots: Path | None, shot: str) -> QWidget:
    """Wait for the tray's notification bubble saying TEXT_IN; photograph it."""
    until(lambda: any(text_in in " ".join(balloon_text(b)) for b in balloons()), f"a notification: {text_in}")
    (balloon,) = balloons()
    until(lambda: balloon.windowHandle() is not None and balloon.windowHandle().isExposed(), "it shows")
    shoot(shot, balloon.geometry().united(icon_area()).adjusted(-16, -8, 16, 16), shots)
    return balloon


def tray(db: str, shots: Path | None) -> None:
    from backorder_desktop.domain import inventory
    from backorder_desktop.domain.allocation import RunRecord

    window, engine, bridge, closed = open_program(db, schedule_on=False)
    icon = window.tray.icon
    until(lambda: icon.isVisible() and icon.geometry().width() > 0, "the icon is in the tray")
    area = icon_area()
    seen["icon"] = [area.x(), area.y(), area.width(), area.height()]
    finished: list[RunRecord] = []
    bridge.run_finished.connect(finished.append)

    close_through_x(window)
    until(lambda: not window.isVisible(), "closing hides the window")
    seen["hidden"] = {"visible": window.isVisible(), "closed": bool(closed), "scheduler": engine.is_on()}
    first = notification(window, "still running", shots, "tray-still-running.png")
    seen["still_running"] = balloon_text(first)

    seen["menu"] = tray_menu_click(window, "Run Primary now", shots, "tray-menu.png")
    until(lambda: finished, "the Primary run finishes")
    seen["run"] = [finished[-1].outcome, finished[-1].shipments, finished[-1].units, finished[-1].id]
    balloon = notification(window, "ready to pick", shots, "tray-notification.png")
    seen["notification"] = balloon_text(balloon)
    pointer_click(balloon.mapToGlobal(QPoint(balloon.width() // 3, balloon.height() - 12)))
    until(window.isVisible, "clicking the notification opens the window")
    until(lambda: window.windowHandle().isExposed(), "the window shows")
    tab = window.shipments
    seen["clicked"] = {
        "tab": window.tabs.tabText(window.tabs.currentIndex()),
        "run": tab.run_shown.text(),
        "count": tab.count.text(),
    }
    if shots is not None:
        settle_reads()
        window.grab().save(str(shots / "tray-shipments-of-the-run.png"))
        seen.setdefault("shots", []).append("tray-shipments-of-the-run.png")

    # A failed run notifies too: the Secondary's child process is killed inside its transaction.
    inventory.adjust([inventory.AdjustmentInput("NW-014", 12, "count correction")])
    os.environ["BACKORDER_TEST_KILL_AFTER_ROWS"] = "1"
    tray_menu_click(window, "Run Secondary now", shots)
    until(lambda: len(finished) == 2, "the Secondary run finishes")
    del os.environ["BACKORDER_TEST_KILL_AFTER_ROWS"]
    failed = notification(window, "failed", shots, "tray-notification-failed.png")
    seen["failed"] = balloon_text(failed)
    window.tabs.setCurrentWidget(window.run_log)
    until(lambda: window.run_log.model.rowCount() == 2, "the Run Log shows both runs")
    if shots is not None:
        settle_reads()
        window.grab().save(str(shots / "tray-run-log.png"))
        seen.setdefault("shots", []).append("tray-run-log.png")

    tray_menu_click(window, "Quit", shots)
    until(lambda: closed, "Quit in the tray menu ends the program")
    seen["quit"] = {"visible": window.isVisible(), "closed": bool(closed), "scheduler": engine.is_on()}
    engine.stop()


def main(argv: list[str]) -> int:
    story, db, *rest = argv
    shots = Path(rest[0]) if rest else None
    os.environ.pop("QT_QPA_PLATFORM", None)
    app = QApplication([sys.argv[0]])
    seen["platform"] = app.platformName()
    seen["tray_available"] = QSystemTrayIcon.isSystemTrayAvailable()
    status = 0
    try:
        if story == "no-tray":
            no_tray(db)
        else:
            tray(db, shots)
    except Failed as error:
        seen["failed_at"] = str(error)
        status = 1
    print(json.dumps(seen), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
