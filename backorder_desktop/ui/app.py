"""Starting the window: Qt application, error hooks, database, scheduler engine, main window."""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from backorder_desktop.domain.products import catalogue_is_empty
from backorder_desktop.paths import data_dir, default_database, resource
from backorder_desktop.scheduling.bridge import EngineBridge
from backorder_desktop.scheduling.engine import Engine
from backorder_desktop.store.errors import DatabaseProblem
from backorder_desktop.store.schema import open_database
from backorder_desktop.store.urls import shown
from backorder_desktop.ui import style
from backorder_desktop.ui.errors import ErrorReporter, report_before_the_window
from backorder_desktop.ui.main_window import MainWindow, make_engine
from backorder_desktop.ui.workers import wait_for_background

log = logging.getLogger(__name__)


def demo_database() -> str:
    return str(data_dir() / "demo.sqlite3")


def prepare(target: str, demo: bool, create: bool = False) -> None:
    """Open TARGET (making it, with CREATE); with DEMO, fill it with the demo data set when empty."""
    open_database(target, create=create or demo)
    if demo and catalogue_is_empty():
        from backorder_desktop.demo import load_demo

        log.info("filling %s with the demo data set", shown(target))
        load_demo()


def build(target: str, engine: Engine | None = None) -> tuple[MainWindow, Engine, EngineBridge]:
    """The main window on an open database, with its engine (not yet started)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        style.use(existing)
    bridge = EngineBridge()
    engine = engine or make_engine(target, bridge)
    engine.listener = bridge.listener()
    reporter = ErrorReporter()
    window = MainWindow(target, engine, bridge, reporter)
    return window, engine, bridge


def run_window(args: argparse.Namespace) -> int:
    """Open the window on the database ARGS name (--db, --demo); return the exit status when
    it closes."""
    opened = open_window(args)
    if isinstance(opened, int):
        return opened
    app, window = opened
    quit_on_last = app.quitOnLastWindowClosed()
    # The program ends when the window closes for good (File › Quit, the tray's Quit, or closing
    # it with no tray to hide in), not when its last window is hidden: a message box closed while
    # the window is in the tray would otherwise end it.
    app.setQuitOnLastWindowClosed(False)
    window.closed.connect(app.quit)
    try:
        status = app.exec()
    finally:
        app.setQuitOnLastWindowClosed(quit_on_last)
    window.engine.stop()  # the engine of the database open at the end (File › Open may change it)
    wait_for_background()
    return int(status)


def open_window(args: argparse.Namespace) -> tuple[QApplication, MainWindow] | int:
    """The Qt application and the main window on the database ARGS name, shown, its scheduler
    started (what `run_window` does before its event loop); an exit status if it cannot open."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Backorder Desktop")
    style.use(app)
    sheet = resource("style.qss")
    if sheet.is_file():
        app.setStyleSheet(sheet.read_text(encoding="utf-8"))
    target = args.db or (demo_database() if args.demo else default_database())
    try:
        # The first start makes the default (or demo) database; any other path must hold one.
        prepare(target, args.demo, create=target == default_database())
    except DatabaseProblem as error:
        QMessageBox.critical(None, "Backorder Desktop", f"The database cannot be opened.\n\n{error}")
        return 1
    except Exception as error:  # a bug: its report, as once the window is open
        report_before_the_window(error)
        return 1
    window, engine, _bridge = build(target)
    window.reporter.install()
    # Logging out or shutting down: Qt closes every window, and a close refused (hidden in the
    # tray) would cancel the logout; at the end of the session closing ends the program.
    app.commitDataRequest.connect(lambda _manager: window.session_ending())
    window.show()
    engine.start()
    return app, window
