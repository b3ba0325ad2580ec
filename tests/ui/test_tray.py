"""The tray (issue 12, item 3): closing the window hides it in the tray while the schedules keep
running; the tray's menu opens it, runs a process now, pauses the schedules and quits; a run that
created shipments, or failed, notifies, and clicking the notification shows what it is about.
Where there is no tray, closing with a schedule on asks first; quitting waits for a run in
progress; start at login writes and removes an XDG autostart entry.

Qt's offscreen platform has no system tray (QSystemTrayIcon.isSystemTrayAvailable() is False):
the no-tray path runs as it is. For the tray path only that Qt answer is patched, and the real
QSystemTrayIcon's showMessage is wrapped to see what it is asked to show; a click on a
notification is the icon's messageClicked, as Qt emits it. tests/ui/test_tray_on_x.py runs both
on a real X server (Xvfb).
"""

from __future__ import annotations

import stat
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton, QSystemTrayIcon

from backorder_desktop.domain import allocation, clock, inventory, planning, processes, schedules
from backorder_desktop.domain.allocation import Progress, RunRecord
from backorder_desktop.store import database
from backorder_desktop.ui import autostart, main_window
from backorder_desktop.ui.format import counted
from backorder_desktop.ui.main_window import MainWindow
from backorder_desktop.ui.tray import STILL_RUNNING, TITLE, Notice, notice
from tests.ui.conftest import Built
from tests.ui.helpers import click, settle

RUN_TIMEOUT_MS = 60_000
EVERY_DAY = frozenset(range(7))
Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


# --- what the notifications say (no tray needed) -----------------------------------------------


def record(outcome: str = "ok", process: str = "primary", **figures: Any) -> RunRecord:
    now = datetime(2026, 11, 24, 10, 30)
    return RunRecord(figures.pop("id", 42), process, "schedule", now, now, outcome, **figures)


def test_a_notification_names_the_process_and_counts_with_the_right_plurals() -> None:
    assert notice(record(shipments=12, units=140)) == Notice(
        "7792 Primary: 12 new shipments (140 units) ready to pick", run_id=42
    )
    assert notice(record(shipments=1, units=1)) == Notice(
        "7792 Primary: 1 new shipment (1 unit) ready to pick", run_id=42
    )
    assert notice(record(process="secondary", shipments=2, units=1_250, id=7)) == Notice(
        "8050 Secondary: 2 new shipments (1,250 units) ready to pick", run_id=7
    )
    assert counted(0, "unit", "units") == "0 units"


def test_a_failed_run_notifies_and_points_to_the_run_log_and_a_quiet_run_does_not() -> None:
    failed = notice(record("failed", error="database is locked\n  CONTEXT: nothing kept"))
    assert failed == Notice(
        "7792 Primary failed: database is locked CONTEXT: nothing kept; see the Run Log", problem=True
    )
    # A failure that could not even be recorded (id 0) is not in the Run Log to be seen.
    unrecorded = notice(record("failed", id=0, error="OperationalError: disk I/O error"))
    assert unrecorded is not None
    assert unrecorded.text == "7792 Primary failed: OperationalError: disk I/O error"
    long = notice(record("failed", error="x" * 500))
    assert long is not None and len(long.text) < 260 and "…; see the Run Log" in long.text
    assert notice(record("ok", shipments=0, units=0)) is None, "a run that created nothing"
    assert notice(record("skipped")) is None
    assert notice(record("taken", id=0, error="another program of the team ran this slot")) is None


# --- the tray, on the offscreen platform --------------------------------------------------------


