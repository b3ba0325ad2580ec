"""The main window: a tab per screen, menus, shortcuts, and a status bar that follows the scheduler."""

from __future__ import annotations

import html
import logging
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSignalBlocker, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QTabWidget,
    QWidget,
)

from backorder_desktop import __version__
from backorder_desktop.domain import browse, processes, slots
from backorder_desktop.domain.allocation import Progress, RunRecord
from backorder_desktop.domain.errors import BadInput
from backorder_desktop.files import exports, imports
from backorder_desktop.paths import data_dir, default_database
from backorder_desktop.scheduling.bridge import EngineBridge
from backorder_desktop.scheduling.engine import Engine
from backorder_desktop.scheduling.isolated import isolated_runner
from backorder_desktop.store.database import NoDatabase
from backorder_desktop.store.urls import shown
from backorder_desktop.ui import autostart, rights
from backorder_desktop.ui.activity_tab import ActivityTab
from backorder_desktop.ui.backorders_tab import BackordersTab
from backorder_desktop.ui.errors import ErrorReporter, describe
from backorder_desktop.ui.format import counted, when
from backorder_desktop.ui.inventory_tab import InventoryTab
from backorder_desktop.ui.order_entry_tab import OrderEntryTab
from backorder_desktop.ui.orders_tab import OrdersTab
from backorder_desktop.ui.run_log_tab import RunLogTab
from backorder_desktop.ui.schedule_tab import ScheduleTab
from backorder_desktop.ui.server_dialog import ask_server
from backorder_desktop.ui.shipments_tab import ShipmentsTab
from backorder_desktop.ui.table_model import ListingModel
from backorder_desktop.ui.tray import STILL_RUNNING, Notice, Tray, app_icon, notice, process_title
from backorder_desktop.ui.watcher import ChangeWatcher
from backorder_desktop.ui.widgets import StatusBar, named, tell
from backorder_desktop.ui.workers import in_background

log = logging.getLogger(__name__)


# How long opening another database waits for a run in progress to end.
SWITCH_WAIT_SECONDS = 600.0
FIRST_SIZE = QSize(1180, 720)
FRAME_ROOM = QSize(0, 40)  # a title bar that the window manager adds above the window
DATABASE_FILES = "SQLite database (*.sqlite3 *.db);;All (*)"
# The window's settings of this workstation (window.ini), not of the database.
KEEP_RUNNING = "tray/keep_running"  # closing the window hides it in the tray (default: yes)
WAIT_LOOK_MS = 100  # quitting, waiting for the runs: how often to look whether they are done
TOLD_STILL_RUNNING = "tray/told_still_running"  # the one-time "still running" message was shown
PAUSED_BY_YOU = "Scheduler: paused by you"


def make_engine(target: str, bridge: EngineBridge, tz: tzinfo | None = None) -> Engine:
    """The window's scheduler on TARGET: runs go to a child process, so the window never waits
    on them; its events reach the window through BRIDGE."""
    return Engine(listener=bridge.listener(), tz=tz, run=isolated_runner(target))