class Shown:
    """Stands at the Qt boundary of a window's real tray icon: what showMessage was asked to show
    (it is still shown), and the person's click on it (messageClicked, as Qt emits it)."""

    def __init__(self, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
        self.icon = window.tray.icon
        self.messages: list[tuple[str, str, QSystemTrayIcon.MessageIcon]] = []
        real = self.icon.showMessage

        def show_message(title: str, text: str, kind: Any = None, ms: int = 10_000) -> None:
            self.messages.append((title, text, kind))
            real(title, text, kind, ms)

        monkeypatch.setattr(self.icon, "showMessage", show_message)

    @property
    def texts(self) -> list[str]:
        return [text for _title, text, _kind in self.messages]

    def click(self) -> None:
        self.icon.messageClicked.emit()


@pytest.fixture
def with_tray(monkeypatch: pytest.MonkeyPatch) -> None:
    """A desktop with a system tray: Qt's answer, and only that, is patched."""
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))


@pytest.fixture
def tray_app(
    qtbot, with_tray: None, open_window: Callable[..., Built], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MainWindow, Any, Any, Shown]]:
    """The window on the demo data, with its icon in a tray; quit for good at the end."""
    window, engine, bridge = open_window(demo=True)
    assert window.tray.icon.isVisible()
    yield window, engine, bridge, Shown(window, monkeypatch)
    engine.stop()
    window.quit_program()


def menu_texts(window: MainWindow) -> list[str]:
    return [a.text() for a in window.tray.menu.actions() if not a.isSeparator()]