def settings() -> QSettings:
    """The window's own settings (geometry, what was last seen), beside the data."""
    return QSettings(str(data_dir() / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    # The window closed for good (not hidden in the tray): the program ends (ui/app.py quits).
    closed = Signal()

    def __init__(self, target: str, engine: Engine, bridge: EngineBridge, reporter: ErrorReporter) -> None:
        super().__init__()
        self.target = target
        self.engine = engine
        self.bridge = bridge
        self.reporter = reporter
        reporter.parent = self
        self.setWindowTitle(f"Backorder Desktop — {shown(target)}")
        self.setWindowIcon(app_icon())
        self.order_entry = OrderEntryTab()
        self.schedule_setup = ScheduleTab()
        self.shipments = ShipmentsTab()
        self.orders = OrdersTab()
        self.backorders = BackordersTab()
        self.inventory = InventoryTab()
        self.run_log = RunLogTab()
        self.activity = ActivityTab()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Screens")
        titled: tuple[tuple[QWidget, str], ...] = (
            (self.order_entry, "Order Entry"),
            (self.schedule_setup, "Schedule Setup"),
            (self.shipments, "Shipments"),
            (self.orders, "Orders"),
            (self.backorders, "Backorders"),
            (self.inventory, "Inventory"),
            (self.run_log, "Run Log"),
            (self.activity, "Activity"),
        )
        for tab, title in titled:
            self.tabs.addTab(tab, title)
        self.screens = tuple(tab for tab, _title in titled)  # in the order of the tab bar
        self.setCentralWidget(self.tabs)
        self._previous_tab: QWidget | None = self.order_entry
        # Screens whose rows may be out of date: read again when they are next shown.
        self._stale: set[QWidget] = set()
        self._running: set[str] = set()  # processes this program's scheduler is running
        self._paused_reason: str | None = None  # the engine's own pause (back order management off)
        self._scheduler_heard = False  # the engine has said how it stands
        self._quitting = False  # the person chose to quit: closing no longer hides in the tray
        self._waiting: QProgressDialog | None = None  # quitting, waiting for a run in progress
        self._asking: QMessageBox | None = None  # closing would stop the schedules: asked first
        self.rights: rights.Rights | None = None  # who works here and what they may do, once asked
        self._rights_asked = 0  # an answer to an earlier question (another database) is ignored
        self.tray = Tray(self)
        self._build_status_bar()
        self._build_menus()
        # Tab moves between controls; in a table the arrow keys move between cells.
        for view in self.findChildren(QAbstractItemView):
            view.setTabKeyNavigation(False)
        self._connect()
        self._restore()
        self.load_all()
        if self.tray.available():
            self.tray.show()
        self._update_tooltip()

    # -- construction -----------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = StatusBar()
        self.setStatusBar(bar)
        self.scheduler_state = named(QLabel("Scheduler: starting"), "Scheduler state")
        self.next_runs = named(QLabel(""), "Next runs")
        self.progress = named(QProgressBar(), "Run progress")
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.next_runs)
        bar.addPermanentWidget(self.scheduler_state)

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open database…", self.open_database, QKeySequence.StandardKey.Open)
        self._action(file_menu, "New &order…", self.new_order, QKeySequence.StandardKey.New)
        self._action(file_menu, "&New database…", self.new_database, QKeySequence("Ctrl+Shift+N"))
        import_menu = file_menu.addMenu("&Import CSV")
        for kind in imports.KINDS:
            self._action(import_menu, f"{kind.capitalize()}…", lambda _c=False, k=kind: self.import_csv(k))
        export_menu = file_menu.addMenu("&Export")
        for kind in exports.KINDS:
            self._action(export_menu, f"{kind.capitalize()} (CSV)…", lambda _c=False, k=kind: self.export(k))
        file_menu.addSeparator()
        self.keep_running_action = self._action(
            file_menu, "&Keep running in the tray when the window closes", self._keep_running_toggled
        )
        self.keep_running_action.setCheckable(True)
        self.keep_running_action.setChecked(bool(settings().value(KEEP_RUNNING, True, type=bool)))
        self.start_at_login_action = self._action(file_menu, "Start at &login", self._start_at_login_toggled)
        self.start_at_login_action.setCheckable(True)
        self.start_at_login_action.setVisible(autostart.supported())
        file_menu.aboutToShow.connect(self._show_start_at_login)
        self._show_start_at_login()
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.quit_program, QKeySequence.StandardKey.Quit)
        view_menu = bar.addMenu("&View")
        self._action(view_menu, "&Refresh", self.refresh_now, QKeySequence(Qt.Key.Key_F5))
        tools = bar.addMenu("&Tools")
        self._action(tools, "Run &Primary now", lambda: self.run_now(processes.PRIMARY))
        self._action(tools, "Run &Secondary now", lambda: self.run_now(processes.SECONDARY))
        self.pause_action = self._action(tools, "&Pause schedules", self.pause_schedules)
        self.pause_action.setCheckable(True)
        self._action(tools, "&Check database", self.check_database)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About", self.about)
        for number, screen in enumerate(self.screens, start=1):
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda s=screen: self.tabs.setCurrentWidget(s))
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)

    def _connect(self) -> None:
        self.tabs.currentChanged.connect(self._tab_changed)
        self.order_entry.saved.connect(self._preferences_saved)
        self.order_entry.failed.connect(self.show_error)
        self.order_entry.refused.connect(self._refused)
        self.schedule_setup.saved.connect(self._schedule_saved)
        self.schedule_setup.refused.connect(self._refused)
        self.schedule_setup.run_now_requested.connect(self.run_now)
        self.schedule_setup.timetable_read.connect(self.show_next_runs)
        for tab in (self.shipments, self.orders, self.inventory):
            tab.message.connect(self.say)
            tab.changed.connect(self.stock_changed)
        self.orders.changed.connect(self.refresh_now)  # its shipments, on the Shipments tab
        self.shipments.failed.connect(self.show_error)
        self.orders.failed.connect(self.show_error)
        self.backorders.failed.connect(self.show_error)
        self.bridge.run_started.connect(self._run_started)
        self.bridge.progress.connect(self._run_progress)
        self.bridge.run_finished.connect(self._run_finished)
        self.bridge.schedules_changed.connect(self._schedules_changed)
        self.bridge.paused.connect(self._engine_paused)
        self.bridge.resumed.connect(self._engine_resumed)
        self.tray.open_requested.connect(self.open_from_tray)
        self.tray.run_requested.connect(self.run_now)
        self.tray.pause_toggled.connect(self.pause_schedules)
        self.tray.quit_requested.connect(self.quit_program)
        self.tray.notice_clicked.connect(self.open_notice)
        self._switching = False  # File › Open is opening another database
        # What other programs write, and a database file deleted or moved under the window, are
        # noticed by one look every two seconds, off the window's thread.
        self.watcher = ChangeWatcher(self.target, self)
        self.watcher.changed.connect(self.refresh_shown)
        self.watcher.lost.connect(self._database_file_lost)
        self.watcher.looked.connect(self.show_next_runs)
        self.file_watch: QTimer = self.watcher.timer
        self.watcher.start()

    def _restore(self) -> None:
        saved = settings()
        geometry = saved.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            # The first start: a comfortable size, but never more than the screen has room for
            # (a 1024x700 laptop would otherwise lose the status bar and the right edge).
            room = self.screen().availableGeometry().size() - FRAME_ROOM
            self.resize(FIRST_SIZE.boundedTo(room))
        self._load_seen()

    def _load_seen(self) -> None:
        """The newest shipment the person saw on the Shipments tab of this database."""
        seen = settings().value(self._seen_key())
        self.shipments.seen_id = int(seen) if seen is not None else browse.newest_shipment_id()

    # -- loading ----------------------------------------------------------------------------

    def load_all(self) -> None:
        """Read what the window shows (at the start, after an import, another database opened):
        the preferences and the schedules (small, and the status bar's next runs come from
        them), and, off the window's thread, the screen in view; the other screens are read when
        they are first shown."""
        self.watcher.mark_read()  # whatever is written from now on shows at the next look
        self.order_entry.load()
        self.schedule_setup.load()
        current = self.tabs.currentWidget()
        forms = (self.order_entry, self.schedule_setup)
        self._stale = {screen for screen in self.screens if screen is not current and screen not in forms}
        if current not in forms:
            self._reload(current)
        self._count_new()
        self.ask_rights()

    def refresh_now(self) -> None:
        """View › Refresh (F5): show at once what the database holds."""
        self.watcher.look(asked=True)

    def refresh_shown(self) -> None:
        """Something was written (by any program): read again, off the window's thread, the screen
        in view, the Shipments tab's count of new ones and the schedules; the other screens are
        read when they are next shown."""
        current = self.tabs.currentWidget()
        self._stale = {screen for screen in self.screens if screen is not current}
        if self.isVisible():
            self._reload(current)
        else:  # hidden (in the tray): read when it is shown again
            self._stale.add(current)
        if current is not self.schedule_setup:
            self.schedule_setup.reload()  # the next runs in the status bar come from there
        self._count_new()
        self.ask_rights()

    def _reload(self, screen: QWidget) -> None:
        self._stale.discard(screen)
        reload = getattr(screen, "reload", None)
        if reload is not None:
            reload()

    def stock_changed(self) -> None:
        """Stock figures moved (a ship, a void, a receipt…): the screens that show them are read
        again, off the window's thread, the one in view now and the others when next shown."""
        current = self.tabs.currentWidget()
        for screen in (self.backorders, self.inventory, self.orders):
            if screen is current and self.isVisible():
                self._reload(screen)
            else:
                self._stale.add(screen)
        self.logged()

    def logged(self) -> None:
        """This window wrote a change, and so a row of the activity log: the Activity tab reads
        it now if it is in view, else when it is next shown."""
        if self.tabs.currentWidget() is self.activity and self.isVisible():
            self.activity.reload()
        else:
            self._stale.add(self.activity)

    # -- rights -----------------------------------------------------------------------------

    def ask_rights(self) -> None:
        """Ask the database, off the window's thread, who works here and whether they may change
        the preferences and the schedules; the two tabs follow the answer."""
        self._rights_asked += 1
        asked = self._rights_asked

        def answer(found: rights.Rights) -> None:
            if asked == self._rights_asked:
                self._show_rights(found)

        def failed(error: BaseException, _report: str) -> None:
            # No news for the person: their next action says what is wrong, in plain words.
            log.info("could not ask the database what this person may do: %s", error)

        in_background(rights.ask, answer, failed)

    def _show_rights(self, found: rights.Rights) -> None:
        if found != self.rights:
            log.info("%s is %s", found.user, "an administrator" if found.administrator else "staff")
        self.rights = found
        self.order_entry.set_administrator(found.administrator, found.user)
        self.schedule_setup.set_administrator(found.administrator, found.user)

    def _refused(self, error: BaseException) -> None:
        """A change of the preferences or a schedule was refused for want of rights: say so, and
        ask again what this person may do (the tabs turn read-only)."""
        self.say(rights.refusal_text(error, self.target))
        self.ask_rights()

    def _count_new(self) -> None:
        """The Shipments tab's count of new ones, read off the window's thread."""
        seen = self.shipments.seen_id
        in_background(lambda: browse.new_shipments_since(seen), self._show_new_count)

    def _show_new_count(self, count: int) -> None:
        title = f"Shipments ({count} new)" if count else "Shipments"
        self.tabs.setTabText(self.tabs.indexOf(self.shipments), title)

    def _tab_changed(self, index: int) -> None:
        current = self.tabs.widget(index)
        previous, self._previous_tab = self._previous_tab, current
        if previous is self.order_entry and self.order_entry.has_unsaved_changes():
            answer = QMessageBox.question(
                self,
                "Unsaved changes",
                "Save the changes to the Order Entry preferences?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                self._previous_tab = self.order_entry
                with QSignalBlocker(self.tabs):  # going back is no new tab change to ask about
                    self.tabs.setCurrentWidget(self.order_entry)
                return
            if answer == QMessageBox.StandardButton.Save:
                self.order_entry.save()
            else:
                self.order_entry.cancel()
        if previous is self.shipments and current is not self.shipments:
            self.mark_shipments_seen()
        if current in self._stale:
            self._reload(current)

    def mark_shipments_seen(self) -> None:
        try:
            newest = browse.newest_shipment_id()
            self.shipments.mark_seen(newest)
            settings().setValue(self._seen_key(), newest)
            self._show_new_count(0)  # none is newer than the newest
        except Exception as error:
            if describe(error, self.target) is None:
                raise  # a bug
            # Leaving the tab, or closing the window, is no time to say that the database cannot
            # be read (rights taken away, a server gone): the person's next action says it.
            log.info("could not mark the shipments seen: %s", error)

    def _seen_key(self) -> str:
        # Keyed by the database as shown: a password is never stored.
        return f"seen/{shown(self.target)}"

    def new_order(self) -> None:
        """File › New order (Ctrl+N), from whichever tab is shown."""
        self.orders.new_order()

    def focus_search(self) -> None:
        search = getattr(self.tabs.currentWidget(), "search", None)
        if isinstance(search, QLineEdit):
            search.setFocus()
            search.selectAll()

    # -- scheduler --------------------------------------------------------------------------

    def _preferences_saved(self, values: Any) -> None:
        self.engine.reload()
        self.say("Order Entry preferences saved.")
        self.logged()

    def _schedule_saved(self, _code: int) -> None:
        self.engine.reload()
        self.logged()

    def run_now(self, process: str) -> None:
        if self._switching:
            self.say("Still opening another database; run it again in a moment.")
            return
        if self.engine.run_now(process) is None:
            self.say(f"The {processes.SHORT_NAMES[process]} process is already running.")

    def _run_started(self, process: str, trigger: str) -> None:
        self._running.add(process)
        if self._waiting is not None:  # quitting waits for a run that had to wait its turn
            self._waiting.setLabelText(f"Waiting for {process_title(process)} to finish…")
        self.show_next_runs()
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"{processes.SHORT_NAMES[process]}: starting")
        self.say(f"{processes.NAMES[process]} started ({trigger}).")

    def _run_progress(self, process: str, progress: Progress) -> None:
        self.progress.setRange(0, max(1, progress.lines_total))
        self.progress.setValue(progress.lines_done)
        self.progress.setFormat(f"{processes.SHORT_NAMES[process]}: {progress.units:,} units")
        if self._waiting is not None:
            self._waiting.setRange(0, max(1, progress.lines_total))
            self._waiting.setValue(min(progress.lines_done, max(1, progress.lines_total) - 1))

    def _run_finished(self, record: RunRecord) -> None:
        self._running.discard(record.process)
        self.progress.setVisible(False)
        name = processes.NAMES.get(record.process, record.process)
        if record.outcome == "failed":
            self.say(f"{name} failed: {record.error}")
        elif record.outcome == "skipped":
            self.say(f"{name} skipped: back order management is off.")
        elif record.outcome == slots.TAKEN:  # nothing recorded here: another program ran the slot
            self.say(f"{name}: {slots.TAKEN_REASON}.")
        else:
            made = counted(record.shipments, "shipment", "shipments")
            self.say(f"{name}: {made}, {counted(record.units, 'unit', 'units')} allocated.")
        found = notice(record)
        if found is not None and self.tray.is_there():
            log.info("tray notification: %s", found.text)
            self.tray.notify(found)
        self.show_next_runs()
        self.refresh_now()  # what the run wrote, read off the window's thread
        self._quit_once_no_run_is_left()

    def _quit_once_no_run_is_left(self) -> None:
        """While quitting waits: quit once no run is in progress or waiting its turn (a run's
        thread ends just after it reports, so a short timer looks again until it has)."""
        if self._waiting is None:
            return
        if self._running or self.engine.running():
            QTimer.singleShot(WAIT_LOOK_MS, self._quit_once_no_run_is_left)
            return
        self._quit_after_the_run()

    def _schedules_changed(self, _next_runs: dict[str, datetime | None]) -> None:
        """The scheduler read the schedules again (the next runs shown are the window's own)."""
        self._scheduler_heard = True
        self._show_scheduler_state()
        self.schedule_setup.load(keep_edits=True)

    def _engine_paused(self, reason: str) -> None:
        self._paused_reason = reason
        self._scheduler_heard = True
        self._show_scheduler_state()

    def _engine_resumed(self) -> None:
        self._paused_reason = None
        self._scheduler_heard = True
        self._show_scheduler_state()

    def pause_schedules(self, paused: bool) -> None:
        """Tools › Pause schedules, or the tray's: no scheduled run starts in this program until
        the person resumes them or starts the program again (Run now still runs)."""
        for action in (self.pause_action, self.tray.pause_action):
            with QSignalBlocker(action):
                action.setChecked(paused)
        self.engine.pause_schedules(paused)
        self._show_scheduler_state()
        self.say(
            "Schedules paused until you resume them or the program starts again; Run now still runs."
            if paused
            else "Schedules resumed."
        )

    def _show_scheduler_state(self) -> None:
        if self._paused_reason is not None:
            text = f"Scheduler: paused ({self._paused_reason})"
        elif self.pause_action.isChecked():
            text = PAUSED_BY_YOU
        else:
            text = "Scheduler: running" if self._scheduler_heard else "Scheduler: starting"
        self.scheduler_state.setText(text)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        """The tray icon's tooltip: the database, how the scheduler stands, the next runs."""
        lines = [f"Backorder Desktop — {shown(self.target)}", self.scheduler_state.text()]
        if self.next_runs.text():
            lines.append(self.next_runs.text())
        self.tray.set_tooltip("\n".join(lines))

    def show_next_runs(self) -> None:
        """The status bar's next runs, counted from now: the slot, or "running now" while this
        program or another runs one (as the schedules and the run records say)."""
        self.schedule_setup.running = frozenset(self._running)
        upcoming = self.schedule_setup.show_next_runs()
        parts = []
        for process in processes.PROCESSES:
            found = upcoming.get(process)
            text = "off" if found is None else "running now" if found.running else when(found.next_at, "off")
            parts.append(f"{processes.SHORT_NAMES[process]}: {text}")
        text = "Next runs — " + ", ".join(parts)
        if self.next_runs.text() != text:
            self.next_runs.setText(text)
            self._update_tooltip()

    # -- files ------------------------------------------------------------------------------

    def import_csv(self, kind: str) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, f"Import {kind}", "", "CSV (*.csv);;All files (*)")
        if name:
            self.import_file(kind, Path(name))

    def import_file(self, kind: str, path: Path) -> None:
        def done(summary: str) -> None:
            self.say(summary)
            self.load_all()

        def failed(error: BaseException, report: str) -> None:
            if isinstance(error, BadInput):
                problems = [str(p) for p in error.problems]
                title = f"Import {kind}: {path.name}"
                from backorder_desktop.ui.dialogs import ProblemsDialog

                ProblemsDialog(title, problems, self, more=error.more, source=error.source).open()
            else:
                self.show_error(error, report)

        self.say(f"Importing {path.name}…")
        in_background(lambda: imports.import_file(kind, path), done, failed, serial=True)

    def export(self, kind: str) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, f"Export {kind}", f"{kind}.csv", "CSV (*.csv)")
        if not name:
            return
        target = Path(name)
        in_background(
            lambda: exports.write_file(kind, target),
            lambda n: self.say(f"Exported {n:,} {kind} rows to {target}."),
            self.show_error,
        )

    def open_database(self) -> None:
        """File › Open database: an existing file or a server; a place with no database is
        only made one when the person says so."""
        choice, ok = QInputDialog.getItem(
            self, "Open database", "Open:", ["A SQLite file…", "A PostgreSQL server…"], 0, False
        )
        if not ok:
            return
        if choice.startswith("A SQLite"):
            target, _filter = QFileDialog.getOpenFileName(
                self, "Open a database", str(data_dir()), DATABASE_FILES
            )
        else:
            target = ask_server(self) or ""
        if target:
            self.switch_database(target)

    def new_database(self) -> None:
        """File › New database: a new empty SQLite file (an existing database of ours just opens)."""
        target, _filter = QFileDialog.getSaveFileName(
            self,
            "New database",
            str(data_dir() / "backorders.sqlite3"),
            DATABASE_FILES,
            options=QFileDialog.Option.DontConfirmOverwrite,  # nothing is overwritten: see open_database
        )
        if target:
            self.switch_database(target, create=True)

    def _offer_to_create(self, target: str) -> None:
        answer = QMessageBox.question(
            self,
            "No database",
            f"No database at {shown(target)}.\n\nCreate a new empty one?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.switch_database(target, create=True)
        else:
            self.say(f"Nothing was opened: no database at {shown(target)}.")

    def switch_database(self, target: str, create: bool = False) -> None:
        """Open TARGET in place of the open database, in the background; if TARGET cannot be
        opened, say why and go on with the open one. A database is made there only with CREATE;
        without, a place with no database asks the person first.

        Until it is done the window takes no input and asks the database nothing: a run in
        progress is waited for, reads under way finish first, an older file is upgraded.
        """
        if self._switching:
            self.say("Still opening the previous choice; try again in a moment.")
            return
        from backorder_desktop.store.schema import open_database

        previous, engine = self.target, self.engine
        self._switching = True
        self.watcher.stop()
        for part in (self.tabs, self.menuBar()):
            part.setEnabled(False)
        self.tray.set_busy(True)  # its Run now and Pause would go to the engine being stopped
        self.say(f"Opening {shown(target)}… (waiting for a run in progress, if any)")

        def switch() -> None:
            engine.stop(timeout=SWITCH_WAIT_SECONDS)
            QThreadPool.globalInstance().waitForDone(int(SWITCH_WAIT_SECONDS * 1000))
            try:
                open_database(target, create=create)
            except Exception:
                open_database(previous)
                raise

        def carry_on(error: BaseException | None = None, report: str = "") -> None:
            self._switching = False
            for part in (self.tabs, self.menuBar()):
                part.setEnabled(True)
            self.tray.set_busy(False)
            if error is None:
                self.target = target
                for screen in self.screens:  # the rows of the other database are not shown again
                    model = getattr(screen, "model", None)
                    if isinstance(model, ListingModel):
                        model.forget()
                self.shipments.show_all_runs()  # a run's number means nothing in another database
                self.tray.shown = None
                self.setWindowTitle(f"Backorder Desktop — {shown(target)}")
                self._update_tooltip()
                self._load_seen()
                self.say(f"Opened {shown(target)}.")
                if self.start_at_login_action.isChecked():  # the program starts on what was opened last
                    self._start_at_login_toggled(True)
                self._show_start_at_login()
            elif not isinstance(error, NoDatabase) or create:
                self.show_error(error, report)
            self.engine = make_engine(self.target, self.bridge, tz=engine.tz)
            self.engine.pause_schedules(self.pause_action.isChecked())  # paused until resumed
            self.engine.start()
            self.watcher.watch(self.target)
            self.load_all()
            self.watcher.start()
            if isinstance(error, NoDatabase) and not create:
                self._offer_to_create(target)

        in_background(switch, lambda _nothing: carry_on(), carry_on, serial=True)

    def _database_file_lost(self) -> None:
        """Say once, plainly, that the open database file was deleted or moved; stop the
        scheduler, whose runs could only fail (they never make a new file in its place)."""
        if self._switching:
            return
        log.warning("the database file %s was deleted or moved", self.target)
        engine = self.engine
        in_background(lambda: engine.stop(timeout=SWITCH_WAIT_SECONDS))
        self.scheduler_state.setText("Scheduler: stopped (the database file is gone)")
        self.say("The database file was deleted or moved; scheduled runs are stopped.")
        tell(
            self,
            "Backorder Desktop",
            f"The database file {self.target} was deleted or moved while the window was open.\n\n"
            "Nothing more can be saved to it and scheduled runs are stopped. Put it back and open it"
            " again with File › Open database…, or open another database.",
            problem=True,
        )

    # -- tools ------------------------------------------------------------------------------

    def check_database(self) -> None:
        from backorder_desktop.domain.check import CheckReport, check  # loaded when first asked for

        self.say("Checking the database…")

        def done(report: CheckReport) -> None:
            lines = [
                f"{report.products:,} products, {report.ledger_rows:,} ledger rows and"
                f" {report.order_lines:,} order lines checked."
            ]
            lines += [f"Violation: {v}" for v in report.violations[:30]]
            lines += [f"Warning: {w}" for w in report.warnings[:30]]
            verdict = (
                "Every invariant holds."
                if report.ok
                else f"{counted(len(report.violations), 'violation', 'violations')} found."
            )
            tell(self, "Check database", verdict + "\n\n" + "\n".join(lines), problem=not report.ok)
            self.say(verdict)

        in_background(check, done, self.show_error)

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About Backorder Desktop",
            f"<b>Backorder Desktop {__version__}</b><br>Fills waiting backorders from returning stock,"
            f" on the schedules you set.<br>Database: {html.escape(shown(self.target))}<br>"
            "Demo data: the Northwind sample database (MIT licence, Microsoft).",
        )

    # -- messages ---------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)
        log.info("status: %s", text)

    def show_error(self, error: BaseException, report: str) -> None:
        if rights.refused_for_rights(error):
            self._show_refusal(error)
            return
        plain = describe(error, self.target)
        if plain is not None:
            tell(self, "Backorder Desktop", plain, problem=True)
            self.say(plain.splitlines()[0])
        else:
            self.reporter.report(error, report or f"{type(error).__name__}: {error}")

    def _show_refusal(self, error: BaseException) -> None:
        """A write refused for want of rights (taken away while the window was open, say): the
        refusal in plain words, starting "permission denied", then who was refused where."""
        refusal = rights.refusal_text(error, self.target)
        user = f" as {self.rights.user}" if self.rights is not None else ""
        tell(
            self,
            "Backorder Desktop",
            f"{refusal}\n\nYou are signed in to {shown(self.target)}{user}.",
            problem=True,
        )
        self.say(refusal)
        self.ask_rights()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        current = self.tabs.currentWidget()
        if current in self._stale:
            self._reload(current)

    # -- the tray, closing and quitting ----------------------------------------------------

    def keeps_running_in_the_tray(self) -> bool:
        """Whether closing the window hides it in the tray (a tray is there, and the person has
        not turned it off)."""
        return self.keep_running_action.isChecked() and self.tray.is_there()

    def _keep_running_toggled(self, on: bool) -> None:
        saved = settings()
        saved.setValue(KEEP_RUNNING, on)
        saved.sync()
        if on and not self.tray.is_there():
            self.say("This desktop has no system tray: closing the window still ends the program.")
        else:
            self.say(
                "Closing the window keeps the program running in the tray."
                if on
                else "Closing the window ends the program (and its schedules)."
            )

    def open_from_tray(self) -> None:
        """Show the window (from the tray, or a notification), in front."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def open_notice(self, found: Notice | None) -> None:
        """A tray notification was clicked: the window, on the shipments the run created (or on
        the Run Log, for a failed run)."""
        self.open_from_tray()
        if found is None:
            return
        if found.run_id is not None:
            self.tabs.setCurrentWidget(self.shipments)
            self.shipments.show_run(found.run_id)
            self.say(f"The shipments of run {found.run_id}; Show all runs shows every run's again.")
        elif found.problem:
            self.tabs.setCurrentWidget(self.run_log)

    def hide_to_tray(self) -> None:
        """Hide the window in the tray; the schedules and the look at the database go on. The
        first time, the tray says so."""
        self._remember_window()
        self.hide()
        saved = settings()
        if not saved.value(TOLD_STILL_RUNNING, False, type=bool):
            self.tray.say(STILL_RUNNING)
            saved.setValue(TOLD_STILL_RUNNING, True)
            saved.sync()
        log.info("window hidden in the tray; the schedules keep running")

    def quit_program(self) -> None:
        """File › Quit, or the tray's: end the program (once a run in progress has finished)."""
        self._quitting = True
        if not self.close():
            self._quitting = self._waiting is not None  # still quitting only while waiting

    def session_ending(self) -> None:
        """The desktop session ends (log out, shut down): closing the window now ends the program,
        without hiding in the tray or asking (a run in progress is still waited for)."""
        self._quitting = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting:
            if self.keeps_running_in_the_tray():
                event.ignore()
                self.hide_to_tray()
                return
            if self._schedules_would_stop():
                event.ignore()
                self._ask_before_closing()
                return
            self._quitting = True
        if self._running or self.engine.running():  # a run in progress, or one waiting its turn
            event.ignore()
            self._wait_for_the_run()
            return
        self._close_for_good()
        super().closeEvent(event)
        self.closed.emit()

    def _schedules_would_stop(self) -> bool:
        """Whether this program runs schedules that closing it would stop."""
        timetable = self.schedule_setup.timetable
        on = timetable.backorders_enabled and any(row.rule.enabled for row in timetable.schedules)
        return on and self.engine.is_on()

    def _ask_before_closing(self) -> None:
        """Closing would stop the schedules: ask first (the window stays while it asks; Yes
        closes it). The question is a window-modal box, with no event loop of its own."""
        if self._asking is not None:
            self._asking.raise_()
            return
        why = (
            "this desktop has no system tray to keep it running in"
            if not self.tray.is_there()
            else "keeping it running in the tray is turned off (File menu)"
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Close Backorder Desktop",
            f"Schedules are on, and they run only while Backorder Desktop is open ({why}).\n\n"
            "Close anyway? No scheduled run happens here until the program is started again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda _result: self._answered(box))
        self._asking = box
        box.open()

    def _answered(self, box: QMessageBox) -> None:
        if self._asking is not box:
            return
        self._asking = None
        box.deleteLater()
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
            self._quitting = True
            self.close()
        else:
            self.say("The window stays open, and the schedules keep running.")

    def _wait_for_the_run(self) -> None:
        """Quitting while a run is in progress: wait for it with a progress dialog, which can
        cancel the quit. No new scheduled run starts meanwhile."""
        if self._waiting is not None:
            self._waiting.show()
            return
        names = " and ".join(process_title(p) for p in processes.PROCESSES if p in self._running)
        names = names or "the run in progress"
        dialog = QProgressDialog(f"Waiting for {names} to finish…", "Cancel", 0, 0, self)
        dialog.setWindowTitle("Quit Backorder Desktop")
        dialog.setAccessibleName("Waiting for the run")
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(lambda: self._quit_cancelled(dialog))
        self._waiting = dialog
        self.engine.pause_schedules(True)
        dialog.show()
        self._quit_once_no_run_is_left()
        self.say(f"Quitting once {names} has finished…")

    def _quit_cancelled(self, dialog: QProgressDialog) -> None:
        if self._waiting is not dialog:
            return  # closed because the run finished
        self._waiting = None
        self._quitting = False
        self.engine.pause_schedules(self.pause_action.isChecked())
        dialog.deleteLater()
        self.say("Quit cancelled: the program keeps running.")

    def _quit_after_the_run(self) -> None:
        dialog, self._waiting = self._waiting, None
        if dialog is not None:
            dialog.close()  # its canceled signal is ignored now
            dialog.deleteLater()
        self._quitting = True
        self.close()

    def _remember_window(self) -> None:
        saved = settings()
        saved.setValue("window/geometry", self.saveGeometry())
        if self.tabs.currentWidget() is self.shipments:
            self.mark_shipments_seen()
        saved.sync()

    def _close_for_good(self) -> None:
        """The window closes and the program ends: the scheduler is told to stop (ui/app.py waits
        for it), the window asks the database nothing more, the tray icon goes."""
        self.watcher.stop()
        self.engine.stop(timeout=0)
        self._remember_window()
        self.tray.hide()
        log.info("window closed; the program ends")

    # -- start at login --------------------------------------------------------------------

    def _show_start_at_login(self) -> None:
        with QSignalBlocker(self.start_at_login_action):
            self.start_at_login_action.setChecked(autostart.supported() and autostart.is_on())

    def _start_at_login_toggled(self, on: bool) -> None:
        """File › Start at login: write or remove the autostart entry (Linux, XDG)."""
        try:
            if on:
                path = autostart.turn_on(self.target, default_database())
            else:
                autostart.turn_off()
        except (OSError, ValueError) as error:
            log.warning("start at login could not be changed: %s", error)
            tell(self, "Start at login", f"Start at login could not be changed:\n\n{error}", problem=True)
            self._show_start_at_login()
            return
        if not on:
            self.say("Backorder Desktop no longer starts at login.")
            return
        self.say(f"Backorder Desktop starts at login on {shown(self.target)} ({path}).")
        if autostart.password_left_out(self.target):
            tell(
                self,
                "Start at login",
                f"Backorder Desktop starts at login on {shown(self.target)}.\n\nThe password is not"
                f" written in {path}: put it in ~/.pgpass, where PostgreSQL looks for it.",
            )