def run_from_the_tray(qtbot, window: MainWindow, bridge, process: str) -> RunRecord:
    """Choose Run … now in the tray menu and wait for the run's record."""
    text = f"Run {processes.SHORT_NAMES[process]} now"
    (action,) = [a for a in window.tray.menu.actions() if a.text() == text]
    with qtbot.waitSignal(bridge.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        action.trigger()
    settle()
    found = finished.args[0]
    assert isinstance(found, RunRecord)
    return found


def test_the_tray_menu_and_closing_hides_the_window_while_runs_go_on(qtbot, tray_app):
    window, engine, bridge, shown = tray_app
    assert menu_texts(window) == ["Open", "Run Primary now", "Run Secondary now", "Pause schedules", "Quit"]
    assert window.tray.pause_action.isCheckable()
    tooltip = window.tray.icon.toolTip()
    assert tooltip.startswith(f"Backorder Desktop — {window.target}\nScheduler: ")
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    engine.start()
    qtbot.waitUntil(lambda: window.scheduler_state.text() == "Scheduler: running", timeout=20_000)
    assert "Scheduler: running" in window.tray.icon.toolTip()

    window.close()
    assert not window.isVisible(), "closing hides the window in the tray"
    assert closed == [], "the program did not end"
    assert engine.is_on() and window.watcher.timer.isActive(), "the scheduler and the look go on"
    assert shown.messages == [(TITLE, STILL_RUNNING, QSystemTrayIcon.MessageIcon.Information)]
    assert STILL_RUNNING.startswith("Backorder Desktop is still running here and runs the schedules.")

    # A run from the tray's menu while the window is hidden: it runs, and notifies.
    made = run_from_the_tray(qtbot, window, bridge, processes.PRIMARY)
    assert (made.trigger, made.outcome) == ("manual", "ok") and made.shipments > 1
    assert shown.texts[1:] == [
        f"7792 Primary: {made.shipments} new shipments ({made.units:,} units) ready to pick"
    ]
    assert not window.isVisible()

    # Open shows it again; closing again hides it without the message a second time.
    (open_action,) = [a for a in window.tray.menu.actions() if a.text() == "Open"]
    open_action.trigger()
    qtbot.waitExposed(window)
    assert window.isVisible()
    window.close()
    assert not window.isVisible() and len(shown.messages) == 2, "the message is shown once"
    assert main_window.settings().value(main_window.TOLD_STILL_RUNNING, type=bool) is True

    # Quit in the tray's menu ends the program: the window closes for good, the scheduler stops.
    (quit_action,) = [a for a in window.tray.menu.actions() if a.text() == "Quit"]
    quit_action.trigger()
    assert closed == [True]
    assert not engine.is_on() and not window.tray.icon.isVisible()
    assert not window.watcher.timer.isActive()


def test_a_scheduled_run_goes_on_in_the_tray_and_pause_holds_it_but_not_run_now(
    qtbot, with_tray: None, open_window: Callable[..., Built], monkeypatch: pytest.MonkeyPatch
):
    # A schedule of every minute; the window's clock stands 10 s before its next slot, and is moved
    # by hand less than the engine's clock-jump threshold at a time (so no catch-up steps in).
    moment = [clock.utc_now()]
    monkeypatch.setattr(clock, "utc_now", lambda: moment[0])
    window, engine, bridge = open_window(demo=True)
    shown = Shown(window, monkeypatch)
    saved = schedules.save(
        processes.PRIMARY_CODE, enabled=True, every=1, unit="minutes", days=EVERY_DAY,
        start=datetime.min.time(), end=datetime.max.time().replace(second=0, microsecond=0),
    )  # fmt: skip
    slot = planning.next_run(saved.rule, moment[0], clock.local_zone())
    assert slot is not None

    def move_clock(to: datetime) -> None:
        moment[0] = to.astimezone(UTC)
        qtbot.waitUntil(lambda: engine._last_tick == moment[0], timeout=20_000)  # the engine ticked

    moment[0] = slot.astimezone(UTC) - timedelta(seconds=10)
    started: list[tuple[str, str]] = []
    bridge.run_started.connect(lambda process, trigger: started.append((process, trigger)))
    engine.start()
    qtbot.waitUntil(lambda: window.scheduler_state.text() == "Scheduler: running", timeout=20_000)
    window.close()
    assert not window.isVisible()

    # Paused from the tray: shown in the status bar, the tooltip and the Tools menu.
    window.tray.pause_action.trigger()
    assert window.scheduler_state.text() == "Scheduler: paused by you"
    assert "\nScheduler: paused by you" in window.tray.icon.toolTip()
    assert window.pause_action.isChecked() and window.pause_action.text() == "&Pause schedules"
    move_clock(slot + timedelta(seconds=1))  # the slot comes due, and is passed over:
    # the tick that read the clock then plans the slot after it (run_all, after _last_tick is set)
    qtbot.waitUntil(lambda: engine.next_runs()["primary"] == slot + timedelta(minutes=1), timeout=20_000)
    settle()
    assert started == [], "no run for a slot due while paused"

    # Run now still runs while paused.
    made = run_from_the_tray(qtbot, window, bridge, processes.PRIMARY)
    assert started == [("primary", "manual")] and made.outcome == "ok"
    assert shown.texts[-1] == (
        f"7792 Primary: {made.shipments} new shipments ({made.units:,} units) ready to pick"
    )

    # Resumed (from the Tools menu this time): the next slot runs, with the window still hidden.
    window.pause_action.trigger()
    assert not window.tray.pause_action.isChecked()
    assert window.scheduler_state.text() == "Scheduler: running"
    assert "\nScheduler: running" in window.tray.icon.toolTip()
    move_clock(slot + timedelta(seconds=31))
    with qtbot.waitSignal(bridge.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        moment[0] = (slot + timedelta(minutes=1, seconds=1)).astimezone(UTC)
    assert started[-1] == ("primary", "schedule") and not window.isVisible()
    scheduled = finished.args[0]
    assert scheduled.outcome == "ok" and scheduled.shipments == 0, "nothing new came in since Run now"
    settle()
    assert len(shown.messages) == 2, "a run that created nothing does not notify"
    engine.stop()
    window.quit_program()


def test_clicking_the_notification_shows_exactly_that_runs_shipments(qtbot, tray_app):
    window, _engine, bridge, shown = tray_app
    window.close()
    first = run_from_the_tray(qtbot, window, bridge, processes.PRIMARY)
    inventory.adjust([inventory.AdjustmentInput("NW-014", 12, "count correction")])
    second = run_from_the_tray(qtbot, window, bridge, processes.SECONDARY)
    assert first.shipments > 0 and second.shipments > 0
    assert shown.texts[-1] == (
        f"8050 Secondary: {counted(second.shipments, 'new shipment', 'new shipments')}"
        f" ({counted(second.units, 'unit', 'units')}) ready to pick"
    )

    shown.click()
    settle()
    qtbot.waitExposed(window)
    tab = window.shipments
    assert window.isVisible() and window.tabs.currentWidget() is tab
    assert tab.run_shown.isVisible() and tab.run_shown.text() == f"Run {second.id}"
    assert tab.count.text() == f"{second.shipments} shipments shown"
    model = tab.view.model()
    by = model.listing.index_of("created_by")
    rows = [str(model.data(model.index(r, by))) for r in range(model.rowCount())]
    assert rows == ["Secondary Backorder Process"] * second.shipments, "that run's, and only those"
    assert tab.status.currentText() == "All" and tab.created_by.currentText() == "Anyone"

    click(qtbot, tab.all_runs)
    settle()
    assert not tab.run_shown.isVisible()
    assert model.rowCount() > first.shipments + second.shipments


def test_a_failed_run_notifies_and_its_notification_opens_the_run_log(
    qtbot, tray_app, monkeypatch: pytest.MonkeyPatch
):
    window, _engine, bridge, shown = tray_app
    window.close()
    # The run's child process is killed inside its transaction (the kill tests' seam): it fails.
    monkeypatch.setenv("BACKORDER_TEST_KILL_AFTER_ROWS", "1")
    failed = run_from_the_tray(qtbot, window, bridge, processes.PRIMARY)
    assert failed.outcome == "failed" and failed.id > 0
    _title, text, kind = shown.messages[-1]
    assert text.startswith("7792 Primary failed: the run stopped before it finished")
    assert text.endswith("nothing of it was kept; see the Run Log")
    assert kind == QSystemTrayIcon.MessageIcon.Critical
    shown.click()
    settle()
    assert window.isVisible() and window.tabs.currentWidget() is window.run_log


def test_a_slot_another_program_ran_does_not_notify(qtbot, tray_app):
    """The window's run of a slot finds, in its own transaction, that another program of the team
    has run it (outcome `taken`, nothing recorded here): no notification."""
    window, engine, bridge, shown = tray_app
    window.close()
    slot = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
    inside, release = threading.Event(), threading.Event()

    def held(_progress: Progress) -> None:
        inside.set()
        assert release.wait(RUN_TIMEOUT_MS / 1000)

    def other_program() -> None:
        try:
            allocation.run_process("primary", "schedule", slot=slot, progress=held)
        finally:
            database.close()

    other = threading.Thread(target=other_program)
    other.start()
    try:
        assert inside.wait(RUN_TIMEOUT_MS / 1000), "the other program's run did not start"
        with qtbot.waitSignal(bridge.run_started, timeout=RUN_TIMEOUT_MS):
            assert engine.start_run("primary", "schedule", slot) is not None
        # Past its check before starting: the slot is not taken yet, the run waits for the lock.
        with qtbot.waitSignal(bridge.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
            release.set()
    finally:
        release.set()
        other.join(RUN_TIMEOUT_MS / 1000)
    settle()
    assert finished.args[0].outcome == "taken"
    assert window.statusBar().currentMessage() == (
        "Primary Backorder Process: another program of the team ran this slot."
    )
    assert shown.messages == [(TITLE, STILL_RUNNING, QSystemTrayIcon.MessageIcon.Information)]


def test_turning_the_tray_off_makes_closing_end_the_program(qtbot, with_tray: None, open_window):
    window, _engine, _bridge = open_window()
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    keep = window.keep_running_action
    assert keep.text() == "&Keep running in the tray when the window closes" and keep.isChecked()
    keep.trigger()
    assert window.statusBar().currentMessage() == "Closing the window ends the program (and its schedules)."
    window.close()
    assert closed == [True] and not window.isVisible(), "no schedule on: closed without asking"
    again, _engine, _bridge = open_window()
    assert not again.keep_running_action.isChecked(), "remembered on this workstation"


def test_at_the_end_of_the_session_closing_ends_the_program_without_hiding_or_asking(
    qtbot, with_tray: None, open_window
):
    """Logging out: Qt closes every window (a close refused would cancel the logout)."""
    window, engine, _bridge = open_window(demo=True)
    schedules_on(qtbot, window, engine)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.session_ending()  # what QApplication.commitDataRequest calls (ui/app.py)
    window.close()
    assert message_boxes() == [] and closed == [True] and not engine.is_on()


# --- no tray: closing asks first ----------------------------------------------------------------


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


class Answerer:
    """Answers the next question box with BUTTON, clicking it as a person does, and keeps its text."""

    def __init__(self, button: QMessageBox.StandardButton) -> None:
        self.button = button
        self.asked: list[str] = []
        self.titles: list[str] = []
        QTimer.singleShot(0, self._look)

    def _look(self) -> None:
        boxes = message_boxes()
        if not boxes:
            QTimer.singleShot(20, self._look)
            return
        self.titles.append(boxes[0].windowTitle())
        self.asked.append(boxes[0].text())
        boxes[0].button(self.button).click()


def schedules_on(qtbot, window: MainWindow, engine) -> None:
    schedules.save(processes.PRIMARY_CODE, enabled=True)
    engine.start()
    qtbot.waitUntil(lambda: window.scheduler_state.text() == "Scheduler: running", timeout=20_000)
    assert window.schedule_setup.timetable.schedules[0].rule.enabled


def test_without_a_tray_closing_with_a_schedule_on_asks_first(qtbot, open_window):
    window, engine, _bridge = open_window(demo=True)
    assert not QSystemTrayIcon.isSystemTrayAvailable(), "the offscreen platform has no tray"
    assert not window.tray.icon.isVisible()
    schedules_on(qtbot, window, engine)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))

    no = Answerer(No)
    window.close()
    qtbot.waitUntil(lambda: bool(no.asked) and not message_boxes(), timeout=10_000)
    assert no.titles == ["Close Backorder Desktop"]
    assert no.asked == [
        "Schedules are on, and they run only while Backorder Desktop is open (this desktop has no"
        " system tray to keep it running in).\n\nClose anyway? No scheduled run happens here until"
        " the program is started again."
    ]
    assert window.isVisible() and closed == [] and engine.is_on(), "No: it stays open, schedules on"
    assert window.statusBar().currentMessage() == "The window stays open, and the schedules keep running."

    yes = Answerer(Yes)
    window.close()
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
    assert len(yes.asked) == 1
    assert not window.isVisible() and closed == [True]
    assert not engine.is_on(), "Yes: it closes, and the schedules stop"


def test_without_a_tray_closing_with_the_schedules_off_does_not_ask(qtbot, open_window):
    window, engine, _bridge = open_window(demo=True)
    engine.start()
    qtbot.waitUntil(lambda: window.scheduler_state.text() == "Scheduler: running", timeout=20_000)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.close()
    assert message_boxes() == [] and closed == [True] and not window.isVisible(), "closed at once"


# --- quitting while a run is in progress --------------------------------------------------------


def waiting_dialogs() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


def quit_during_a_run(qtbot, window: MainWindow, bridge, monkeypatch: pytest.MonkeyPatch) -> QProgressDialog:
    """Start a Primary run held 3 s inside its transaction, then choose Quit in the tray."""
    monkeypatch.setenv(allocation.TEST_PAUSE, "3")
    with qtbot.waitSignal(bridge.run_started, timeout=RUN_TIMEOUT_MS):
        (run,) = [a for a in window.tray.menu.actions() if a.text() == "Run Primary now"]
        run.trigger()
    (quit_action,) = [a for a in window.tray.menu.actions() if a.text() == "Quit"]
    quit_action.trigger()
    (dialog,) = waiting_dialogs()
    return dialog


def test_quitting_while_a_run_is_in_progress_waits_for_it_then_quits(
    qtbot, tray_app, monkeypatch: pytest.MonkeyPatch
):
    window, engine, bridge, _shown = tray_app
    engine.start()
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    finished: list[RunRecord] = []
    bridge.run_finished.connect(finished.append)
    dialog = quit_during_a_run(qtbot, window, bridge, monkeypatch)
    assert dialog.labelText() == "Waiting for 7792 Primary to finish…"
    assert dialog.windowTitle() == "Quit Backorder Desktop"
    assert [b.text() for b in dialog.findChildren(QPushButton)] == ["Cancel"]
    assert closed == [] and window.isVisible(), "not before the run has finished"
    assert window.statusBar().currentMessage() == "Quitting once 7792 Primary has finished…"

    with qtbot.waitSignal(window.closed, timeout=RUN_TIMEOUT_MS):
        pass
    assert [r.outcome for r in finished] == ["ok"], "the run finished whole"
    assert closed == [True] and not window.isVisible() and not engine.is_on()
    assert waiting_dialogs() == []


def test_cancel_while_waiting_for_the_run_cancels_the_quit(qtbot, tray_app, monkeypatch: pytest.MonkeyPatch):
    window, engine, bridge, _shown = tray_app
    engine.start()
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    dialog = quit_during_a_run(qtbot, window, bridge, monkeypatch)
    (cancel,) = dialog.findChildren(QPushButton)
    click(qtbot, cancel)
    assert waiting_dialogs() == []
    assert window.statusBar().currentMessage() == "Quit cancelled: the program keeps running."

    with qtbot.waitSignal(bridge.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        pass
    settle()
    assert finished.args[0].outcome == "ok"
    assert closed == [] and window.isVisible() and engine.is_on(), "the program goes on"
    assert not engine.paused_by_user, "the schedules were held only while waiting to quit"


def test_quitting_waits_too_for_a_run_that_waits_its_turn(qtbot, tray_app, monkeypatch: pytest.MonkeyPatch):
    # Run Secondary now while the Primary runs: it waits for the Primary's turn to end. Quit
    # waits for both, and the program ends only once the Secondary has finished too.
    window, engine, bridge, _shown = tray_app
    engine.start()
    started: list[str] = []
    bridge.run_started.connect(lambda process, _trigger: started.append(process))
    finished: list[RunRecord] = []
    bridge.run_finished.connect(finished.append)
    running_when_closed: list[bool] = []
    window.closed.connect(lambda: running_when_closed.append(engine.running()))
    monkeypatch.setenv(allocation.TEST_PAUSE, "2")
    with qtbot.waitSignal(bridge.run_started, timeout=RUN_TIMEOUT_MS):
        window.run_now(processes.PRIMARY)
    window.run_now(processes.SECONDARY)  # its turn comes after the Primary's
    window.quit_program()
    (dialog,) = waiting_dialogs()
    assert dialog.labelText() == "Waiting for 7792 Primary to finish…"
    qtbot.waitUntil(lambda: "8050 Secondary" in dialog.labelText(), timeout=RUN_TIMEOUT_MS)
    assert window.isVisible(), "still waiting: the Secondary runs now"
    with qtbot.waitSignal(window.closed, timeout=RUN_TIMEOUT_MS):
        pass
    assert started == ["primary", "secondary"]
    assert [(r.process, r.outcome) for r in finished] == [("primary", "ok"), ("secondary", "ok")]
    assert running_when_closed == [False], "no run left behind when the program ends"


# --- start at login -----------------------------------------------------------------------------


def test_start_at_login_writes_and_removes_the_autostart_entry(
    qtbot, window, window_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    action = window.start_at_login_action
    assert action.text() == "Start at &login" and action.isVisible() and not action.isChecked()

    action.trigger()
    entry = config / "autostart" / "backorder-desktop.desktop"
    assert action.isChecked()
    program = Path(sys.executable).parent / "backorder-desktop"
    assert entry.read_text(encoding="utf-8") == (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Backorder Desktop\n"
        "Comment=Fills waiting backorders from returning stock, on the schedules you set\n"
        f"Exec={program} --db {window_db}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert window.statusBar().currentMessage() == (
        f"Backorder Desktop starts at login on {window_db} ({entry})."
    )

    action.trigger()
    assert not entry.exists() and not action.isChecked()
    assert window.statusBar().currentMessage() == "Backorder Desktop no longer starts at login."


def test_the_autostart_entry_quotes_its_command_and_never_holds_a_password(tmp_path: Path) -> None:
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    url = "postgresql://clerk:s3cr%40t@db.example:5432/backorders?password=again&sslmode=require"
    path = autostart.turn_on(url, "/home/x/backorders.sqlite3", environ)
    text = path.read_text(encoding="utf-8")
    assert "s3cr" not in text and "again" not in text
    assert "--db postgresql://clerk@db.example:5432/backorders?sslmode=require\n" in text.replace('"', "")
    assert autostart.password_left_out(url) and not autostart.password_left_out("/data/b.sqlite3")
    # The default database needs no --db.
    assert autostart.command("/d.sqlite3", "/d.sqlite3") == autostart.program()
    # Quoted as the Desktop Entry Specification asks: reserved characters, %, and backslashes.
    assert autostart.exec_argument("/srv/my data/b.sqlite3") == '"/srv/my data/b.sqlite3"'
    assert autostart.exec_argument("/srv/$HOME/50%.db") == '"/srv/\\\\$HOME/50%%.db"'
    assert autostart.exec_argument("plain") == "plain"
    with pytest.raises(ValueError):
        autostart.exec_argument("two\nlines")
    # Relative XDG_CONFIG_HOME is ignored, as the XDG specification says.
    assert autostart.folder({"XDG_CONFIG_HOME": "relative"}) == Path.home() / ".config" / "autostart"
    autostart.turn_off(environ)
    assert not path.exists()
    autostart.turn_off(environ)  # already off: nothing to do


# --- opening another database -------------------------------------------------------------------


def test_another_database_opened_shows_every_run_and_the_tray_waits_while_it_opens(
    qtbot, tray_app, tmp_path: Path
):
    window, _engine, bridge, shown = tray_app
    window.close()
    run_from_the_tray(qtbot, window, bridge, processes.PRIMARY)
    shown.click()
    settle()
    assert window.shipments.run_shown.text() == "Run 1" and window.shipments.run_id == 1

    window.switch_database(str(tmp_path / "other.sqlite3"), create=True)
    run_actions = [*window.tray.run_actions.values(), window.tray.pause_action]
    assert not any(action.isEnabled() for action in run_actions), "no Run now into the engine being stopped"
    window.run_now(processes.SECONDARY)
    assert window.statusBar().currentMessage() == "Still opening another database; run it again in a moment."
    qtbot.waitUntil(lambda: not window._switching, timeout=30_000)
    settle()
    assert all(action.isEnabled() for action in run_actions)
    assert window.shipments.run_id is None and not window.shipments.run_shown.isVisible()
    assert window.tray.shown is None, "an old notification's run is of the other database"


def test_the_autostart_entry_names_a_relative_database_file_absolutely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At login the program starts in the home folder, not where the person started it.
    monkeypatch.chdir(tmp_path)
    args = autostart.command("shop.sqlite3", "/home/x/backorders.sqlite3")
    assert args[-2:] == ["--db", str(tmp_path.resolve() / "shop.sqlite3")]


def test_start_at_login_follows_the_database_opened_last(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    window.start_at_login_action.trigger()
    other = tmp_path / "other.sqlite3"
    window.switch_database(str(other), create=True)
    qtbot.waitUntil(lambda: not window._switching, timeout=30_000)
    entry = config / "autostart" / "backorder-desktop.desktop"
    assert f" --db {other}\n" in entry.read_text(encoding="utf-8")
    assert window.start_at_login_action.isChecked()
    assert window.statusBar().currentMessage() == f"Backorder Desktop starts at login on {other} ({entry})."
